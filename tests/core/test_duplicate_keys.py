"""The duplicate check's candidate rule (`domain.duplicate_keys`) against the full comparison.

The rule: every pair `find_duplicates` can call a possible duplicate is a candidate under the
weighted lookup (the weights of the lookup keys of the one that the other is filed under add up
to MATCH_WEIGHT). Checked over generated variants of a person: one or two
parts slipped (a letter changed, added or dropped), «ال» added or dropped, day and month
swapped, a typo in the day, the month or one digit of the year, the date unknown on one side —
not only the synthetic generator's near-duplicates. Left out: the rule's known gap, two parts
slipped AND a date typo (docs/domain.md; a strict xfail test shows one such pair). And the keys are pinned for known names:
a change of the keys without a new `RULE_VERSION` would split stored keys from looked-up ones.
"""

from __future__ import annotations

from array import array
from datetime import date

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from fundclient.domain.duplicate_keys import (MATCH_WEIGHT, RULE_VERSION, close_dates, is_candidate, key_of,
                                              lookup_key_texts, lookup_keys, packed_lookup_keys, person_keys,
                                              person_stored_keys,
                                              stored_key_texts, stored_keys, stored_keys_of, weight)
from fundclient.domain.duplicates import DEFAULT_THRESHOLD, profile_of_name, score_pair
from fundclient.domain.records import ArabicName, Dependant, Relation
from fundclient.domain.synthetic_names import FAMILY, MALE_FIRST

LETTERS = "ابتثجحخدذرزسشصضطظعغفقكلمنهويةى"
FIRSTS = [a for a, _ in MALE_FIRST]
FAMILIES = [a for a, _ in FAMILY]


def _slip(draw, word: str) -> str:
    kind = draw(st.sampled_from(["change", "add", "drop", "al"]))
    i = draw(st.integers(0, len(word) - 1))
    letter = draw(st.sampled_from(LETTERS))
    if kind == "change":
        return word[:i] + letter + word[i + 1:]
    if kind == "add":
        return word[:i] + letter + word[i:]
    if kind == "drop" and len(word) > 2:
        return word[:i] + word[i + 1:]
    return word[2:] if word.startswith("ال") else "ال" + word


def _year_digit(draw, born: date) -> date:
    position = draw(st.sampled_from([2, 3]))  # births within 120 years: decade or unit
    digits = list(f"{born.year:04d}")
    digits[position] = str(draw(st.integers(0, 9).filter(lambda d: d != int(digits[position]))))
    year = int("".join(digits))
    try:
        return born.replace(year=year)
    except ValueError:  # 29 February
        return born


@st.composite
def pairs(draw):
    first, father, grandfather = (draw(st.sampled_from(FIRSTS)) for _ in range(3))
    family = draw(st.sampled_from(FAMILIES))
    born = draw(st.dates(date(1906, 1, 1), date(2026, 11, 30)))
    parts = [first, father, grandfather, family]
    slipped = draw(st.lists(st.integers(0, 3), min_size=0, max_size=2, unique=True))
    other = list(parts)
    for i in slipped:
        other[i] = _slip(draw, other[i])
    if draw(st.booleans()):  # «ال» on or off on the family name
        other[3] = other[3][2:] if other[3].startswith("ال") else "ال" + other[3]
    change = draw(st.sampled_from(["same", "swap", "day", "month", "year", "unknown"]))
    other_born: date | None = born
    if change == "swap" and born.day <= 12:
        other_born = date(born.year, born.day, born.month)
    elif change == "day":
        other_born = born.replace(day=draw(st.integers(1, 28)))
    elif change == "month":
        other_born = born.replace(month=draw(st.integers(1, 12)), day=min(born.day, 28))
    elif change == "year":
        other_born = _year_digit(draw, born)
    elif change == "unknown":
        other_born = None
    # the known gap (docs/domain.md, an open limit): two parts slipped AND a date typo
    gap = len(slipped) == 2 and change in ("day", "month", "year")
    return profile_of_name(*parts, born), profile_of_name(*other, other_born), gap


