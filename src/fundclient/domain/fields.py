"""THE field table: label, hint, length, required flag and rules of every form field.

The registration form builds its labels, placeholders and inline messages from here; the
CSV importer uses `key` as its header name (beneficiary keys; dependant keys prefixed
`dependants[].`; category fields `category_fields.<key>`, see `domain.categories`).
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import Enum
from functools import lru_cache
from typing import Any

from fundclient.domain import rules
from fundclient.domain.national_id import DEFAULT_SCHEME
from fundclient.domain.phone import normalise_mobile
from fundclient.domain.rules import Rule, ValidationContext, clean_text, parse_date
from fundclient.errors import Message

# Raw input longer than this many times max_length is refused before any processing,
# so a pasted 10 MB string costs nothing.
_RAW_LENGTH_FACTOR = 4

_TATWEEL = "\u0640"


@dataclass(frozen=True)
class FieldDef:
    key: str
    label: Message
    hint: Message = Message.plain("")
    max_length: int = 100
    required: bool = False
    # How the value is cleaned: arabic_name, latin_name, national_number, mobile, date,
    # digits, choice, text, multiline.
    kind: str = "text"
    rules: tuple[Rule, ...] = ()
    choices: str | None = None  # reference list for kind == "choice"
    extra: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)

    def clean(self, value: Any, ctx: ValidationContext) -> str:
        """The value as it will be stored (text); never raises."""
        raw = value if type(value) is str else as_text(value)
        if not raw:
            return ""  # what every kind below makes of an empty value (tests/core/test_domain_fields.py)
        if len(raw) <= _MEMO_CHARS:
            if self.kind in _REMEMBERED:
                return _clean_short(self.kind, raw)
            if self.kind == "choice" and self.choices:
                return _choice_clean(raw, self.choices, ctx)
        return self._clean(raw, ctx)

    def _clean(self, raw: str, ctx: ValidationContext | None) -> str:
        if self.kind == "arabic_name":
            # Before NFC: removing it afterwards could leave marks out of canonical order.
            raw = raw.replace(_TATWEEL, "")
        text = clean_text(raw, multiline=self.kind == "multiline")
        if self.kind == "arabic_name":
            return text
        if self.kind == "national_number":
            return _composed(ctx.scheme.normalise(text))
        if self.kind == "mobile":
            return normalise_mobile(text) or text
        if self.kind == "digits":
            return _composed(text.replace(" ", "").replace("-", ""))
        if self.kind == "date":
            parsed = parse_date(text)
            return parsed.isoformat() if parsed else text
        if self.kind == "choice" and self.choices:
            return _choice_code(text, self.choices, ctx)
        return text

    def check(self, value: Any, ctx: ValidationContext) -> Message | None:
        """The first problem with `value` (as typed) or None."""
        raw = value if type(value) is str else as_text(value)
        if not raw:  # cleaned, nothing: what the steps below answer for an empty value
            return self._say(rules.REQUIRED) if self.required else None
        if len(raw) > _MEMO_CHARS:
            return self._check(raw, ctx)
        held = self.__dict__.get("_memo")  # (reads, context, reference, memo): `_check_memo`
        if held is None or (held[2] is not ctx.reference and held[0] == rules.READS_REFERENCE):
            self._check_memo(ctx)
            held = self.__dict__["_memo"]
        memo, context = held[3], held[1]
        if memo is None:
            return self._check(raw, ctx)
        return remembered_check(self, memo, context, raw, ctx)

    def _check_memo(self, ctx: ValidationContext) -> dict | None:
        """The remembered answers of `check` for short values — when the answer depends on
        nothing but the value, the reference lists in use (`ctx.reference`) and the context's
        attributes its rules are marked to read (`rules.reads`; then per value and those
        attributes: a date of birth per today and the category's minimum age, a dependant's sex
        per relation and holder's sex): names, codes, choices, mobiles, dates repeat through an
        import's rows. None when a rule or the cleaning reads more of the context (national
        numbers; a dependant's date of birth against the holder's)."""
        held = self.__dict__.get("_memo")
        if held is None:
            reads = _reads(self)
            held = (reads, _context_read(self), None, None if reads is None else {})
            object.__setattr__(self, "_memo", held)
        reads, context, reference, memo = held
        if reads == rules.READS_REFERENCE and reference is not ctx.reference:
            memo = {}
            object.__setattr__(self, "_memo", (reads, context, ctx.reference, memo))
        return memo

    def _check(self, raw: str, ctx: ValidationContext) -> Message | None:
        if len(raw) > self.max_length * _RAW_LENGTH_FACTOR + 64:
            return self._say(rules.TOO_LONG.format(max=self.max_length, label="{label}"))
        bad = rules.check_characters(raw, multiline=self.kind == "multiline")
        if bad:
            return self._say(rules.CONTROL_CHARS if bad == "control" else rules.BAD_CHARS)
        clean = self.clean(raw, ctx)
        if not clean:
            return self._say(rules.REQUIRED) if self.required else None
        if len(clean) > self.max_length:
            return self._say(rules.TOO_LONG.format(max=self.max_length, label="{label}"))
        for rule in self.rules:
            problem = rule(clean, ctx)
            if problem:
                return self._say(problem)
        return None

    def _say(self, message: Message) -> Message:
        # user text the message holds is a value, never part of the pattern: braces in it are safe
        return message.format(label=self.label)


# Kinds whose cleaning reads nothing but the value: short values (names, codes, dates repeat
# through an import's 100,000 rows, each cleaned two or three times) are remembered, bounded.
_CONTEXT_FREE = frozenset({"arabic_name", "latin_name", "digits", "date", "mobile", "text"})
# ... but a mobile number is met once: remembering its cleaning only pushes names and dates out.
_REMEMBERED = _CONTEXT_FREE - {"mobile"}
_MEMO_CHARS = 48


_UNKNOWN = object()
_CHECK_MEMO_SIZE = rules.MEMO_ENTRIES  # per field definition


def remembered_check(definition: "FieldDef", memo: dict, context: tuple, raw: str, ctx: ValidationContext
                     ) -> Message | None:
    """`definition`'s answer for the short text `raw` from `memo` (`FieldDef._check_memo`: keyed by
    the value and the context's attributes it reads, `context`), checked and remembered on a miss —
    the one rule of `FieldDef.check` and of the import's one pass (`validation._checked`)."""
    key = (raw, *[getattr(ctx, name) for name in context]) if context else raw
    found = memo.get(key, _UNKNOWN)
    if found is _UNKNOWN:
        if len(memo) >= _CHECK_MEMO_SIZE:
            memo.clear()
        found = memo[key] = definition._check(raw, ctx)
    return found


