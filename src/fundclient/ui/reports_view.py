"""Layout of the reports screen: period, grouping, counts table, export buttons."""

from __future__ import annotations

from PySide6.QtCore import QDate, QLocale, Qt
from PySide6.QtWidgets import (QAbstractItemView, QComboBox, QDateEdit, QHBoxLayout, QHeaderView,
                               QLabel, QPushButton, QTableWidget, QVBoxLayout, QWidget)

from fundclient.ui.fonts import ui_font
from fundclient.ui.i18n import is_rtl

GROUPINGS = ("operator", "channel", "municipality")
DATE_FORMAT = "d MMMM yyyy"


class ReportsView(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.heading = QLabel()
        self.heading.setFont(ui_font(16, bold=True))
        self.today_button = QPushButton()
        self.today_button.setObjectName("todayButton")
        self.month_button = QPushButton()
        self.from_caption, self.to_caption, self.group_caption = QLabel(), QLabel(), QLabel()
        self.start = QDateEdit(QDate.currentDate())
        self.start.setObjectName("reportStart")
        self.end = QDateEdit(QDate.currentDate())
        self.end.setObjectName("reportEnd")
        for edit in (self.start, self.end):
            edit.setCalendarPopup(True)
            # Month as a word: an all-digit date in an RTL field is reordered by bidi
            # (2026-11-23 shows as 23-11-2026); "23 نوفمبر 2026" reads right in both languages.
            edit.setDisplayFormat(DATE_FORMAT)
            edit.setMinimumWidth(190)  # "30 September 2026" without clipping
        self.from_caption.setBuddy(self.start)
        self.to_caption.setBuddy(self.end)
        self.group = QComboBox()
        self.group.setObjectName("reportGroup")
        for key in GROUPINGS:
            self.group.addItem("", key)
        self.group_caption.setBuddy(self.group)
        self.show_button = QPushButton()
        self.show_button.setObjectName("showReportButton")
        self.show_button.setDefault(True)
        self.table = QTableWidget(0, 3)
        self.table.setObjectName("reportTable")
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.table.setAlternatingRowColors(True)
        self.total = QLabel()
        self.total.setObjectName("reportTotal")
        self.total.setFont(ui_font(13, bold=True))
        self.csv_button = QPushButton()
        self.csv_button.setObjectName("exportCsvButton")
        self.xlsx_button = QPushButton()
        self.xlsx_button.setObjectName("exportXlsxButton")
        self.message = QLabel()
        self.message.setWordWrap(True)

        quick = QHBoxLayout()
        quick.addWidget(self.today_button)
        quick.addWidget(self.month_button)
        quick.addStretch(1)
        period = QHBoxLayout()
        for widget in (self.from_caption, self.start, self.to_caption, self.end):
            period.addWidget(widget)
        period.addStretch(1)
        grouping = QHBoxLayout()  # its own row: the whole choice fits a 1024-pixel screen
        for widget in (self.group_caption, self.group, self.show_button):
            grouping.addWidget(widget)
        grouping.addStretch(1)
        export = QHBoxLayout()
        export.addWidget(self.total)
        export.addStretch(1)
        export.addWidget(self.csv_button)
        export.addWidget(self.xlsx_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.heading)
        layout.addLayout(quick)
        layout.addLayout(period)
        layout.addLayout(grouping)
        layout.addWidget(self.table, 1)
        layout.addLayout(export)
        layout.addWidget(self.message)

    def retranslate_ui(self) -> None:
        self.heading.setText(self.tr("Registration reports"))
        for edit in (self.start, self.end):
            # Month names in the UI language; the editor keeps the direction it was created
            # with unless told, and "1 January 2025" in an RTL field shows as "2025 January 1".
            edit.setLocale(QLocale())
            edit.setLayoutDirection(Qt.LayoutDirection.RightToLeft if is_rtl() else Qt.LayoutDirection.LeftToRight)
            # QDateTimeEdit orders its sections for the direction it had when the format was
            # set; set it again so English reads "1 January 2025".
            edit.setDisplayFormat(DATE_FORMAT)
        self.today_button.setText(self.tr("Today"))
        self.month_button.setText(self.tr("This month"))
        self.from_caption.setText(self.tr("&From"))
        self.to_caption.setText(self.tr("&To"))
        self.group_caption.setText(self.tr("&Count by"))
        names = {"operator": self.tr("Employee"), "channel": self.tr("Registration channel"),
                 "municipality": self.tr("Municipality")}
        for index, key in enumerate(GROUPINGS):
            self.group.setItemText(index, names[key])
        self.show_button.setText(self.tr("Show"))
        self.csv_button.setText(self.tr("Save as CSV"))
        self.xlsx_button.setText(self.tr("Save as Excel"))
        self.table.setHorizontalHeaderLabels([self.group.currentText(), self.tr("Beneficiaries"),
                                              self.tr("Dependants")])
