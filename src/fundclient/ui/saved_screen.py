"""After a save: what was saved, and the next steps one key each.

    1  print the card (the family members ticked below; the holder by default)
    2  print the receipt
    3  new registration (Ctrl+N too)

The keys work with Western (1 2 3), Arabic-Indic (١ ٢ ٣) and Eastern Arabic (۱ ۲ ۳) digits, so
the keyboard layout does not matter. Printing opens `ui.printing.PrintPreview`.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, Qt, QTimer
from PySide6.QtGui import QFont, QKeySequence, QShortcut
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QScrollArea, QVBoxLayout, QWidget

from fundclient.domain.digits import ARABIC_INDIC, EASTERN_ARABIC
from fundclient.ui.card_choice import CardChooser
from fundclient.ui.i18n import ltr_run, show_digits
from fundclient.ui.labels import reference_label
from fundclient.ui.ops import QueryOp
from fundclient.ui.screen import Screen
from fundclient.ui.printing import preview_document

KEYS = {"card": "1", "receipt": "2", "new": "3"}
_OTHER_DIGITS = {key: (ARABIC_INDIC[int(key)], EASTERN_ARABIC[int(key)]) for key in KEYS.values()}


def load_saved(store, record_id: str) -> dict:
    return {"record": store.beneficiaries.get(record_id), "photo": store.beneficiaries.photo(record_id)}


class SavedScreen(Screen):
    def __init__(self, session=None, parent: QWidget | None = None) -> None:
        super().__init__(session, parent)
        self.setObjectName("savedScreen")
        self.data: dict | None = None
        self.record_id: str | None = None
        self.generation = 0
        self.preview = None
        self.heading = QLabel(self)
        self.heading.setObjectName("savedHeading")
        font = QFont(self.heading.font())
        font.setPointSize(max(font.pointSize() + 6, 18))
        font.setBold(True)
        self.heading.setFont(font)
        self.heading.setStyleSheet("color:#1b5e20;")
        self.person = QLabel(self)
        self.person.setObjectName("savedPerson")
        bigger = QFont(self.person.font())
        bigger.setPointSize(max(bigger.pointSize() + 3, 14))
        self.person.setFont(bigger)
        self.person.setWordWrap(True)
        self.person.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.chooser = CardChooser(self)
        self.card_button = self._button("printCardButton")
        self.receipt_button = self._button("printReceiptButton")
        self.new_button = self._button("newRegistrationButton")
        self.message = QLabel(self)
        self.message.setObjectName("savedMessage")
        self.message.setWordWrap(True)
        self.card_button.clicked.connect(self.print_card)
        self.receipt_button.clicked.connect(self.print_receipt)
        self.new_button.clicked.connect(self.new_registration)
        self.chooser.changed.connect(lambda: self.card_button.setEnabled(bool(self.chooser.chosen())))
        for action, key in KEYS.items():
            slot = {"card": self.print_card, "receipt": self.print_receipt, "new": self.new_registration}[action]
            for text in (key, *_OTHER_DIGITS[key]):
                shortcut = QShortcut(QKeySequence(text), self, slot)
                shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)

        body = QWidget(self)
        column = QVBoxLayout(body)
        column.setSpacing(10)
        column.addWidget(self.heading)
        column.addWidget(self.person)
        line = QFrame(body)
        line.setFrameShape(QFrame.Shape.HLine)
        column.addWidget(line)
        column.addWidget(self.chooser)
        row = QHBoxLayout()
        for button in (self.card_button, self.receipt_button, self.new_button):
            row.addWidget(button)
        row.addStretch(1)
        column.addLayout(row)
        column.addWidget(self.message)
        column.addStretch(1)
        scroll = QScrollArea(self)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(body)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(16, 12, 16, 12)
        outer.addWidget(scroll)
        self.retranslate_ui()

    def _button(self, name: str) -> QPushButton:
        button = QPushButton(self)
        button.setObjectName(name)
        button.setAutoDefault(True)
        button.setMinimumHeight(48)
        button.setMinimumWidth(200)
        button.setStyleSheet("QPushButton { font-weight:bold; font-size:13pt; padding:6px 14px; }")
        return button

    @classmethod
    def nav_title(cls) -> str:
        return QCoreApplication.translate("SavedScreen", "Registration saved")

    def retranslate_ui(self) -> None:
        self.setWindowTitle(self.title())
        self.heading.setText("✓ " + self.tr("Registration saved"))
        self.card_button.setText(self.tr("%1  Print the card").replace("%1", show_digits(KEYS["card"])))
        self.receipt_button.setText(self.tr("%1  Print the receipt").replace("%1", show_digits(KEYS["receipt"])))
        self.new_button.setText(self.tr("%1  New registration").replace("%1", show_digits(KEYS["new"])))
        self._fill()

    # -- loading ------------------------------------------------------------------------------
    def open(self, record_id: str) -> None:
        self.record_id = record_id
        self.generation += 1
        generation = self.generation
        self.data = None
        self.message.clear()
        self._fill()
        store = self.session.store
        QueryOp(parent=self, op=lambda: load_saved(store, record_id),
                success=lambda data: self._loaded(generation, data)).run_in_background()

    def _loaded(self, generation: int, data: dict) -> None:
        if generation != self.generation:
            return
        self.data = data
        self.chooser.set_record(data["record"])
        self._fill()
        if self.isVisible():
            self.on_shown()

    def _fill(self) -> None:
        for button in (self.card_button, self.receipt_button):
            button.setEnabled(self.data is not None)
        if self.data is None:
            self.person.setText(self.tr("Loading…"))
            return
        record = self.data["record"]
        lines = [record.name.full(),
                 # A card number is a code, printed and typed as it is: never re-digited.
                 self.tr("Insurance card number: %1").replace("%1", ltr_run(record.card_number)),
                 self.tr("Office: %1").replace("%1", reference_label("offices", record.office_code))]
        self.person.setText("\n".join(lines))
        self.card_button.setEnabled(bool(self.chooser.chosen()))

    def on_shown(self) -> None:
        self.card_button.setFocus(Qt.FocusReason.OtherFocusReason)

    # -- actions --------------------------------------------------------------------------------
    def print_card(self) -> None:
        if self.data is None or not self.chooser.chosen():
            return
        self._preview("card", self.chooser.chosen())

    def print_receipt(self) -> None:
        if self.data is not None:
            self._preview("receipt", None)

    def _preview(self, kind: str, members) -> None:
        self.preview = preview_document(self, self.session, self.data["record"], self.data["photo"], kind,
                                        members=members)
        if self.preview is not None:
            self._next_focus = None
            self.preview.printed.connect(lambda _where, k=kind: self._printed(k))
            self.preview.finished.connect(self._after_preview)

    def _printed(self, kind: str) -> None:
        if kind == "card":
            self.message.setText(self.tr("The card was printed. Next: the receipt (key %1).")
                                 .replace("%1", show_digits(KEYS["receipt"])))
            self._next_focus = self.receipt_button
        else:
            self.message.setText(self.tr("The receipt was printed. Next person: key %1.")
                                 .replace("%1", show_digits(KEYS["new"])))
            self._next_focus = self.new_button

    def _after_preview(self) -> None:
        # Once the preview has closed (and Qt has given focus back): the next step's button.
        target = getattr(self, "_next_focus", None)
        if target is not None:
            def focus_next() -> None:
                self.window().activateWindow()  # back from the dialogs, whatever the window manager did
                target.setFocus(Qt.FocusReason.OtherFocusReason)

            QTimer.singleShot(0, focus_next)

    def new_registration(self) -> None:
        self.navigate.emit("registration", None)
