"""Rule building blocks for the field tables (`fields.py`, category fields).

A rule is `rule(clean_value, ctx) -> Message | None`. It receives the value *after*
the field's cleaning (digits normalised, whitespace trimmed...), so a rule never flags
what normalisation would fix. Messages take the field's label as `{label}`.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from datetime import date
from typing import Callable

from fundclient.domain.arabic import is_arabic_name, is_latin_name
from fundclient.domain.digits import normalise_digits
from fundclient.domain.national_id import DEFAULT_SCHEME, NationalIdScheme
from fundclient.domain.phone import check_mobile
from fundclient.domain.records import Relation, Sex
from fundclient.domain.reference import ReferenceData, default_reference
from fundclient.errors import Message

MAX_AGE_YEARS = 120

REQUIRED = Message("{label} is required")
TOO_LONG = Message("{label} is too long (at most {max} characters)")
TOO_SHORT = Message("{label} is too short (at least {min} characters)")
CONTROL_CHARS = Message("{label} contains control characters")
BAD_CHARS = Message("{label} contains characters that are not allowed (such as emoji)")
ARABIC_ONLY = Message("{label} must be written in Arabic letters only")
LATIN_ONLY = Message("{label} must be written in Latin letters only")
DIGITS_ONLY = Message("{label} must contain digits only")
BAD_DATE = Message("{label}: not a valid date; write it like 15/03/1955")
FUTURE_DATE = Message("{label} cannot be in the future")
TOO_OLD = Message("{label}: age would be over {max} years")
TOO_YOUNG = Message("{label}: age {age} is below this category's minimum ({min} years)")
NOT_IN_LIST = Message("{label}: '{value}' is not in the list")
# A record's office is this PC's office (set up once), never typed on the form: when it is not
# a known office the clerk cannot fix it, so the message says who can.
OFFICE_NOT_SET_UP = Message("This PC is not set up for an office in the fund's list of offices, so "
                            "registrations cannot be saved. Call IT support to set up the office.")
BEFORE_AGE = Message("{label} must be after the person turned {years}")
CHILD_TOO_OLD = Message("A son or daughter must be born at least {years} years after the beneficiary")
SPOUSE_SAME_SEX = Message("A spouse's sex must differ from the beneficiary's")
RELATION_SEX = Message("A son is male and a daughter female; check relation or sex")

Rule = Callable[[str, "ValidationContext"], "Message | None"]


@dataclass(frozen=True)
class ValidationContext:
    """What a rule may need beyond the value: deployment choices and sibling fields."""

    scheme: NationalIdScheme = DEFAULT_SCHEME
    today: date = field(default_factory=date.today)
    reference: ReferenceData = field(default_factory=default_reference)
    category: str = "retiree"
    min_age: int = 0
    sex: Sex | None = None
    date_of_birth: date | None = None
    # Set when checking a dependant's field.
    relation: Relation | None = None
    holder_sex: Sex | None = None
    holder_date_of_birth: date | None = None


# ---------------------------------------------------------------- cleaning (never raises)

_FORMAT_CHARS = {"Cf"}  # bidi marks, ZWJ/ZWNJ, BOM: invisible, pasted from other apps
_SPACES = re.compile(r"[ \t\u00a0\u2000-\u200a\u202f\u205f\u3000]+")


# Short values repeat (names, codes, dates: an import checks 100,000 rows, each field cleaned
# and checked two or three times): remembered, bounded. Long ones (addresses, notes) are not.
_MEMO_CHARS = 48
# Entries a memo of short values holds. 65,536 would keep an import's dates of birth (~45,000 days
# in 120 years) until they came again (~20 us a row of the helper's validation), but the memos are
# process-wide and the app's import check step fills them in the window's own process: +57 MB kept
# after checking 60,000 rows (review finding 9, 2026-12-01) — not worth it while the importing
# process, not the helper, sets an import's pace (docs/performance.md).
MEMO_ENTRIES = 1 << 12


def clean_text(value: str, *, multiline: bool = False) -> str:
    """NFC, invisible format characters removed, digits ASCII, whitespace collapsed, trimmed."""
    if value.isdigit() and value.isascii():
        return value  # ASCII digits are their own cleaning — numbers met once are not remembered
    if len(value) <= _MEMO_CHARS:
        return _clean_short(value, multiline)
    return _clean_text(value, multiline)


@lru_cache(maxsize=MEMO_ENTRIES)
def _clean_short(value: str, multiline: bool) -> str:
    return _clean_text(value, multiline)


def _clean_text(value: str, multiline: bool) -> str:
    text = value
    if not text.isascii():
        invisible = {ch for ch in set(text) if unicodedata.category(ch) in _FORMAT_CHARS}
        if invisible:
            text = "".join(ch for ch in text if ch not in invisible)
    # NFC after removing invisibles, so what they separated composes canonically.
    text = unicodedata.normalize("NFC", text)
    text = normalise_digits(text).replace("\r\n", "\n").replace("\r", "\n")
    if multiline:
        lines = (_SPACES.sub(" ", line).strip() for line in text.split("\n"))
        return "\n".join(line for line in lines if line)
    return _SPACES.sub(" ", text.replace("\n", " ")).strip()


_DATE_FORMS = (
    re.compile(r"(?P<y>\d{4})[-/.](?P<m>\d{1,2})[-/.](?P<d>\d{1,2})"),
    re.compile(r"(?P<d>\d{1,2})[-/.](?P<m>\d{1,2})[-/.](?P<y>\d{4})"),
)


def parse_date(text: str) -> date | None:
    """yyyy-mm-dd or dd/mm/yyyy (also - or . separators, any digit system); else None."""
    return _parse_short(text) if len(text) <= _MEMO_CHARS else _parse_date(text)


@lru_cache(maxsize=MEMO_ENTRIES)  # a date is parsed by its cleaning and each of its rules; dates repeat
def _parse_short(text: str) -> date | None:
    return _parse_date(text)


def _parse_date(text: str) -> date | None:
    text = normalise_digits(text).strip()
    for form in _DATE_FORMS:
        m = form.fullmatch(text)
        if m:
            try:
                return date(int(m["y"]), int(m["m"]), int(m["d"]))
            except ValueError:
                return None
    return None


def age_on(born: date, today: date) -> int:
    return today.year - born.year - ((today.month, today.day) < (born.month, born.day))


# ---------------------------------------------------------------- character checks

_REJECTED_CATEGORIES = {"Cc", "Cs", "Co", "Cn", "So", "Sk"}


def check_characters(raw: str, *, multiline: bool = False) -> str | None:
    """'control' / 'bad' if the raw text holds characters no field accepts, else None."""
    if raw.isdigit() and raw.isascii():
        return None  # ASCII digits (national numbers, phones: met once, not remembered)
    if len(raw) <= _MEMO_CHARS:
        return _check_short(raw)
    return _check_characters(raw)


@lru_cache(maxsize=MEMO_ENTRIES)
def _check_short(raw: str) -> str | None:
    return _check_characters(raw)


def _check_characters(raw: str) -> str | None:
    found = None
    for ch in set(raw):  # distinct characters only: a name has a handful
        cat = unicodedata.category(ch)
        if cat in _REJECTED_CATEGORIES:
            if cat == "Cc":
                if ch in "\t\n\r":
                    continue
                return "control"
            found = "bad"
    return found


# ---------------------------------------------------------------- rules

# What a rule reads beyond the value (`FieldDef.check` remembers the answers of rules that
# read nothing else, or only the reference lists, or a few of the context's attributes that
# take few values — then per value and those attributes): a rule without the mark reads more
# of the context, or reads what makes its answers met once (a national number, a pair of birth
# dates: remembering them costs more than it spares).
READS_VALUE, READS_REFERENCE = "value", "reference"


def reads(what: str, *context: str) -> Callable[[Rule], Rule]:
    """Mark a rule: what it reads beyond the value (READS_VALUE: nothing, READS_REFERENCE: the
    reference lists) and `context`, the names of the `ValidationContext` attributes it reads
    (its answer is remembered per value and theirs: `fields.FieldDef.check`)."""
    def mark(rule: Rule) -> Rule:
        rule.reads = what  # type: ignore[attr-defined]
        rule.context = context  # type: ignore[attr-defined]
        return rule
    return mark


@reads(READS_VALUE)
def arabic_letters(value: str, ctx: ValidationContext) -> Message | None:
    return None if is_arabic_name(value) else ARABIC_ONLY


@reads(READS_VALUE)
def latin_letters(value: str, ctx: ValidationContext) -> Message | None:
    return None if is_latin_name(value) else LATIN_ONLY


def digits(min_length: int = 0) -> Rule:
    @reads(READS_VALUE)
    def rule(value: str, ctx: ValidationContext) -> Message | None:
        if not (value.isascii() and value.isdigit()):
            return DIGITS_ONLY
        if len(value) < min_length:
            return TOO_SHORT.format(min=min_length, label="{label}")
        return None
    return rule


def national_number(value: str, ctx: ValidationContext) -> Message | None:
    return ctx.scheme.check(value, sex=ctx.sex, date_of_birth=ctx.date_of_birth)


@reads(READS_VALUE)
def mobile(value: str, ctx: ValidationContext) -> Message | None:
    return check_mobile(value)


def choice(list_name: str) -> Rule:
    @reads(READS_REFERENCE)
    def rule(value: str, ctx: ValidationContext) -> Message | None:
        if list_name == "categories":
            known = {c.get("code") for c in ctx.reference.categories}
        else:
            known = ctx.reference.codes(list_name)
        if value in known:
            return None
        return NOT_IN_LIST.format(value=value[:40], label="{label}")
    rule.list_name = list_name  # type: ignore[attr-defined]
    return rule


@reads(READS_REFERENCE)
def known_office(value: str, ctx: ValidationContext) -> Message | None:
    """The office a record belongs to must be in the office list (bundled + pulled from HQ)."""
    return None if value in ctx.reference.codes("offices") else OFFICE_NOT_SET_UP


known_office.list_name = "offices"  # type: ignore[attr-defined]


@reads(READS_VALUE, "today")
def past_date(value: str, ctx: ValidationContext) -> Message | None:
    when = parse_date(value)
    if when is None:
        return BAD_DATE
    if when > ctx.today:
        return FUTURE_DATE
    if age_on(when, ctx.today) > MAX_AGE_YEARS:
        return TOO_OLD.format(max=MAX_AGE_YEARS, label="{label}")
    return None


@reads(READS_VALUE, "today", "min_age")
def birth_date_for_category(value: str, ctx: ValidationContext) -> Message | None:
    """A beneficiary's age must be plausible for the category (retirees: 40+)."""
    when = parse_date(value)
    if when is None or not ctx.min_age:
        return None
    age = age_on(when, ctx.today)
    if age < ctx.min_age:
        return TOO_YOUNG.format(age=age, min=ctx.min_age, label="{label}")
    return None


