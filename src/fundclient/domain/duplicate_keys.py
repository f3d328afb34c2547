"""Who is a possible duplicate of whom: the blocking keys of the duplicate check (rule 3).

One rule for the registration form's check (`possible_duplicates`), an import's batch check and
the keys the office stores (`duplicate_keys` table, migration 0013): a stored person (holder or
dependant) is a candidate for a new holder when the weights of the form's lookup keys the
person is filed under add up to MATCH_WEIGHT (2) or more, or when they hold a national number
of the form. Every candidate is then scored by `domain.duplicates.find_duplicates`.

The keys follow from what `find_duplicates` can call a possible duplicate. A match that is not
by national number needs a birth agreement of at least the threshold (0.85): the same date,
day and month swapped, the same year with the same month or the same day, the same day and
month with the year one digit off, or a date unknown on one side (then the name must agree
fully). And the name's agreement must make up the rest: with the same date at least 0.85 —
two of first, father's and family name can be spelled beyond their sound (a slip in each);
with a date that is only close at least 0.89–0.94 — one of them can. `sound` below is the
part's sound key (`arabic.phonetic_key`; the same sound covers the same spelling, with or
without «ال», and the sound tier):

    stored for a person born on S            looked up for a new holder born on D (weight)
    d|S|<sound> for each distinct sound      d|D|<sound> and d|swapped D|<sound> (2: one part
      of first, father's and family name       agreeing by sound suffices on the same date)
                                             d|D'|<sound> for each CLOSE date D' — D with only
                                               its day, only its month, only its year's decade
                                               or only its year's unit digit changed, a valid
                                               calendar date (at most 59 dates) — weight:
                                               how many of the form's three parts have that
                                               sound (so two of the three parts agreeing on a
                                               close date add up to 2)
    u|<the four parts as written> (no date)  the same (2; a date unknown on one side: the whole
                                               name must agree, every part the same)

A stored person has one date, so the weights of their matched keys are summed per person
(`candidates`, the one place of the sum and the threshold). Rule 2's stored pair keys (two sounds on a date with one field hidden, 12 a
person) are implied by the lookup side: every pair rule 2 made a candidate is one here; the
office stores ~3 keys a person instead of ~15, and a form looks up ~185.

Keys are stored as signed 64-bit integers (`key_of`: the first 8 bytes of blake2b of the text
form above): two texts meeting on one integer only add a candidate (the scorer decides), never
lose one. Not found: a form without a birth date (the holder's is required).
tests/core/test_duplicate_keys.py checks the rule against the full comparison over generated
pairs.
"""

from __future__ import annotations

import sys
from array import array
from collections.abc import Iterable, Mapping
from datetime import date
from functools import lru_cache
from hashlib import blake2b

from fundclient.domain.arabic import phonetic_key
from fundclient.domain.duplicates import _key as _part_key
from fundclient.domain.duplicates import _structural_parts, profile_of_name

# The version of the keys below (their text, `arabic.phonetic_key`'s sounds, `key_of`): an
# office holding keys of another version files every person again at its opening
# (`storage.duplicate_rule`). Change it with any change of the keys a stored name gets
# (tests/core/test_duplicate_keys.py pins the keys of known names).
RULE_VERSION = 3
MATCH_WEIGHT = 2  # a stored person is a candidate when their matched keys' weights add up to this
SAME_DATE = 2  # the weight of a key on the form's date (or its day and month swapped) and of `u|`


def key_of(text: str) -> int:
    """A key's text as the signed 64-bit integer stored (blake2b with an 8-byte digest): a
    collision of two texts only adds a candidate."""
    return int.from_bytes(blake2b(text.encode(), digest_size=8).digest(), "big", signed=True)


@lru_cache(maxsize=1 << 12)  # a name part's sound, found once for the many names sharing it
def _sound(part: str) -> str:
    return "".join(phonetic_key(w) or w for w in part.split())


