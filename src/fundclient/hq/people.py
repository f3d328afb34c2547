"""A received record's people, typed and profiled from its decoded JSON (#11 item 7).

HQ needs of each record of a batch only its people: the holder and each dependant, with the
duplicate profile the HQ-wide check compares (`domain.duplicates.profile_of_values`, the one
implementation) and the name a finding shows. Building the record's `Beneficiary` for that cost
HQ more than the profiles themselves; `read` takes the people's values from the domain's one
reader of a record's JSON, `domain.records.typed_values` — the reader `Beneficiary.from_dict`
builds its objects from —, so HQ refuses exactly the records the domain's parse refuses, by the
same rules in one place (tests/sync/test_hq_people.py checks that, and that each profile and
shown name is the one `profile` and `ArabicName.full` give for the parsed record, on real
records and on hostile ones).

One thing more than the domain's parse: a name part that is not text (and not empty) is refused
— it cannot be shown (`ArabicName.full`), and filing such a record failed the whole batch with an
exception (`profiles.rows`), so its office sent the batch again for ever.
"""

from __future__ import annotations

from fundclient.domain.duplicates import profile_of_values
from fundclient.domain.records import typed_values

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
    values = typed_values(record)  # (raises where `from_dict` would: the domain's one reader)
    record_id = record["record_id"]
    parts = values["name"]
    sex = values.get("sex", "M")
    holder = Person(record_id, _shown(parts), profile_of_values(
        values.get("national_number", ""), *parts, sex if type(sex) is str else sex.value,
        values.get("date_of_birth"), values.get("mother_name", ""), cached=False))
    for typed in values["dependants"]:
        parts = typed["name"]
        holder.dependants.append(Person(record_id, _shown(parts), profile_of_values(
            typed.get("national_number", ""), *parts, typed["sex"].value, typed.get("date_of_birth"), "",
            cached=False)))
    return holder


def _shown(parts: tuple) -> str:
    """`ArabicName.full()`; a part that is not text (and not empty) cannot be shown: TypeError."""
    return " ".join(filter(None, parts))
