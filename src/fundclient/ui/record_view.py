"""Layout of the record view: photo, identity, dependants, history, sync state, actions."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (QAbstractItemView, QFormLayout, QFrame, QGridLayout, QGroupBox,
                               QHBoxLayout, QHeaderView, QLabel, QPushButton, QScrollArea,
                               QTableWidget, QVBoxLayout, QWidget)

from fundclient.ui.flow_layout import FlowLayout
from fundclient.ui.fonts import name_font, ui_font

# Fields shown in the identity block, in reading order (labels come from domain.fields).
IDENTITY_FIELDS = ("national_number", "card_number", "sex", "date_of_birth", "mother_name",
                   "latin_name", "marital_status", "mobile", "municipality", "locality",
                   "address", "category", "office_code", "channel", "status")
PHOTO_SIZE = (150, 190)


def _table(columns: int) -> QTableWidget:
    table = QTableWidget(0, columns)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.verticalHeader().hide()
    table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
    table.setAlternatingRowColors(True)
    return table


class RecordView(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.back_button = QPushButton()
        self.back_button.setObjectName("backButton")
        self.name = QLabel()
        self.name.setObjectName("recordName")
        self.name.setFont(name_font(18))
        self.name.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.sync_badge = QLabel()
        self.sync_badge.setObjectName("syncBadge")
        self.sync_badge.setWordWrap(True)
        self.message = QLabel()
        self.message.setObjectName("recordMessage")
        self.message.setWordWrap(True)
        self.photo = QLabel()
        self.photo.setObjectName("recordPhoto")
        self.photo.setFixedSize(*PHOTO_SIZE)
        self.photo.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.photo.setFrameShape(QFrame.Shape.Box)
        self.photo.setWordWrap(True)  # a photo exception's reason in the box, like the card
        self.photo_exception = QLabel()  # «استثناء من الصورة: …» under the name
        self.photo_exception.setObjectName("recordPhotoException")
        self.photo_exception.setWordWrap(True)
        self.photo_exception.setStyleSheet("background:#fff4d6; color:#7a4f00; padding:3px 6px;"
                                           " border-radius:4px;")
        self.photo_exception.setVisible(False)
        # Two columns of label/value pairs: the whole identity fits above the fold.
        self.identity = QHBoxLayout()
        columns = [QFormLayout(), QFormLayout()]
        for column in columns:
            column.setLabelAlignment(Qt.AlignmentFlag.AlignLeading)
            self.identity.addLayout(column, 1)
        self.identity_labels: dict[str, QLabel] = {}
        self.identity_values: dict[str, QLabel] = {}
        half = (len(IDENTITY_FIELDS) + 1) // 2
        for index, key in enumerate(IDENTITY_FIELDS):
            caption, value = QLabel(), QLabel()
            caption.setStyleSheet("color: #444;")
            value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            value.setWordWrap(True)
            value.setObjectName(f"value_{key}")
            self.identity_labels[key], self.identity_values[key] = caption, value
            columns[0 if index < half else 1].addRow(caption, value)

        self.edit_button = QPushButton()
        self.edit_button.setObjectName("editButton")
        self.card_button = QPushButton()
        self.card_button.setObjectName("printCardButton")
        self.receipt_button = QPushButton()
        self.receipt_button.setObjectName("printReceiptButton")
        self.replace_card_button = QPushButton()
        self.replace_card_button.setObjectName("replaceCardButton")
        self.inactive_button = QPushButton()
        self.inactive_button.setObjectName("markInactiveButton")
        # One row, wrapping onto a second when the language's words do not fit (French at 1024).
        actions_row = QWidget()
        actions_row.setObjectName("recordActions")
        actions = FlowLayout(actions_row)
        for button in (self.edit_button, self.card_button, self.receipt_button, self.replace_card_button,
                       self.inactive_button):
            button.setMinimumHeight(38)
            actions.addWidget(button)
        actions.addWidget(self.back_button)

        self.dependants_box = QGroupBox()
        self.dependants = _table(5)
        self.dependants.setObjectName("dependantsTable")
        QVBoxLayout(self.dependants_box).addWidget(self.dependants)
        self.history_box = QGroupBox()
        self.history = _table(5)
        self.history.setObjectName("historyTable")
        QVBoxLayout(self.history_box).addWidget(self.history)

        top = QGridLayout()
        top.addWidget(self.photo, 0, 0, 3, 1, Qt.AlignmentFlag.AlignTop)
        top.addWidget(self.name, 0, 1)
        badges = QVBoxLayout()
        badges.addWidget(self.sync_badge)
        badges.addWidget(self.photo_exception)
        top.addLayout(badges, 1, 1)
        top.addLayout(self.identity, 2, 1)
        top.setColumnStretch(1, 1)

        body = QWidget()
        column = QVBoxLayout(body)
        column.addWidget(actions_row)
        column.addWidget(self.message)
        column.addLayout(top)
        column.addWidget(self.dependants_box)
        column.addWidget(self.history_box)
        column.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(body)
        QVBoxLayout(self).addWidget(scroll)
        self.setTabOrder(self.edit_button, self.card_button)
        self.setTabOrder(self.card_button, self.receipt_button)
        self.setTabOrder(self.receipt_button, self.replace_card_button)
        self.setTabOrder(self.replace_card_button, self.inactive_button)
        self.setTabOrder(self.inactive_button, self.back_button)
        for button in (self.edit_button, self.card_button, self.receipt_button, self.replace_card_button,
                       self.inactive_button, self.back_button):
            button.setFont(ui_font())

    def retranslate_ui(self) -> None:
        self.back_button.setText(self.tr("Back to search"))
        self.edit_button.setText(self.tr("Edit"))
        self.card_button.setText(self.tr("Print insurance card"))
        self.receipt_button.setText(self.tr("Print registration receipt"))
        self.replace_card_button.setText(self.tr("Replace card…"))
        self.inactive_button.setText(self.tr("Mark inactive"))
        self.dependants_box.setTitle(self.tr("Dependants"))
        self.history_box.setTitle(self.tr("History of changes"))
        self.dependants.setHorizontalHeaderLabels([
            self.tr("Name"), self.tr("Relation"), self.tr("Date of birth"),
            self.tr("National number"), self.tr("Card number")])
        self.history.setHorizontalHeaderLabels([
            self.tr("Version"), self.tr("Saved on"), self.tr("Saved by"),
            self.tr("Headquarters"), self.tr("Reason")])