def _parts(profile) -> tuple[str, str, str, date | None]:
    """(first, father, family) sounds and the birth date of a `duplicates.DuplicateProfile`."""
    first, father, _, family = profile.parts
    return _sound(first), _sound(father), _sound(family), profile.date_of_birth


def person_keys(person) -> tuple[tuple[int, ...], tuple[tuple[int, int], ...]]:
    """(stored_keys, lookup (key, weight) pairs) of a holder or dependant (`domain.records`),
    from the values the duplicate check's profile reads (the structural name parts and the
    birth date): the name's sounds found once per distinct name, the keys once per name and
    date — an import's row is keyed for the batch check, for the batch's later rows and for
    the write."""
    name = person.name
    born = person.date_of_birth
    return _keys_of(_name_sounds(name.first, name.father, name.grandfather, name.family),
                    born if isinstance(born, date) else None)


def person_stored_keys(person) -> tuple[int, ...]:
    """`person_keys(person)[0]` alone — the keys a write files (`storage.rows`), the lookup
    keys not made."""
    name = person.name
    born = person.date_of_birth
    return _stored_of(_name_sounds(name.first, name.father, name.grandfather, name.family),
                      born if isinstance(born, date) else None)


def stored_keys_of(first, father, grandfather, family, born: date | None) -> tuple[int, ...]:
    """The keys a person is filed under, from their four name parts as stored and their birth
    date — what `person_stored_keys(person)` answers, without the record object (the office's
    re-keying of every stored person, `storage.duplicate_rule`, and a bulk build's helper: a
    million people, each name seen about once — so no memo of whole names here, and the
    written-out name only when undated). Each part's sound is remembered on its own (a part's
    text recurs across names: `_part_sound`), the structural parts are picked from those sounds
    as `duplicates._structural_parts` picks them from the parts' keys (the first, the second of
    three or more, the last), and each key's text is hashed as bytes — the keys of `_stored_of`
    of the same name and date (tests/core/test_duplicate_keys.py; 38 → ~15 µs a person)."""
    if born is None or not (type(first) is str and type(father) is str and type(grandfather) is str
                            and type(family) is str):
        return _stored_of(_name_sounds(first, father, grandfather, family), born)
    sounds = [s for s in (_part_sound(first), _part_sound(father), _part_sound(grandfather), _part_sound(family)) if s]
    if len(sounds) > 2:
        del sounds[2:-1]  # first, father (the second part), family (the last)
    prefix = _date_prefix(born)
    digest, from_bytes = blake2b, int.from_bytes
    return tuple(from_bytes(digest(prefix + sound, digest_size=8).digest(), "big", signed=True)
                 for sound in dict.fromkeys(sounds))


@lru_cache(maxsize=1 << 16)  # a part's text (a first name, a family name …) recurs across a million names
def _part_sound(text: str) -> bytes:
    """The UTF-8 sound of a name part's key as `duplicates._structural_parts` keys a part and
    `_sound` sounds it; empty when the part has no key (it then takes no place in the structure)."""
    return _sound(_part_key(text)).encode()


@lru_cache(maxsize=1 << 15)
def _date_prefix(born: date) -> bytes:
    """`d|<date>|` of a stored key, as UTF-8 (`_dated`)."""
    return f"d|{born.isoformat()}|".encode()


def summed_weights(lookup: Mapping[int, int], filed: Mapping[int, Iterable]) -> dict:
    """person -> the summed weight of the form's lookup keys (key -> weight) they are filed
    under; `filed`: key -> the people filed under it, each once (a stored person has one date,
    so their keys' weights add up)."""
    sums: dict = {}
    # only the keys found in both (a set intersection, in C: it walks the smaller side — a
    # form's ~180 lookup keys meet a few of the keys filed, most of them none)
    for key in lookup.keys() & filed.keys():
        w = lookup[key]
        for person in filed[key]:
            sums[person] = sums.get(person, 0) + w
    return sums


