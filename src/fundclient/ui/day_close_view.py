"""Day-close layout: the day's registrations on one side, the selected one's photo and key
fields on the other, decisions and closing underneath. Behaviour: day_close_screen.py."""

from __future__ import annotations

from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import (QAbstractItemView, QDateEdit, QFormLayout, QGroupBox, QHBoxLayout, QHeaderView,
                               QLabel, QPushButton, QSplitter, QTableWidget, QVBoxLayout, QWidget)

PHOTO_W, PHOTO_H = 140, 180
NAME_WIDTH = 200  # the beneficiary column at most; longer names wrap


class DayCloseView(QWidget):
    COLUMNS = 5

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.day_label = QLabel()
        self.day = QDateEdit(QDate.currentDate())
        self.day.setCalendarPopup(True)
        self.day.setDisplayFormat("dd/MM/yyyy")
        self.day.setLayoutDirection(Qt.LayoutDirection.LeftToRight)  # reads 29/11/2026, not 2026/11/29
        self.show_button = QPushButton()
        self.summary = QLabel()
        top = QHBoxLayout()
        for w in (self.day_label, self.day, self.show_button):
            top.addWidget(w)
        top.addWidget(self.summary, 1)
        self.summary.setWordWrap(True)

        self.table = QTableWidget(0, self.COLUMNS)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setObjectName("dayCloseTable")
        header = self.table.horizontalHeader()
        # Every column as wide as its text; the name is at most NAME_WIDTH and wraps onto a
        # second line rather than being cut off (five-part names on a 1024-pixel screen).
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        self.table.setWordWrap(True)
        self.table.setTextElideMode(Qt.TextElideMode.ElideNone)
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)

        self.detail_box = QGroupBox()
        self.detail_box.setMaximumWidth(210)  # photo + margins: the table keeps the width
        self.photo = QLabel()
        self.photo.setFixedSize(PHOTO_W, PHOTO_H)
        self.photo.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.photo.setFrameShape(QLabel.Shape.Box)
        self.photo.setWordWrap(True)
        self.details = QFormLayout()
        self.flags = QLabel()
        self.flags.setWordWrap(True)
        self.flags.setObjectName("warningText")
        box = QVBoxLayout(self.detail_box)
        box.addWidget(self.photo, 0, Qt.AlignmentFlag.AlignHCenter)
        box.addLayout(self.details)
        box.addWidget(self.flags)
        box.addStretch(1)

        split = QSplitter()
        split.addWidget(self.table)
        split.addWidget(self.detail_box)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 1)
        split.setChildrenCollapsible(False)
        split.setSizes([10_000, 1])  # the details box as narrow as its photo: the table first

        self.approve_button = QPushButton()
        self.approve_all_button = QPushButton()
        self.send_back_button = QPushButton()
        self.close_day_button = QPushButton()
        self.close_day_button.setObjectName("primaryButton")
        # Decisions on one row, closing the day on its own: both fit a 1024-pixel screen.
        decisions = QHBoxLayout()
        for w in (self.approve_button, self.approve_all_button, self.send_back_button):
            decisions.addWidget(w)
        decisions.addStretch(1)
        closing = QHBoxLayout()
        closing.addStretch(1)
        closing.addWidget(self.close_day_button)
        bottom = QVBoxLayout()
        bottom.addLayout(decisions)
        bottom.addLayout(closing)

        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(split, 1)
        layout.addLayout(bottom)
        self.retranslate_ui()

    def fit_name_column(self) -> None:
        """The beneficiary column as wide as the longest name, up to NAME_WIDTH (then wrapped)."""
        metrics = self.table.fontMetrics()
        header = self.table.horizontalHeader()
        widest = max([metrics.horizontalAdvance(self.table.item(r, 0).text())
                      for r in range(self.table.rowCount()) if self.table.item(r, 0)] +
                     [header.fontMetrics().horizontalAdvance(
                         self.table.horizontalHeaderItem(0).text() if self.table.horizontalHeaderItem(0) else "")])
        self.table.setColumnWidth(0, min(widest + 24, NAME_WIDTH))
        self.table.resizeRowsToContents()

    def retranslate_ui(self) -> None:
        self.day_label.setText(self.tr("Day:"))
        self.show_button.setText(self.tr("Show"))
        self.table.setHorizontalHeaderLabels([self.tr("Beneficiary"), self.tr("National number"),
                                              self.tr("Clerk"), self.tr("To check"),
                                              self.tr("Decision")])
        self.detail_box.setTitle(self.tr("Selected registration"))
        self.approve_button.setText(self.tr("Approve selected"))
        self.approve_all_button.setText(self.tr("Approve all without remarks"))
        self.send_back_button.setText(self.tr("Send back to the clerk…"))
        self.close_day_button.setText(self.tr("Close the day and save the report…"))
