"""Supervisor dialog: mark a beneficiary inactive (deceased / moved / other) with a reason."""

from __future__ import annotations

from PySide6.QtWidgets import (QComboBox, QDialog, QDialogButtonBox, QFormLayout, QLabel,
                               QPlainTextEdit, QVBoxLayout)

from fundclient.domain.reference import default_reference
from fundclient.ui.i18n import current_language


class MarkInactiveDialog(QDialog):
    def __init__(self, person: str, parent=None) -> None:
        super().__init__(parent)
        self.setObjectName("markInactiveDialog")
        self.person = QLabel(person)
        self.status = QComboBox()
        self.status.setObjectName("inactiveStatus")
        for item in default_reference().items("statuses"):
            if item.code != "active":
                self.status.addItem(item.label(current_language()), item.code)
        self.reason = QPlainTextEdit()
        self.reason.setObjectName("inactiveReason")
        self.reason.setTabChangesFocus(True)
        self.reason.setFixedHeight(90)
        self.problem = QLabel()
        self.problem.setStyleSheet("color: #a40000;")
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self._accept)
        self.buttons.rejected.connect(self.reject)
        form = QFormLayout()
        self.status_caption, self.reason_caption = QLabel(), QLabel()
        form.addRow(self.status_caption, self.status)
        form.addRow(self.reason_caption, self.reason)
        layout = QVBoxLayout(self)
        layout.addWidget(self.person)
        layout.addLayout(form)
        layout.addWidget(self.problem)
        layout.addWidget(self.buttons)
        self.setWindowTitle(self.tr("Mark the beneficiary inactive"))
        self.status_caption.setText(self.tr("New status"))
        self.reason_caption.setText(self.tr("Reason (required)"))
        self.reason.setPlaceholderText(self.tr("e.g. death certificate no. …, or moved to …"))

    def _accept(self) -> None:
        if len(self.reason.toPlainText().strip()) < 3:
            self.problem.setText(self.tr("Write the reason before saving."))
            self.reason.setFocus()
            return
        self.accept()

    def choice(self) -> tuple[str, str]:
        return self.status.currentData(), self.reason.toPlainText().strip()
