"""Small building blocks of the registration form: a labelled field with its message under
it, a typed-date edit, and reference-list combos.

Why a line edit for dates: elderly beneficiaries were born in the 1930s-50s; spinning a
QDateEdit back 80 years is slow and error-prone. Clerks type "15/3/1948" (or with
Arabic-Indic digits) and the domain parser reads it.
"""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (QComboBox, QLabel, QLineEdit, QSizePolicy, QVBoxLayout,
                               QWidget)

from fundclient.domain.reference import RefItem
from fundclient.domain.rules import parse_date
from fundclient.ui.i18n import current_language, is_rtl

ERROR_STYLE = "color: #b00020;"
WARNING_STYLE = "color: #8a5a00;"
INVALID_EDIT_STYLE = "border: 2px solid #b00020; border-radius: 4px;"


class FieldRow(QWidget):
    """Label above, editor, then the validation message in the UI language under it.

    The label and hint come from `domain/fields.py` (set by the caller on every language
    switch); this widget only lays them out.
    """

    def __init__(self, name: str, editor: QWidget, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.name = name
        self.editor = editor
        self.required = False
        self.label = QLabel(self)
        self.label.setObjectName(f"label_{name}")
        bold = QFont(self.label.font())
        bold.setBold(True)
        self.label.setFont(bold)
        self.label.setBuddy(editor)
        self.label.setWordWrap(True)
        self.message = QLabel(self)
        self.message.setObjectName(f"message_{name}")
        self.message.setWordWrap(True)
        self.message.setStyleSheet(ERROR_STYLE)
        self.message.setVisible(False)
        # A message is read by screen readers and tests; never steals focus.
        self.message.setTextInteractionFlags(Qt.TextInteractionFlag.NoTextInteraction)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 2, 0, 2)
        layout.setSpacing(3)
        layout.addWidget(self.label)
        layout.addWidget(editor)
        layout.addWidget(self.message)
        editor.setObjectName(f"field_{name}")
        editor.setMinimumHeight(34)
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Maximum)

    def set_label(self, text: str, required: bool, hint: str = "") -> None:
        self.required = required
        self.label.setText(f"{text} *" if required else text)
        if isinstance(self.editor, QLineEdit):
            self.editor.setPlaceholderText(hint)
        self.editor.setToolTip(hint)
        self.editor.setAccessibleName(text)

    def set_message(self, text: str, *, warning: bool = False) -> None:
        self.message.setText(text)
        self.message.setStyleSheet(WARNING_STYLE if warning else ERROR_STYLE)
        self.message.setVisible(bool(text))
        # A red frame on line edits only: a styled QComboBox loses its native arrow.
        invalid = bool(text) and not warning and isinstance(self.editor, QLineEdit)
        if self.editor.property("invalid") != invalid:
            self.editor.setProperty("invalid", invalid)
            self.editor.setStyleSheet(INVALID_EDIT_STYLE if invalid else "")

    def message_text(self) -> str:
        return self.message.text() if not self.message.isHidden() else ""


class LineField(QLineEdit):
    """A line edit whose `value()`/`set_value()` match the other editors."""

    changed = Signal()

    def __init__(self, parent: QWidget | None = None, *, left_to_right: bool = False,
                 max_length: int = 0) -> None:
        super().__init__(parent)
        if max_length:
            self.setMaxLength(max_length)
        if left_to_right:
            # Numbers, phones and Latin names read left to right even in the Arabic UI,
            # but stay aligned with the other fields (right side in RTL).
            self.setLayoutDirection(Qt.LayoutDirection.LeftToRight)
            self.setAlignment(Qt.AlignmentFlag.AlignRight if is_rtl()
                              else Qt.AlignmentFlag.AlignLeft)
        self.textChanged.connect(lambda _text: self.changed.emit())

    def value(self) -> str:
        return self.text()

    def set_value(self, value: str) -> None:
        self.setText(value or "")


class DateField(LineField):
    """Typed date: dd/mm/yyyy or yyyy-mm-dd, any digit system; `date_value()` parses it."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent, left_to_right=True, max_length=10)

    def date_value(self) -> date | None:
        return parse_date(self.text())

    def set_value(self, value: str) -> None:
        # Stored values are ISO (yyyy-mm-dd); show them the way clerks type them.
        parsed = parse_date(value or "")
        self.setText(parsed.strftime("%d/%m/%Y") if parsed else (value or ""))


class ChoiceField(QComboBox):
    """A reference-data list: labels shown in the UI language, codes stored.

    The first entry is an empty "choose…" so nothing is chosen silently by default.
    """

    changed = Signal()

    def __init__(self, items: tuple[RefItem, ...] = (), parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._items: tuple[RefItem, ...] = ()
        self._placeholder = ""
        self.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.setMinimumWidth(220)
        self.currentIndexChanged.connect(lambda _i: self.changed.emit())
        self.set_items(items)

    def set_items(self, items: tuple[RefItem, ...], placeholder: str | None = None) -> None:
        if placeholder is not None:
            self._placeholder = placeholder
        code = self.value()
        self.blockSignals(True)
        self.clear()
        self._items = tuple(items)
        self.addItem(self._placeholder, "")
        language = current_language()
        for item in self._items:
            self.addItem(item.label(language), item.code)
        self.blockSignals(False)
        self.set_value(code)

    def value(self) -> str:
        data = self.currentData()
        return data if isinstance(data, str) else ""

    def set_value(self, code: str) -> None:
        index = self.findData(code or "")
        self.setCurrentIndex(max(index, 0))

def section_title(parent: QWidget | None = None) -> QLabel:
    label = QLabel(parent)
    font = QFont(label.font())
    font.setBold(True)
    font.setPointSize(max(font.pointSize() + 3, 15))
    label.setFont(font)
    label.setWordWrap(True)
    return label


def html_table(rows: list[list[str]], *, header: bool = False, cell_style: str = "") -> str:
    """An HTML table (cells already escaped) that reads right to left in the Arabic UI.

    Qt's rich text lays table columns out left to right whatever `dir` says, so in RTL the
    cells are emitted in reverse order and the table is aligned to the right.
    """
    rtl = is_rtl()
    align = "right" if rtl else "left"
    out = [f"<table align='{align}' cellspacing='0'>"]
    for index, cells in enumerate(rows):
        tag = "th" if header and index == 0 else "td"
        ordered = list(reversed(cells)) if rtl else cells
        out.append("<tr>" + "".join(f"<{tag} style='padding:2px 8px; {cell_style}' "
                                     f"align='{align}'>{c}</{tag}>" for c in ordered) + "</tr>")
    out.append("</table>")
    return "".join(out)