def candidates(lookup: Mapping[int, int], filed: Mapping[int, Iterable]) -> dict:
    """The rule, once: person -> summed weight, for the people a form's lookup keys make
    candidates (MATCH_WEIGHT or more) — the office's check (`storage.duplicate_candidates`)
    calls it with the keys' tables' answer."""
    return {p: w for p, w in summed_weights(lookup, filed).items() if w >= MATCH_WEIGHT}


def weight(stored: Iterable[int], lookup: Mapping[int, int]) -> int:
    """The summed weight of one stored person's keys among a form's lookup keys."""
    return summed_weights(lookup, dict.fromkeys(stored, (0,))).get(0, 0)


def is_candidate(stored: Iterable[int], lookup: Mapping[int, int]) -> bool:
    """A stored person (their keys) is a candidate of a form (its lookup keys and weights)."""
    return 0 in candidates(lookup, dict.fromkeys(stored, (0,)))


# Sized for an import's batch (500 rows, ~1,600 people), not a day (see domain.duplicates).
@lru_cache(maxsize=1 << 12)
def _name_sounds(first, father, grandfather, family) -> tuple[str, str, str, str]:
    p = profile_of_name(first, father, grandfather, family, None)
    return (*_parts(p)[:3], _exact(p))


@lru_cache(maxsize=1 << 12)
def _keys_of(sounds: tuple[str, str, str, str], born: date | None
             ) -> tuple[tuple[int, ...], tuple[tuple[int, int], ...]]:
    # tuples: the memo's answer is shared
    return _stored_of(sounds, born), _lookup_keyed(*sounds, born)


def _lookup_keyed(first: str, father: str, family: str, exact: str, born: date | None
                  ) -> tuple[tuple[int, int], ...]:
    """`((key_of(k), w) for k, w in _lookup(...).items())`, the same keys in the same order, made
    from bytes (`_lookup_texts`: an import's holder looks up ~180 keys: 256 → ~110 µs;
    tests/core/test_duplicate_keys.py compares the two)."""
    texts, weights = _lookup_texts(first, father, family, exact, born)
    return tuple(zip(_keys_of_digests(_digests(texts)).tolist(), weights))


def packed_lookup_keys(person) -> tuple[bytes, bytes]:
    """`person_keys(person)[1]` — a new holder's lookup keys and their weights, in the same
    order — as two byte strings: the keys as signed 64-bit integers in this machine's byte order
    (`array("q", keys)`), a byte a weight. Made without an integer or a pair per key (an
    import's helper hands them over packed: `storage.importer._made`), not remembered."""
    name = person.name
    born = person.date_of_birth
    texts, weights = _lookup_texts(*_name_sounds(name.first, name.father, name.grandfather, name.family),
                                   born if isinstance(born, date) else None)
    return _keys_of_digests(_digests(texts)).tobytes(), bytes(weights)


# An empty blake2b state of 8-byte digests, copied for each key: a copy and an update cost ~0.25
# µs a key against ~0.35 for `blake2b(text, digest_size=8)` (its keyword parsing) — the same
# digests; an import's helper makes ~185 a holder.
_EMPTY_STATE = blake2b(digest_size=8)


def _digests(texts: Iterable[bytes]) -> bytes:
    """The 8-byte blake2b digests of `texts`, joined in order (each `key_of`'s bytes)."""
    copy = _EMPTY_STATE.copy
    out = []
    append = out.append
    for text in texts:
        state = copy()
        state.update(text)
        append(state.digest())
    return b"".join(out)


def _keys_of_digests(digests: bytes) -> array:
    """8-byte digests as `key_of` reads them (big-endian signed), an int64 array."""
    keys = array("q", digests)
    if sys.byteorder == "little":
        keys.byteswap()
    return keys


