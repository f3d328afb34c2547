"""A received record's people, typed and profiled in one pass over its decoded JSON (#11 item 7).

HQ needs of each record of a batch only its people: the holder and each dependant, with the
duplicate profile the HQ-wide check compares (`domain.duplicates.profile_of_values`, the one
implementation) and the name a finding shows. Building the record's `Beneficiary` for that cost
HQ more than the profiles themselves; `read` reads the same values straight from the JSON.

Exactly as strict as the domain's parse: `read` refuses (None) every record
`Beneficiary.from_dict` refuses — the same checks, field by field: a name is an object with no
keys but the four parts; dependants a list of objects (or an empty text or object, which
`from_dict` iterates to nothing); each choice (sex, marital status, channel, status, relation)
one of its codes; a date of birth, when there is one, an ISO date; created_at / updated_at, when
text, an ISO date-time; a photo exception as `PhotoException.from_dict` reads it. The values
the profile reads are the ones `from_dict` would have put in the objects (a missing sex is the
holder's male, the dependant's female). tests/sync/test_hq_people.py checks both against
`from_dict` and `profile` on real records and on hostile ones.

One thing more than `from_dict`: a name part that is not text (and not empty) is refused — it
cannot be shown (`ArabicName.full`), and filing such a record failed the whole batch with an
exception (`profiles.rows`), so its office sent the batch again for ever.
"""

from __future__ import annotations

from datetime import date, datetime

from fundclient.domain.duplicates import profile_of_values
from fundclient.domain.photo_exception import PhotoException
from fundclient.domain.records import NAME_PARTS, Channel, MaritalStatus, RecordStatus, Relation, Sex

_NAME_KEYS = frozenset(NAME_PARTS)
_SEXES = frozenset(m.value for m in Sex)
_RELATIONS = frozenset(m.value for m in Relation)
# the holder's choices `from_dict` turns into members when present (domain.records._BENEFICIARY_ENUMS)
_HOLDER_CHOICES = (("sex", _SEXES), ("marital_status", frozenset(m.value for m in MaritalStatus)),
                   ("channel", frozenset(m.value for m in Channel)),
                   ("status", frozenset(m.value for m in RecordStatus)))
_PARSE_ERRORS = (TypeError, ValueError, KeyError, AttributeError, RecursionError)  # what ingest refuses on


class ShownName:
    """A person's name as a finding shows it (`ArabicName.full()`'s text), in place of the
    `ArabicName` the check would otherwise build (here and in hq/duplicates.py)."""

    __slots__ = ("shown",)

    def __init__(self, shown: str) -> None:
        self.shown = shown

    def full(self) -> str:
        return self.shown


class Person:
    """A received record's holder or one of its dependants, in place of its `Beneficiary` /
    `Dependant` for the HQ-wide check (`find_duplicates` reads its record id, dependants and
    shown name; its profile is `profile`, which the check puts in the comparisons' memo)."""

    __slots__ = ("record_id", "name", "dependants", "profile")

    def __init__(self, record_id: str, shown: str, profile) -> None:
        self.record_id, self.name, self.dependants, self.profile = record_id, ShownName(shown), [], profile


def read(record: dict) -> Person | None:
    """The record's holder (its dependants in `.dependants`, in the record's order), or None
    when `Beneficiary.from_dict(record)` would refuse it (or a name cannot be shown).
    `record` is a dict whose record id and national number ingest has typed already."""
    try:
        return _read(record)
    except _PARSE_ERRORS:
        return None


def _read(record: dict) -> Person | None:
    for key, codes in _HOLDER_CHOICES:
        if key in record and not _is_code(record[key], codes):
            return None
    born = _born(record.get("date_of_birth"))
    for key in ("created_at", "updated_at"):
        value = record.get(key)
        if isinstance(value, str):
            datetime.fromisoformat(value)  # ValueError: refused, as from_dict
    PhotoException.from_dict(record.get("photo_exception"))  # (None for none; raises as from_dict)
    dependants = record.get("dependants", [])
    if type(dependants) is not list:
        if type(dependants) in (str, dict) and not dependants:  # from_dict iterates them to nothing
            dependants = []
        else:
            return None
    parts = _name(record.get("name", {}))
    if parts is None:
        return None
    record_id = record["record_id"]
    holder = Person(record_id, _shown(parts), profile_of_values(
        record.get("national_number", ""), *parts, record.get("sex", "M"), born, record.get("mother_name", ""),
        cached=False))
    for data in dependants:
        if type(data) is not dict:
            return None
        if "relation" in data and not _is_code(data["relation"], _RELATIONS):
            return None
        if "sex" in data and not _is_code(data["sex"], _SEXES):
            return None
        parts = _name(data.get("name", {}))
        if parts is None:
            return None
        holder.dependants.append(Person(record_id, _shown(parts), profile_of_values(
            data.get("national_number", ""), *parts, data.get("sex", "F"), _born(data.get("date_of_birth")), "",
            cached=False)))
    return holder


def _is_code(value: object, codes: frozenset[str]) -> bool:
    return type(value) is str and value in codes


def _born(value: object) -> object:
    """What `from_dict` makes of a date of birth: an ISO date when given (else it raises), the
    value itself when empty (the profile then reads no date)."""
    return date.fromisoformat(value) if value else value


def _name(name: object) -> tuple | None:
    """The four parts of a name object as `ArabicName(**name)` takes them, None when it would not."""
    if type(name) is not dict or not name.keys() <= _NAME_KEYS:
        return None
    return (name.get("first", ""), name.get("father", ""), name.get("grandfather", ""), name.get("family", ""))


def _shown(parts: tuple) -> str:
    """`ArabicName.full()`; a part that is not text (and not empty) cannot be shown: TypeError."""
    return " ".join(p for p in parts if p)
