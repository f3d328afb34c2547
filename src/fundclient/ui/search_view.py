"""Layout of the search screen: one big search box, a hint, the results table."""

from __future__ import annotations

from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt
from PySide6.QtWidgets import (QAbstractItemView, QHeaderView, QLabel, QLineEdit, QTableView,
                               QVBoxLayout, QWidget)

from fundclient.ui.fonts import ui_font
from fundclient.ui.i18n import show_digits
from fundclient.ui.labels import reference_label


class SearchResultsModel(QAbstractTableModel):
    """Rows of `SearchHit`s: name, national number, card number, municipality."""

    COLUMNS = 4

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.hits: list = []

    def set_hits(self, hits: list) -> None:
        self.beginResetModel()
        self.hits = list(hits)
        self.endResetModel()

    def rowCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.hits)

    def columnCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else self.COLUMNS

    def headerData(self, section: int, orientation, role=Qt.ItemDataRole.DisplayRole):
        if role != Qt.ItemDataRole.DisplayRole or orientation != Qt.Orientation.Horizontal:
            return None
        return (self.tr("Name"), self.tr("National number"), self.tr("Card number"),
                self.tr("Municipality"))[section]

    def data(self, index: QModelIndex, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        hit = self.hits[index.row()]
        if role == Qt.ItemDataRole.UserRole:
            return hit.record_id
        if role == Qt.ItemDataRole.TextAlignmentRole:
            # Numbers align with the names (reading side), not by their own LTR direction.
            return int(Qt.AlignmentFlag.AlignLeading | Qt.AlignmentFlag.AlignVCenter)
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        record = hit.beneficiary
        # A dependant's row shows the dependant's own name and numbers, and whose dependant
        # they are; opening it opens the holder's record.
        person = getattr(hit, "dependant", None) or record
        column = index.column()
        if column == 0:
            if person is record:
                return record.name.full()
            return self.tr("%1 (dependant of %2)").replace("%1", person.name.full()).replace(
                "%2", record.name.full())
        if column == 1:
            return show_digits(person.national_number)
        if column == 2:
            return person.card_number
        return reference_label("municipalities", record.municipality)

    def record_id(self, row: int) -> str | None:
        return self.hits[row].record_id if 0 <= row < len(self.hits) else None

    def retranslate(self) -> None:
        self.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, self.COLUMNS - 1)
        if self.hits:
            self.dataChanged.emit(self.index(0, 0), self.index(len(self.hits) - 1, self.COLUMNS - 1))


class SearchView(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.heading = QLabel()
        self.heading.setFont(ui_font(16, bold=True))
        self.box = QLineEdit()
        self.box.setObjectName("searchBox")
        self.box.setFont(ui_font(15))
        self.box.setClearButtonEnabled(True)
        self.box.setMinimumHeight(44)
        self.hint = QLabel()
        self.hint.setWordWrap(True)
        self.hint.setStyleSheet("color: #555;")
        self.state = QLabel()
        self.state.setObjectName("searchState")
        self.model = SearchResultsModel(self)
        self.table = QTableView()
        self.table.setObjectName("searchResults")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(34)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for column in (1, 2, 3):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        layout = QVBoxLayout(self)
        layout.addWidget(self.heading)
        layout.addWidget(self.box)
        layout.addWidget(self.hint)
        layout.addWidget(self.state)
        layout.addWidget(self.table, 1)
        self.setTabOrder(self.box, self.table)

    def retranslate_ui(self) -> None:
        self.heading.setText(self.tr("Find a beneficiary"))
        self.box.setPlaceholderText(self.tr("National number, card number, mobile or name"))
        self.hint.setText(self.tr("Type at least two letters of the name, or the number. Press "
                                  "Enter or the down arrow to go to the results, Enter again to "
                                  "open a record."))
        self.model.retranslate()