def _lookup_texts(first: str, father: str, family: str, exact: str, born: date | None
                  ) -> tuple[list[bytes], list[int]]:
    """(texts, weights): `_lookup(...)`'s keys as UTF-8 bytes and their weights, in the same order
    — each date's prefixes (`d|<date>|`) made once per date (`_date_prefixes`), each sound
    encoded once. No text comes twice (the close dates are distinct, each one field off the
    date where the date swapped is two; the sounds are distinct; `u|` is its own), so lists
    hold what `_lookup`'s dictionary holds."""
    texts: list[bytes] = []
    weights: list[int] = []
    if born is not None:
        same, close = _date_prefixes(born)
        parts = (first, father, family)
        distinct = [s for s in dict.fromkeys(parts) if s]
        sounds = [_utf8(s) for s in distinct]
        texts = [prefix + sound for prefix in same for sound in sounds]  # one part suffices on the date
        weights = [SAME_DATE] * len(texts)
        texts += [prefix + sound for prefix in close for sound in sounds]  # two parts on a close date
        weights += [parts.count(s) for s in distinct] * len(close)
    if first and family:  # undated people: only a name agreeing fully can match
        texts.append(f"u|{exact}".encode())
        weights.append(SAME_DATE)
    return texts, weights


@lru_cache(maxsize=1 << 10)
def _utf8(text: str) -> bytes:
    return text.encode()


@lru_cache(maxsize=1 << 12)  # a batch's holders share dates; the answer is a tuple, shared
def _date_prefixes(born: date) -> tuple[tuple[bytes, ...], tuple[bytes, ...]]:
    """(`d|<date>|` of the date and of its day and month swapped, the same of each close date)
    as UTF-8 bytes — the dated lookup keys' texts up to their sound (`_lookup`). The close
    dates' prefixes of the date's month and of its day in other months are written once per
    month and per day of a year (`_days_of`, `_months_of`: an import's holders are born on
    ~20,000 dates, more than this memo holds, but in far fewer months)."""
    y, m, d = born.year, born.month, born.day
    same = [b"d|%04d-%02d-%02d|" % (y, m, d)]
    if d <= 12 and d != m:
        same.append(b"d|%04d-%02d-%02d|" % (y, d, m))
    # close_dates(born), in its order: the month's other days, the day in the year's other months
    # (where it exists), then the year with its decade or its unit digit changed
    days = _days_of(y, m)
    close = [*days[:d - 1], *days[d:], *[prefix for month, prefix in _months_of(y, d) if month != m]]
    tail = _day_tail(m, d)
    close += [head + tail for year, head in _close_years(y) if m != 2 or d != 29 or _leap(year)]
    return tuple(same), tuple(close)


@lru_cache(maxsize=None)  # at most 9,999 years
def _close_years(y: int) -> tuple[tuple[int, bytes], ...]:
    """(year, `d|<year>`) of each year of 1–9999 with `y`'s decade digit or its unit digit changed,
    in `close_dates`' order: written once per year, not once per date (an import's holders are
    born on ~20,000 dates, more than `_date_prefixes` holds: ~17 → ~7 µs a date missed)."""
    decade, unit = y // 10 % 10, y % 10
    years = [y + (digit - decade) * 10 for digit in range(10) if digit != decade]
    years += [y + digit - unit for digit in range(10) if digit != unit]
    return tuple((year, b"d|%04d" % year) for year in years if 1 <= year <= 9999)


@lru_cache(maxsize=None)  # at most 12 × 31
def _day_tail(month: int, day: int) -> bytes:
    """`-<month>-<day>|`: a dated prefix after its year."""
    return b"-%02d-%02d|" % (month, day)


@lru_cache(maxsize=1 << 12)
def _days_of(year: int, month: int) -> tuple[bytes, ...]:
    """`d|<date>|` of every day of the month, in order."""
    return tuple(b"d|%04d-%02d-%02d|" % (year, month, day) for day in range(1, _month_days(year, month) + 1))


@lru_cache(maxsize=1 << 12)
def _months_of(year: int, day: int) -> tuple[tuple[int, bytes], ...]:
    """(month, `d|<date>|`) of that day in each month of the year that has it, in order."""
    return tuple((month, b"d|%04d-%02d-%02d|" % (year, month, day)) for month in range(1, 13)
                 if day <= _month_days(year, month))


