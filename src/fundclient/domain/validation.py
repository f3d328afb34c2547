"""Validate and normalise a whole beneficiary, or one field as the clerk types.

Problem keys: "national_number", "name.first", "category_fields.pension_number",
"dependants[0].date_of_birth", "dependants[1]" (record-level problem of one dependant),
"dependants" (too many). The field rules themselves live in `fields.py` / `categories.py`.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Callable, Iterator
from dataclasses import replace
from datetime import date
from operator import attrgetter
from typing import Any

from fundclient.domain.categories import DEFAULT_CATEGORY, get_category
from fundclient.domain.categories import categories as categories_of
from fundclient.domain.fields import (_MEMO_CHARS, BENEFICIARY_FIELDS, CATEGORY_PREFIX,
                                      DEPENDANT_FIELDS, MAX_DEPENDANTS, FieldDef, _context_read, _reads, as_text,
                                      remembered_check)
from fundclient.domain.national_id import NationalIdScheme, get_scheme
from fundclient.domain.records import (ArabicName, Beneficiary, Channel, Dependant,
                                       MaritalStatus, RecordStatus, Relation, Sex)
from fundclient.domain.reference import ReferenceData, default_reference
from fundclient.domain.rules import REQUIRED, ValidationContext, parse_date
from fundclient.errors import Message, ValidationFailed

UNKNOWN_FIELD = Message("Unknown field: {name}")
UNKNOWN_CATEGORY = Message("Unknown category '{code}'")
TOO_MANY_DEPENDANTS = Message("Too many dependants (at most {max})")
SAME_NUMBER_AS_HOLDER = Message("The dependant's national number is the beneficiary's own")
REPEATED_NUMBER = Message("The same national number appears on two dependants")
STATUS_REASON_NEEDED = Message("Give the reason for the record status")
NOT_A_BENEFICIARY = Message("Not a beneficiary record")

_DEPENDANT_KEY = re.compile(r"dependants\[(\d*)\]\.(.+)")


def field_definition(name: str, category: str = DEFAULT_CATEGORY,
                     reference: ReferenceData | None = None) -> FieldDef | None:
    """The FieldDef for a form/CSV/problem key, or None if there is no such field."""
    m = _DEPENDANT_KEY.fullmatch(name)
    if m:
        return DEPENDANT_FIELDS.get(m.group(2))
    if name.startswith(CATEGORY_PREFIX):
        cat = get_category(category, reference)
        return cat.field(name) if cat else None
    return BENEFICIARY_FIELDS.get(name)


def make_context(*, scheme: str | NationalIdScheme | None = None, today: date | None = None,
                 reference: ReferenceData | None = None, category: str = DEFAULT_CATEGORY,
                 **siblings: Any) -> ValidationContext:
    """A ValidationContext; `siblings` are sex / date_of_birth / relation / holder_* values
    as typed (strings are parsed, bad ones ignored)."""
    reference = reference or default_reference()
    cat = get_category(category, reference)
    values: dict[str, Any] = {}
    for key in ("sex", "holder_sex"):
        values[key] = _enum_or_none(Sex, siblings.get(key))
    values["relation"] = _enum_or_none(Relation, siblings.get("relation"))
    for key in ("date_of_birth", "holder_date_of_birth"):
        values[key] = _date_or_none(siblings.get(key))
    return ValidationContext(scheme=get_scheme(scheme), today=today or date.today(),
                             reference=reference, category=category,
                             min_age=cat.min_age if cat else 0, **values)


def validate_field(name: str, value: Any, context: ValidationContext | None = None
                   ) -> Message | None:
    """Inline check of one field as typed; None when fine. Never raises."""
    ctx = context or make_context()
    definition = field_definition(str(name), ctx.category, ctx.reference)
    if definition is None:
        return UNKNOWN_FIELD.format(name=str(name)[:60])
    return definition.check(value, ctx)


def _field_problems(obj, fields, ctx: ValidationContext) -> Iterator[tuple[str, Message]]:
    """(field key, problem) of each of `fields` of `obj` (a holder or a dependant) that has one."""
    for key, definition, path, get in _paths(fields):
        try:
            value = get(obj)
        except AttributeError:  # a damaged record: a part missing reads as None
            value = _get_path(obj, path)
        problem = definition.check(value, ctx)
        if problem:
            yield key, problem


def validate_beneficiary(b: Beneficiary, scheme: str | NationalIdScheme | None = None,
                         today: date | None = None, reference: ReferenceData | None = None
                         ) -> dict[str, Message]:
    """Every problem of a record (empty dict = valid). Never raises."""
    if not isinstance(b, Beneficiary):
        return {"record": NOT_A_BENEFICIARY}
    ctx = make_context(scheme=scheme, today=today, reference=reference,
                       category=_text(b.category), sex=b.sex, date_of_birth=b.date_of_birth)
    problems: dict[str, Message] = dict(_field_problems(b, BENEFICIARY_FIELDS, ctx))
    category = get_category(_text(b.category), ctx.reference)
    if category is not None:
        fields = b.category_fields if isinstance(b.category_fields, dict) else {}
        for definition in category.fields:
            short = definition.key.removeprefix(CATEGORY_PREFIX)
            _collect(problems, definition.key, definition, fields.get(short), ctx)
    if b.status not in (RecordStatus.ACTIVE, "active") and not _text(b.status_reason).strip():
        problems.setdefault("status_reason", STATUS_REASON_NEEDED)
    problems.update(_dependant_problems(b, ctx))
    return problems


def ensure_valid_beneficiary(b: Beneficiary, scheme: str | NationalIdScheme | None = None,
                             today: date | None = None,
                             reference: ReferenceData | None = None, *, in_place: bool = False) -> Beneficiary:
    """Normalised copy of `b`, or ValidationFailed(problems) — the only exception. `in_place`:
    `b` itself normalised and returned, no copy made — for a record no one else holds (an
    import's row, made from the file's cells for this call); `b` is changed even when refused.
    A plain record (`_plain`: an import's row, a form's) — copied first unless `in_place` —
    goes through the one pass, the form's as the import's, so every form and journey test
    exercises it; the two steps only for the rest (review finding 6)."""
    if not isinstance(b, Beneficiary):
        raise ValidationFailed({"record": NOT_A_BENEFICIARY})
    if _plain(b):
        out = b
        if not in_place:  # (the one pass cleans the dependants in place: each copied too)
            out = _copy(b)
            out.dependants = [replace(d) for d in out.dependants]
        problems = _normalised_and_checked(out, get_scheme(scheme), today, reference or default_reference())
        if problems:
            raise ValidationFailed(problems)
        return out
    clean = normalise_beneficiary(b, scheme=scheme, reference=reference, in_place=in_place)
    problems = validate_beneficiary(clean, scheme=scheme, today=today, reference=reference)
    if problems:
        raise ValidationFailed(problems)
    return clean


def normalise_beneficiary(b: Beneficiary, scheme: str | NationalIdScheme | None = None,
                          reference: ReferenceData | None = None, *, in_place: bool = False) -> Beneficiary:
    """A copy with every text field cleaned the way its FieldDef stores it: digits ASCII,
    whitespace trimmed, tatweel dropped from names, mobile in E.164, national number
    without separators, choice labels turned into codes. Idempotent; never raises.
    `in_place`: `b` itself cleaned so, and returned (the same values as the copy;
    tests/core/test_domain_validation.py) — for a record no one else holds."""
    ctx = make_context(scheme=scheme, reference=reference, category=_text(b.category))
    out = b if in_place else _copy(b)
    out.name = _clean_name(out.name, BENEFICIARY_FIELDS, ctx)
    for key, definition in BENEFICIARY_FIELDS.items():
        if "." in key:
            continue
        current = getattr(out, key)
        if isinstance(current, str):
            setattr(out, key, definition.clean(current, ctx))
    out.marital_status = _enum_or_none(MaritalStatus, out.marital_status) or out.marital_status
    out.channel = _enum_or_none(Channel, out.channel) or out.channel
    out.status = _enum_or_none(RecordStatus, out.status) or out.status
    out.sex = _enum_or_none(Sex, out.sex) or out.sex
    out.date_of_birth = _date_or_none(out.date_of_birth) or out.date_of_birth
    category = get_category(_text(out.category), ctx.reference)
    if category is not None and isinstance(out.category_fields, dict):
        for definition in category.fields:
            short = definition.key.removeprefix(CATEGORY_PREFIX)
            if short in out.category_fields:
                out.category_fields[short] = definition.clean(out.category_fields[short], ctx)
    deps = []
    for d in out.dependants if isinstance(out.dependants, list) else []:
        if not isinstance(d, Dependant):
            deps.append(d)  # left for validate_beneficiary to report
            continue
        if in_place:
            d.name = _clean_name(d.name, DEPENDANT_FIELDS, ctx)
        else:
            d = replace(d, name=_clean_name(d.name, DEPENDANT_FIELDS, ctx))
        d.national_number = DEPENDANT_FIELDS["national_number"].clean(d.national_number, ctx)
        d.card_number = DEPENDANT_FIELDS["card_number"].clean(d.card_number, ctx)
        d.date_of_birth = _date_or_none(d.date_of_birth) or d.date_of_birth
        d.relation = _enum_or_none(Relation, d.relation) or d.relation
        d.sex = _enum_or_none(Sex, d.sex) or d.sex
        deps.append(d)
    out.dependants = deps
    return out


# ---------------------------------------------------------------- one pass (an import's rows)

# The holder's fields a plain record holds as text, and those it may hold as their member.
_HOLDER_ENUMS = {"sex": Sex, "marital_status": MaritalStatus, "channel": Channel, "status": RecordStatus}
_DEPENDANT_ENUMS = {"relation": Relation, "sex": Sex}
_HOLDER_TEXTS = tuple(key for key in BENEFICIARY_FIELDS if "." not in key)


def _plain(b: Beneficiary) -> bool:
    """`b` has the shape `_normalised_and_checked` takes (an import's row made into a record,
    `storage.importer.row_to_beneficiary`, or a form's): every text field text (the holder's
    choices text or their member, the dates text, a date or None), the name an ArabicName of
    four texts, the category's fields a dict of texts, at most MAX_DEPENDANTS dependants of
    the same shape. Anything else goes the two-step way (`normalise_beneficiary`,
    `validate_beneficiary`): what the one pass answers is what they answer on these."""
    if type(b) is not Beneficiary or not _plain_name(b.name):
        return False
    for key in _HOLDER_TEXTS:
        value = getattr(b, key)
        if type(value) is str:
            continue
        if key == "date_of_birth":
            if value is not None and type(value) is not date:
                return False
        elif type(value) is not _HOLDER_ENUMS.get(key):
            return False
    fields = b.category_fields
    if type(fields) is not dict or any(type(v) is not str for v in fields.values()):
        return False
    dependants = b.dependants
    if type(dependants) is not list or len(dependants) > MAX_DEPENDANTS:
        return False
    for d in dependants:
        if type(d) is not Dependant or not _plain_name(d.name) or type(d.national_number) is not str \
                or type(d.card_number) is not str:
            return False
        born = d.date_of_birth
        if born is not None and type(born) is not str and type(born) is not date:
            return False
        for key, enum in _DEPENDANT_ENUMS.items():
            value = getattr(d, key)
            if type(value) is not str and type(value) is not enum:
                return False
    return True


def _plain_name(name: Any) -> bool:
    return type(name) is ArabicName and type(name.first) is str and type(name.father) is str \
        and type(name.grandfather) is str and type(name.family) is str


class _Pass:
    """What the one pass reads of a reference set and a scheme, made once per pair (kept on the
    reference set: its lists never change, a new set is a new object): a context for the
    cleaning (which reads only the scheme and the reference lists), the categories by code
    (`get_category`'s first match), and per field of the holder's and the dependants' tables
    (key, definition, getter, remembered answers or None, the context's attributes they are
    remembered by, the problem of an empty value)."""

    def __init__(self, scheme: NationalIdScheme, reference: ReferenceData) -> None:
        self.scheme, self.reference = scheme, reference
        self.cleaning = ValidationContext(scheme=scheme, reference=reference, category="")
        self.categories: dict[str, Any] = {}
        for category in categories_of(reference):
            self.categories.setdefault(category.code, category)
        self.holder = self._plan(BENEFICIARY_FIELDS)
        self.dependant = self._plan(DEPENDANT_FIELDS)
        self.category_plans: dict[str, tuple] = {}

    @staticmethod
    def _plan(table: dict[str, FieldDef]) -> tuple:
        return tuple(_planned(key, definition) for key, definition in table.items())

    def category_plan(self, category) -> tuple:
        plan = self.category_plans.get(category.code)
        if plan is None or plan[0] is not category:
            plan = self.category_plans[category.code] = (category, tuple(
                _planned(d.key, d) + (d.key.removeprefix(CATEGORY_PREFIX),) for d in category.fields))
        return plan[1]


def _planned(key: str, definition: FieldDef) -> tuple:
    memo = {} if _reads(definition) is not None else None
    context = _context_read(definition)
    empty = definition._say(REQUIRED) if definition.required else None
    return key, definition, attrgetter(key), memo, context, empty


def _pass_of(scheme: NationalIdScheme, reference: ReferenceData) -> _Pass:
    held = reference.__dict__.get("_one_pass")
    if held is None:
        held = {}
        object.__setattr__(reference, "_one_pass", held)
    found = held.get(id(scheme))
    if found is None or found.scheme is not scheme:
        found = held[id(scheme)] = _Pass(scheme, reference)
    return found


def _checked(plan: tuple, obj: Any, ctx: ValidationContext, problems: dict, prefix: str = "") -> None:
    """`_field_problems(obj, table, ctx)` into `problems` (keys prefixed), the same answers as
    `FieldDef.check` — an empty value answered at once, a short one remembered by the same rule
    (`fields._reads`, `_context_read`, `fields.remembered_check`)."""
    for key, definition, get, memo, context, empty, *_ in plan:
        value = get(obj)
        if type(value) is not str:
            value = as_text(value)
        if not value:
            if empty is not None:
                problems[prefix + key] = empty
            continue
        if memo is None or len(value) > _MEMO_CHARS:
            problem = definition._check(value, ctx)
        else:
            problem = remembered_check(definition, memo, context, value, ctx)
        if problem:
            problems[prefix + key] = problem


def _context(**values: Any) -> ValidationContext:
    """A ValidationContext of `values` (every field given), made without the frozen class's
    `__init__` — ten `object.__setattr__` calls; an import makes one a person."""
    ctx = object.__new__(ValidationContext)
    ctx.__dict__.update(values)
    return ctx


def _normalised_and_checked(b: Beneficiary, scheme: NationalIdScheme, today: date | None,
                            reference: ReferenceData) -> dict[str, Message]:
    """`b` (a `_plain` record) normalised in place as `normalise_beneficiary(b, in_place=True)`
    normalises it, and the problems `validate_beneficiary` finds then, in the same order — in
    one pass: one context a person, the categories by code, each field's answer remembered
    without a call a field (tests/core/test_domain_validation.py: the same record and problems
    as the two steps, on generated and hostile records)."""
    run = _pass_of(scheme, reference)
    cleaning = run.cleaning
    clean_field = FieldDef.clean
    # normalise_beneficiary's cleaning, in its order
    name = b.name
    table = BENEFICIARY_FIELDS
    b.name = ArabicName(clean_field(table["name.first"], name.first, cleaning),
                        clean_field(table["name.father"], name.father, cleaning),
                        clean_field(table["name.grandfather"], name.grandfather, cleaning),
                        clean_field(table["name.family"], name.family, cleaning))
    for key in _HOLDER_TEXTS:
        value = getattr(b, key)
        if type(value) is str and value:
            setattr(b, key, clean_field(table[key], value, cleaning))
    b.marital_status = _enum_or_none(MaritalStatus, b.marital_status) or b.marital_status
    b.channel = _enum_or_none(Channel, b.channel) or b.channel
    b.status = _enum_or_none(RecordStatus, b.status) or b.status
    sex = b.sex = _enum_or_none(Sex, b.sex) or b.sex
    born = b.date_of_birth = _date_or_none(b.date_of_birth) or b.date_of_birth
    category_code = as_text(b.category)
    category = run.categories.get(category_code)
    fields = b.category_fields
    if category is not None:
        for definition in category.fields:
            short = definition.key.removeprefix(CATEGORY_PREFIX)
            if short in fields:
                fields[short] = clean_field(definition, fields[short], cleaning)
    dependants = b.dependants
    table = DEPENDANT_FIELDS
    number_field, card_field = table["national_number"], table["card_number"]
    for d in dependants:
        name = d.name
        d.name = ArabicName(clean_field(table["name.first"], name.first, cleaning),
                            clean_field(table["name.father"], name.father, cleaning),
                            clean_field(table["name.grandfather"], name.grandfather, cleaning),
                            clean_field(table["name.family"], name.family, cleaning))
        d.national_number = clean_field(number_field, d.national_number, cleaning)
        d.card_number = clean_field(card_field, d.card_number, cleaning)
        d.date_of_birth = _date_or_none(d.date_of_birth) or d.date_of_birth
        d.relation = _enum_or_none(Relation, d.relation) or d.relation
        d.sex = _enum_or_none(Sex, d.sex) or d.sex
    # validate_beneficiary's checks, in its order
    holder_sex, holder_born = _enum_or_none(Sex, sex), _date_or_none(born)
    ctx = _context(scheme=scheme, today=today or date.today(), reference=reference, category=category_code,
                   min_age=category.min_age if category else 0, sex=holder_sex, date_of_birth=holder_born,
                   relation=None, holder_sex=None, holder_date_of_birth=None)
    problems: dict[str, Message] = {}
    _checked(run.holder, b, ctx, problems)
    if category is not None:
        for key, definition, _, memo, context, empty, short in run.category_plan(category):
            problem = definition.check(fields.get(short), ctx)
            if problem:
                problems[key] = problem
    if b.status not in (RecordStatus.ACTIVE, "active") and not as_text(b.status_reason).strip():
        problems.setdefault("status_reason", STATUS_REASON_NEEDED)
    holder_number = scheme.normalise(as_text(b.national_number))
    seen: set[str] = set()
    for i, d in enumerate(dependants):
        dctx = _context(scheme=scheme, today=ctx.today, reference=reference, category=category_code, min_age=0,
                        sex=_enum_or_none(Sex, d.sex), date_of_birth=_date_or_none(d.date_of_birth),
                        relation=_enum_or_none(Relation, d.relation), holder_sex=holder_sex,
                        holder_date_of_birth=holder_born)
        _checked(run.dependant, d, dctx, problems, f"dependants[{i}].")
        number = scheme.normalise(as_text(d.national_number))
        if number:
            if number == holder_number:
                problems[f"dependants[{i}].national_number"] = SAME_NUMBER_AS_HOLDER
            elif number in seen:
                problems[f"dependants[{i}].national_number"] = REPEATED_NUMBER
            seen.add(number)
    return problems


# ---------------------------------------------------------------- helpers

def _copy(b: Beneficiary) -> Beneficiary:
    """A copy of `b` that shares nothing mutable with it — what `copy.deepcopy` gives, without
    walking every text of the record (an import validates 100,000 of them): the name and the
    dependants are rebuilt by the caller; the containers are copied here."""
    deep = copy.deepcopy
    return replace(b, name=b.name if isinstance(b.name, ArabicName) else deep(b.name),
                   category_fields=dict(b.category_fields) if type(b.category_fields) is dict
                   and all(type(v) is str for v in b.category_fields.values()) else deep(b.category_fields),
                   dependants=[(d if isinstance(d.name, ArabicName) else replace(d, name=deep(d.name)))
                               if isinstance(d, Dependant) else deep(d) for d in b.dependants]
                   if isinstance(b.dependants, list) else deep(b.dependants),
                   card_history=deep(b.card_history), photo_exception=deep(b.photo_exception))

def _collect(problems: dict[str, Message], key: str, definition: FieldDef, value: Any,
             ctx: ValidationContext) -> None:
    problem = definition.check(value, ctx)
    if problem:
        problems[key] = problem


def _dependant_problems(b: Beneficiary, ctx: ValidationContext) -> dict[str, Message]:
    problems: dict[str, Message] = {}
    dependants = b.dependants if isinstance(b.dependants, list) else []
    if len(dependants) > MAX_DEPENDANTS:
        problems["dependants"] = TOO_MANY_DEPENDANTS.format(max=MAX_DEPENDANTS)
        dependants = dependants[:MAX_DEPENDANTS]
    holder_number = ctx.scheme.normalise(_text(b.national_number))
    seen: set[str] = set()
    for i, d in enumerate(dependants):
        if not isinstance(d, Dependant):
            problems[f"dependants[{i}]"] = NOT_A_BENEFICIARY
            continue
        # = replace(ctx, sex=…, date_of_birth=…, relation=…, min_age=0, holder_sex=ctx.sex,
        # holder_date_of_birth=ctx.date_of_birth), without `replace`'s walk of the fields
        dctx = type(ctx)(scheme=ctx.scheme, today=ctx.today, reference=ctx.reference, category=ctx.category,
                         min_age=0, sex=_enum_or_none(Sex, d.sex), date_of_birth=_date_or_none(d.date_of_birth),
                         relation=_enum_or_none(Relation, d.relation), holder_sex=ctx.sex,
                         holder_date_of_birth=ctx.date_of_birth)
        for key, problem in _field_problems(d, DEPENDANT_FIELDS, dctx):
            problems[f"dependants[{i}].{key}"] = problem  # the key written out only when there is one
        number = ctx.scheme.normalise(_text(d.national_number))
        key = f"dependants[{i}].national_number"
        if number:
            # These say more than a structural complaint about the same number.
            if number == holder_number:
                problems[key] = SAME_NUMBER_AS_HOLDER
            elif number in seen:
                problems[key] = REPEATED_NUMBER
            seen.add(number)
    return problems


def _get_path(obj: Any, path: tuple[str, ...] | list[str]) -> Any:
    for part in path:
        obj = getattr(obj, part, None)
    return obj


_PATHS: dict[int, tuple[dict, tuple]] = {}


def _paths(table: dict[str, FieldDef]) -> tuple[tuple[str, FieldDef, tuple[str, ...], Callable], ...]:
    """(key, definition, the key's attribute path, its getter) of every field of `table`
    (BENEFICIARY_FIELDS, DEPENDANT_FIELDS: the field tables, made once at import), made once per
    table. The getter (`attrgetter`, in C) raises AttributeError where `_get_path` answers None."""
    held = _PATHS.get(id(table))
    if held is None or held[0] is not table or len(held[1]) != len(table):
        held = _PATHS[id(table)] = (table, tuple((key, definition, tuple(key.split(".")), attrgetter(key))
                                                 for key, definition in table.items()))
    return held[1]


def _clean_name(name: Any, table: dict[str, FieldDef], ctx: ValidationContext) -> Any:
    if not isinstance(name, ArabicName):
        return name
    return ArabicName(**{part: table[f"name.{part}"].clean(getattr(name, part), ctx)
                         if isinstance(getattr(name, part), str) else getattr(name, part)
                         for part in ("first", "father", "grandfather", "family")})


def _text(value: Any) -> str:
    return as_text(value)


def _enum_or_none(enum: type, value: Any) -> Any:
    if type(value) is enum:
        return value  # what enum(value.value) answers
    if value is None or value == "":
        return None
    try:
        return enum(value.value if hasattr(value, "value") else str(value).strip())
    except ValueError:
        return None


def _date_or_none(value: Any) -> date | None:
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        return parse_date(value)
    return None
