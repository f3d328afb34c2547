"""Office settings (admin): language, digits, idle lock, camera, HQ link, stale warning,
printers, receipt format. Saved to settings.json by the main window.

The nightly sending time is shown, not edited: it is the OS task's (nightly.NIGHTLY_SYNC_TIME,
the one schedule, set by the installer); the app keeps no nightly window of its own."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (QCheckBox, QComboBox, QDialog, QDialogButtonBox, QFileDialog, QLayout,
                               QFormLayout, QHBoxLayout, QLabel, QLineEdit, QPushButton, QSpinBox,
                               QVBoxLayout, QWidget)

from fundclient.config import Settings
from fundclient.domain.digits import ARABIC_INDIC
from fundclient.nightly import NIGHTLY_SYNC_TIME
from fundclient.ui import i18n
from fundclient.ui.checked_dialog import CheckedDialog
from fundclient.errors import SyncError
from fundclient.ui.i18n import current_language
from fundclient.ui.ops import QueryOp

RECEIPT_FORMATS = ("A5", "A4", "80mm")


def _printer_names() -> list[str]:
    try:
        from PySide6.QtPrintSupport import QPrinterInfo  # lazy: start-up (Qt)
    except ImportError:
        return []
    return list(QPrinterInfo.availablePrinterNames())


class SettingsDialog(CheckedDialog):
    def __init__(self, settings: Settings, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("settingsDialog")
        self.setMinimumWidth(560)
        self.language = QComboBox()
        for code in i18n.languages():  # every language with a catalogue, each named in itself
            self.language.addItem(i18n.language_name(code), code)
        self.language.setCurrentIndex(max(0, self.language.findData(settings.language)))
        self.digits = QCheckBox()
        self.digits.setChecked(settings.arabic_indic_digits)
        self.idle = QSpinBox()
        self.idle.setRange(0, 240)
        self.idle.setValue(settings.idle_lock_minutes)
        # Editable: a webcam from the list, or a folder/image path (tests, demo).
        self.camera = QComboBox()
        self.camera.setObjectName("cameraChoice")
        self.camera.setEditable(True)
        self.camera.addItem("", "")
        self.camera.setEditText(settings.camera)
        self._camera_spec = settings.camera
        self.hq_url = QLineEdit(settings.hq_url)
        self.hq_url.setLayoutDirection(Qt.LayoutDirection.LeftToRight)  # URLs read left to right
        self.ca_bundle = QLineEdit(settings.ca_bundle)
        self.ca_bundle.setLayoutDirection(Qt.LayoutDirection.LeftToRight)
        self.ca_browse = QPushButton()
        self.ca_browse.clicked.connect(self._browse_ca)
        self.nightly = QLabel()  # read-only: the OS task's time (see the module's docstring)
        self.nightly.setObjectName("nightlySyncTime")
        self.stale = QSpinBox()
        self.stale.setRange(1, 60)
        self.stale.setValue(settings.stale_sync_warning_days)
        self.printer = QComboBox()
        self.printer.setEditable(True)
        self.printer.addItems([""] + _printer_names())
        self.printer.setCurrentText(settings.card_printer)
        self.receipt = QComboBox()
        for code in RECEIPT_FORMATS:
            self.receipt.addItem(code, code)
        self.receipt.setCurrentIndex(max(0, self.receipt.findData(settings.receipt_format)))

        ca_row = QHBoxLayout()
        ca_row.addWidget(self.ca_bundle, 1)
        ca_row.addWidget(self.ca_browse)
        self.form = QFormLayout()
        self.captions = [QLabel() for _ in range(10)]
        fields = [self.language, self.digits, self.idle, self.camera, self.hq_url, ca_row,
                  self.nightly, self.stale, self.printer, self.receipt]
        for caption, field in zip(self.captions, fields):
            self.form.addRow(caption, field)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        self.list_cameras()
        self.buttons.accepted.connect(self._accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        # Never narrower than its longest caption and value (French runs long): Qt would otherwise
        # open a dialog at most 2/3 of the screen wide and cut them off.
        layout.setSizeConstraint(QLayout.SizeConstraint.SetMinimumSize)
        layout.addLayout(self.form)
        layout.addWidget(self.problem)
        layout.addWidget(self.buttons)
        self.retranslate_ui()

    def retranslate_ui(self) -> None:
        self.setWindowTitle(self.tr("Settings"))
        texts = [self.tr("Interface language"), self.tr("Numbers"), self.tr("Lock after (minutes, 0 = never)"),
                 self.tr("Camera"), self.tr("Headquarters address (https)"),
                 self.tr("Headquarters certificate (CA file)"), self.tr("Nightly sending"),
                 self.tr("Warn when not sent for (days)"), self.tr("Card printer"),
                 self.tr("Receipt paper")]
        for caption, text in zip(self.captions, texts):
            caption.setText(text)
        self.digits.setText(self.tr("Show Arabic-Indic digits (%1)").replace("%1", ARABIC_INDIC[:4]))
        self.camera.lineEdit().setPlaceholderText(self.tr("Empty = the first camera found"))
        self.ca_browse.setText(self.tr("Choose…"))
        self.printer.setToolTip(self.tr("Empty = ask every time"))
        self.nightly.setText(self.tr("Daily at %1 (scheduled task)")
                             .replace("%1", i18n.ltr_run(i18n.show_digits(NIGHTLY_SYNC_TIME))))
        self.nightly.setToolTip(self.tr("This PC's scheduled task sends the records at this time every day, even "
                                        "with the program closed. It is set when the program is installed."))

    def list_cameras(self) -> None:
        """Fill the camera list off the GUI thread (probing webcams takes seconds on Windows)."""
        def work():
            from fundclient.camera.sources import list_cameras  # lazy: start-up (OpenCV, NumPy)

            return list_cameras()

        QueryOp(parent=self, op=work, success=self._cameras_found).failure(lambda _exc: None).run_in_background()

    def _cameras_found(self, cameras) -> None:
        typed = self.camera.currentText()
        for info in cameras:
            self.camera.addItem(f"{info.name} ({info.spec})", info.spec)
        self.camera.setEditText(typed)

    def camera_spec(self) -> str:
        text = self.camera.currentText().strip()
        index = self.camera.findText(text)
        return str(self.camera.itemData(index) or "") if index > 0 else text

    def _browse_ca(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, self.tr("Headquarters certificate"), "",
                                              "PEM (*.pem *.crt);;*")
        if path:
            self.ca_bundle.setText(path)

    def problems(self) -> str:
        url = self.hq_url.text().strip()
        if url:
            from fundclient.sync.http import require_https  # lazy: start-up (requests)

            try:
                require_https(url)
            except SyncError as exc:
                return exc.message.in_language(current_language())
        return ""


    def apply_to(self, settings: Settings) -> Settings:
        settings.language = self.language.currentData()
        settings.arabic_indic_digits = self.digits.isChecked()
        settings.idle_lock_minutes = self.idle.value()
        settings.camera = self.camera_spec()
        settings.hq_url = self.hq_url.text().strip()
        settings.ca_bundle = self.ca_bundle.text().strip()
        settings.stale_sync_warning_days = self.stale.value()
        settings.card_printer = self.printer.currentText().strip()
        settings.receipt_format = self.receipt.currentData()
        return settings
