"""Beneficiary categories (retirees first; social-support recipients later).

A category is reference data: HQ may send new ones. Each carries its own fields (for
retirees: pension number, pensions authority, retirement date) as a spec of *kinds*;
this module turns the spec into `FieldDef`s with real rules, so the category brings its
own rule table. Category fields are stored in `Beneficiary.category_fields[key]` and
addressed as `category_fields.<key>` (validation keys and CSV headers).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from fundclient.domain import rules
from fundclient.domain.fields import CATEGORY_PREFIX, FieldDef
from fundclient.domain.reference import BAD_REFERENCE, ReferenceData, default_reference
from fundclient.errors import FundError, Message

DEFAULT_CATEGORY = "retiree"


@dataclass(frozen=True)
class Category:
    code: str
    label: Message
    active: bool
    min_age: int
    fields: tuple[FieldDef, ...]

    def field(self, key: str) -> FieldDef | None:
        key = key.removeprefix(CATEGORY_PREFIX)
        return next((f for f in self.fields if f.key == CATEGORY_PREFIX + key), None)


def _rules_for(spec: dict[str, Any]) -> tuple[rules.Rule, ...]:
    kind = spec["kind"]
    if kind == "digits":
        return (rules.digits(int(spec.get("min_length", 0))),)
    if kind == "choice":
        return (rules.choice(str(spec["choices"])),)
    if kind == "date":
        found: list[rules.Rule] = [rules.past_date]
        if spec.get("min_age_at"):
            found.append(rules.after_age(int(spec["min_age_at"])))
        return tuple(found)
    if kind == "arabic_name":
        return (rules.arabic_letters,)
    if kind == "latin_name":
        return (rules.latin_letters,)
    return ()  # text / multiline: character and length checks only


def _field_from_spec(spec: dict[str, Any]) -> FieldDef:
    kind = str(spec["kind"])
    return FieldDef(
        key=CATEGORY_PREFIX + str(spec["key"]),
        label=Message(str(spec["ar"]), str(spec["en"])),
        hint=Message(str(spec.get("hint_ar", "")), str(spec.get("hint_en", ""))),
        max_length=int(spec.get("max_length", 100)),
        required=bool(spec.get("required", False)),
        kind=kind if kind in {"digits", "choice", "date", "arabic_name", "latin_name",
                              "multiline"} else "text",
        rules=_rules_for(spec),
        choices=spec.get("choices"),
    )


def _category_from_spec(spec: dict[str, Any]) -> Category:
    return Category(code=str(spec["code"]), label=Message(str(spec["ar"]), str(spec["en"])),
                    active=bool(spec.get("active", True)), min_age=int(spec.get("min_age", 0)),
                    fields=tuple(_field_from_spec(f) for f in spec.get("fields", ())))


def categories(reference: ReferenceData | None = None) -> tuple[Category, ...]:
    """All categories of a reference set (built once per set)."""
    reference = reference or default_reference()
    cached = reference.__dict__.get("_categories_cache")
    if cached is None:
        try:
            cached = tuple(_category_from_spec(s) for s in reference.categories)
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            raise FundError(BAD_REFERENCE.format(detail=repr(exc)[:200]),
                            code="reference") from None
        object.__setattr__(reference, "_categories_cache", cached)
    return cached


def get_category(code: str, reference: ReferenceData | None = None) -> Category | None:
    return next((c for c in categories(reference) if c.code == code), None)
