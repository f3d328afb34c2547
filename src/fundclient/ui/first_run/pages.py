"""Layout of the first-run wizard's setup pages: language, office, HQ link, first admin.

Widgets and words only; what happens on Next lives in `wizard.py`. Every visible string is
set in `retranslate_ui()` so switching the language on page 1 re-labels everything at once
and keeps what was typed.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, Qt
from PySide6.QtWidgets import (QButtonGroup, QComboBox, QFormLayout, QLabel, QLineEdit,
                               QRadioButton, QSpinBox, QVBoxLayout, QWidget)

from fundclient.domain.reference import default_reference
from fundclient.ui.i18n import current_language, language_name, languages, ltr_run

PROVISIONAL_RANGE = (900, 999)  # domain.card_numbers: provisional device numbers before enrolment


def explanation_label() -> QLabel:
    label = QLabel()
    label.setWordWrap(True)
    label.setObjectName("explanation")
    return label


def error_label(name: str) -> QLabel:
    label = QLabel()
    label.setWordWrap(True)
    label.setObjectName(name)
    label.setProperty("role", "error")
    return label


class WizardPage(QWidget):
    """One step: a big heading, an explanation, then the page's own fields."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.heading = QLabel()
        self.heading.setObjectName("heading")
        self.intro = explanation_label()
        self.box = QVBoxLayout(self)
        self.box.setSpacing(8)
        self.box.addWidget(self.heading)
        self.box.addWidget(self.intro)

    def finish_layout(self) -> None:
        self.box.addStretch(1)
        self.retranslate_ui()

    def retranslate_ui(self) -> None:  # override
        """Set every visible string."""

    def first_field(self) -> QWidget | None:  # override: where the cursor goes
        return None

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt name
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate_ui()
        super().changeEvent(event)


LANGUAGE_BUTTON_NAMES = {"ar": "languageArabic", "en": "languageEnglish"}


class LanguagePage(WizardPage):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        # one button per language with a catalogue, each named in itself: never translated
        self.buttons: dict[str, QRadioButton] = {}
        self.group = QButtonGroup(self)
        for code in languages():
            button = QRadioButton(language_name(code))
            button.setObjectName(LANGUAGE_BUTTON_NAMES.get(code, f"language_{code}"))
            button.setProperty("emphasis", "big")
            self.buttons[code] = button
            self.group.addButton(button)
            self.box.addWidget(button)
        self.arabic, self.english = self.buttons["ar"], self.buttons["en"]
        self.buttons.get(current_language(), self.arabic).setChecked(True)
        self.finish_layout()

    def chosen(self) -> str:
        return next((code for code, button in self.buttons.items() if button.isChecked()), "ar")

    def first_field(self) -> QWidget:
        return self.buttons[self.chosen()]

    def retranslate_ui(self) -> None:
        self.heading.setText(self.tr("Welcome — setting up this office"))
        self.intro.setText(self.tr(
            "This assistant prepares the system on this computer in a few steps. "
            "Choose the language of the screens (you can change it later in the settings)."))


class OfficePage(WizardPage):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.office = QComboBox()
        self.office.setObjectName("officeChoice")
        self.offices = default_reference().items("offices", active_only=True)
        for item in self.offices:
            self.office.addItem("", item.code)
        self.device_number = QSpinBox()
        self.device_number.setObjectName("deviceNumber")
        self.device_number.setRange(*PROVISIONAL_RANGE)
        self.device_number.setValue(PROVISIONAL_RANGE[0] + 1)
        self.device_number.setMaximumWidth(160)  # a three-digit number, not a text field
        self.office_label, self.number_label = QLabel(), QLabel()
        self.office_label.setBuddy(self.office)
        self.number_label.setBuddy(self.device_number)
        form = QFormLayout()
        form.addRow(self.office_label, self.office)
        form.addRow(self.number_label, self.device_number)
        self.box.addLayout(form)
        self.number_help = explanation_label()
        self.number_help.setObjectName("deviceNumberHelp")
        self.box.addWidget(self.number_help)
        self.finish_layout()

    def office_code(self) -> str:
        return str(self.office.currentData())

    def first_field(self) -> QWidget:
        return self.office

    def retranslate_ui(self) -> None:
        language = current_language()
        for index, item in enumerate(self.offices):
            self.office.setItemText(index, f"{item.label(language)} ({item.code})")
        self.heading.setText(self.tr("Office and computer"))
        self.intro.setText(self.tr("Choose the office where this computer is used."))
        self.office_label.setText(self.tr("&Office:"))
        self.number_label.setText(self.tr("&Number of this computer:"))
        self.number_help.setText(self.tr(
            "Give every computer of the office its own number between 900 and 999 "
            "(for example 901 for the first computer, 902 for the second). Two computers must never "
            "have the same number: it is printed inside the insurance card numbers until "
            "headquarters registers this computer and gives it its final number."))


