"""The read-only summary shown on the review step: labels from the domain field table,
values as the clerk will read them aloud (choice labels, dd/mm/yyyy dates, local phone)."""

from __future__ import annotations

from datetime import date

from fundclient.domain.fields import BENEFICIARY_FIELDS
from fundclient.domain.phone import local_mobile
from fundclient.domain.records import Beneficiary
from fundclient.ui.i18n import current_language, show_date, show_digits
from fundclient.ui.registration import texts
from fundclient.ui.registration.layout import STEP_IDS
from fundclient.domain.rules import parse_date


def _date(value: date | None) -> str:
    return show_date(value)


def review_sections(screen, b: Beneficiary) -> list[tuple[str, list[tuple[str, str]]]]:
    language = current_language()
    ref = screen.form.reference

    def label(key: str) -> str:
        return BENEFICIARY_FIELDS[key].label.in_language(language)

    def choice(list_name: str, code: str) -> str:
        item = ref.item(list_name, code)
        return item.label(language) if item else code

    titles = texts.section_titles()
    cat = screen.form.category(b.category)
    identity = [
        (label("national_number"), show_digits(b.national_number)),
        (texts.full_name(), b.name.full()),
        (label("latin_name"), b.latin_name), (label("mother_name"), b.mother_name),
        (label("sex"), choice("sexes", b.sex.value) if screen.value("sex") else ""),
        (label("date_of_birth"), _date(b.date_of_birth)),
        (label("place_of_birth"), b.place_of_birth),
        (label("marital_status"), choice("marital_statuses", b.marital_status.value)
         if screen.value("marital_status") else ""),
    ]
    address = [
        (label("mobile"), show_digits(local_mobile(b.mobile)) if b.mobile.startswith("+218")
         else show_digits(b.mobile)),
        (label("municipality"), choice("municipalities", b.municipality)),
        (label("address"), b.address),
    ]
    if not screen.rows["locality"].isHidden() or b.locality:
        address.insert(2, (label("locality"), b.locality))
    office = ref.item("offices", b.office_code)
    category = [(label("office_code"), office.label(language) if office else b.office_code),
                (label("category"), cat.label.in_language(language) if cat else b.category),
                (label("channel"), choice("channels", b.channel.value))]
    if cat is not None:
        for definition in cat.fields:
            value = b.category_fields.get(definition.key.split(".", 1)[1], "")
            if definition.kind == "choice" and definition.choices:
                value = choice(definition.choices, value)
            elif definition.kind == "date":
                value = _date(parse_date(value)) or value
            category.append((definition.label.in_language(language), show_digits(value)))
    category.append((label("notes"), b.notes))
    dependants = []
    for number, d in enumerate(b.dependants, start=1):
        parts = [choice("relations", d.relation.value), _date(d.date_of_birth),
                 show_digits(d.national_number)]
        dependants.append((f"{number}. {d.name.full()}", "  ·  ".join(p for p in parts if p)))
    if not dependants:
        dependants.append(("", texts.no_dependants()))
    photo = [(titles["photo"], texts.photo_state(screen.photo.photo() is not None,
                                                 len(screen.photo.scans()), screen.photo.exception))]
    assert STEP_IDS[:5] == ("identity", "address", "category", "dependants", "photo")
    return [(titles["identity"], identity), (titles["address"], address),
            (titles["category"], category), (titles["dependants"], dependants),
            (titles["photo"], photo)]
