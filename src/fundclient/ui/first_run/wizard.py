"""The first-run wizard's behaviour: page order, checks, and the two writes it makes.

Safety order (why, in docs/ui.md "First-run wizard"):

1. Language, office, HQ link and admin are only *collected*; nothing touches the data dir.
2. "Create the office" on the admin page runs `storage.initialise` (keystore, encrypted DB,
   first admin, settings) on the writer thread. From then on Back is gone: the office exists.
3. The recovery key is shown once and must be confirmed before anything else happens, so a
   network error later can never make the clerk lose it.
4. Only then is the device enrolled with HQ (network, background, progress). Enrolment needs
   the device signing key, which lives in the data dir, so it cannot come before step 2.
   A refused or unreachable enrolment brings the HQ page back with the error: retry, or
   choose "later" and the office works offline.
"""

from __future__ import annotations

import re
from pathlib import Path

from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtWidgets import (QDialog, QFileDialog, QFrame, QHBoxLayout, QLabel, QPushButton,
                               QScrollArea, QStackedWidget, QVBoxLayout, QWidget)

from fundclient.config import Settings
from fundclient.ui import i18n
from fundclient.ui.errors import error_text
from fundclient.ui.first_run import devices, printing
from fundclient.ui.first_run.pages import AdminPage, HqLinkPage, LanguagePage, OfficePage
from fundclient.ui.first_run.pages_after import DevicesPage, DonePage, RecoveryPage
from fundclient.ui.ops import CollectionOp, QueryOp

LANGUAGE, OFFICE, HQ, ADMIN, RECOVERY, DEVICES, DONE = range(7)
_URL = re.compile(r"^https?://\S+$", re.IGNORECASE)

# First run: people new to the system, often reading slowly -> 14 pt (the app's base is 12).
# In the style sheet, not setFont(): with an app style sheet Qt does not propagate fonts.
WIZARD_STYLE = """
QWidget { font-size: 14pt; }
QLabel#stepLabel { color: #555555; font-size: 12pt; }
QLabel#heading { font-size: 20pt; font-weight: bold; color: #1d4f91; }
QLabel#recoveryKey { font-family: monospace; font-size: 24pt; font-weight: bold;
    letter-spacing: 2px; border: 2px solid #1d4f91; border-radius: 8px; padding: 8px;
    background: #f7f9fc; }
QLabel[role="error"] { color: #b00020; font-weight: bold; }
QRadioButton[emphasis="big"], QCheckBox[emphasis="big"] { font-size: 16pt; padding: 6px; }
QRadioButton::indicator, QCheckBox::indicator { width: 22px; height: 22px; }
QPushButton { min-height: 36px; }
"""