def _context_read(definition: FieldDef) -> tuple[str, ...]:
    """The names of the context's attributes `definition`'s rules are marked to read (`rules.reads`)."""
    return tuple(sorted({name for rule in definition.rules for name in getattr(rule, "context", ())}))


def _reads(definition: FieldDef) -> str | None:
    """What `definition.check` reads beyond the value and the context's attributes its rules
    are marked to read (`_context_read`): rules.READS_VALUE, READS_REFERENCE (the reference
    lists), or None (more of the context: it is not remembered)."""
    marks = {getattr(rule, "reads", None) for rule in definition.rules}
    if definition.kind in _CONTEXT_FREE or definition.kind == "multiline":
        reads = rules.READS_VALUE
    elif definition.kind == "choice":
        reads = rules.READS_REFERENCE  # `_choice_code` reads the reference lists
    else:
        return None
    if None in marks:
        return None
    return rules.READS_REFERENCE if rules.READS_REFERENCE in marks else reads


@lru_cache(maxsize=rules.MEMO_ENTRIES)
def _clean_short(kind: str, raw: str) -> str:
    return _cleaner(kind)._clean(raw, None)


@lru_cache(maxsize=None)  # a definition a kind, made once (not once a value the memo above misses)
def _cleaner(kind: str) -> "FieldDef":
    return FieldDef("", Message.plain(""), kind=kind)


