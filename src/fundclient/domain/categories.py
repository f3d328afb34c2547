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
from fundclient.catalogue import available_languages
from fundclient.domain.reference import BAD_REFERENCE, ReferenceData, default_reference, label_message
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
        label=label_message(spec),
        hint=label_message(spec, "hint_"),
        max_length=int(spec.get("max_length", 100)),
        required=bool(spec.get("required", False)),
        kind=kind if kind in {"digits", "choice", "date", "arabic_name", "latin_name",
                              "multiline"} else "text",
        rules=_rules_for(spec),
        choices=spec.get("choices"),
    )


def _category_from_spec(spec: dict[str, Any]) -> Category:
    return Category(code=str(spec["code"]), label=label_message(spec),
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


# --- categories sent by HQ ------------------------------------------------------------------------
# A category spec edited at HQ travels to every office; it is typed and checked on both sides
# (HQ refuses to publish a bad one, an office skips one it cannot use) so a mistake never
# breaks the registration form.
FIELD_KINDS = ("text", "multiline", "digits", "choice", "date", "arabic_name", "latin_name")
CHOICE_LISTS = ("pensions_authorities", "municipalities", "relations")
MAX_CATEGORY_FIELDS = 20
_CODE_CHARS = frozenset("abcdefghijklmnopqrstuvwxyz0123456789_")


def _problem(message: Message, **values: object) -> Message:
    return message.format(**values)


def _short_text(value: object, limit: int = 200) -> bool:
    return isinstance(value, str) and 0 < len(value.strip()) <= limit


def _int_in(value: object, low: int, high: int) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and low <= value <= high


def _code_ok(value: object, limit: int) -> bool:
    return isinstance(value, str) and 0 < len(value) <= limit and set(value) <= _CODE_CHARS


def _other_language_problem(entry: dict, prefixes: tuple[str, ...]) -> Message | None:
    """A label or hint in a further language ("fr", "hint_fr") must be text of up to 200 characters."""
    for language in available_languages():
        for key in (prefix + language for prefix in prefixes):
            if language not in ("ar", "en") and key in entry and not _short_text(entry[key]):
                return _problem(Message("'{k}' must be text of up to 200 characters."), k=key)
    return None


def category_problem(spec: object) -> Message | None:
    """What is wrong with a category spec (naming the field), or None when offices can use it."""
    if not isinstance(spec, dict):
        return _problem(Message("The category is not an object."))
    if not _code_ok(spec.get("code"), 32):
        return _problem(Message("Category code: lower-case Latin letters, digits and _ only, up to 32."))
    for key, name in (("ar", Message("Arabic name")), ("en", Message("English name"))):
        if not _short_text(spec.get(key)):
            return _problem(Message("The category's '{key}' name ({name}) is missing or longer than 200 "
                                    "characters."), key=key, name=name)
    problem = _other_language_problem(spec, ("",))
    if problem is not None:
        return problem
    if not isinstance(spec.get("active", True), bool):
        return _problem(Message("'active' must be true or false."))
    if not _int_in(spec.get("min_age", 0), 0, 120):
        return _problem(Message("'min_age' must be a whole number from 0 to 120."))
    fields = spec.get("fields", [])
    if not isinstance(fields, list) or len(fields) > MAX_CATEGORY_FIELDS:
        return _problem(Message("'fields' must be a list of at most {n} fields."), n=MAX_CATEGORY_FIELDS)
    seen: set[str] = set()
    for n, f in enumerate(fields, start=1):
        problem = _field_problem(f, seen)
        if problem is not None:
            return Message("Field {n}: {problem}").format(n=n, problem=problem)
    return None


def _field_problem(f: object, seen: set[str]) -> Message | None:
    if not isinstance(f, dict):
        return _problem(Message("not an object."))
    key = f.get("key")
    if not _code_ok(key, 40) or key in seen:
        return _problem(Message("'key' must be unique, lower-case Latin letters, digits and _ only."))
    seen.add(key)
    if not (_short_text(f.get("ar")) and _short_text(f.get("en"))):
        return _problem(Message("'ar' and 'en' labels are required (up to 200 characters)."))
    for hint in ("hint_ar", "hint_en"):
        if hint in f and not (isinstance(f[hint], str) and len(f[hint]) <= 200):
            return _problem(Message("'{k}' must be text of up to 200 characters."), k=hint)
    problem = _other_language_problem(f, ("", "hint_"))
    if problem is not None:
        return problem
    if f.get("kind") not in FIELD_KINDS:
        return _problem(Message("'kind' must be one of: {kinds}."),
                        kinds=", ".join(FIELD_KINDS))
    if not _int_in(f.get("max_length", 100), 1, 500) or not _int_in(f.get("min_length", 0), 0, 500):
        return _problem(Message("'max_length' (1–500) and 'min_length' (0–500) must be whole numbers."))
    if f.get("min_length", 0) > f.get("max_length", 100):
        return _problem(Message("'min_length' is larger than 'max_length'."))
    if not isinstance(f.get("required", False), bool):
        return _problem(Message("'required' must be true or false."))
    if f["kind"] == "choice" and f.get("choices") not in CHOICE_LISTS:
        return _problem(Message("a choice field names its list in 'choices': {lists}."), lists=", ".join(CHOICE_LISTS))
    if "min_age_at" in f and not _int_in(f["min_age_at"], 0, 120):
        return _problem(Message("'min_age_at' must be a whole number from 0 to 120."))
    return None


def with_categories(base: ReferenceData, specs: dict[str, Any]) -> ReferenceData:
    """`base` with HQ's categories added or replacing the bundled ones of the same code; a spec
    that fails `category_problem` (or whose code differs from its key) is skipped, never applied."""
    merged = {str(c.get("code")): c for c in base.categories}
    for code, spec in specs.items():
        if category_problem(spec) is None and spec.get("code") == code:
            merged[code] = spec
    return ReferenceData(version=base.version, lists=base.lists, categories=tuple(merged.values()))