class FirstRunWizard(QDialog):
    """Sets up a new office on this PC; emits `open_app_requested(data_dir)` at the end."""

    open_app_requested = Signal(Path)

    def __init__(self, data_dir: Path, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("firstRunWizard")
        self.setStyleSheet(WIZARD_STYLE)
        self.data_dir = Path(data_dir)
        self.fund_name = Settings().fund_name
        self.set_up = False  # the office exists in data_dir (no way back after this)
        self.enrolled = None  # sync.device.Device after a successful enrolment
        self._recovery_key = ""
        self.pages = [LanguagePage(), OfficePage(), HqLinkPage(), AdminPage(), RecoveryPage(),
                      DevicesPage(), DonePage()]
        (self.language_page, self.office_page, self.hq_page, self.admin_page, self.recovery_page,
         self.devices_page, self.done_page) = self.pages
        self.stack = QStackedWidget()
        for page in self.pages:  # scrollable: long Arabic explanations never get cut off
            scroller = QScrollArea()
            scroller.setWidgetResizable(True)
            scroller.setFrameShape(QFrame.Shape.NoFrame)
            scroller.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)  # text wraps instead
            scroller.setWidget(page)
            self.stack.addWidget(scroller)
        self.back_button, self.skip_button, self.next_button = QPushButton(), QPushButton(), QPushButton()
        self.back_button.setObjectName("wizardBack")
        self.skip_button.setObjectName("wizardSkip")
        self.next_button.setObjectName("wizardNext")
        self.next_button.setDefault(True)  # Enter in any field = Next
        # Qt measures the label in the normal weight (and Arabic with a mnemonic too short), then
        # draws the default button bold: room to spare, or "Open the system" loses its ends.
        for button in (self.back_button, self.skip_button):
            button.setMinimumWidth(170)
        self.next_button.setMinimumWidth(240)
        self.step_label = QLabel()
        self.step_label.setObjectName("stepLabel")
        buttons = QHBoxLayout()
        buttons.addWidget(self.back_button)
        buttons.addStretch(1)
        buttons.addWidget(self.skip_button)
        buttons.addWidget(self.next_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 12, 24, 16)
        layout.addWidget(self.step_label)
        layout.addWidget(self.stack, 1)
        layout.addLayout(buttons)
        self.back_button.clicked.connect(self.back)
        self.next_button.clicked.connect(self.next)
        self.skip_button.clicked.connect(self.skip_devices)
        self.language_page.group.buttonToggled.connect(self._language_chosen)
        self.hq_page.enrol_now.toggled.connect(lambda _on: self._update_buttons())
        self.done_page.usb_request.clicked.connect(lambda: self.write_enrol_request())
        self.recovery_page.print_button.clicked.connect(self.print_recovery_key)
        self.recovery_page.pdf_button.clicked.connect(lambda: self.save_recovery_pdf())
        self.devices = devices.DevicesController(self.devices_page, self.data_dir, self._office_label,
                                                 lambda: self.next_button.setDefault(True))
        self.resize(980, 720)
        self.retranslate_ui()
        self.go_to(LANGUAGE)

    # --- navigation ----------------------------------------------------------------------
    def current(self) -> int:
        return self.stack.currentIndex()

    def go_to(self, index: int) -> None:
        if self.current() == DEVICES and index != DEVICES:
            self.devices.leave()
        self.stack.setCurrentIndex(index)
        if index == DEVICES:
            self.devices.enter()
        if index == DONE:
            self.done_page.summary.setText(self._summary())
            self.done_page.usb_request.setVisible(self.enrolled is None)
        self._update_buttons()
        field = self.pages[index].first_field()
        (field or self.next_button).setFocus(Qt.FocusReason.OtherFocusReason)

    def back(self) -> None:
        if not self.set_up and self.current() > LANGUAGE:
            self.go_to(self.current() - 1)

    def next(self) -> None:
        step = {LANGUAGE: lambda: self.go_to(OFFICE), OFFICE: lambda: self.go_to(HQ),
                HQ: self._hq_next, ADMIN: self._create_office, RECOVERY: self._recovery_next,
                DEVICES: self._devices_next, DONE: self._open_app}[self.current()]
        step()

    def skip_devices(self) -> None:
        if self.current() == DEVICES:
            self.go_to(DONE)

    def _update_buttons(self) -> None:
        index = self.current()
        self.step_label.setText(self.tr("Step {step} of {steps}").format(
            step=i18n.show_digits(index + 1), steps=i18n.show_digits(len(self.pages))))
        self.back_button.setVisible(not self.set_up and index > LANGUAGE)
        self.skip_button.setVisible(index == DEVICES)
        self.next_button.setEnabled(True)
        if index == ADMIN:
            self.next_button.setText(self.tr("&Create the office"))
        elif index == DONE:
            self.next_button.setText(self.tr("&Open the system"))
        elif index == HQ and self.set_up and self.hq_page.wants_enrolment():
            self.next_button.setText(self.tr("&Try again"))
        else:
            self.next_button.setText(self.tr("&Next"))

    # --- page 1: language ----------------------------------------------------------------
    def _language_chosen(self, _button, checked: bool) -> None:
        if checked and self.language_page.chosen() != i18n.current_language():
            i18n.set_language(self.language_page.chosen())

    # --- page 3: HQ link -----------------------------------------------------------------
    def _hq_next(self) -> None:
        page = self.hq_page
        page.error.clear()
        if page.wants_enrolment():
            url, token = page.url.text().strip(), page.token.text().strip()
            if not _URL.match(url):
                page.error.setText(self.tr("Type the headquarters address, starting with https://"))
                page.url.setFocus()
                return
            if not token:
                page.error.setText(self.tr("Type the enrolment token given by headquarters."))
                page.token.setFocus()
                return
        if not self.set_up:
            self.go_to(ADMIN)
        elif page.wants_enrolment():
            self._enrol()
        else:
            self.go_to(DEVICES)

    # --- page 4: first admin -> the office is created ------------------------------------
    def _create_office(self) -> None:
        from fundclient.storage.keystore import check_password_strength  # lazy: start-up (cryptography)
        from fundclient.storage.operators import valid_username  # lazy: start-up (cryptography)

        page = self.admin_page
        page.error.clear()
        username, password = page.username.text().strip(), page.password.text()
        if not valid_username(username):
            page.error.setText(self.tr("The user name may use only Latin letters, digits, dot, "
                                       "dash and underscore, with no spaces."))
            page.username.setFocus()
            return
        try:
            check_password_strength(password)
        except Exception as exc:  # WeakPassword carries the rule in both languages
            page.error.setText(error_text(exc))
            page.password.setFocus()
            return
        if password != page.password_again.text():
            page.error.setText(self.tr("The two passwords are not the same. Type them again."))
            page.password_again.clear()
            page.password_again.setFocus()
            return
        self.next_button.setEnabled(False)
        office = self.office_page.office_code()
        device_number = self.office_page.device_number.value()
        full_name = page.full_name.text().strip()
        language = i18n.current_language()

        def work() -> None:
            from fundclient.storage import initialise  # lazy: start-up (SQLAlchemy, SQLCipher)

            # Kept off the op's result: CollectionOp would broadcast it as a change.
            self._recovery_key = initialise(self.data_dir, office, username, password, full_name,
                                            provisional_device_number=device_number)
            settings = Settings.load(self.data_dir)
            settings.language = language
            settings.save(self.data_dir)

        CollectionOp(parent=self, op=work, success=lambda _none: self._office_created()) \
            .failure(self._create_failed) \
            .with_progress(self.tr("Creating the office on this computer…")).run_in_background()

    def _office_created(self) -> None:
        self.set_up = True
        self.admin_page.lock()
        self.recovery_page.show_key(self._recovery_key)
        self._recovery_key = ""  # only the label holds it now, and only until confirmed
        self.go_to(RECOVERY)

    def _create_failed(self, exc: BaseException) -> None:
        self.admin_page.error.setText(error_text(exc))
        self._update_buttons()

    # --- page 5: recovery key ------------------------------------------------------------
    def _recovery_document(self):
        return printing.recovery_document(self.recovery_page.recovery_key, self._office_label(), self.fund_name)

    def print_recovery_key(self) -> None:
        printing.print_with_dialog(self._recovery_document(), self)

    def save_recovery_pdf(self, folder: Path | None = None) -> Path | None:
        """The sheet as a PDF on a USB drive (to print elsewhere, then lock away): the folder is
        chosen by the person, starting at the removable drives, never at this PC's home folder;
        a folder on this PC (the home or data folder) is refused — the page says the key must
        never be kept on this computer."""
        page = self.recovery_page
        if folder is None:
            chosen = QFileDialog.getExistingDirectory(self, self.tr("Choose the USB drive"),
                                                      printing.removable_start_folder())
            if not chosen:
                return None
            folder = Path(chosen)
        if printing.on_this_pc(Path(folder), self.data_dir):
            page.error.setText(self.tr("This folder is on this computer. Choose the USB drive: the recovery "
                                       "key must never be kept on this computer."))
            return None
        page.error.clear()
        code = re.sub(r"[^A-Za-z0-9]", "", self.office_page.office_code()) or "office"
        return printing.save_pdf(self._recovery_document(), Path(folder) / f"recovery-key-{code}.pdf")

    def _recovery_next(self) -> None:
        page = self.recovery_page
        if not page.confirmed.isChecked():
            page.error.setText(self.tr("Print or write down the key first, then tick the box."))
            page.confirmed.setFocus()
            return
        page.error.clear()
        page.forget_key()
        if self.hq_page.wants_enrolment():
            self._enrol()
        else:
            self.go_to(DEVICES)

    # --- enrolment (after the office exists) ---------------------------------------------
    def _enrol(self) -> None:
        from fundclient.sync.enrol import enrol  # lazy: start-up (cryptography, requests)

        url, token = self.hq_page.url.text().strip(), self.hq_page.token.text().strip()
        label = f"{self.office_page.office_code()}-{self.office_page.device_number.value()}"
        self.next_button.setEnabled(False)
        QueryOp(parent=self, op=lambda: enrol(self.data_dir, url, token, label=label),
                success=self._enrolled).failure(self._enrol_failed) \
            .with_progress(self.tr("Registering this computer with headquarters…")).run_in_background()

    def _enrolled(self, device) -> None:
        self.enrolled = device
        self.hq_page.error.clear()
        self.go_to(DEVICES)

    def _enrol_failed(self, exc: BaseException) -> None:
        # The option is named by its own label (one source): what the hint says is what the page shows.
        option = self.hq_page.enrol_later.text().replace("&&", "\0").replace("&", "").replace("\0", "&")
        self.hq_page.error.setText(error_text(exc) + "\n" + self.tr(
            "Check the address and the token and try again, or choose “{option}”.").format(option=option))
        self.go_to(HQ)
        self.hq_page.token.setFocus()  # most often the token was mistyped
        self.hq_page.token.selectAll()

    # --- enrolment by USB (no link) --------------------------------------------------------
    def write_enrol_request(self, folder: Path | None = None) -> Path | None:
        """Write this computer's enrolment request onto a drive the clerk chooses; HQ answers it
        with `fundclient hq enrol-offline`, the answer is imported with `fundclient enrol
        --from-file`. Returns the file written, or None (cancelled or refused: said on the page)."""
        from fundclient.sync.enrol import write_request  # lazy: start-up (cryptography, requests)

        page = self.done_page
        if folder is None:
            chosen = QFileDialog.getExistingDirectory(self, self.tr("Choose the USB drive"))
            if not chosen:
                return None
            folder = Path(chosen)
        label = f"{self.office_page.office_code()}-{self.office_page.device_number.value()}"
        try:
            path = write_request(self.data_dir, folder, label=label)
        except Exception as exc:  # noqa: BLE001 - a drive error is shown, never raised at the clerk
            page.usb_result.setProperty("role", "error")
            page.usb_result.setText(error_text(exc))
            return None
        page.usb_result.setProperty("role", "")
        page.usb_result.setText(self.tr(
            "The request {file} is on the drive. Take it to headquarters; they give back an answer "
            "file and the token. Then:\n{command}").format(
                file=i18n.ltr_run(path.name),
                command=i18n.ltr_run("fundclient enrol --from-file <answer> --token <token>")))
        return path

    # --- page 6 and 7 --------------------------------------------------------------------
    def _devices_next(self) -> None:
        self.devices.save()
        self.go_to(DONE)

    def _open_app(self) -> None:
        self.open_app_requested.emit(self.data_dir)
        self.accept()

    def _office_label(self) -> str:
        return self.office_page.office.currentText()

    def _summary(self) -> str:
        settings = Settings.load(self.data_dir)
        if self.enrolled is not None:
            link = self.tr("Registered with headquarters; computer number {number}.").format(
                number=i18n.show_digits(self.enrolled.device_number))
        else:
            link = self.tr("Not linked with headquarters yet: registrations stay pending until "
                           "this computer is registered. Provisional computer number: {number}.").format(
                number=i18n.show_digits(settings.provisional_device_number))
        # Latin user names and paths are left-to-right runs inside the (RTL) sentence: isolated,
        # or bidi turns "/home/ali/face.jpg" into "home/ali/face.jpg/".
        lines = [self.tr("Office: {office}").format(office=self._office_label()),
                 self.tr("Administrator: {user}").format(user=i18n.ltr_run(self.admin_page.username.text().strip())),
                 link]
        if settings.camera:
            lines.append(self.tr("Camera: {camera}").format(camera=i18n.ltr_run(settings.camera)))
        if self.enrolled is not None and self.enrolled.office_code != self.office_page.office_code():
            # The token decides the office at HQ; a mismatch would file this office's cards elsewhere.
            lines.append(self.tr("Warning: headquarters registered this computer for the office {code}, "
                                 "not for the office chosen here. Tell headquarters before registering "
                                 "beneficiaries.").format(code=self.enrolled.office_code))
        return "\n".join(lines)

    # --- language and closing ------------------------------------------------------------
    def retranslate_ui(self) -> None:
        self.setWindowTitle(self.tr("Setting up the office"))
        self.back_button.setText(self.tr("&Back"))
        self.skip_button.setText(self.tr("&Skip this step"))
        self.devices.retranslate()
        self._update_buttons()
        if self.current() == DONE:
            self.done_page.summary.setText(self._summary())

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt name
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate_ui()
        super().changeEvent(event)

    def reject(self) -> None:
        # Escape / close: harmless before the office exists; afterwards only once the recovery
        # key has been confirmed (closing then just skips the optional steps).
        if self.set_up and self.current() == RECOVERY:
            self.recovery_page.error.setText(self.tr("Print or write down the key first, then tick the box."))
            return
        self.devices.leave()
        super().reject()
