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
two of first, father's and family name can be spelled beyond their sound (a slip in each);
with a date that is only close at least 0.89–0.94 — one of them can. `sound` below is the
part's sound key (`arabic.phonetic_key`; the same sound covers the same spelling, with or
without «ال», and the sound tier):

    stored for a person born on D               looked up for a new holder born on D
    d|D|<first, father or family sound>         the same, on D and on D with day and month swapped
    c|D'|<two of the three sounds, unordered>   the same; D' is D with its day, its month, its
                                                year's decade or its year's unit hidden
    u|<the four parts as written>  (no date)    the same (a date unknown on one side: the
                                                whole name must agree, every part the same)

No key spans every year (a `c` key with a digit of the year hidden spans ten years at most:
births are at most `rules.MAX_AGE_YEARS` old, so two years one digit apart differ in the
decade or the unit). Not found: a form without a birth date (the holder's is required).
tests/core/test_duplicate_keys.py checks the rule against the full comparison over generated
pairs.
"""

from __future__ import annotations

from datetime import date
from functools import lru_cache

from fundclient.domain.arabic import phonetic_key
from fundclient.domain.duplicates import profile_of_name

KEY_LENGTH = 96  # a key is stored as text: long names are cut, the same way on both sides
# The version of the keys below (their format, `arabic.phonetic_key`'s sounds): an office
# holding keys of another version files every person again at its opening
# (`storage.duplicate_rule`). Change it with any change of the keys a stored name gets
# (tests/core/test_duplicate_keys.py pins the keys of known names).
RULE_VERSION = 2


@lru_cache(maxsize=1 << 12)  # a name part's sound, found once for the many names sharing it
def _sound(part: str) -> str:
    return "".join(phonetic_key(w) or w for w in part.split())


def _parts(profile) -> tuple[str, str, str, date | None]:
    """(first, father, family) sounds and the birth date of a `duplicates.DuplicateProfile`."""
    first, father, _, family = profile.parts
    return _sound(first), _sound(father), _sound(family), profile.date_of_birth


def person_keys(person) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(stored_keys, lookup_keys) of a holder or dependant (`domain.records`), from the values
    the duplicate check's profile reads (the structural name parts and the birth date): the
    name's sounds found once per distinct name, the keys once per name and date — an import's
    row is keyed for the batch check, for the batch's later rows and for the write."""
    name = person.name
    born = person.date_of_birth
    return _keys_of(_name_sounds(name.first, name.father, name.grandfather, name.family),
                    born if isinstance(born, date) else None)


def person_stored_keys(person) -> tuple[str, ...]:
    """`person_keys(person)[0]` alone — the keys a write files (`storage.rows`), the lookup
    keys not made."""
    name = person.name
    born = person.date_of_birth
    return _stored_of(_name_sounds(name.first, name.father, name.grandfather, name.family),
                      born if isinstance(born, date) else None)


def stored_keys_of(first, father, grandfather, family, born: date | None) -> tuple[str, ...]:
    """The keys a person is filed under, from their four name parts as stored and their birth
    date — what `person_stored_keys(person)` answers, without the record object (the office's
    re-keying of every stored person, `storage.duplicate_rule`)."""
    return _stored_of(_name_sounds(first, father, grandfather, family), born)


# Sized for an import's batch (500 rows, ~1,600 people), not a day (see domain.duplicates).
@lru_cache(maxsize=1 << 12)
def _name_sounds(first, father, grandfather, family) -> tuple[str, str, str, str]:
    p = profile_of_name(first, father, grandfather, family, None)
    return (*_parts(p)[:3], _exact(p))


@lru_cache(maxsize=1 << 12)
def _keys_of(sounds: tuple[str, str, str, str], born: date | None) -> tuple[tuple[str, ...], tuple[str, ...]]:
    return tuple(_stored(*sounds, born)), tuple(_lookup(*sounds, born))  # tuples: the memo's answer is shared


@lru_cache(maxsize=1 << 12)
def _stored_of(sounds: tuple[str, str, str, str], born: date | None) -> tuple[str, ...]:
    return tuple(_stored(*sounds, born))  # a tuple: the memo's answer is handed to every caller


def _exact(profile) -> str:
    """The four structural parts as written (normalised): with a date unknown on one side only
    a name agreeing fully — every part the same, none missing on one side — can match."""
    return "|".join(part.replace(" ", "_") for part in profile.parts)


def _cut(keys) -> list[str]:
    return list(dict.fromkeys(k[:KEY_LENGTH] for k in keys))


def _dated(born: date, first: str, father: str, family: str) -> list[str]:
    """The keys of a birth date: each part's sound alone (a same-date match can have two parts
    spelled beyond their sound)."""
    return [f"d|{born.isoformat()}|{sound}" for sound in (first, father, family) if sound]


def _close(born: date, first: str, father: str, family: str) -> list[str]:
    """The keys of a date with one of its fields typed wrong: the date with the day, the month,
    the year's decade or the year's unit hidden (births are at most `rules.MAX_AGE_YEARS` old,
    so two years one digit apart differ in one of those two digits) and two of the three
    parts' sounds (a close date leaves room for one part spelled beyond its sound). Each key
    spans at most a month, twelve months or ten years of one name, never every year."""
    y, m, d = f"{born.year:04d}", f"{born.month:02d}", f"{born.day:02d}"
    masked = (f"{y}-{m}-__", f"{y}-__-{d}", f"{y[:2]}_{y[3]}-{m}-{d}", f"{y[:3]}_-{m}-{d}")
    pairs = [f"{a}|{b}" if a <= b else f"{b}|{a}"
             for a, b in ((first, family), (first, father), (father, family)) if a and b]
    return [f"c|{when}|{pair}" for when in masked for pair in pairs]


def stored_keys(profile) -> list[str]:
    """The keys a person (holder or dependant) is filed under."""
    first, father, family, born = _parts(profile)
    return _stored(first, father, family, _exact(profile), born)


def lookup_keys(profile) -> list[str]:
    """The keys to look up for a new holder: every stored person sharing one is a candidate."""
    first, father, family, born = _parts(profile)
    return _lookup(first, father, family, _exact(profile), born)


def _stored(first: str, father: str, family: str, exact: str, born: date | None) -> list[str]:
    if born is None:
        return _cut([f"u|{exact}"]) if first and family else []
    return _cut([*_dated(born, first, father, family), *_close(born, first, father, family)])


def _lookup(first: str, father: str, family: str, exact: str, born: date | None) -> list[str]:
    if born is None:  # no birth date: only a name agreeing fully can match, and only undated people
        return _cut([f"u|{exact}"]) if first and family else []
    dates = [born]
    if born.day <= 12 and born.day != born.month:
        dates.append(date(born.year, born.day, born.month))
    keys = [k for d in dates for k in _dated(d, first, father, family)] + _close(born, first, father, family)
    return _cut([*keys, f"u|{exact}"] if first and family else keys)
