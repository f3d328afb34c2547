"""HQ's answer to an office's online duplicate lookup (sync/lookup.py; #14 item 2).

By national number: every holder or dependant HQ holds with one of the numbers asked
(`person_numbers`). By name + birth date: the people filed under the same blocking keys,
compared by the offices' own duplicate check (domain.duplicates: find_duplicates, then
likely_same_person — the rule HQ's ingest answers `duplicate` by). Each hit says only the
office, the registration date, the card's status and the first and family names' initials.

Rate-limited per device (LOOKUPS_PER_MINUTE, counted in the `lookups` table, so every HQ node
shares the count) and every lookup audited there: device, time, kind, the hash of the signed
request (never the number or name asked) and how many people were found.
"""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta, timezone

from sqlalchemy import func, insert, select
from sqlalchemy.engine import Engine

from fundclient.domain.arabic import name_tokens
from fundclient.domain.duplicates import blocking_keys, find_duplicates, likely_same_person, profile
from fundclient.domain.records import ArabicName, Beneficiary, RecordStatus, Sex
from fundclient.hq.db import card_revocations, lookups, person_names, person_numbers, records
from fundclient.sync.ack import sign_body
from fundclient.sync.lookup import ANSWER_CONTEXT, MAX_HITS
from fundclient.hq.duplicates import registered_on

LOOKUPS_PER_MINUTE = 30
MAX_NAME_CANDIDATES = 200


def recent_lookups(engine: Engine, device_id: str) -> int:
    since = datetime.now(timezone.utc) - timedelta(minutes=1)
    with engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(lookups)
                            .where(lookups.c.device_id == device_id, lookups.c.at > since)).scalar() or 0


def audit(engine: Engine, device_id: str, kind: str, q: str, found: int) -> None:
    with engine.begin() as conn:
        conn.execute(insert(lookups).values(device_id=device_id, at=datetime.now(timezone.utc), kind=kind,
                                            query_hash=q, found=found))


def initials(name: ArabicName) -> str:
    """«م. و.»: the first letters of the first and the family name (the family name without «ال»)."""
    first = name_tokens(name.first)[:1]
    family = name_tokens(name.family)[-1:] or name_tokens(name.grandfather)[-1:]
    letters = [w[2:] if w.startswith("ال") and len(w) > 3 else w for w in first + family]
    return " ".join(f"{w[0]}." for w in letters if w)


def _card_status(record: Beneficiary, person, revoked: set[str]) -> str:
    number = getattr(person, "card_number", "")
    if record.status != RecordStatus.ACTIVE:
        return "inactive"
    if not number:
        return "none"
    return "revoked" if number in revoked else "valid"


def answer(engine: Engine, keys_private, device_id: str, body: dict, q: str) -> dict:
    """The signed answer to a typed, signature-checked request; audited."""
    numbers = list(body["numbers"])
    asked = Beneficiary(name=ArabicName(**body["name"]), mother_name=body["mother"],
                        date_of_birth=date.fromisoformat(body["birth"]) if body["birth"] else None,
                        sex=Sex(body["sex"]) if body["sex"] in ("M", "F") else Sex.MALE)
    with engine.connect() as conn:
        by_number = conn.execute(select(person_numbers.c.national_number, person_numbers.c.record_id)
                                 .where(person_numbers.c.national_number.in_(numbers))).all() if numbers else []
        blocks = blocking_keys(asked)
        by_name = set(conn.execute(select(person_names.c.record_id).where(person_names.c.block.in_(blocks))
                                   .limit(MAX_NAME_CANDIDATES)).scalars()) if blocks else set()
        ids = {r.record_id for r in by_number} | by_name
        newest: dict[str, tuple] = {}
        if ids:
            for r in conn.execute(select(records.c.record_id, records.c.revision, records.c.office_code,
                                         records.c.data).where(records.c.record_id.in_(ids))):
                if r.record_id not in newest or r.revision > newest[r.record_id][0]:
                    newest[r.record_id] = (r.revision, r.office_code, r.data)
        held = {}
        for record_id, (_rev, office, data) in newest.items():
            try:
                parsed = json.loads(data)
                held[record_id] = (Beneficiary.from_dict(parsed), office, parsed)
            except (TypeError, ValueError, KeyError, AttributeError):
                continue
        cards = {getattr(p, "card_number", "") for b, _, _ in held.values() for p in (b, *b.dependants)} - {""}
        revoked = set(conn.execute(select(card_revocations.c.card_number)
                                   .where(card_revocations.c.card_number.in_(cards))).scalars()) if cards else set()

    hits, seen = [], set()

    def add(asked_number: str, record_id: str, person) -> None:
        b, office, parsed = held[record_id]
        if record_id == body.get("record_id"):
            return  # the record being edited
        key = (record_id, getattr(person, "dependant_id", "") if person is not b else "")
        if key in seen:
            return
        seen.add(key)
        hits.append({"asked": asked_number, "role": "holder" if person is b else "dependant", "office": office,
                     "registered_on": registered_on(parsed, None), "card_status": _card_status(b, person, revoked),
                     "initials": initials(person.name)})

    for number, record_id in by_number:
        if record_id in held:
            b = held[record_id][0]
            person = next((p for p in (b, *b.dependants) if profile(p).national_number == number), b)
            add(number, record_id, person)
    if asked.name.first and asked.name.family and asked.date_of_birth:
        pool = [held[r][0] for r in by_name if r in held]
        for match in find_duplicates(asked, pool):
            if likely_same_person(asked, match):
                add("", match.existing.record_id, match.existing_dependant or match.existing)
    hits = hits[:MAX_HITS]
    kind = "both" if numbers and asked.name.first else ("number" if numbers else "name")
    audit(engine, device_id, kind, q, len(hits))
    reply = {"v": 1, "device_id": device_id, "q": q, "hq_time": datetime.now(timezone.utc).isoformat(),
             "hits": hits}
    return {"body": reply, "sigs": sign_body(ANSWER_CONTEXT, reply, keys_private)}
