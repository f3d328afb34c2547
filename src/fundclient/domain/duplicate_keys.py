"""Who is a possible duplicate of whom: the blocking keys of the duplicate check.

One rule for the registration form's check (`possible_duplicates`), an import's batch check and
the keys the office stores (`duplicate_keys` table, migration 0008): a stored person (holder or
dependant) is a candidate for a new holder when they share a key below, or a national number.
Every candidate is then scored by `domain.duplicates.find_duplicates` — there is no cut-off by
count: every person sharing a key is scored.

The keys follow from what `find_duplicates` can call a possible duplicate. A match that is not
by national number needs a birth agreement of at least the threshold (0.85): the same date,
day and month swapped, the same year with the same month or the same day, the same day and
month with the year one digit off, or a date unknown on one side (then the name must agree
fully). And the name's agreement must make up the rest: with the same date at least 0.85 —
at most one of first, father's and family name merely similar (a slip of the keyboard, a
different word); with a date that is only close at least 0.89–0.94 — first and family name by
sound. `sound` below is the part's sound key (`arabic.phonetic_key`; the same sound covers the
same spelling, with or without «ال», and the sound tier):

    stored for a person born on D (year Y)      looked up for a new holder born on D
    d|D|<two of first, father, family sounds>   the same, on D and on D with day and month swapped
    y|Y|<first sound>|<family sound>            the same (same year: a typo in the day or the month)
    m|MM-DD|<first sound>|<family sound>        the same (same day: a typo in the year)
    u|<the four parts as written>  (no date)    the same (a date unknown on one side: the
                                                whole name must agree, every part the same)

Pairs are unordered (the family name typed in the first box still meets). What this rule does
not find, by design: the same date with two of first, father's and family name spelled beyond
their sound; a close date with first or family name spelled beyond its sound; a form without
a birth date (the holder's is required) — against the form's older rule (the 30 names the
search box ranks first, whatever their dates) it finds every person whose date can match
however many people share the name (at a million records the 30 best-ranked names of a common
name need not hold the one born on the same day).
"""

from __future__ import annotations

from datetime import date
from functools import lru_cache

from fundclient.domain.arabic import phonetic_key
from fundclient.domain.duplicates import profile_of_name

KEY_LENGTH = 96  # a key is stored as text: long names are cut, the same way on both sides


def _sound(part: str) -> str:
    return "".join(phonetic_key(w) or w for w in part.split())


def _parts(profile) -> tuple[str, str, str, date | None]:
    """(first, father, family) sounds and the birth date of a `duplicates.DuplicateProfile`."""
    first, father, _, family = profile.parts
    return _sound(first), _sound(father), _sound(family), profile.date_of_birth


def person_keys(person) -> tuple[list[str], list[str]]:
    """(stored_keys, lookup_keys) of a holder or dependant (`domain.records`), from the values
    the duplicate check's profile reads (the structural name parts and the birth date): the
    name's sounds found once per distinct name, the keys once per name and date — an import's
    row is keyed for the batch check, for the batch's later rows and for the write."""
    name = person.name
    born = person.date_of_birth
    return _keys_of(_name_sounds(name.first, name.father, name.grandfather, name.family),
                    born if isinstance(born, date) else None)


# Sized for an import's batch (500 rows, ~1,600 people), not a day (see domain.duplicates).
@lru_cache(maxsize=1 << 12)
def _name_sounds(first, father, grandfather, family) -> tuple[str, str, str, str]:
    p = profile_of_name(first, father, grandfather, family, None)
    return (*_parts(p)[:3], _exact(p))


@lru_cache(maxsize=1 << 12)
def _keys_of(sounds: tuple[str, str, str, str], born: date | None) -> tuple[list[str], list[str]]:
    return _stored(*sounds, born), _lookup(*sounds, born)


def _exact(profile) -> str:
    """The four structural parts as written (normalised): with a date unknown on one side only
    a name agreeing fully — every part the same, none missing on one side — can match."""
    return "|".join(part.replace(" ", "_") for part in profile.parts)


def _pair(a: str, b: str) -> str:
    return f"{a}|{b}" if a <= b else f"{b}|{a}"


def _name_pairs(first: str, father: str, family: str) -> list[str]:
    return [_pair(a, b) for a, b in ((first, family), (first, father), (father, family)) if a and b]


def _cut(keys) -> list[str]:
    return list(dict.fromkeys(k[:KEY_LENGTH] for k in keys))


def stored_keys(profile) -> list[str]:
    """The keys a person (holder or dependant) is filed under."""
    first, father, family, born = _parts(profile)
    return _stored(first, father, family, _exact(profile), born)


def lookup_keys(profile) -> list[str]:
    """The keys to look up for a new holder: every stored person sharing one is a candidate."""
    first, father, family, born = _parts(profile)
    return _lookup(first, father, family, _exact(profile), born)


def _stored(first: str, father: str, family: str, exact: str, born: date | None) -> list[str]:
    if not (first and family):
        return _cut(f"d|{born.isoformat()}|{p}" for p in _name_pairs(first, father, family)) if born else []
    if born is None:
        return _cut([f"u|{exact}"])
    return _cut([*(f"d|{born.isoformat()}|{p}" for p in _name_pairs(first, father, family)),
                 f"y|{born.year}|{first}|{family}", f"m|{born.month:02d}-{born.day:02d}|{first}|{family}"])


def _lookup(first: str, father: str, family: str, exact: str, born: date | None) -> list[str]:
    if born is None:  # no birth date: only a name agreeing fully can match, and only undated people
        return _cut([f"u|{exact}"]) if first and family else []
    dates = [born]
    if born.day <= 12 and born.day != born.month:
        dates.append(date(born.year, born.day, born.month))
    keys = [f"d|{d.isoformat()}|{p}" for d in dates for p in _name_pairs(first, father, family)]
    if first and family:
        keys += [f"y|{born.year}|{first}|{family}", f"m|{born.month:02d}-{born.day:02d}|{first}|{family}",
                 f"u|{exact}"]
    return _cut(keys)