def after_age(years: int) -> Rule:
    """The date falls after the person's `years`-th birthday (retirement after 18)."""
    def rule(value: str, ctx: ValidationContext) -> Message | None:
        when = parse_date(value)
        born = ctx.date_of_birth
        if when is None or born is None:
            return None
        return BEFORE_AGE.format(years=years, label="{label}") if age_on(born, when) < years \
            else None
    return rule


MIN_PARENT_GAP_YEARS = 12


def dependant_birth(value: str, ctx: ValidationContext) -> Message | None:
    """A child is born well after the beneficiary."""
    when = parse_date(value)
    holder = ctx.holder_date_of_birth
    if when is None or holder is None or ctx.relation not in (Relation.SON, Relation.DAUGHTER):
        return None
    if age_on(holder, when) < MIN_PARENT_GAP_YEARS:
        return CHILD_TOO_OLD.format(years=MIN_PARENT_GAP_YEARS)
    return None


@reads(READS_VALUE, "relation", "holder_sex")
def dependant_sex(value: str, ctx: ValidationContext) -> Message | None:
    """Sex agrees with the relation: son male, daughter female, spouse opposite the holder."""
    if value not in ("M", "F"):
        return None
    sex = Sex(value)
    if ctx.relation == Relation.SON and sex != Sex.MALE:
        return RELATION_SEX
    if ctx.relation == Relation.DAUGHTER and sex != Sex.FEMALE:
        return RELATION_SEX
    if ctx.relation == Relation.SPOUSE and ctx.holder_sex is not None and sex == ctx.holder_sex:
        return SPOUSE_SAME_SEX
    return None