def as_text(value: Any) -> str:
    if type(value) is str:
        return value
    if value is None:
        return ""
    if isinstance(value, Enum):
        return str(value.value)
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return value if isinstance(value, str) else str(value)


def _choice_clean(raw: str, list_name: str, ctx: ValidationContext) -> str:
    """`_clean` of a short value of a choice field: `_choice_code` of its `clean_text`,
    remembered per raw value and reference set (the set's lists never change; a new set is a new
    object), bounded — an import cleans ~12 choices a row (sexes, relations, municipalities…)
    out of a few dozen values (tests/core/test_domain_validation.py: the same as `_clean`)."""
    memo = _reference_memo(ctx.reference, "_choice_clean_memo")
    found = memo.get((list_name, raw))
    if found is None:
        found = memo[(list_name, raw)] = _choice_code(clean_text(raw), list_name, ctx)
    return found


def _choice_code(text: str, list_name: str, ctx: ValidationContext) -> str:
    """Accept a code or its exact Arabic/English label (CSV files often carry labels).
    Remembered per reference set (its lists never change; a new set is a new object), bounded."""
    reference = ctx.reference
    memo = _reference_memo(reference, "_choice_memo")
    found = memo.get((list_name, text))
    if found is None:
        found = memo[(list_name, text)] = _choice_code_of(text, list_name, reference)
    return found


def _reference_memo(reference, name: str) -> dict:
    """A memo kept on a reference set (frozen: its lists never change, and a new set is a new
    object, so a memo never outlives what it remembers), emptied past 4,096 entries."""
    memo = reference.__dict__.get(name)
    if memo is None or len(memo) > 4096:
        memo = {}
        object.__setattr__(reference, name, memo)
    return memo


def _choice_code_of(text: str, list_name: str, reference) -> str:
    items = reference.items(list_name) if list_name != "categories" else ()
    if list_name == "categories":
        specs = reference.categories
        pairs = [(c.get("code"), c.get("ar"), c.get("en")) for c in specs]
    else:
        pairs = [(i.code, i.ar, i.en) for i in items]
    folded = text.casefold()
    for code, ar, en in pairs:
        if text == code or text == ar or folded == str(en).casefold():
            return code
    return text


def _m(message: Message) -> Message:
    return message


def _name_part(key: str, label: Message, hint: Message, required: bool) -> FieldDef:
    return FieldDef(key, label, hint, max_length=40, required=required,
                    kind="arabic_name", rules=(rules.arabic_letters,))


_NATIONAL_NUMBER_HINT = DEFAULT_SCHEME.hint  # other schemes: ctx.scheme.hint

