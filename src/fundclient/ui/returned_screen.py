"""Sent back to me: the registrations a supervisor returned to this employee at day close,
each with the supervisor's comment. Enter opens the selected one in the registration form;
saving it there is the resubmission (a new revision, which the supervisor's day close lists
again, marked as corrected).

The navigation entry carries the count («أُرجعت إليّ (٢)»); after login the main window opens
this page first when something is waiting (`MainWindow`), so the clerk sees yesterday's
returns and why before the first person of the day.
"""

from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import QCoreApplication, Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (QAbstractItemView, QHBoxLayout, QHeaderView, QLabel, QPushButton,
                               QTableWidget, QTableWidgetItem, QVBoxLayout)

from fundclient.services import dayclose
from fundclient.ui.i18n import show_datetime, show_digits, show_number
from fundclient.ui.ops import QueryOp
from fundclient.ui.screen import Screen


def load_returned(session) -> dict:
    items = dayclose.returned_to_me(session)
    names = {op.username: op.full_name for op in session.store.operators.list() if op.full_name}
    return {"items": items, "names": names}


class ReturnedScreen(Screen):
    editRequested = Signal(str)
    count_changed = Signal(int)

    def __init__(self, session=None, parent=None) -> None:
        super().__init__(session, parent)
        self.setObjectName("returnedScreen")
        self.items: list = []
        self.names: dict[str, str] = {}
        self.count: int | None = None
        self.generation = 0
        self.intro = QLabel(self)
        self.intro.setWordWrap(True)
        self.table = QTableWidget(0, 5, self)
        self.table.setObjectName("returnedTable")
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setTabKeyNavigation(False)  # Tab leaves the table; arrows move in it
        self.table.setWordWrap(True)
        self.table.verticalHeader().setVisible(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(4, QHeaderView.ResizeMode.Stretch)  # the comment gets the room
        self.table.activated.connect(lambda _index: self.open_selected())  # double click
        for key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):  # Enter on a row opens it, whatever the style
            shortcut = QShortcut(QKeySequence(key), self.table, self.open_selected)
            shortcut.setContext(Qt.ShortcutContext.WidgetShortcut)
        self.table.itemSelectionChanged.connect(self._show_comment)
        self.table.currentCellChanged.connect(lambda *_: self._show_comment())
        self.comment = QLabel(self)
        self.comment.setObjectName("returnedComment")
        self.comment.setWordWrap(True)
        self.comment.setStyleSheet("background:#fff4e5; color:#6b3a00; padding:8px; border-radius:4px;"
                                   " font-weight:bold;")
        self.open_button = QPushButton(self)
        self.open_button.setObjectName("openReturnedButton")
        self.open_button.setAutoDefault(True)
        self.open_button.setMinimumHeight(40)
        self.open_button.clicked.connect(self.open_selected)
        row = QHBoxLayout()
        row.addWidget(self.open_button)
        row.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.intro)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.comment)
        layout.addLayout(row)
        self.retranslate_ui()
        self.refresh()

    @classmethod
    def nav_title(cls) -> str:
        return QCoreApplication.translate("ReturnedScreen", "Sent back to me")

    def title(self) -> str:
        if self.count:
            return self.tr("Sent back to me (%1)").replace("%1", show_number(self.count))
        return self.nav_title()

    def needs_attention(self) -> bool:
        return bool(self.count)

    def retranslate_ui(self) -> None:
        self.setWindowTitle(self.title())
        self.intro.setText(self.tr("Registrations your supervisor sent back to you, with the reason. Select "
                                   "one and press Enter, correct it and save: it goes back to the supervisor."))
        self.table.setHorizontalHeaderLabels([self.tr("Beneficiary"), self.tr("National number"),
                                              self.tr("Sent back on"), self.tr("By"),
                                              self.tr("What to correct")])
        self.open_button.setText(self.tr("Open and correct (Enter)"))
        self._fill()

    # -- data ---------------------------------------------------------------------------------
    def refresh(self) -> None:
        if self.session is None or getattr(self.session, "store", None) is None:
            return
        self.generation += 1
        generation, session = self.generation, self.session
        QueryOp(parent=self, op=lambda: load_returned(session),
                success=lambda data: self._loaded(generation, data)).run_in_background()

    def _loaded(self, generation: int, data: dict) -> None:
        if generation != self.generation:
            return
        self.items, self.names = list(data["items"]), dict(data["names"])
        changed = self.count != len(self.items)
        self.count = len(self.items)
        self._fill()
        self.setWindowTitle(self.title())
        if changed:
            self.title_changed.emit()
            self.count_changed.emit(self.count)

    def on_changes(self, changes, initiator) -> None:
        if changes.beneficiaries or changes.records:
            self.refresh()

    def _fill(self) -> None:
        keep = max(self.table.currentRow(), 0)
        self.table.setRowCount(len(self.items))
        for row, item in enumerate(self.items):
            b = item.beneficiary
            values = [b.name.full(), show_digits(b.national_number), show_datetime(_parse(item.decided_at)),
                      self.names.get(item.decided_by, item.decided_by), item.comment]
            for column, value in enumerate(values):
                cell = QTableWidgetItem(value)
                cell.setToolTip(value)
                self.table.setItem(row, column, cell)
        self.table.resizeRowsToContents()
        if self.items:
            row = min(keep, len(self.items) - 1)
            self.table.setCurrentCell(row, 0)  # current (what Enter opens) and selected
            self.table.selectRow(row)
        self.open_button.setEnabled(bool(self.items))
        self._show_comment()
        if not self.items:
            self.comment.setText(self.tr("Nothing was sent back to you."))

    def _selected(self):
        row = self.table.currentRow()
        if row < 0:  # no current cell (Qt drops it when cells are replaced): the selected row, or the only one
            rows = self.table.selectionModel().selectedRows()
            row = rows[0].row() if rows else (0 if len(self.items) == 1 else -1)
        return self.items[row] if 0 <= row < len(self.items) else None

    def _show_comment(self) -> None:
        item = self._selected()
        if item is None:
            self.comment.clear()
            return
        self.comment.setText(self.tr("%1 wrote: «%2»").replace("%1", self.names.get(item.decided_by, item.decided_by))
                             .replace("%2", item.comment))

    def on_shown(self) -> None:
        self.refresh()
        self.table.setFocus(Qt.FocusReason.OtherFocusReason)

    def open_selected(self) -> None:
        item = self._selected()
        if item is not None:
            self.editRequested.emit(item.record_id)


def _parse(text: str) -> datetime | None:
    try:
        return datetime.fromisoformat(text)
    except (TypeError, ValueError):
        return None
