"""Hash-chained log of every staff action at HQ: each entry's hash covers the previous hash,
so deleting, reordering or editing an entry breaks the chain (`fundclient hq audit verify`)."""

from __future__ import annotations

import hashlib
import json
from datetime import datetime, timezone

from sqlalchemy import insert, select
from sqlalchemy.engine import Connection, Engine

from fundclient.hq.console.models import hq_audit

GENESIS = "0" * 64


def _digest(prev: str, at: str, actor: str, action: str, target: str, detail: str) -> str:
    body = json.dumps([prev, at, actor, action, target, detail], ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(body.encode()).hexdigest()


def _stamp(at: datetime) -> str:
    if at.tzinfo is None:  # SQLite returns naive datetimes
        at = at.replace(tzinfo=timezone.utc)
    return at.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def record(conn: Connection, actor: str, action: str, target: str = "", **detail) -> None:
    """Append one entry in the caller's transaction (the action and its audit commit together).
    The chain head is read with FOR UPDATE on PostgreSQL so two writers cannot fork it."""
    last = conn.execute(select(hq_audit.c.hash).order_by(hq_audit.c.id.desc()).limit(1).with_for_update()).scalar()
    prev = last or GENESIS
    at = datetime.now(timezone.utc)
    text = json.dumps(detail, ensure_ascii=False, sort_keys=True)
    conn.execute(insert(hq_audit).values(at=at, actor=actor[:64], action=action[:48], target=target[:128],
                                         detail=text, prev_hash=prev,
                                         hash=_digest(prev, _stamp(at), actor[:64], action[:48], target[:128], text)))


def verify(engine: Engine) -> tuple[bool, int, int | None]:
    """(intact, entries checked, id of the first broken entry or None)."""
    prev = GENESIS
    count = 0
    with engine.connect() as conn:
        for row in conn.execute(select(hq_audit).order_by(hq_audit.c.id)):
            expected = _digest(prev, _stamp(row.at), row.actor, row.action, row.target, row.detail)
            if row.prev_hash != prev or row.hash != expected:
                return False, count, row.id
            prev = row.hash
            count += 1
    return True, count, None


def recent(engine: Engine, limit: int = 200) -> list:
    with engine.connect() as conn:
        return conn.execute(select(hq_audit).order_by(hq_audit.c.id.desc()).limit(limit)).all()
