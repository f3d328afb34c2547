"""Every fixed sentence of the registration screen (headings, steps, buttons) in one place,
all through tr() so `scripts/translations.py update` finds them (context
"RegistrationScreen"). Field labels are not here: they come from domain/fields.py."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication
from fundclient.ui.labels import photo_exception_text
from fundclient.ui.registration.layout import STEP_IDS


def _tr(text: str) -> str:
    return QCoreApplication.translate("RegistrationScreen", text)


def step_texts() -> dict[str, tuple[str, str, str]]:
    """step id -> (short name on the step bar, page title, one-line instruction)."""
    return {
        "identity": (_tr("Person"), _tr("Beneficiary's personal data"),
                     _tr("Copy from the national ID card or the family booklet. "
                         "Press Enter to go to the next field.")),
        "address": (_tr("Address"), _tr("Address and phone"),
                    _tr("Where the beneficiary lives and a phone number to reach the family.")),
        "category": (_tr("Category"), _tr("Category and registration details"),
                     _tr("Retirees: copy the pension number from the pension statement.")),
        "dependants": (_tr("Dependants"), _tr("Dependants"),
                       _tr("Spouse(s) and children covered with the beneficiary. "
                           "Alt+A adds one.")),
        "photo": (_tr("Photo"), _tr("Photo and documents"),
                  _tr("Take the photo with the camera, or import a scanned photo from a file.")),
        "review": (_tr("Review"), _tr("Review and save"),
                   _tr("Read the data back to the beneficiary. Save with Ctrl+S.")),
    }


def retranslate_screen(screen) -> None:
    texts = step_texts()
    for index, step_id in enumerate(STEP_IDS):
        short, title, intro = texts[step_id]
        screen.step_buttons.button(index).setProperty("baseText", f"{index + 1}  {short}")
        screen.step_buttons.button(index).setText(f"{index + 1}  {short}")
        screen.step_buttons.button(index).setToolTip(f"Alt+{index + 1}")
        screen.steps[index].title.setText(title)
        screen.steps[index].intro.setText(intro)
    heading = (_tr("Edit a beneficiary's record") if screen.base is not None
               else _tr("New registration"))
    if screen.home_visit.isChecked():
        heading += " — " + _tr("home visit")
    screen.heading.setText(heading)
    screen.home_visit.setText(_tr("Home visit"))
    screen.home_visit_banner.setText(_tr(
        "Home visit mode is ON: this registration is saved as a home visit, on this computer, "
        "and sent later; no network or printer is needed. The card is printed at the office. "
        "Untick “Home visit” for a registration at the office."))
    screen.back_button.setText(_tr("Back"))
    screen.next_button.setText(_tr("Next"))
    screen.save_button.setText(_tr("Save (Ctrl+S)"))
    screen.category_title.setText(_tr("Information for this category"))
    screen.setWindowTitle(_tr("Registration"))
    if hasattr(screen, "_mark_steps"):
        screen._mark_steps()  # the step marks in the new language


def section_titles() -> dict[str, str]:
    return {"identity": _tr("Beneficiary"), "address": _tr("Address and phone"),
            "category": _tr("Category"), "dependants": _tr("Dependants"),
            "photo": _tr("Photo")}


def full_name() -> str:
    return QCoreApplication.translate("RegistrationScreen", "Full name", "four-part name")


def no_dependants() -> str:
    return _tr("None")


def photo_state(has_photo: bool, scans: int, exception=None) -> str:
    text = _tr("Photo taken") if has_photo else _tr("No photo yet")
    if exception is not None:
        text += " — " + photo_exception_text(exception)
    if scans:
        text += " — " + _tr("%1 scanned document(s)").replace("%1", str(scans))
    return text
