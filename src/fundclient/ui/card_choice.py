"""Which family members' cards to print: one tick box per person (the holder ticked), and the
page count that follows. Used on the saved screen and, as a dialog, in the record view."""

from __future__ import annotations

from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtWidgets import (QCheckBox, QDialog, QDialogButtonBox, QLabel, QVBoxLayout, QWidget)

from fundclient.ui.i18n import ltr_run
from fundclient.ui.printing import HOLDER, Member, family_members, pages_text


class CardChooser(QWidget):
    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("cardChooser")
        self.caption = QLabel(self)
        self.caption.setWordWrap(True)
        self.boxes_area = QVBoxLayout()
        self.boxes_area.setSpacing(2)
        self.pages = QLabel(self)
        self.pages.setObjectName("cardPages")
        self.pages.setStyleSheet("font-weight:bold;")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.caption)
        layout.addLayout(self.boxes_area)
        layout.addWidget(self.pages)
        self.members: list[Member] = []
        self.boxes: list[QCheckBox] = []
        self.retranslate_ui()

    def set_record(self, record) -> None:
        for box in self.boxes:
            box.setParent(None)
            box.deleteLater()
        self.members = family_members(record) if record is not None else []
        self.boxes = []
        for member in self.members:
            box = QCheckBox(self)
            box.setObjectName("cardFor_holder" if member.key == HOLDER else f"cardFor_{member.key}")
            box.setChecked(member.key == HOLDER)
            box.toggled.connect(self._changed)
            self.boxes_area.addWidget(box)
            self.boxes.append(box)
        self.retranslate_ui()

    def chosen(self) -> list[str]:
        return [m.key for m, box in zip(self.members, self.boxes) if box.isChecked()]

    def _changed(self) -> None:
        self.pages.setText(pages_text(len(self.chosen())))
        self.changed.emit()

    def retranslate_ui(self) -> None:
        self.caption.setText(self.tr("Cards to print (Space ticks or unticks):"))
        for member, box in zip(self.members, self.boxes):
            who = self.tr("holder") if member.key == HOLDER else member.relation
            box.setText(f"{member.name} ({who}) — {ltr_run(member.card_number)}")
        self.pages.setText(pages_text(len(self.chosen())))

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt name
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate_ui()
        super().changeEvent(event)


class ChooseCardsDialog(QDialog):
    """Record view: whose cards to print, before the preview opens."""

    def __init__(self, record, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("chooseCardsDialog")
        self.chooser = CardChooser(self)
        self.chooser.set_record(record)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                        | QDialogButtonBox.StandardButton.Cancel, self)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self.chooser.changed.connect(lambda: self.buttons.button(QDialogButtonBox.StandardButton.Ok)
                                     .setEnabled(bool(self.chooser.chosen())))
        layout = QVBoxLayout(self)
        layout.addWidget(self.chooser)
        layout.addWidget(self.buttons)
        self.setWindowTitle(self.tr("Print cards"))
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText(self.tr("Preview"))
        if self.chooser.boxes:
            self.chooser.boxes[0].setFocus(Qt.FocusReason.OtherFocusReason)

    def chosen(self) -> list[str]:
        return self.chooser.chosen()
