"""Dialog: why a card is printed again (misprint, lost, stolen, damaged …) and for whom."""

from __future__ import annotations

from PySide6.QtWidgets import (QComboBox, QDialog, QDialogButtonBox, QFormLayout, QLabel, QLineEdit,
                               QVBoxLayout)

from fundclient.cards.replacement import REASON_LABELS
from fundclient.ui.i18n import current_language


class ReplaceCardDialog(QDialog):
    def __init__(self, record, parent=None) -> None:
        super().__init__(parent)
        self.setObjectName("replaceCardDialog")
        language = current_language()
        self.holder = QComboBox()
        self.holder.setObjectName("replaceCardHolder")
        self.holder.addItem(f"{record.name.full()} — {record.card_number}", "")
        for dependant in record.dependants:
            if dependant.card_number:
                self.holder.addItem(f"{dependant.name.full()} — {dependant.card_number}", dependant.dependant_id)
        self.reason = QComboBox()
        self.reason.setObjectName("replaceCardReason")
        for reason, label in REASON_LABELS.items():
            self.reason.addItem(label.in_language(language), reason.value)
        self.note = QLineEdit()
        self.note.setObjectName("replaceCardNote")
        self.explain = QLabel()
        self.explain.setWordWrap(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form = QFormLayout()
        form.addRow(self.tr("Card of"), self.holder)
        form.addRow(self.tr("Reason"), self.reason)
        form.addRow(self.tr("Note"), self.note)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.explain)
        layout.addWidget(buttons)
        self.setWindowTitle(self.tr("Print the card again"))
        self.explain.setText(self.tr("A card spoiled in the printer keeps its number. For any other reason the "
                                     "card gets a new number and the old one stops being valid everywhere."))

    def choice(self) -> tuple[str, str, str]:
        """(dependant_id or "", reason code, note)"""
        return self.holder.currentData(), self.reason.currentData(), self.note.text().strip()