class HqLinkPage(WizardPage):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.enrol_now = QRadioButton()
        self.enrol_now.setObjectName("enrolNow")
        self.enrol_later = QRadioButton()
        self.enrol_later.setObjectName("enrolLater")
        self.group = QButtonGroup(self)
        self.group.addButton(self.enrol_now)
        self.group.addButton(self.enrol_later)
        self.enrol_now.setChecked(True)
        self.url = QLineEdit()
        self.url.setObjectName("hqUrl")
        self.url.setPlaceholderText("https://")
        self.token = QLineEdit()
        self.token.setObjectName("enrolToken")
        for field in (self.url, self.token):  # addresses and tokens read left to right
            field.setLayoutDirection(Qt.LayoutDirection.LeftToRight)
        self.url_label, self.token_label = QLabel(), QLabel()
        self.url_label.setBuddy(self.url)
        self.token_label.setBuddy(self.token)
        self.form_host = QWidget()
        form = QFormLayout(self.form_host)
        form.addRow(self.url_label, self.url)
        form.addRow(self.token_label, self.token)
        self.box.addWidget(self.enrol_now)
        self.box.addWidget(self.form_host)
        self.box.addWidget(self.enrol_later)
        self.later_help = explanation_label()
        self.box.addWidget(self.later_help)
        self.error = error_label("hqError")
        self.box.addWidget(self.error)
        self.enrol_now.toggled.connect(self.form_host.setEnabled)
        self.finish_layout()

    def wants_enrolment(self) -> bool:
        return self.enrol_now.isChecked()

    def first_field(self) -> QWidget:
        return self.url if self.enrol_now.isChecked() else self.enrol_later

    def retranslate_ui(self) -> None:
        self.heading.setText(self.tr("Link with headquarters"))
        self.intro.setText(self.tr(
            "Headquarters gives each computer an address and a one-time enrolment token. "
            "The computer is registered with headquarters after the administrator is created."))
        self.enrol_now.setText(self.tr("I have the &address and the token"))
        self.url_label.setText(self.tr("Headquarters address:"))
        self.token_label.setText(self.tr("Enrolment token:"))
        self.enrol_later.setText(self.tr("No link yet — register &later or by USB"))
        self.later_help.setText(self.tr(
            "Without a link the office works normally; new registrations stay pending until the "
            "computer is registered: with the command {command} once there is a link, or by USB — "
            "the last page writes the enrolment request onto a drive for headquarters.").format(
                command=ltr_run("fundclient\u00a0enrol")))


class AdminPage(WizardPage):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.username = QLineEdit()
        self.username.setObjectName("adminUser")
        self.username.setLayoutDirection(Qt.LayoutDirection.LeftToRight)
        self.full_name = QLineEdit()
        self.full_name.setObjectName("adminFullName")
        self.password = QLineEdit()
        self.password.setObjectName("adminPassword")
        self.password_again = QLineEdit()
        self.password_again.setObjectName("adminPasswordAgain")
        for field in (self.password, self.password_again):
            field.setEchoMode(QLineEdit.EchoMode.Password)
        self.labels = [QLabel() for _ in range(4)]
        form = QFormLayout()
        for label, field in zip(self.labels, (self.username, self.full_name, self.password,
                                              self.password_again)):
            label.setBuddy(field)
            form.addRow(label, field)
        self.box.addLayout(form)
        self.error = error_label("adminError")
        self.box.addWidget(self.error)
        self.finish_layout()

    def first_field(self) -> QWidget:
        return self.username

    def lock(self) -> None:
        """The office exists now: these fields can no longer change anything."""
        for field in (self.username, self.full_name, self.password, self.password_again):
            field.setReadOnly(True)
        self.password.clear()
        self.password_again.clear()

    def retranslate_ui(self) -> None:
        self.heading.setText(self.tr("First administrator"))
        self.intro.setText(self.tr(
            "The administrator adds the employees and changes the settings. Choose a password of "
            "at least 8 characters that others cannot guess. When you press Next the office is "
            "created on this computer."))
        texts = (self.tr("&User name (Latin letters):"), self.tr("&Full name:"),
                 self.tr("&Password:"), self.tr("Password &again:"))
        for label, text in zip(self.labels, texts):
            label.setText(text)
