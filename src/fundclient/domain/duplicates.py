"""Duplicate check: a candidate record against existing ones (fetched by storage via FTS).

- Same national number (normalised, non-empty) -> certain duplicate, score 1.
- Otherwise a possible duplicate with a score in 0..1:

      score = name_agreement × birth_agreement × sex_agreement × mother_agreement

  name_agreement compares the four name parts *structurally*: the first non-empty part is
  the first name, the last non-empty part the family name, the ones between are father
  and grandfather (so a missing grandfather does not shift the family name). Parts are
  compared after `arabic.name_key` normalisation: equal = 1, same phonetic key = 0.9,
  else a Jaro-Winkler similarity rescaled so that merely similar-looking different names
  (محمد/احمد ≈ 0.83) count little. Weights: first 0.35, father 0.25, grandfather 0.15,
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
from fundclient.domain.national_id import NationalIdScheme, get_scheme
from fundclient.domain.records import Beneficiary
from fundclient.errors import Message

DEFAULT_THRESHOLD = 0.85
PART_WEIGHTS = (0.35, 0.25, 0.15, 0.25)  # first, father, grandfather, family
MISSING_PART_FACTOR = 0.95
UNORDERED_FACTOR = 0.9
TYPO_AGREEMENT = 0.75

SAME_NATIONAL_NUMBER = Message("الرقم الوطني نفسه مسجل للمنتفع «{name}»",
                               "The same national number is registered for '{name}'")
SAME_NAME_AND_BIRTH = Message("نفس الاسم الرباعي وتاريخ الميلاد للمنتفع «{name}»",
                              "Same full name and date of birth as '{name}'")
SIMILAR = Message("تشابه بنسبة {percent}٪ مع المنتفع «{name}»: {detail_ar}",
                  "{percent}% similar to '{name}': {detail_en}")
_BIRTH_WORDS = {
    "same": ("تاريخ الميلاد مطابق", "same date of birth"),
    "close": ("تاريخ الميلاد قريب", "close date of birth"),
    "differs": ("تاريخ الميلاد مختلف", "different date of birth"),
    "unknown": ("تاريخ الميلاد غير معروف", "date of birth unknown"),
}


@dataclass(frozen=True)
class DuplicateMatch:
    existing: Beneficiary
    score: float  # 0..1
    certain: bool
    kind: str  # "national_number" | "name_and_birth" | "similar"
    reason: Message


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


def profile(b: Beneficiary, scheme: str | NationalIdScheme | None = None) -> DuplicateProfile:
    """The comparison view of a record; cached on the values it reads (records are mutable,
    so never on identity)."""
    name = b.name
    born = b.date_of_birth if isinstance(b.date_of_birth, date) else None
    return _profile(get_scheme(scheme), as_text(b.national_number), as_text(name.first),
                    as_text(name.father), as_text(name.grandfather), as_text(name.family),
                    as_text(b.sex), born, as_text(b.mother_name))


@lru_cache(maxsize=1 << 16)
def _profile(scheme: NationalIdScheme, number: str, first: str, father: str,
             grandfather: str, family: str, sex: str, born: date | None,
             mother: str) -> DuplicateProfile:
    parts = _structural_parts(first, father, grandfather, family)
    words = tuple(sorted(p for p in parts if p))
    return DuplicateProfile(
        national_number=scheme.normalise(number[:100]), parts=parts,
        sounds=frozenset(phonetic_key(w) for w in words), words=words, sex=sex,
        date_of_birth=born, mother=_key(mother))


@lru_cache(maxsize=1 << 17)
def _key(text: str) -> str:
    return name_key(text[:200])


@lru_cache(maxsize=1 << 16)
def _structural_parts(first: str, father: str, grandfather: str, family: str
                      ) -> tuple[str, str, str, str]:
    keys = [k for k in (_key(first), _key(father), _key(grandfather), _key(family)) if k]
    if len(keys) <= 1:
        return (keys[0] if keys else "", "", "", "")
    middle = keys[1:-1]
    return (keys[0], middle[0] if middle else "", middle[1] if len(middle) > 1 else "",
            keys[-1])


_SHARED_PREFIXES = ("عبدال", "عبد", "ابو", "ال")


@lru_cache(maxsize=1 << 18)
def part_agreement(a: str, b: str) -> float:
    """Agreement of two normalised name parts, 0..1."""
    if a == b:
        return 1.0
    if not a or not b:
        return 0.0
    if phonetic_key(a) == phonetic_key(b):
        return 0.9
    for prefix in _SHARED_PREFIXES:
        # عبدالله/عبدالسلام share a prefix that says nothing: compare what follows it.
        if a.startswith(prefix) and b.startswith(prefix):
            a, b = a[len(prefix):], b[len(prefix):]
            break
    # Below JW 0.75 names are unrelated; 0.83 (a different name) -> 0.29; capped at 0.88,
    # under a phonetic match.
    rescaled = 0.88 * max(0.0, (jaro_winkler(a, b) - 0.75) / 0.25)
    if min(len(a), len(b)) >= 4 and one_edit_apart(a, b):
        # One slip of the keyboard (مظمود for محمود) is the commonest entry error; it must
        # not sink a record whose other parts and birth date agree.
        return max(rescaled, TYPO_AGREEMENT)
    return rescaled


def one_edit_apart(a: str, b: str) -> bool:
    """One substitution, insertion, deletion or swap of neighbours turns a into b."""
    la, lb = len(a), len(b)
    if abs(la - lb) > 1 or a == b:
        return False
    i = 0
    while i < min(la, lb) and a[i] == b[i]:
        i += 1
    if la == lb:
        if a[i + 1:] == b[i + 1:]:
            return True
        return a[i + 1:i + 2] == b[i:i + 1] and a[i:i + 1] == b[i + 1:i + 2] \
            and a[i + 2:] == b[i + 2:]
    return a[i:] == b[i + 1:] if la < lb else a[i + 1:] == b[i:]


def jaro_winkler(a: str, b: str) -> float:
    if a == b:
        return 1.0
    la, lb = len(a), len(b)
    if not la or not lb:
        return 0.0
    window = max(max(la, lb) // 2 - 1, 0)
    matched_b = [False] * lb
    matches_a = []
    for i, ch in enumerate(a):
        for j in range(max(0, i - window), min(lb, i + window + 1)):
            if not matched_b[j] and b[j] == ch:
                matched_b[j] = True
                matches_a.append(ch)
                break
    m = len(matches_a)
    if not m:
        return 0.0
    matches_b = [b[j] for j in range(lb) if matched_b[j]]
    transpositions = sum(x != y for x, y in zip(matches_a, matches_b)) // 2
    jaro = (m / la + m / lb + (m - transpositions) / m) / 3
    prefix = 0
    for x, y in zip(a[:4], b[:4]):
        if x != y:
            break
        prefix += 1
    return jaro + prefix * 0.1 * (1 - jaro)


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
        score *= 0.6
    if a.mother and b.mother and part_agreement(a.mother, b.mother) < 0.8:
        score *= 0.85
    return min(score, 1.0), verdict


def compare(candidate: Beneficiary, existing: Beneficiary, *,
            scheme: str | NationalIdScheme | None = None,
            threshold: float = DEFAULT_THRESHOLD) -> DuplicateMatch | None:
    """One pair; None if `existing` is the same record or not similar enough."""
    return _match(profile(candidate, scheme), existing, profile(existing, scheme), threshold)


def find_duplicates(candidate: Beneficiary, existing: Iterable[Beneficiary], *,
                    scheme: str | NationalIdScheme | None = None,
                    threshold: float = DEFAULT_THRESHOLD) -> list[DuplicateMatch]:
    """Matches of `candidate` among `existing`, certain ones first, then by score.
    Records with the candidate's record_id (earlier revisions of itself) are skipped."""
    mine = profile(candidate, scheme)
    found = []
    for other in existing:
        if other.record_id == candidate.record_id:
            continue
        match = _match(mine, other, profile(other, scheme), threshold)
        if match:
            found.append(match)
    found.sort(key=lambda m: (not m.certain, -m.score))
    return found


def _match(mine: DuplicateProfile, other: Beneficiary, theirs: DuplicateProfile,
           threshold: float) -> DuplicateMatch | None:
    if mine.national_number and mine.national_number == theirs.national_number:
        return DuplicateMatch(other, 1.0, True, "national_number",
                              SAME_NATIONAL_NUMBER.format(name=_shown(other)))
    score, verdict = score_pair(mine, theirs)
    if score < threshold and not (verdict == "same" and mine.parts == theirs.parts):
        return None
    if mine.parts == theirs.parts and any(mine.parts) and verdict == "same" \
            and mine.sex == theirs.sex:
        return DuplicateMatch(other, 1.0, False, "name_and_birth",
                              SAME_NAME_AND_BIRTH.format(name=_shown(other)))
    if score < threshold:
        return None
    ar, en = _BIRTH_WORDS[verdict]
    return DuplicateMatch(other, round(score, 3), False, "similar",
                          SIMILAR.format(percent=round(score * 100), name=_shown(other),
                                         detail_ar=ar, detail_en=en))


def _shown(b: Beneficiary) -> str:
    return b.name.full()[:120]
