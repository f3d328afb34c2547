"""Render every step of the registration form (Arabic and English) to PNG files, so the
layout can be checked by eye without an office PC: clipped Arabic, LTR leftovers, cramped
fields. `python -m fundclient.ui.registration.screenshots docs/screenshots`.

The form is filled with a made-up retiree (not a real person) and one field is left wrong
on purpose, so the inline message is visible too.
"""

from __future__ import annotations

import sys
from importlib import resources
from pathlib import Path

from fundclient.domain.records import ArabicName, Beneficiary
from fundclient.ui.registration.duplicates import DuplicateView
from fundclient.ui.registration.layout import STEP_IDS

SIZE = (1120, 720)  # what the screen gets inside the main window on a 1366x768 PC
SAMPLE_VALUES = {
    "national_number": "119480123456", "name.first": "محمد", "name.father": "علي",
    "name.grandfather": "عبد الله", "name.family": "الورفلي", "latin_name": "Mohamed Ali",
    "mother_name": "فاطمة سالم أحمد", "sex": "M", "date_of_birth": "15/03/1948",
    "place_of_birth": "سبها", "marital_status": "married", "mobile": "0912345678",
    "municipality": "SBH", "address": "حي الجديد، قرب مسجد النور", "locality": "المنشية",
    "category": "retiree", "channel": "home_visit", "notes": "",
    "category_fields.pension_number": "4471902", "category_fields.pensions_authority": "",
    "category_fields.retirement_date": "01/07/2008",
}
SAMPLE_DEPENDANTS = [
    {"relation": "spouse", "name.first": "خديجة", "name.father": "محمد",
     "name.grandfather": "سالم", "name.family": "القذافي", "sex": "F",
     "date_of_birth": "02/02/1952", "national_number": "219520654321"},
    {"relation": "son", "name.first": "أحمد", "name.father": "محمد", "name.grandfather": "علي",
     "name.family": "الورفلي", "sex": "M", "date_of_birth": "10/10/1975",
     "national_number": ""},
]


def _sample_photo():
    from fundclient.ui.registration.photo_step import portrait_from_file

    face = resources.files("fundclient.resources").joinpath("samples/face.jpg")
    with resources.as_file(face) as path:
        return portrait_from_file(path)


def render(out_dir: Path, languages: tuple[str, ...] = ("ar", "en")) -> list[Path]:
    from PySide6.QtWidgets import QApplication

    from fundclient.ui import i18n
    from fundclient.ui.fonts import apply_app_font
    from fundclient.ui.registration.screen import RegistrationScreen

    app = QApplication.instance() or QApplication(sys.argv[:1])
    apply_app_font(app)
    out_dir.mkdir(parents=True, exist_ok=True)
    photo = _sample_photo()
    written = []
    for language in languages:
        i18n.set_language(language)
        screen = RegistrationScreen()
        screen.form.office_code = "SBH"
        screen.resize(*SIZE)
        screen.set_values(SAMPLE_VALUES, SAMPLE_DEPENDANTS)
        screen.photo.set_photo(photo)
        screen.validate_now()
        screen.validate_dependants()
        existing = Beneficiary(national_number="119480123456", office_code="BRK",
                               name=ArabicName("محمد", "علي", "عبدالله", "الورفلي"))
        screen.duplicate_panel.set_hits([DuplicateView(existing.record_id, existing.name.full(),
                                                       existing.national_number, "BRK", 1.0,
                                                       True)])
        screen.show()
        for index, step_id in enumerate(STEP_IDS):
            screen.go_to_step(index)
            app.processEvents()
            path = out_dir / f"registration_{index + 1}_{step_id}_{language}.png"
            screen.grab().save(str(path))
            written.append(path)
        screen.close()
        screen.deleteLater()
        app.processEvents()
    i18n.set_language("ar")
    return written


if __name__ == "__main__":
    for written_path in render(Path(sys.argv[1] if len(sys.argv) > 1 else "docs/screenshots")):
        print(written_path)
