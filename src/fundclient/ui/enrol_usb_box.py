"""Registering this computer with headquarters by USB, from the sync page (an office with no
link): write the request onto a drive, then import headquarters' answer with the token.

The same core as `fundclient enrol-request` / `fundclient enrol --from-file`
(sync.enrol.write_request / enrol_from_file: the same checks as online enrolment). After the
answer is accepted, the registrations saved before enrolment are sealed for headquarters.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (QFileDialog, QFormLayout, QGroupBox, QHBoxLayout, QLabel, QLineEdit,
                               QPushButton, QVBoxLayout, QWidget)

from fundclient.ui.errors import error_text
from fundclient.ui.i18n import ltr_run, show_digits
from fundclient.ui.ops import CollectionOp, QueryOp


class EnrolByUsbBox(QGroupBox):
    """Shown on the sync page while the computer is not registered with headquarters."""

    enrolled = Signal(object)  # sync.device.Device

    def __init__(self, session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("enrolByUsb")
        self.session = session
        self.device = None
        self.explain = QLabel()
        self.explain.setWordWrap(True)
        self.write_button = QPushButton()
        self.write_button.setObjectName("writeEnrolRequest")
        self.token = QLineEdit()
        self.token.setObjectName("enrolToken")
        self.token.setLayoutDirection(Qt.LayoutDirection.LeftToRight)
        self.token_label = QLabel()
        self.token_label.setBuddy(self.token)
        self.import_button = QPushButton()
        self.import_button.setObjectName("importEnrolAnswer")
        self.result = QLabel()
        self.result.setObjectName("enrolResult")
        self.result.setWordWrap(True)
        self.result.setTextFormat(Qt.TextFormat.PlainText)
        form = QFormLayout()
        form.addRow(self.token_label, self.token)
        buttons = QHBoxLayout()
        buttons.addWidget(self.write_button)
        buttons.addWidget(self.import_button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.explain)
        layout.addLayout(buttons)
        layout.addLayout(form)
        layout.addWidget(self.result)
        self.write_button.clicked.connect(lambda: self.write_request())
        self.import_button.clicked.connect(lambda: self.import_answer())
        self.token.returnPressed.connect(lambda: self.import_answer())
        self.retranslate_ui()

    def retranslate_ui(self) -> None:
        self.setTitle(self.tr("Register this computer with headquarters by USB"))
        self.explain.setText(self.tr(
            "This computer is not registered with headquarters yet, so registrations wait here.\n"
            "1) Write the request onto a USB drive and take it to headquarters.\n"
            "2) Headquarters gives back an answer file on the drive and the token on paper: type the "
            "token, then import the answer."))
        self.write_button.setText(self.tr("1. &Write the request to a USB drive…"))
        self.import_button.setText(self.tr("2. &Import headquarters' answer…"))
        self.token_label.setText(self.tr("Enrolment &token:"))

    def _show(self, text: str, *, error: bool = False) -> None:
        self.result.setStyleSheet("color: #a40000; font-weight: bold;" if error else "")
        self.result.setText(text)

    # --- step 1 -------------------------------------------------------------------------------
    def write_request(self, folder: Path | None = None) -> None:
        from fundclient.sync.enrol import write_request  # lazy: start-up (cryptography, requests)

        if folder is None:
            chosen = QFileDialog.getExistingDirectory(self, self.tr("Choose the USB drive"))
            if not chosen:
                return
            folder = Path(chosen)
        session = self.session
        QueryOp(parent=self, op=lambda: write_request(session.data_dir, folder, label=session.settings.office_code),
                success=self._written).failure(lambda exc: self._show(error_text(exc), error=True)).run_in_background()

    def _written(self, path: Path) -> None:
        self._show(self.tr("The request {file} is on the drive: take it to headquarters.").format(
            file=ltr_run(path.name)))

    # --- step 2 -------------------------------------------------------------------------------
    def import_answer(self, path: Path | None = None) -> None:
        token = self.token.text().strip()
        if not token:
            self._show(self.tr("Type the enrolment token given by headquarters."), error=True)
            self.token.setFocus()
            return
        if path is None:
            chosen, _ = QFileDialog.getOpenFileName(self, self.tr("Headquarters' answer"), "",
                                                    "fundclient-enrol-response-*.json (*.json)")
            if not chosen:
                return
            path = Path(chosen)
        session = self.session

        def enrol_then_seal():
            from fundclient.services.sealing import seal_pending  # lazy: start-up (13 more modules)
            from fundclient.sync.enrol import enrol_from_file  # lazy: start-up (cryptography, requests)
            self.device = enrol_from_file(session.data_dir, path, token)
            return seal_pending(session)  # what was saved before enrolment now goes to HQ

        CollectionOp(parent=self, op=enrol_then_seal, success=self._enrolled) \
            .failure(self._refused).run_in_background()

    def _enrolled(self, _changes) -> None:
        self.token.clear()
        for widget in (self.write_button, self.import_button, self.token):
            widget.setEnabled(False)
        self._show(self.tr("Registered with headquarters; computer number {number}. The waiting "
                           "registrations are ready to be sent.").format(
            number=show_digits(str(self.device.device_number))))
        self.enrolled.emit(self.device)

    def _refused(self, exc: BaseException) -> None:
        self._show(error_text(exc), error=True)
        self.token.setFocus()
        self.token.selectAll()
