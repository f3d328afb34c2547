"""Stored duplicate profiles (migration 0012, #11 item 7): what the HQ-wide duplicate check
compares of each person HQ holds — the `domain.duplicates.DuplicateProfile` of a record's holder
and of each of its dependants, in compact columns (normalised national number, name keys, their
sounds, sex, birth date, mother's name key) with the name shown in a finding's message and the
record's office and registration day — filed at ingest beside `person_numbers` and
`person_names` (one row per person of each record's newest revision; a new revision replaces
them), so the check can compare a held candidate without reading or parsing its JSON.

`rows` makes a record's rows, `read` gives them back as profiles; both use only the domain's
`profile`, so a stored profile compares exactly as one computed from the record. Each row
carries the rule it was filed under (`RULE`, migration 0014): `read` gives back only records
filed under today's rule — the check compares the others from their JSON and files them again.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.engine import Connection

from fundclient.domain.duplicates import DuplicateProfile, profile
from fundclient.domain.records import Beneficiary
from fundclient.hq.db import Lean, among, person_profiles


# The rule the rows are filed under. Bump it whenever what a row holds for a person changes —
# `domain.duplicates.profile` (name keys, sounds, the number's normal form) or these columns —:
# rows of an older rule are then never compared; the check compares those records from their
# JSON and files them again (hq/duplicates.py), so HQ's stored profiles follow the change.
RULE = 1


@dataclass(frozen=True, slots=True)
class StoredPerson:
    """One person of a held record, as filed: `person` 0 is the holder, 1… its dependants in the
    record's order."""

    record_id: str
    revision: int
    person: int
    role: str  # holder | dependant
    profile: DuplicateProfile
    shown: str  # the name as a finding's message shows it (`name.full()`, ≤ 120 characters)
    office_code: str
    registered_on: str  # the office's registration day (ISO)


def rows(record_id: str, revision: int, beneficiary: Beneficiary, office: str, day: str,
         known: dict | None = None) -> list[dict]:
    """The `person_profiles` rows of one record's revision (`day`: its registration day, as
    `duplicates.registered_on` gives it). `known`: profiles already made, by `id(person)` (the
    check's memo: a batch's people are profiled once)."""
    out = []
    for n, person in enumerate([beneficiary, *beneficiary.dependants]):
        p = known.get(id(person)) if known else None
        if p is None:
            p = profile(person)
        out.append({"record_id": record_id, "person": n, "revision": revision,
                    "role": "holder" if n == 0 else "dependant", "national_number": p.national_number,
                    "first": p.parts[0], "father": p.parts[1], "grandfather": p.parts[2], "family": p.parts[3],
                    "sounds": " ".join(sorted(p.sounds)), "sex": p.sex,
                    "born": p.date_of_birth.isoformat() if p.date_of_birth else "", "mother": p.mother,
                    "shown": person.name.full()[:120], "office_code": office, "registered_on": day,
                    "rule": RULE})
    return out


_READ = Lean(select(person_profiles).where(among(person_profiles.c.record_id))
             .order_by(person_profiles.c.record_id, person_profiles.c.person))


def read(conn: Connection, record_ids) -> dict[str, list[StoredPerson]]:
    """The filed people of each of `record_ids` HQ holds (holder first), by record id; one
    statement. Records HQ does not hold (or whose data did not parse), and records filed under
    another rule than `RULE`, are absent."""
    ids = list(dict.fromkeys(record_ids))
    if not ids:
        return {}
    found: dict[str, list[StoredPerson]] = {}
    stale = set()
    for r in _READ.rows(conn, {"v": ids}):
        if r.rule != RULE:
            stale.add(r.record_id)
        else:
            found.setdefault(r.record_id, []).append(_person(r))
    for record_id in stale:  # (a record's rows are filed together: never some of one rule and some of another)
        found.pop(record_id, None)
    return found


def _person(r) -> StoredPerson:
    parts = (r.first, r.father, r.grandfather, r.family)
    words = tuple(sorted(p for p in parts if p))
    born = date.fromisoformat(r.born) if r.born else None
    return StoredPerson(r.record_id, r.revision, r.person, r.role,
                        DuplicateProfile(national_number=r.national_number, parts=parts,
                                         sounds=frozenset(r.sounds.split()), words=words, sex=r.sex,
                                         date_of_birth=born, mother=r.mother),
                        r.shown, r.office_code, r.registered_on)
