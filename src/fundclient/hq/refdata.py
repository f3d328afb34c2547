"""Reference data (offices, municipalities, pension authorities, categories) and revoked cards, as an
append-only change log. A device pulls `changes.id > token`; the last id is its next token."""

from __future__ import annotations

import json
from datetime import datetime, timezone

from sqlalchemy import insert, select
from sqlalchemy.engine import Connection, Engine

from fundclient.domain.categories import category_problem
from fundclient.errors import Message, SyncError
from fundclient.hq.db import card_revocations, changes
from fundclient.domain.reference import bundled_reference

REFERENCE_KINDS = ("offices", "municipalities", "pension_authorities", "categories")
REVOKED_CARD = "revoked_card"
CATEGORY_NOT_REMOVED = Message("A category is not removed (records hold it); make it inactive instead.")
BAD_KIND = Message("Unknown kind of reference data.")


def _now() -> datetime:
    return datetime.now(timezone.utc)


def set_reference(engine: Engine, kind: str, code: str, data: dict | None) -> None:
    """Add or update one entry (data=None removes it)."""
    if kind not in REFERENCE_KINDS:
        raise SyncError(BAD_KIND, code="bad_reference_kind")
    if kind == "categories":
        if data is None:  # records keep their category: a category is made inactive, never removed
            raise SyncError(CATEGORY_NOT_REMOVED, code="bad_category")
        problem = category_problem({**data, "code": code})
        if problem is not None:
            raise SyncError(problem, code="bad_category")
        data = {**data, "code": code}
    with engine.begin() as conn:
        conn.execute(insert(changes).values(kind=kind, key=code, data=json.dumps(data or {}, ensure_ascii=False),
                                            deleted=data is None, at=_now()))


UNKNOWN_OFFICE = Message("'{code}' is not an office code in HQ's reference data. Known codes: {known}")


def office_codes(engine: Engine) -> set[str]:
    """The fund's offices: the bundled list, then HQ's own additions and removals (`hq reference`)."""
    codes = set(bundled_reference().codes("offices"))
    with engine.connect() as conn:
        for key, deleted in conn.execute(select(changes.c.key, changes.c.deleted)
                                         .where(changes.c.kind == "offices").order_by(changes.c.id)):
            (codes.discard if deleted else codes.add)(key)
    return codes


def canonical_office(engine: Engine, code: str) -> str:
    """The office's code as HQ's reference data spells it (`brk` → `BRK`); an unknown office is
    refused (SyncError unknown_office): HQ never numbers devices of an office that does not exist."""
    known = office_codes(engine)
    wanted = (code or "").strip().casefold()
    for candidate in known:
        if candidate.casefold() == wanted:
            return candidate
    raise SyncError(UNKNOWN_OFFICE.format(code=(code or "")[:20], known=", ".join(sorted(known))),
                    code="unknown_office")


def revoke_card(conn: Connection, card_number: str, reason: str, *, source: str) -> None:
    if conn.execute(select(card_revocations.c.card_number).where(card_revocations.c.card_number == card_number)).first():
        return  # already revoked: the first reason stands, no second change entry
    conn.execute(insert(card_revocations).values(card_number=card_number, reason=reason, source=source, at=_now()))
    conn.execute(insert(changes).values(kind=REVOKED_CARD, key=card_number,
                                        data=json.dumps({"reason": reason}, ensure_ascii=False), deleted=False,
                                        at=_now()))


def changes_since(engine: Engine, token: int, limit: int = 2000) -> dict:
    with engine.connect() as conn:
        rows = conn.execute(select(changes).where(changes.c.id > token).order_by(changes.c.id).limit(limit)).all()
    items = [{"kind": r.kind, "key": r.key, "data": json.loads(r.data), "deleted": r.deleted} for r in rows]
    return {"token": rows[-1].id if rows else token, "changes": items, "more": len(rows) == limit}
