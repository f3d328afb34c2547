"""Day-close layout: the day's registrations on one side, the selected one's photo and key
fields on the other, decisions and closing underneath. Behaviour: day_close_screen.py."""

from __future__ import annotations

from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import (QAbstractItemView, QDateEdit, QFormLayout, QGroupBox, QHBoxLayout, QHeaderView,
                               QLabel, QPushButton, QSplitter, QTableWidget, QVBoxLayout, QWidget)

PHOTO_W, PHOTO_H = 140, 180


class DayCloseView(QWidget):
    COLUMNS = 5

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.day_label = QLabel()
        self.day = QDateEdit(QDate.currentDate())
        self.day.setCalendarPopup(True)
        self.day.setDisplayFormat("dd/MM/yyyy")
        self.show_button = QPushButton()
        self.summary = QLabel()
        top = QHBoxLayout()
        for w in (self.day_label, self.day, self.show_button):
            top.addWidget(w)
        top.addStretch(1)
        top.addWidget(self.summary)

        self.table = QTableWidget(0, self.COLUMNS)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        for column in (1, 2):  # national number and clerk: as wide as their text, names get the rest
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        self.table.verticalHeader().setVisible(False)

        self.detail_box = QGroupBox()
        self.detail_box.setMaximumWidth(300)
        self.photo = QLabel()
        self.photo.setFixedSize(PHOTO_W, PHOTO_H)
        self.photo.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.photo.setFrameShape(QLabel.Shape.Box)
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

        self.approve_button = QPushButton()
        self.approve_all_button = QPushButton()
        self.send_back_button = QPushButton()
        self.close_day_button = QPushButton()
        self.close_day_button.setObjectName("primaryButton")
        bottom = QHBoxLayout()
        for w in (self.approve_button, self.approve_all_button, self.send_back_button):
            bottom.addWidget(w)
        bottom.addStretch(1)
        bottom.addWidget(self.close_day_button)

        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(split, 1)
        layout.addLayout(bottom)
        self.retranslate_ui()

    def retranslate_ui(self) -> None:
        self.day_label.setText(self.tr("Day:"))
        self.show_button.setText(self.tr("Show"))
        self.table.setHorizontalHeaderLabels([self.tr("Beneficiary"), self.tr("National number"),
                                              self.tr("Clerk"), self.tr("Possible duplicate"),
                                              self.tr("Decision")])
        self.detail_box.setTitle(self.tr("Selected registration"))
        self.approve_button.setText(self.tr("Approve selected"))
        self.approve_all_button.setText(self.tr("Approve all without remarks"))
        self.send_back_button.setText(self.tr("Send back to the clerk…"))
        self.close_day_button.setText(self.tr("Close the day and save the report…"))
