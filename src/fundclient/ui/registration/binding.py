"""The form's link to `domain/fields.py`: which field definition a widget shows, the context
its rules need, and the conversion between typed text and the `Beneficiary` record.

Nothing here re-types a label, a length or a rule: they all come from the domain tables.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import Any

from fundclient.domain.categories import DEFAULT_CATEGORY, categories, get_category
from fundclient.domain.fields import (BENEFICIARY_FIELDS, CATEGORY_PREFIX, DEPENDANT_FIELDS,
                                      DEPENDANT_PREFIX, FieldDef)
from fundclient.domain.records import (NAME_PARTS, ArabicName, Beneficiary, Channel, Dependant,
                                       MaritalStatus, Relation, Sex)
from fundclient.domain.reference import ReferenceData, default_reference
from fundclient.domain.rules import ValidationContext, parse_date
from fundclient.domain.validation import validate_field
from fundclient.errors import Message
from fundclient.domain.national_id import get_scheme

# Beneficiary keys the form shows, step by step (category fields are added per category).
IDENTITY_KEYS = ("national_number", "name.first", "name.father", "name.grandfather",
                 "name.family", "latin_name", "mother_name", "sex", "date_of_birth",
                 "place_of_birth", "marital_status")
ADDRESS_KEYS = ("mobile", "municipality", "locality", "address")
CATEGORY_KEYS = ("category", "channel", "notes")
DEPENDANT_KEYS = ("relation", "name.first", "name.father", "name.grandfather", "name.family",
                  "sex", "date_of_birth", "national_number")
# Keys whose change may reveal a duplicate (national number, or name + date of birth).
DUPLICATE_KEYS = frozenset({"national_number", "name.first", "name.father",
                            "name.grandfather", "name.family", "date_of_birth"})


class FormContext:
    """Deployment choices the rules need: the national-number scheme and reference data."""

    def __init__(self, scheme=None, reference: ReferenceData | None = None,
                 office_code: str = "") -> None:
        self.scheme = get_scheme(scheme)
        self.reference = reference or default_reference()
        self.office_code = office_code  # this device's office: new records belong to it

    def category(self, code: str):
        return get_category(code or DEFAULT_CATEGORY, self.reference)

    def categories(self, *, active_only: bool = True):
        found = categories(self.reference)
        return tuple(c for c in found if c.active) if active_only else found

    def field_def(self, key: str, *, category: str = "", dependant: bool = False) -> FieldDef:
        if dependant:
            return DEPENDANT_FIELDS[key]
        if key.startswith(CATEGORY_PREFIX):
            cat = self.category(category)
            found = cat.field(key) if cat else None
            if found is None:
                raise KeyError(key)
            return found
        return BENEFICIARY_FIELDS[key]

    def context(self, values: dict[str, str], dependant: dict[str, str] | None = None
                ) -> ValidationContext:
        """The rule context for the holder (or for one of their dependants)."""
        cat = self.category(values.get("category", ""))
        sex = _sex(values.get("sex", ""))
        born = parse_date(values.get("date_of_birth", "") or "")
        base = ValidationContext(scheme=self.scheme, reference=self.reference,
                                 category=cat.code if cat else DEFAULT_CATEGORY,
                                 min_age=cat.min_age if cat else 0, sex=sex,
                                 date_of_birth=born)
        if dependant is None:
            return base
        relation = dependant.get("relation") or None
        return replace(base, min_age=0, sex=_sex(dependant.get("sex", "")),
                       date_of_birth=parse_date(dependant.get("date_of_birth", "") or ""),
                       relation=Relation(relation) if relation in Relation._value2member_map_
                       else None,
                       holder_sex=sex, holder_date_of_birth=born)

    def check(self, key: str, values: dict[str, str], dependant: dict[str, str] | None = None
              ) -> Message | None:
        """The first problem of one field as typed, or None (the domain's rule table)."""
        ctx = self.context(values, dependant)
        source = dependant if dependant is not None else values
        name = (DEPENDANT_PREFIX + key) if dependant is not None else key
        return validate_field(name, source.get(key, ""), ctx)

    def clean(self, key: str, values: dict[str, str], dependant: dict[str, str] | None = None
              ) -> str:
        definition = self.field_def(key, category=values.get("category", ""),
                                    dependant=dependant is not None)
        source = dependant if dependant is not None else values
        return definition.clean(source.get(key, ""), self.context(values, dependant))


def _sex(code: str) -> Sex | None:
    return Sex(code) if code in ("M", "F") else None


def _iso(value: date | None) -> str:
    return value.isoformat() if value else ""


# ---------------------------------------------------------------- record <-> typed text

def values_of(b: Beneficiary) -> tuple[dict[str, str], list[dict[str, str]]]:
    """What the form shows for a stored record (edit mode, or a draft restored)."""
    values: dict[str, str] = {
        "national_number": b.national_number, "latin_name": b.latin_name,
        "mother_name": b.mother_name, "sex": b.sex.value, "date_of_birth": _iso(b.date_of_birth),
        "place_of_birth": b.place_of_birth, "marital_status": b.marital_status.value,
        "mobile": b.mobile, "municipality": b.municipality, "address": b.address,
        "locality": b.locality, "category": b.category, "channel": b.channel.value,
        "notes": b.notes,
    }
    for part in NAME_PARTS:
        values[f"name.{part}"] = getattr(b.name, part)
    for key, value in b.category_fields.items():
        values[CATEGORY_PREFIX + key] = value
    dependants = []
    for d in b.dependants:
        row = {"relation": d.relation.value, "sex": d.sex.value,
               "date_of_birth": _iso(d.date_of_birth), "national_number": d.national_number,
               "dependant_id": d.dependant_id, "card_number": d.card_number}
        for part in NAME_PARTS:
            row[f"name.{part}"] = getattr(d.name, part)
        dependants.append(row)
    return values, dependants


def build_beneficiary(form: FormContext, values: dict[str, str],
                      dependants: list[dict[str, str]], base: Beneficiary | None = None
                      ) -> Beneficiary:
    """A record from the typed text, every value cleaned by its domain field definition.

    Unparseable values are kept as typed where the type allows, so the service's own
    validation (which runs again on save) reports them; enums fall back to the default.
    """
    def clean(key: str) -> str:
        return form.clean(key, values)

    cat = form.category(values.get("category", ""))
    category_fields = {}
    if cat is not None:
        for definition in cat.fields:
            cleaned = form.clean(definition.key, values)
            if cleaned:
                category_fields[definition.key.removeprefix(CATEGORY_PREFIX)] = cleaned
    record = base if base is not None else Beneficiary()
    updated = replace(
        record,
        national_number=clean("national_number"),
        name=ArabicName(**{p: clean(f"name.{p}") for p in NAME_PARTS}),
        latin_name=clean("latin_name"), mother_name=clean("mother_name"),
        sex=_sex(clean("sex")) or record.sex,
        date_of_birth=parse_date(clean("date_of_birth")),
        place_of_birth=clean("place_of_birth"),
        marital_status=_enum(MaritalStatus, clean("marital_status"), record.marital_status),
        mobile=clean("mobile"), municipality=clean("municipality"), address=clean("address"),
        locality=clean("locality"), category=clean("category") or DEFAULT_CATEGORY,
        category_fields=category_fields,
        channel=_enum(Channel, clean("channel"), record.channel), notes=clean("notes"),
        office_code=record.office_code or form.office_code,
        dependants=[_dependant(form, values, row) for row in dependants],
    )
    return updated


def _dependant(form: FormContext, values: dict[str, str], row: dict[str, str]) -> Dependant:
    def clean(key: str) -> str:
        return form.clean(key, values, row)

    made = Dependant(
        name=ArabicName(**{p: clean(f"name.{p}") for p in NAME_PARTS}),
        relation=_enum(Relation, clean("relation"), Relation.OTHER),
        sex=_sex(clean("sex")) or Sex.FEMALE,
        date_of_birth=parse_date(clean("date_of_birth")),
        national_number=clean("national_number"),
        card_number=row.get("card_number", ""),
    )
    if row.get("dependant_id"):
        made.dependant_id = row["dependant_id"]
    return made


def _enum(kind: Any, code: str, default: Any) -> Any:
    return kind(code) if code in kind._value2member_map_ else default