BENEFICIARY_FIELDS: dict[str, FieldDef] = {f.key: f for f in (
    FieldDef("national_number", _m(Message("National number")), _NATIONAL_NUMBER_HINT,
             max_length=20, required=True, kind="national_number",
             rules=(rules.national_number,)),
    _name_part("name.first", Message("First name"), Message("e.g. محمد"), True),
    _name_part("name.father", Message("Father's name"), Message("e.g. علي"), True),
    _name_part("name.grandfather", Message("Grandfather's name"), Message("e.g. عبد الله"), True),
    _name_part("name.family", Message("Family name"), Message("e.g. الورفلي"), True),
    FieldDef("latin_name", _m(Message("Name in Latin letters")),
             _m(Message("As in the passport, e.g. Mohamed Ali Al-Warfalli")),
             max_length=120, kind="latin_name", rules=(rules.latin_letters,)),
    FieldDef("mother_name", _m(Message("Mother's name")), _m(Message("Full name")),
             max_length=80, kind="arabic_name", rules=(rules.arabic_letters,)),
    FieldDef("sex", _m(Message("Sex")), max_length=1, required=True, kind="choice",
             choices="sexes", rules=(rules.choice("sexes"),)),
    FieldDef("date_of_birth", _m(Message("Date of birth")),
             _m(Message("dd/mm/yyyy")), max_length=10, required=True, kind="date",
             rules=(rules.past_date, rules.birth_date_for_category)),
    FieldDef("place_of_birth", _m(Message("Place of birth")), max_length=60),
    FieldDef("marital_status", _m(Message("Marital status")), max_length=10,
             required=True, kind="choice", choices="marital_statuses",
             rules=(rules.choice("marital_statuses"),)),
    FieldDef("mobile", _m(Message("Mobile number")),
             _m(Message("e.g. 0912345678")), max_length=20, kind="mobile",
             rules=(rules.mobile,)),
    FieldDef("municipality", _m(Message("Municipality")), max_length=10, required=True,
             kind="choice", choices="municipalities", rules=(rules.choice("municipalities"),)),
    FieldDef("address", _m(Message("Address")), _m(Message("District, street, nearest landmark")), max_length=200),
    FieldDef("locality", _m(Message("Locality / village")), max_length=60),
    FieldDef("category", _m(Message("Category")), max_length=30, required=True,
             kind="choice", choices="categories", rules=(rules.choice("categories"),)),
    FieldDef("office_code", _m(Message("Office")), max_length=10, required=True,
             kind="choice", choices="offices", rules=(rules.known_office,)),
    FieldDef("channel", _m(Message("Registration channel")), max_length=20,
             required=True, kind="choice", choices="channels", rules=(rules.choice("channels"),)),
    FieldDef("notes", _m(Message("Notes")), max_length=1000, kind="multiline"),
    FieldDef("status", _m(Message("Record status")), max_length=20, required=True,
             kind="choice", choices="statuses", rules=(rules.choice("statuses"),)),
    FieldDef("status_reason", _m(Message("Reason for the status")), max_length=200),
    FieldDef("card_number", _m(Message("Insurance card number")),
             max_length=30),
    FieldDef("override_reason", _m(Message("Override reason")),
             _m(Message("Written by the supervisor")),
             max_length=500, kind="multiline"),
)}

DEPENDANT_FIELDS: dict[str, FieldDef] = {f.key: f for f in (
    _name_part("name.first", Message("First name"), Message.plain(""), True),
    _name_part("name.father", Message("Father's name"), Message.plain(""), False),
    _name_part("name.grandfather", Message("Grandfather's name"), Message.plain(""), False),
    _name_part("name.family", Message("Family name"), Message.plain(""), True),
    FieldDef("relation", _m(Message("Relation")), max_length=10, required=True,
             kind="choice", choices="relations", rules=(rules.choice("relations"),)),
    FieldDef("sex", _m(Message("Sex")), max_length=1, required=True, kind="choice",
             choices="sexes", rules=(rules.choice("sexes"), rules.dependant_sex)),
    FieldDef("date_of_birth", _m(Message("Date of birth")),
             _m(Message("dd/mm/yyyy")), max_length=10, required=True, kind="date",
             rules=(rules.past_date, rules.dependant_birth)),
    FieldDef("national_number", _m(Message("National number")), _NATIONAL_NUMBER_HINT,
             max_length=20, kind="national_number", rules=(rules.national_number,)),
    FieldDef("card_number", _m(Message("Insurance card number")),
             max_length=30),
)}

DEPENDANT_PREFIX = "dependants[]."
CATEGORY_PREFIX = "category_fields."
MAX_DEPENDANTS = 30


def _composed(text: str) -> str:
    """`text` in NFC again after separators were dropped: a space between two combining marks kept
    them apart, and without it they may stand out of canonical order — a second cleaning would
    reorder them (normalising must be idempotent: tests/core/test_domain_properties.py)."""
    return text if text.isascii() else unicodedata.normalize("NFC", text)
