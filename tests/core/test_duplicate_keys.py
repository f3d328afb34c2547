"""The duplicate check's candidate rule (`domain.duplicate_keys`) against the full comparison.

The rule: every pair `find_duplicates` can call a possible duplicate shares a key (stored keys
of the one, lookup keys of the other). Checked over generated variants of a person: one or two
parts slipped (a letter changed, added or dropped), «ال» added or dropped, day and month
swapped, a typo in the day, the month or one digit of the year, the date unknown on one side —
not only the synthetic generator's near-duplicates. And the keys are pinned for known names:
a change of the keys without a new `RULE_VERSION` would split stored keys from looked-up ones.
"""

from __future__ import annotations

from datetime import date

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fundclient.domain.duplicate_keys import RULE_VERSION, lookup_keys, person_keys, person_stored_keys, stored_keys
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
    # Two parts slipped: only with the date as stored, swapped or unknown — the rule's promise
    # (docs/domain.md: a close date leaves room for one slipped part; two slips AND a date typo
    # can still score over the threshold, rarely, and are not found — a stated limit).
    changes = ["same", "swap", "unknown"] if len(slipped) == 2 else ["same", "swap", "day", "month", "year", "unknown"]
    change = draw(st.sampled_from(changes))
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
    return profile_of_name(*parts, born), profile_of_name(*other, other_born)


def _can_match(a, b) -> bool:
    score, verdict = score_pair(a, b)
    return score >= DEFAULT_THRESHOLD or (verdict == "same" and a.parts == b.parts)


@settings(max_examples=3000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(pairs())
def test_every_pair_the_full_comparison_can_match_shares_a_key(pair):
    stored, new = pair
    for a, b in ((stored, new), (new, stored)):
        # b: a new holder (whose birth date is required), a: a stored holder or dependant
        if b.date_of_birth is not None and _can_match(b, a):
            assert set(stored_keys(a)) & set(lookup_keys(b)), (a.parts, a.date_of_birth, b.parts, b.date_of_birth,
                                                             score_pair(b, a))


def test_two_parts_slipped_and_a_close_date_is_the_stated_limit():
    """Found by the property test above before its promise was narrowed: first and father's
    name slipped (a doubled alef, «ال») and the day one off score over the threshold, and share
    no key. The rule does not promise this pair (docs/domain.md); if a later rule covers it,
    this test tells so and the docs' limit goes."""
    stored = profile_of_name("امبارك", "امبارك", "محمد", "الورفلي", date(2000, 1, 2))
    new = profile_of_name("اامبارك", "الامبارك", "محمد", "الورفلي", date(2000, 1, 1))
    assert score_pair(new, stored)[0] >= DEFAULT_THRESHOLD
    assert not set(stored_keys(stored)) & set(lookup_keys(new))


def test_two_parts_slipped_on_the_same_date_share_a_key():
    """The reviewer's case: father's and family name each one letter off, the same date."""
    stored = profile_of_name("محمد", "مصطفى", "سالم", "الورفلي", date(1980, 5, 17))
    new = profile_of_name("محمد", "اصطفى", "سالم", "بلورفلي", date(1980, 5, 17))
    assert score_pair(new, stored)[0] >= DEFAULT_THRESHOLD
    assert set(stored_keys(stored)) & set(lookup_keys(new))


def test_the_keys_are_pinned_for_known_names():
    """A change of these keys (the sound key, the format) must come with a new RULE_VERSION:
    an office re-keys its stored people when the version it holds differs (storage.duplicate_rule)."""
    assert RULE_VERSION == 2
    p = profile_of_name("عبد الله", "مصطفى", "سالم", "الورفلي", date(1980, 5, 17))
    assert stored_keys(p) == [
        "d|1980-05-17|عبدلح", "d|1980-05-17|مستف", "d|1980-05-17|ورفل",
        *(f"c|{when}|{pair}" for when in ("1980-05-__", "1980-__-17", "19_0-05-17", "198_-05-17")
          for pair in ("عبدلح|ورفل", "عبدلح|مستف", "مستف|ورفل"))]
    assert lookup_keys(profile_of_name("علي", "", "", "الزوي", date(2001, 3, 4))) == [
        "d|2001-03-04|عل", "d|2001-03-04|س", "d|2001-04-03|عل", "d|2001-04-03|س",
        "c|2001-03-__|س|عل", "c|2001-__-04|س|عل", "c|20_1-03-04|س|عل", "c|200_-03-04|س|عل", "u|علي|||الزوي"]
    assert stored_keys(profile_of_name("علي", "", "", "الزوي", None)) == ["u|علي|||الزوي"]


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
        # the memos' answers are shared by every caller: immutable, so no caller can spoil them
        assert isinstance(person_stored_keys(person), tuple) and isinstance(person_keys(person)[1], tuple)
