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
from fundclient.domain.fields import (BENEFICIARY_FIELDS, CATEGORY_PREFIX, DEPENDANT_FIELDS,
                                      MAX_DEPENDANTS, FieldDef,
                                      as_text)
from fundclient.domain.national_id import NationalIdScheme, get_scheme
from fundclient.domain.records import (ArabicName, Beneficiary, Channel, Dependant,
                                       MaritalStatus, RecordStatus, Relation, Sex)
from fundclient.domain.reference import ReferenceData, default_reference
from fundclient.domain.rules import ValidationContext, parse_date
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
    import's row, made from the file's cells for this call); `b` is changed even when refused."""
    if not isinstance(b, Beneficiary):
        raise ValidationFailed({"record": NOT_A_BENEFICIARY})
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
