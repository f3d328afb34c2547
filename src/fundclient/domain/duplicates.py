"""Duplicate check: a candidate record against existing ones (found by storage through the
blocking keys of `domain.duplicate_keys` and shared national numbers: storage/duplicate_candidates.py).

- Same national number (normalised, non-empty) -> certain duplicate, score 1.
- Otherwise a possible duplicate with a score in 0..1:

      score = name_agreement × birth_agreement × sex_agreement × mother_agreement

  name_agreement compares the four name parts *structurally*: the first non-empty part is
  the first name, the last non-empty part the family name, the ones between are father
  and grandfather (so a missing grandfather does not shift the family name). Parts are
  compared after `arabic.name_key` normalisation by `name_match.part_agreement` (the
  tiers the search box ranks by: equal = 1, with/without «ال» 0.97, same sound 0.9, one
  keyboard slip 0.75, else a rescaled Jaro-Winkler similarity). Weights: first 0.35, father 0.25, grandfather 0.15,
  family 0.25, renormalised over the parts both records have (×0.95 per missing part).
  Order tolerance: if the parts are the same words in another order (family typed in the
  first box...), the unordered agreement ×0.9 is used when it is higher. A son's name
  (سالم محمد علي الورفلي) shares three words with his father's but not in their places,
  so it stays far below the threshold.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from typing import Iterable

from fundclient.domain.arabic import name_key, phonetic_key
from fundclient.domain.fields import as_text
from fundclient.domain.name_match import (ARTICLE_AGREEMENT, SIMILAR_CAP, SOUND_AGREEMENT, TYPO_AGREEMENT,
                                           part_agreement)
from fundclient.domain.national_id import NationalIdScheme, get_scheme
from fundclient.domain.records import Beneficiary, Dependant, Sex
from fundclient.errors import Message

DEFAULT_THRESHOLD = 0.85
PART_WEIGHTS = (0.35, 0.25, 0.15, 0.25)  # first, father, grandfather, family
MISSING_PART_FACTOR = 0.95
UNORDERED_FACTOR = 0.9
_OTHER_SEX = 0.6  # the score's factor when both sexes are known and differ (`score_pair`)

SAME_NATIONAL_NUMBER = Message("The same national number is registered for '{name}'")
SAME_NAME_AND_BIRTH = Message("Same full name and date of birth as '{name}'")
SIMILAR = Message("{percent}% similar to '{name}': {detail}")
# The person found is a dependant of an existing record, or the match is through one of the
# dependants on the form being saved.
SAME_NUMBER_AS_DEPENDANT = Message("The same national number is registered for '{person}', a dependant of "
                                   "'{name}'")
SAME_NAME_AND_BIRTH_AS_DEPENDANT = Message("Same name and date of birth as '{person}', a dependant of '{name}'")
SIMILAR_TO_DEPENDANT = Message("{percent}% similar to '{person}', a dependant of '{name}': {detail}")
OWN_DEPENDANT_IS_HOLDER = Message("Dependant '{mine}': the same national number is registered for '{name}'")
OWN_DEPENDANT_IS_DEPENDANT = Message("Dependant '{mine}': the same national number is registered for "
                                     "'{person}', a dependant of '{name}'")
_BIRTH_WORDS = {
    "same": Message("same date of birth"),
    "close": Message("close date of birth"),
    "differs": Message("different date of birth"),
    "unknown": Message("date of birth unknown"),
}


@dataclass(frozen=True)
class DuplicateMatch:
    existing: Beneficiary
    score: float  # 0..1
    certain: bool
    kind: str  # "national_number" | "name_and_birth" | "similar"
    reason: Message
    # Set when the person found is one of `existing`'s dependants (not its holder) …
    existing_dependant: Dependant | None = None
    # … and when the match is through a dependant on the form (not the holder).
    own_dependant: Dependant | None = None

    @property
    def person(self) -> str:
        """Who was found: the holder's name or the dependant's."""
        return _shown(self.existing_dependant or self.existing)


@dataclass(frozen=True, slots=True)
class DuplicateProfile:
    """What the comparison needs from a record, computed once per record."""

    national_number: str
    parts: tuple[str, str, str, str]  # structural first, father, grandfather, family keys
    sounds: frozenset[str]
    words: tuple[str, ...]
    sex: str
    date_of_birth: date | None
    mother: str


def profile(b: Beneficiary | Dependant, scheme: str | NationalIdScheme | None = None) -> DuplicateProfile:
    """The comparison view of a record; cached on the values it reads (records are mutable,
    so never on identity)."""
    name = b.name
    sex = b.sex
    # (a choice by its value, as `as_text` gives it: the text fast path of `profile_of_values`)
    return profile_of_values(b.national_number, name.first, name.father, name.grandfather, name.family,
                             sex.value if type(sex) is Sex else sex, b.date_of_birth,
                             getattr(b, "mother_name", ""), scheme)


def profile_of_values(number, first, father, grandfather, family, sex, born, mother,
                      scheme: str | NationalIdScheme | None = None, *, cached: bool = True) -> DuplicateProfile:
    """`profile` of a person given as its values (a `Beneficiary`'s or `Dependant`'s attributes,
    or the same values as a received record's JSON holds them once `Beneficiary.from_dict` would
    accept it: HQ profiles a batch's people without building the objects, hq/people.py) — the
    one implementation of both. `cached=False`: people seen once (HQ's batches) skip the cache
    of `_profile`, which would only cost them its bookkeeping and push out an office's working set."""
    born = born if isinstance(born, date) else None
    scheme = scheme if isinstance(scheme, NationalIdScheme) else get_scheme(scheme)
    make = _profile if cached else _make_profile_once
    if type(number) is str and type(first) is str and type(father) is str and type(grandfather) is str \
            and type(family) is str and type(sex) is str and type(mother) is str:
        # text (the usual case) is taken as it is: thousands of candidates per import batch
        return make(scheme, number, first, father, grandfather, family, sex, born, mother)
    return make(scheme, *(as_text(v) for v in (number, first, father, grandfather, family, sex)), born,
                as_text(mother))


# Cache sizes hold one search's or one duplicate check's working set (≈ 400 candidates and their
# words), not a day of them: caches of 2^16–2^18 entries grew the office app by ~160 MB over a day
# on 4 GB PCs, and 2^13–2^14 still by ~40 MB/h in the first hour at 1 M records, while a search at
# 1 M costs the same CPU with every cache emptied before it (benchmarks/soak_day.py,
# docs/performance.md, ## Memory over a day).
def _make_profile(scheme: NationalIdScheme, number: str, first: str, father: str,
                  grandfather: str, family: str, sex: str, born: date | None,
                  mother: str, parts_of=None) -> DuplicateProfile:
    parts = (parts_of or _structural_parts)(first, father, grandfather, family)
    words = tuple(sorted(filter(None, parts)))
    return DuplicateProfile(scheme.normalise(number[:100]), parts, frozenset(map(phonetic_key, words)), words, sex,
                            born, _key(mother))


_profile = lru_cache(maxsize=1 << 11)(_make_profile)


def _make_profile_once(scheme: NationalIdScheme, number: str, first: str, father: str, grandfather: str,
                       family: str, sex: str, born: date | None, mother: str) -> DuplicateProfile:
    """`_make_profile` of a person seen once (HQ's batches): a full name (its four parts) is rarely
    met twice, so the cache of `_structural_parts` is passed by (its parts' keys are cached)."""
    return _make_profile(scheme, number, first, father, grandfather, family, sex, born, mother,
                         _structural_parts.__wrapped__)


def profile_of_name(first, father, grandfather, family, born: date | None) -> DuplicateProfile:
    """A profile with only the name parts and the birth date (what `duplicate_keys` reads)."""
    parts = _structural_parts(*(v if type(v) is str else as_text(v) for v in (first, father, grandfather, family)))
    return DuplicateProfile("", parts, frozenset(), (), "", born, "")


@lru_cache(maxsize=1 << 11)
def _key(text: str) -> str:
    return name_key(text[:200])


@lru_cache(maxsize=1 << 10)
def _structural_parts(first: str, father: str, grandfather: str, family: str
                      ) -> tuple[str, str, str, str]:
    keys = [k for k in (_key(first), _key(father), _key(grandfather), _key(family)) if k]
    if len(keys) <= 1:
        return (keys[0] if keys else "", "", "", "")
    middle = keys[1:-1]
    return (keys[0], middle[0] if middle else "", middle[1] if len(middle) > 1 else "",
            keys[-1])


def name_agreement(a: DuplicateProfile, b: DuplicateProfile) -> float:
    total = weight = 0.0
    missing = 0
    for wa, wb, w in zip(a.parts, b.parts, PART_WEIGHTS):
        if wa and wb:
            total += w * part_agreement(wa, wb)
            weight += w
        elif wa or wb:
            missing += 1
    ordered = (total / weight) * MISSING_PART_FACTOR ** missing if weight else 0.0
    if ordered < UNORDERED_FACTOR and a.words and b.words:
        common = len(a.sounds & b.sounds)
        unordered = common / max(len(a.sounds), len(b.sounds)) * UNORDERED_FACTOR
        if a.words == b.words:
            unordered = UNORDERED_FACTOR
        return max(ordered, unordered)
    return ordered


def birth_agreement(a: date | None, b: date | None) -> tuple[float, str]:
    if a is None or b is None:
        return 0.85, "unknown"
    if a == b:
        return 1.0, "same"
    if a.year == b.year:
        if a.month == b.day and a.day == b.month:
            return 0.95, "close"  # day and month swapped
        if a.month == b.month or a.day == b.day:
            return 0.9, "close"  # one typo
        return 0.8, "close"  # same year (often only the year is known)
    if (a.month, a.day) == (b.month, b.day) and _one_digit_apart(a.year, b.year):
        return 0.9, "close"
    if abs(a.year - b.year) <= 1:
        return 0.7, "close"
    return 0.4, "differs"


def _one_digit_apart(x: int, y: int) -> bool:
    return sum(c != d for c, d in zip(f"{x:04d}", f"{y:04d}")) == 1


def score_pair(a: DuplicateProfile, b: DuplicateProfile) -> tuple[float, str]:
    """Possible-duplicate score 0..1 of two profiles and the birth-date verdict."""
    name = name_agreement(a, b)
    if name < 0.3:
        return name * 0.4, "differs"
    birth, verdict = birth_agreement(a.date_of_birth, b.date_of_birth)
    score = name * birth
    if a.sex and b.sex and a.sex != b.sex:
        score *= _OTHER_SEX
    if a.mother and b.mother and part_agreement(a.mother, b.mother) < 0.8:
        score *= 0.85
    return min(score, 1.0), verdict


# `_score_bound` rounds differently from `score_pair`: a pair is refused only when its bound is
# under the threshold by more than any rounding.
_MARGIN = 1e-9
# The highest agreement of two name parts that differ (`part_agreement`'s tiers: equal spelling only is 1).
_DIFFERENT_PARTS = max(ARTICLE_AGREEMENT, SOUND_AGREEMENT, SIMILAR_CAP, TYPO_AGREEMENT)
# The parts in the order their agreement is worked out by `_score_bound`: the heaviest first.
_BY_WEIGHT = tuple(sorted(range(len(PART_WEIGHTS)), key=lambda i: -PART_WEIGHTS[i]))


def _score_bound(a: DuplicateProfile, b: DuplicateProfile, birth: float, threshold: float) -> float:
    """An upper bound of `score_pair(a, b)[0]` (`birth`: their birth agreement), as low as needed
    to tell it under `threshold`: the name agreement bounded by the parts known so far — equal
    parts count 1, each part not compared yet its highest agreement (`_DIFFERENT_PARTS`), the
    unordered agreement exactly (`name_agreement` is at most the larger of the two) —, the
    heaviest differing part compared first and the bound returned as soon as it is under the
    threshold; the sex factor applied, the mother's (≤ 1) not. Never under the score (the
    equality tests: tests/core/test_domain_duplicates.py)."""
    parts_a, parts_b = a.parts, b.parts
    total = weight = rest = 0.0
    missing = 0
    pending = []
    for i in _BY_WEIGHT:
        wa, wb = parts_a[i], parts_b[i]
        if wa and wb:
            w = PART_WEIGHTS[i]
            weight += w
            if wa == wb:
                total += w
            else:
                pending.append((w, wa, wb))
                rest += w * _DIFFERENT_PARTS
        elif wa or wb:
            missing += 1
    unordered = 0.0
    if a.words and b.words:
        unordered = UNORDERED_FACTOR if a.words == b.words else \
            len(a.sounds & b.sounds) / max(len(a.sounds), len(b.sounds)) * UNORDERED_FACTOR
    factor = birth * (_OTHER_SEX if a.sex and b.sex and a.sex != b.sex else 1.0)
    if _bounded_score(1.0, factor) < threshold - _MARGIN:  # whatever the names (another sex)
        return _bounded_score(1.0, factor)
    scale = MISSING_PART_FACTOR ** missing / weight if weight else 0.0
    for w, wa, wb in pending:
        bound = max((total + rest) * scale, unordered)
        if _bounded_score(bound, factor) < threshold - _MARGIN:
            return _bounded_score(bound, factor)
        rest -= w * _DIFFERENT_PARTS
        total += w * part_agreement(wa, wb)
    return _bounded_score(max((total + rest) * scale, unordered), factor)


def _bounded_score(name: float, factor: float) -> float:
    """The highest `score_pair` score of a name agreement of at most `name` (`factor`: the birth
    agreement times the sex factor): under 0.3 a name scores name × 0.4."""
    return name * 0.4 if name < 0.3 else max(name * factor, 0.3 * 0.4)


def compare(candidate: Beneficiary, existing: Beneficiary, *,
            scheme: str | NationalIdScheme | None = None,
            threshold: float = DEFAULT_THRESHOLD) -> DuplicateMatch | None:
    """One pair; None if `existing` is the same record or not similar enough."""
    return _match(profile(candidate, scheme), existing, profile(existing, scheme), threshold)


def find_duplicates(candidate: Beneficiary, existing: Iterable[Beneficiary], *,
                    scheme: str | NationalIdScheme | None = None,
                    threshold: float = DEFAULT_THRESHOLD,
                    profiles: dict | None = None) -> list[DuplicateMatch]:
    """Matches of `candidate` among `existing`, certain ones first, then by score.
    Records with the candidate's record_id (earlier revisions of itself) are skipped.

    Per existing record: its holder against the candidate's holder; then national numbers
    across holders and dependants both ways (a wife registered as a dependant now
    registering as a holder, a child on two families' forms); then the candidate's holder
    against the record's dependants by name and birth date.

    `profiles`: a memo of profiles by object identity that the caller keeps while none of
    the records it holds changes (a bulk import's batch compares each stored candidate with
    many rows); it also keeps what the cheap bounds read, each entry keyed by the person's or
    record's id last in a tuple: ("view", id(person)) its `_NameView`, ("card", id(record)) its
    `_card` (an import keeps a held record's entries across batches: `HeldRecords.kept`).

    Cheap bounds first, the same answers (tests/core/test_domain_duplicates.py): a person is
    compared on whole profiles only when its national number is the candidate's, or its birth
    date agrees at least the threshold and its name parts can still bring the score to it
    (`_score_bound`, on name views without national number, birth date or mother's name);
    the candidate's own whole profile is made only then."""
    scheme = get_scheme(scheme)
    if profiles is None:
        profiles = {}

    def profiled(person: Beneficiary | Dependant) -> DuplicateProfile:
        found = profiles.get(id(person))
        if found is None:
            found = profiles[id(person)] = profile(person, scheme)
        return found

    # (the memo may hold the candidate's own people too — HQ's batch check profiles them first —;
    # looked up only: an entry is added for the records the caller keeps, never for the candidate)
    mine = profiles.get(id(candidate))  # its whole profile: else made only for a pair the bounds leave
    mine_view = mine or _NameView(candidate)
    mine_number, mine_born = _number_and_birth(candidate, mine, scheme)
    # the own dependants' national numbers only (their profile's, without its name keys: a new
    # record's dependants are profiled nowhere else)
    own_numbers = [(d, known.national_number if (known := profiles.get(id(d))) is not None else _number(d, scheme))
                   for d in candidate.dependants]
    any_own_number = any(number for _, number in own_numbers)
    own_id = candidate.record_id
    births: dict = {}  # birth date -> its agreement with the candidate's

    def matched(other: Beneficiary, person: Beneficiary | Dependant, number: str, born: date | None,
                dependant: Dependant | None = None) -> DuplicateMatch | None:
        """`_match` of the candidate and `person` (`other`'s holder or its `dependant`), None at once
        when the cheap bounds tell it: another national number and birth dates that agree less
        than the threshold, or a name that cannot bring the score to it (`_score_bound`) — read
        before any whole profile is made (most candidates' people are ruled out by these)."""
        nonlocal mine
        if not (mine_number and mine_number == number):
            birth = births.get(born)
            if birth is None:
                birth = births[born] = birth_agreement(mine_born, born)[0]
            if birth < threshold:
                return None
            theirs = profiles.get(id(person)) or profiles.get(key := ("view", id(person)))
            if theirs is None:
                # of another sex, its score is at most 0.6 × the birth agreement (`_score_bound`):
                # told before its name is read
                sex = _sex_text(person.sex)
                if mine_view.sex and sex and mine_view.sex != sex and \
                        _bounded_score(1.0, birth * _OTHER_SEX) < threshold - _MARGIN:
                    return None
                theirs = profiles[key] = _NameView(person, sex)
            if mine_view.parts != theirs.parts and \
                    _score_bound(mine_view, theirs, birth, threshold) < threshold - _MARGIN:
                return None
        if mine is None:
            mine = profile(candidate, scheme)
        return _match(mine, other, profiled(person), threshold, dependant)

    found = []
    for other in existing:
        if other.record_id == own_id:
            continue
        card = profiles.get(key := ("card", id(other)))
        if card is None:
            card = profiles[key] = _card(other, profiles, scheme)
        holder_number, holder_born, theirs, by_number = card
        match = matched(other, other, holder_number, holder_born)
        if (match is None or not match.certain) and (by_number or any_own_number):
            match = _by_card(mine_number, own_numbers, other, holder_number, by_number) or match
        if match is None:
            for dependant, number, born in theirs:
                match = matched(other, dependant, number, born, dependant)
                if match:
                    break
        if match:
            found.append(match)
    found.sort(key=lambda m: (not m.certain, -m.score))
    return found


class _NameView:
    """What `_score_bound` reads of a person, as its `profile` has them (the same functions on the
    same values: `profile_of_values`' text of each value), without what only a whole comparison
    reads (national number, birth date, mother's name): a third of a profile's making."""

    __slots__ = ("parts", "words", "sounds", "sex")

    def __init__(self, person: Beneficiary | Dependant, sex: str | None = None) -> None:
        """`sex`: the person's `_sex_text`, when found already."""
        name = person.name
        values = (name.first, name.father, name.grandfather, name.family)
        self.parts = parts = _structural_parts(*(v if type(v) is str else as_text(v) for v in values))
        self.words = words = tuple(sorted(filter(None, parts)))
        self.sounds = frozenset(map(phonetic_key, words))
        self.sex = _sex_text(person.sex) if sex is None else sex


def _sex_text(sex) -> str:
    """A person's sex as its profile has it (`profile`, `profile_of_values`)."""
    return sex.value if type(sex) is Sex else as_text(sex)


def _number_and_birth(person: Beneficiary | Dependant, known: DuplicateProfile | None, scheme: NationalIdScheme
                      ) -> tuple[str, date | None]:
    """A person's profile's national number and birth date (`known`: its profile, when made), without
    its name keys."""
    if known is not None:
        return known.national_number, known.date_of_birth
    born = person.date_of_birth
    return _number(person, scheme), born if isinstance(born, date) else None


def _card(other: Beneficiary, profiles: dict, scheme: NationalIdScheme
          ) -> tuple[str, date | None, tuple[tuple[Dependant, str, date | None], ...], dict[str, Dependant]]:
    """What the cheap bounds and the numbers' comparison read of a candidate record, made once per
    record the caller holds: its holder's national number and birth date; per dependant, in
    order, (the dependant, its number, its birth date); its dependants' non-empty numbers, each to
    the first dependant holding it. A profile in the memo is read instead of the person (HQ's
    held people are profiles there)."""
    theirs = tuple((d, *_number_and_birth(d, profiles.get(id(d)), scheme)) for d in other.dependants)
    by_number: dict[str, Dependant] = {}
    for dependant, number, _ in theirs:
        if number and number not in by_number:
            by_number[number] = dependant
    return (*_number_and_birth(other, profiles.get(id(other)), scheme), theirs, by_number)


def _by_card(mine_number: str, own: list[tuple[Dependant, str]], other: Beneficiary, holder_number: str,
             by_number: dict[str, Dependant]) -> DuplicateMatch | None:
    """The dependants' numbers compared from a record's `_card`: the holder's number against the
    record's dependants' (the first holding it), then each own dependant's against the record's
    holder and dependants, in order (tests/core/test_domain_duplicates.py `_numbers`: the same match
    the plain way)."""
    if mine_number:
        dependant = by_number.get(mine_number)
        if dependant is not None:
            return DuplicateMatch(other, 1.0, True, "national_number", SAME_NUMBER_AS_DEPENDANT.format(
                person=_shown(dependant), name=_shown(other)), existing_dependant=dependant)
    for own_dependant, number in own:
        if not number:
            continue
        if number == holder_number:
            return DuplicateMatch(other, 1.0, True, "national_number", OWN_DEPENDANT_IS_HOLDER.format(
                mine=_shown(own_dependant), name=_shown(other)), own_dependant=own_dependant)
        dependant = by_number.get(number)
        if dependant is not None:
            return DuplicateMatch(other, 1.0, True, "national_number", OWN_DEPENDANT_IS_DEPENDANT.format(
                mine=_shown(own_dependant), person=_shown(dependant), name=_shown(other)),
                existing_dependant=dependant, own_dependant=own_dependant)
    return None


def _number(person: Beneficiary | Dependant, scheme: NationalIdScheme) -> str:
    """`profile(person, scheme).national_number`, without the rest of the profile."""
    number = person.national_number
    return scheme.normalise((number if type(number) is str else as_text(number))[:100])


def _match(mine: DuplicateProfile, other: Beneficiary, theirs: DuplicateProfile,
           threshold: float, dependant: Dependant | None = None) -> DuplicateMatch | None:
    """`theirs` is the profile of `other`'s holder, or of its `dependant` when given."""
    if mine.national_number and mine.national_number == theirs.national_number:
        template = SAME_NUMBER_AS_DEPENDANT if dependant else SAME_NATIONAL_NUMBER
        return DuplicateMatch(other, 1.0, True, "national_number", template.format(**_names(other, dependant)),
                              existing_dependant=dependant)
    birth = birth_agreement(mine.date_of_birth, theirs.date_of_birth)[0]
    if birth < threshold:
        # The score is at most the birth agreement (`score_pair`), and a "same name and birth"
        # needs the same date (agreement 1): no match — found before comparing the names
        # (an import compares each row with ~30 records and their dependants).
        return None
    if mine.parts != theirs.parts and _score_bound(mine, theirs, birth, threshold) < threshold - _MARGIN:
        # The score cannot reach the threshold whatever the name parts not compared yet, and a
        # "same name and birth" needs the same parts: no match (most candidates' people).
        return None
    score, verdict = score_pair(mine, theirs)
    if score < threshold and not (verdict == "same" and mine.parts == theirs.parts):
        return None
    names = _names(other, dependant)
    if mine.parts == theirs.parts and any(mine.parts) and verdict == "same" \
            and mine.sex == theirs.sex:
        template = SAME_NAME_AND_BIRTH_AS_DEPENDANT if dependant else SAME_NAME_AND_BIRTH
        return DuplicateMatch(other, 1.0, False, "name_and_birth", template.format(**names),
                              existing_dependant=dependant)
    if score < threshold:
        return None
    template = SIMILAR_TO_DEPENDANT if dependant else SIMILAR
    return DuplicateMatch(other, round(score, 3), False, "similar",
                          template.format(percent=round(score * 100), detail=_BIRTH_WORDS[verdict], **names),
                          existing_dependant=dependant)


def _names(other: Beneficiary, dependant: Dependant | None) -> dict[str, str]:
    return dict(name=_shown(other), person=_shown(dependant) if dependant else "")


def _shown(b: Beneficiary | Dependant) -> str:
    return b.name.full()[:120]


# --- HQ-wide check (hq/duplicates.py) and the offices' HQ lookup: the same comparison -----------
MOTHER_AGREES = 0.8


def blocking_keys(b: Beneficiary | Dependant | DuplicateProfile,
                  scheme: str | NationalIdScheme | None = None) -> set[str]:
    """Keys under which a person is filed for finding name matches among millions without
    comparing every pair: the birth date with the family name's sound, and the first and family
    names' sounds with the birth year. Two people the duplicate check could call alike share
    one of them unless both the birth date and its year differ (a typo in the year alone still
    meets on the first key). Holders and dependants alike (or their `profile`, when known)."""
    p = b if isinstance(b, DuplicateProfile) else profile(b, scheme)
    first, family = p.parts[0], p.parts[3]
    born = p.date_of_birth
    if not (first and family and born):
        return set()
    first_sound, family_sound = phonetic_key(first), phonetic_key(family)
    return {f"b|{born.isoformat()}|{family_sound}"[:64], f"n|{first_sound}|{family_sound}|{born.year}"[:64]}


def likely_same_person(candidate: Beneficiary, match: DuplicateMatch,
                       scheme: str | NationalIdScheme | None = None, profiles: dict | None = None) -> bool:
    """Whether HQ answers a match as `duplicate`: the same national number, the same full name
    and birth date, or a close name and birth date *and* the same mother's name (a holder's;
    a dependant carries none, so a similar-only match through a dependant is left to the
    office's own banner). `profiles`: the memo `find_duplicates` was given (HQ's held people
    are profiles stored at ingest, in that memo only)."""
    if match.certain or match.kind == "name_and_birth":
        return True
    memo = profiles or {}
    mine_person, their_person = match.own_dependant or candidate, match.existing_dependant or match.existing
    mine = memo.get(id(mine_person)) or profile(mine_person, scheme)
    theirs = memo.get(id(their_person)) or profile(their_person, scheme)
    return bool(mine.mother and theirs.mother and part_agreement(mine.mother, theirs.mother) >= MOTHER_AGREES)
