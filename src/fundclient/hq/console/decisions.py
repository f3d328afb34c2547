"""HQ's decisions on flagged records, and how they reach the office.

A reviewer keeps a record, rejects it with a reason, or marks it as the duplicate of another.
The decision is stored with a signed answer (sync.ack.sign_decision, HQ's signing keys, like
batch acknowledgements); the office's devices fetch the answers for their office at each sync
(GET /api/v1/decisions, a request signed by the device) and verify them before writing them
where HQ's per-record answers go.
Only codes travel (record id, revision, status, reason code, duplicate-of id): the reviewer's
note stays at HQ.
"""

from __future__ import annotations

import json
import time
from datetime import datetime, timezone

from sqlalchemy import insert, select, update
from sqlalchemy.engine import Engine

from fundclient.errors import Message, SyncError
from fundclient.hq.console import audit
from fundclient.hq.console.models import decisions, people
from fundclient.hq.db import devices, records
from fundclient.sync.ack import sign_decision
from fundclient.sync.decisions import REQUEST_WINDOW, request_claim
from fundclient.sync.keys import verify_signature
from fundclient.sync.reasons import DECISION_REASONS

ACTION_STATUS = {"keep": "accepted", "reject": "rejected", "duplicate": "duplicate"}
NO_RECORD = Message("HQ holds no record with this id.")
BAD_DECISION = Message("The decision or its reason is not valid.")
NEED_OTHER = Message("Choose the record this one duplicates (another record HQ holds).")
MAX_ANSWERS = 500


def decide(engine: Engine, signing_private: dict[str, bytes], actor: str, record_id: str, action: str,
           reason: str, duplicate_of: str = "", note: str = "") -> dict:
    if action not in DECISION_REASONS or reason not in DECISION_REASONS[action]:
        raise SyncError(BAD_DECISION, code="bad_decision")
    with engine.begin() as conn:
        newest = conn.execute(select(records.c.revision, records.c.office_code).where(records.c.record_id == record_id)
                              .order_by(records.c.revision.desc()).limit(1)).first()
        if newest is None:
            raise SyncError(NO_RECORD, code="no_record")
        other = None
        if action == "duplicate":
            other = duplicate_of.strip()
            if not other or other == record_id or conn.execute(
                    select(records.c.record_id).where(records.c.record_id == other).limit(1)).first() is None:
                raise SyncError(NEED_OTHER, code="need_other")
        now = datetime.now(timezone.utc)
        new_id = conn.execute(insert(decisions).values(
            record_id=record_id, revision=newest.revision, office_code=newest.office_code, action=action,
            reason=reason, duplicate_of=other, note=note[:1000], decided_by=actor, decided_at=now, doc="")
        ).inserted_primary_key[0]
        body = {"v": 1, "id": int(new_id), "office_code": newest.office_code, "record_id": record_id,
                "revision": newest.revision, "status": ACTION_STATUS[action], "reason": reason,
                "duplicate_of": other, "decided_at": now.isoformat()}
        conn.execute(update(decisions).where(decisions.c.id == new_id)
                     .values(doc=json.dumps(sign_decision(body, signing_private))))
        conn.execute(update(people).where(people.c.record_id == record_id, people.c.revision == newest.revision)
                     .values(decided=True, status=ACTION_STATUS[action]))
        audit.record(conn, actor, f"decision_{action}", record_id, revision=newest.revision, reason=reason,
                     duplicate_of=other, note=bool(note))
    return body


def answers_for_device(engine: Engine, device_id: str, since: int, at: int, signature: bytes) -> dict | None:
    """Signed decisions for the office of this device, after `since`, if the request is signed by
    that device (enrolled, not revoked) within the replay window; None otherwise."""
    if abs(time.time() - at) > REQUEST_WINDOW:
        return None
    with engine.connect() as conn:
        device = conn.execute(select(devices.c.office_code, devices.c.revoked_at, devices.c.public_key)
                              .where(devices.c.device_id == device_id)).first()
        if device is None or device.revoked_at is not None \
                or not verify_signature(bytes(device.public_key), signature, request_claim(device_id, since, at)):
            return None
        rows = conn.execute(select(decisions.c.id, decisions.c.doc)
                            .where(decisions.c.office_code == device.office_code, decisions.c.id > since)
                            .order_by(decisions.c.id).limit(MAX_ANSWERS)).all()
    return {"decisions": [json.loads(r.doc) for r in rows], "token": rows[-1].id if rows else since,
            "more": len(rows) == MAX_ANSWERS}