def _leap(year: int) -> bool:
    return year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)


def _month_days(year: int, month: int) -> int:
    return 29 if month == 2 and _leap(year) else (0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)[month]


@lru_cache(maxsize=1 << 12)
def _stored_of(sounds: tuple[str, str, str, str], born: date | None) -> tuple[int, ...]:
    return tuple(key_of(k) for k in _stored(*sounds, born))  # a tuple: the memo's answer is handed to every caller


def _exact(profile) -> str:
    """The four structural parts as written (normalised): with a date unknown on one side only
    a name agreeing fully — every part the same, none missing on one side — can match."""
    return "|".join(part.replace(" ", "_") for part in profile.parts)


def _dated(born: date, first: str, father: str, family: str) -> list[str]:
    """The keys of a birth date: each distinct sound of the three parts."""
    return [f"d|{born.isoformat()}|{sound}" for sound in dict.fromkeys((first, father, family)) if sound]


def close_dates(born: date) -> list[date]:
    """The dates one field off `born`: only its day, only its month, only its year's decade
    digit or only its unit digit changed (births are at most `rules.MAX_AGE_YEARS` old, so two
    years one digit apart differ in one of those two digits) — every valid calendar date, also
    after today: the keys are remembered per name and date, and must not depend on the
    machine's clock (a stored birth date after an office PC's "today" is still found)."""
    y, m, d = born.year, born.month, born.day
    tries = [(y, m, day) for day in range(1, 32) if day != d]
    tries += [(y, month, d) for month in range(1, 13) if month != m]
    decade, unit = y // 10 % 10, y % 10
    tries += [(y + (digit - decade) * 10, m, d) for digit in range(10) if digit != decade]
    tries += [(y + digit - unit, m, d) for digit in range(10) if digit != unit]
    out = []
    for when in tries:
        try:
            out.append(date(*when))
        except ValueError:  # 31 April, 29 February of a common year, year 0
            continue
    return out


def stored_key_texts(profile) -> list[str]:
    """The keys a person (holder or dependant) is filed under, as text."""
    first, father, family, born = _parts(profile)
    return _stored(first, father, family, _exact(profile), born)


def lookup_key_texts(profile) -> dict[str, int]:
    """The keys to look up for a new holder, as text, with their weights."""
    first, father, family, born = _parts(profile)
    return _lookup(first, father, family, _exact(profile), born)


def stored_keys(profile) -> list[int]:
    """The keys a person (holder or dependant) is filed under."""
    return [key_of(k) for k in stored_key_texts(profile)]


def lookup_keys(profile) -> dict[int, int]:
    """The keys to look up for a new holder and their weights (`is_candidate`)."""
    return {key_of(k): w for k, w in lookup_key_texts(profile).items()}


def _stored(first: str, father: str, family: str, exact: str, born: date | None) -> list[str]:
    if born is None:
        return [f"u|{exact}"] if first and family else []
    return _dated(born, first, father, family)


def _lookup(first: str, father: str, family: str, exact: str, born: date | None) -> dict[str, int]:
    keys: dict[str, int] = {}
    if born is not None:
        dates = [born]
        if born.day <= 12 and born.day != born.month:
            dates.append(date(born.year, born.day, born.month))
        for when in dates:  # one part agreeing by sound suffices on the same date
            keys.update(dict.fromkeys(_dated(when, first, father, family), SAME_DATE))
        parts = (first, father, family)
        for when in close_dates(born):  # on a close date: two of the three parts
            for sound in dict.fromkeys(parts):
                if sound:
                    keys.setdefault(f"d|{when.isoformat()}|{sound}", parts.count(sound))
    if first and family:  # undated people: only a name agreeing fully can match
        keys[f"u|{exact}"] = SAME_DATE
    return keys
