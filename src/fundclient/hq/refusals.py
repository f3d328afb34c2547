"""Records HQ refused one by one (a card number another record holds, a revision that differs
from the one HQ holds, a record that does not parse …): kept so the registration department sees
them on the console's decisions page until the office sends a corrected revision. The refusal
itself already travelled to the office in the signed acknowledgement."""

from __future__ import annotations

from datetime import datetime, timezone

from sqlalchemy import and_, exists, insert, select
from sqlalchemy.engine import Connection, Engine

from fundclient.domain.records import full_name_of
from fundclient.hq.db import record_refusals, records


def _text(value: object, limit: int) -> str:
    """What a refused record says, cut to size, NUL shown as U+FFFD (no database stores it in
    text, and a record refused for holding one is still listed)."""
    return value.replace("\x00", "\ufffd")[:limit] if isinstance(value, str) else ""


def _holder_name(record: dict) -> str:
    return _text(full_name_of(record.get("name")), 200)


def store(conn: Connection, items: list[dict], results: list[dict], device, batch_id: str) -> None:
    """One row per record refused in this batch (typed: whatever the record holds is cut to size)."""
    now = datetime.now(timezone.utc)
    rows = []
    for item, result in zip(items, results):
        if result.get("type") != "record" or result.get("status") != "rejected" or not result.get("record_id"):
            continue
        record = item.get("record") if isinstance(item, dict) and isinstance(item.get("record"), dict) else {}
        rows.append(dict(record_id=result["record_id"], revision=result.get("revision") or 0, batch_id=batch_id,
                         device_id=device.device_id, office_code=device.office_code,
                         reason=_text(result.get("reason"), 32), name=_holder_name(record),
                         national_number=_text(record.get("national_number"), 32), at=now))
    if rows:
        conn.execute(insert(record_refusals), rows)


def waiting(engine: Engine, limit: int = 100) -> list:
    """Refusals not settled yet (nothing of the record held since), newest first."""
    settled = exists().where(and_(records.c.record_id == record_refusals.c.record_id,
                                  records.c.received_at > record_refusals.c.at))
    with engine.connect() as conn:
        return conn.execute(select(record_refusals).where(~settled)
                            .order_by(record_refusals.c.at.desc()).limit(limit)).all()