def _can_match(a, b) -> bool:
    score, verdict = score_pair(a, b)
    return score >= DEFAULT_THRESHOLD or (verdict == "same" and a.parts == b.parts)


@settings(max_examples=3000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(pairs())
def test_every_pair_the_full_comparison_can_match_is_a_candidate(pair):
    stored, new, gap = pair
    # Not promised — a KNOWN GAP of the rule (rule 2 had it too): two parts slipped together
    # with a typo in the date can score over the threshold and share only one part's sound on
    # a close date (weight 1). The generator makes those pairs; they are left out here, and
    # test_two_parts_slipped_and_a_close_date_is_a_known_gap shows one (strict xfail).
    assume(not gap)
    for a, b in ((stored, new), (new, stored)):
        # b: a new holder (whose birth date is required), a: a stored holder or dependant
        if b.date_of_birth is not None and _can_match(b, a):
            assert is_candidate(stored_keys(a), lookup_keys(b)), (a.parts, a.date_of_birth, b.parts,
                                                                   b.date_of_birth, score_pair(b, a))


@pytest.mark.xfail(strict=True, reason="known gap of rule 3 (and rule 2): two parts slipped and a date typo "
                                       "(docs/domain.md, an open limit)")
def test_two_parts_slipped_and_a_close_date_is_a_known_gap():
    """A possible duplicate the rule does NOT find — the rule should, and does not: first and
    father's name slipped (a doubled alef, «ال») and the day one off score over the threshold,
    and share no key but the family name's sound on a close date (weight 1). Strict: when a
    rule finds it, this test fails as XPASS — then drop the mark and the docs' open limit."""
    stored = profile_of_name("امبارك", "امبارك", "محمد", "الورفلي", date(2000, 1, 2))
    new = profile_of_name("اامبارك", "الامبارك", "محمد", "الورفلي", date(2000, 1, 1))
    assert score_pair(new, stored)[0] >= DEFAULT_THRESHOLD
    assert is_candidate(stored_keys(stored), lookup_keys(new))


def test_two_parts_slipped_on_the_same_date_share_a_key():
    """The reviewer's case: father's and family name each one letter off, the same date."""
    stored = profile_of_name("محمد", "مصطفى", "سالم", "الورفلي", date(1980, 5, 17))
    new = profile_of_name("محمد", "اصطفى", "سالم", "بلورفلي", date(1980, 5, 17))
    assert score_pair(new, stored)[0] >= DEFAULT_THRESHOLD
    assert is_candidate(stored_keys(stored), lookup_keys(new))


def test_one_part_on_a_close_date_is_not_a_candidate_two_are():
    """On a close date one part agreeing by sound weighs 1 (a stranger with the same first
    name a day apart is not looked at); two parts weigh 2. On the same date one suffices."""
    stored = profile_of_name("محمد", "علي", "سالم", "الورفلي", date(1980, 5, 17))
    same_first = profile_of_name("محمد", "خليفة", "سالم", "القذافي", date(1980, 5, 18))
    two_parts = profile_of_name("محمد", "خليفة", "سالم", "الورفلي", date(1980, 5, 18))
    same_day = profile_of_name("محمد", "خليفة", "سالم", "القذافي", date(1980, 5, 17))
    assert weight(stored_keys(stored), lookup_keys(same_first)) == 1
    assert weight(stored_keys(stored), lookup_keys(two_parts)) == MATCH_WEIGHT
    assert weight(stored_keys(stored), lookup_keys(same_day)) == MATCH_WEIGHT
    born = profile_of_name("محمد", "علي", "سالم", "الورفلي", date(1980, 5, 7))  # day and month swapped
    assert is_candidate(stored_keys(born), lookup_keys(profile_of_name("محمد", "", "", "", date(1980, 7, 5))))
    # a form whose first and father's names sound alike counts that sound twice on a close date
    twice = profile_of_name("محمد", "محمد", "سالم", "القذافي", date(1981, 5, 17))
    assert weight(stored_keys(stored), lookup_keys(twice)) == MATCH_WEIGHT


def test_a_stored_person_born_after_the_machines_today_is_found():
    """The keys do not depend on the machine's clock (they are remembered per name and date): a
    stored person whose birth date is one field off the form's but after "today" — an office PC
    whose clock is behind, a record received from an office whose clock is right — is a
    candidate like any other (review finding 5)."""
    today = date.today()
    ahead = []
    for change in ({"day": today.day + 1}, {"month": today.month + 1}, {"year": today.year + 10}):
        try:
            ahead.append(today.replace(**change))  # tomorrow, or a month or ten years ahead
        except ValueError:  # the month's last day, December, 29 February
            pass
    assert ahead and all(when > today for when in ahead)
    new = profile_of_name("محمد", "علي", "سالم", "الورفلي", today)
    for when in ahead:
        stored = profile_of_name("محمد", "علي", "سالم", "الورفلي", when)
        assert score_pair(new, stored)[0] >= DEFAULT_THRESHOLD
        assert when in close_dates(today)
        assert is_candidate(stored_keys(stored), lookup_keys(new)), when


def test_the_close_dates_are_one_field_off_and_valid():
    born = date(1987, 3, 31)
    close = close_dates(born)
    assert len(close) == len(set(close)) and born not in close
    assert all(sum(a != b for a, b in ((c.day, born.day), (c.month, born.month), (c.year, born.year))) == 1
               for c in close)
    assert date(1987, 4, 30) not in close and date(1987, 2, 28) not in close  # the day kept: 31 April is no date
    assert {c.year for c in close} == {1907, 1917, 1927, 1937, 1947, 1957, 1967, 1977, 1987, 1997,
                                        1980, 1981, 1982, 1983, 1984, 1985, 1986, 1988, 1989}
    # whatever the machine's date: days; months; 2006-2096 but 2026; 2020-2029 but 2026
    assert len(close_dates(date(2026, 11, 20))) == 29 + 11 + 9 + 9
    assert len(close_dates(date(1990, 1, 15))) <= 59


def test_the_keys_are_pinned_for_known_names():
    """A change of these keys (the sound key, the format) must come with a new RULE_VERSION:
    an office re-keys its stored people when the version it holds differs (storage.duplicate_rule)."""
    assert RULE_VERSION == 3
    p = profile_of_name("عبد الله", "مصطفى", "سالم", "الورفلي", date(1980, 5, 17))
    assert stored_key_texts(p) == ["d|1980-05-17|عبدلح", "d|1980-05-17|مستف", "d|1980-05-17|ورفل"]
    assert stored_keys(p) == [-8623472775666418945, 7397154034756951027, -2664454809800800496]
    assert key_of("u|علي|||الزوي") == -4184549254662430481
    looked = lookup_key_texts(profile_of_name("علي", "", "", "الزوي", date(2001, 3, 4)))
    assert {k: w for k, w in looked.items() if w == 2} == {
        "d|2001-03-04|عل": 2, "d|2001-03-04|س": 2, "d|2001-04-03|عل": 2, "d|2001-04-03|س": 2, "u|علي|||الزوي": 2}
    assert looked["d|2001-03-05|عل"] == looked["d|2001-03-05|س"] == 1  # a close date: one part each
    assert looked["d|2011-03-04|س"] == looked["d|2000-03-04|عل"] == looked["d|2001-12-04|س"] == 1
    assert len(looked) == 5 + 2 * len(close_dates(date(2001, 3, 4)))
    assert stored_key_texts(profile_of_name("علي", "", "", "الزوي", None)) == ["u|علي|||الزوي"]
    assert lookup_key_texts(profile_of_name("علي", "", "", "الزوي", None)) == {"u|علي|||الزوي": 2}


_PART = st.one_of(st.sampled_from(["", *FIRSTS[:40], *FAMILIES[:40]]),
                  st.text(alphabet=LETTERS + " ـأإآa1", max_size=12))


@settings(max_examples=500, deadline=None)
@given(st.lists(st.tuples(_PART, _PART, _PART, _PART,
                          st.one_of(st.none(), st.dates(date(1906, 1, 1), date(2026, 11, 30)))), min_size=1, max_size=8))
def test_the_keys_a_write_files_are_the_reference_functions(people):
    """`person_stored_keys` (a write's keys, each name part's sound remembered) = `person_keys`'
    stored keys = `stored_keys` of the person's profile, in the same order — also for names
    repeated with other dates (the memos)."""
    for first, father, grandfather, family, born in people * 2:
        person = Dependant(relation=Relation.SON,
                           name=ArabicName(first, father, grandfather, family), date_of_birth=born)
        expected = stored_keys(profile_of_name(first, father, grandfather, family, born))
        assert person_stored_keys(person) == person_keys(person)[0] == tuple(expected)
        # without the record object or a memo of whole names (a write's rows, the re-keying)
        assert stored_keys_of(first, father, grandfather, family, born) == tuple(expected)
        # the memos' answers are shared by every caller: immutable, so no caller can spoil them
        assert isinstance(person_stored_keys(person), tuple) and isinstance(person_keys(person)[1], tuple)


@settings(max_examples=500, deadline=None)
@given(st.tuples(_PART, _PART, _PART, _PART), st.one_of(st.none(), st.dates()))
def test_the_lookup_keys_a_check_reads_are_the_reference_functions(parts, born):
    """`person_keys`' lookup keys (made from bytes, each date's prefixes written out without a
    date object) = `lookup_keys` of the person's profile (each text hashed), the same pairs in
    the same order — for any date a record can hold (years 1 to 9999: 29 February, years one
    digit from 0 or 10000, the months' last days)."""
    person = Dependant(relation=Relation.SON, name=ArabicName(*parts), date_of_birth=born)
    profile = profile_of_name(*parts, born)
    assert person_keys(person)[1] == tuple((key_of(k), w) for k, w in lookup_key_texts(profile).items())
    assert dict(person_keys(person)[1]) == lookup_keys(profile)
    keys, weights = packed_lookup_keys(person)  # as an import's helper hands them over
    assert tuple(zip(array("q", keys), weights)) == person_keys(person)[1]


def test_the_keys_a_write_files_pick_the_structural_parts_from_each_parts_sound():
    """`stored_keys_of` sounds each part on its own and picks first, father and family from the
    parts that have a key: the same keys as the profile's structural parts — parts with no key
    between others (marks, tatweel, punctuation), one to four parts, the same sound twice, a part
    past the 200 characters a part's key reads, «عبد» parts."""
    long_part = "م" * 150 + " " + "ن" * 120
    names = [("", "", "", ""), ("ـ", "،", "", "  "), ("علي", "", "", ""), ("", "", "", "الزوي"),
             ("علي", "ـ", "", "الزوي"), ("علي", "", "محمد", ""), ("محمد", "امحمد", "محمد", "محمد"),
             ("عبد", "الله", "عبد الله", "عبدالله"), ("علي", "ُ", "محمد", "ـ"), (long_part, "علي", long_part, "x"),
             ("سالم", "صالم", "ثالم", "الزوي"), ("a", "1", "ب", "ة")]
    for first, father, grandfather, family in names:
        for born in (date(1999, 12, 31), date(2000, 2, 29)):
            expected = stored_keys(profile_of_name(first, father, grandfather, family, born))
            assert stored_keys_of(first, father, grandfather, family, born) == tuple(expected), (first, family)
