"""The dependants step: one framed block per dependant, added and removed with the keyboard.

A block rather than a table: each dependant has eight fields with messages under them,
which a table cell cannot show; blocks also read naturally right to left.
Several spouses are allowed (the fund registers every wife of a retiree).
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, Qt, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (QFrame, QGridLayout, QHBoxLayout, QLabel, QPushButton,
                               QVBoxLayout, QWidget)

from fundclient.domain.fields import DEPENDANT_FIELDS, MAX_DEPENDANTS
from fundclient.domain.reference import ReferenceData
from fundclient.ui.i18n import current_language
from fundclient.ui.registration.binding import DEPENDANT_KEYS
from fundclient.ui.registration.widgets import ChoiceField, DateField, FieldRow, LineField


def _tr(text: str) -> str:
    return QCoreApplication.translate("RegistrationDependants", text)


class DependantRow(QFrame):
    """One dependant: relation, four-part name, sex, date of birth, national number."""

    changed = Signal(object, str)  # (row, key)
    remove_requested = Signal(object)

    def __init__(self, index: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setObjectName(f"dependant_{index}")
        self.hidden_values: dict[str, str] = {}  # dependant_id, card_number (edit mode)
        self.rows: dict[str, FieldRow] = {}
        grid = QGridLayout(self)
        grid.setHorizontalSpacing(14)
        self.title = QLabel(self)
        bold = QFont(self.title.font())
        bold.setBold(True)
        self.title.setFont(bold)
        self.remove_button = QPushButton(self)
        self.remove_button.setObjectName("removeDependant")
        self.remove_button.clicked.connect(lambda: self.remove_requested.emit(self))
        head = QHBoxLayout()
        head.addWidget(self.title, 1)
        head.addWidget(self.remove_button)
        grid.addLayout(head, 0, 0, 1, 4)
        places = {"relation": (1, 0), "sex": (1, 1), "date_of_birth": (1, 2),
                  "national_number": (1, 3), "name.first": (2, 0), "name.father": (2, 1),
                  "name.grandfather": (2, 2), "name.family": (2, 3)}
        for key in DEPENDANT_KEYS:
            if key in ("relation", "sex"):
                editor = ChoiceField()
                editor.setMinimumWidth(140)  # four columns fit a 1024-pixel screen
            elif key == "date_of_birth":
                editor = DateField()
            else:
                editor = LineField(left_to_right=key == "national_number")
            row = FieldRow(f"dependants.{index}.{key}", editor, self)
            editor.changed.connect(lambda k=key: self.changed.emit(self, k))
            self.rows[key] = row
            grid.addWidget(row, *places[key], 1, 1, Qt.AlignmentFlag.AlignTop)
        for column in range(4):
            grid.setColumnStretch(column, 1)

    def editors(self) -> list[QWidget]:
        return [self.rows[k].editor for k in DEPENDANT_KEYS]

    def values(self) -> dict[str, str]:
        out = {k: r.editor.value() for k, r in self.rows.items()}
        out.update(self.hidden_values)
        return out

    def set_values(self, values: dict[str, str]) -> None:
        for key, row in self.rows.items():
            row.editor.set_value(values.get(key, ""))
        self.hidden_values = {k: values[k] for k in ("dependant_id", "card_number")
                              if values.get(k)}

    def value(self, key: str) -> str:
        return self.rows[key].editor.value()


class DependantsEditor(QWidget):
    """The list of dependant blocks plus the Add button."""

    changed = Signal(object, str)  # (row, key) a field changed
    rows_changed = Signal()  # a row was added or removed

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("dependantsEditor")
        self.reference: ReferenceData | None = None
        self.rows: list[DependantRow] = []
        layout = QVBoxLayout(self)
        self.empty_label = QLabel(self)
        self.empty_label.setWordWrap(True)
        layout.addWidget(self.empty_label)
        self.list_layout = QVBoxLayout()
        layout.addLayout(self.list_layout)
        self.add_button = QPushButton(self)
        self.add_button.setObjectName("addDependant")
        self.add_button.setMinimumHeight(38)
        self.add_button.setAutoDefault(True)
        self.add_button.clicked.connect(lambda: self.add_row(focus=True))
        layout.addWidget(self.add_button)
        layout.addStretch(1)
        self.retranslate_ui()

    def add_row(self, values: dict[str, str] | None = None, *, focus: bool = False
                ) -> DependantRow | None:
        if len(self.rows) >= MAX_DEPENDANTS:
            return None
        row = DependantRow(len(self.rows), self)
        row.changed.connect(self.changed)
        row.remove_requested.connect(self.remove_row)
        self.rows.append(row)
        self.list_layout.addWidget(row)
        row.setVisible(not self.isHidden())  # now, not at the next event loop turn
        self._label_row(row)
        if values:
            row.set_values(values)
        self._renumber()
        self.rows_changed.emit()
        if focus:
            row.rows["relation"].editor.setFocus()
        return row

    def remove_row(self, row: DependantRow) -> None:
        if row not in self.rows:
            return
        index = self.rows.index(row)
        self.rows.remove(row)
        self._forget(row)
        self._renumber()
        self.rows_changed.emit()
        # Keyboard users keep their place: focus the next block, or Add.
        if self.rows:
            self.rows[min(index, len(self.rows) - 1)].rows["relation"].editor.setFocus()
        else:
            self.add_button.setFocus()

    @staticmethod
    def _forget(row: "DependantRow") -> None:
        """Out of the layout and hidden, never parentless (it would become a window)."""
        layout = row.parentWidget().layout() if row.parentWidget() is not None else None
        if layout is not None:
            layout.removeWidget(row)
        row.hide()
        row.deleteLater()

    def clear(self) -> None:
        for row in list(self.rows):
            self._forget(row)
        self.rows.clear()
        self._renumber()
        self.rows_changed.emit()

    def values(self) -> list[dict[str, str]]:
        return [row.values() for row in self.rows]

    def set_values(self, rows: list[dict[str, str]]) -> None:
        self.clear()
        for values in rows:
            self.add_row(values)

    def editors(self) -> list[QWidget]:
        found: list[QWidget] = []
        for row in self.rows:
            found.extend(row.editors())
            found.append(row.remove_button)
        found.append(self.add_button)
        return found

    def retranslate_ui(self) -> None:
        self.add_button.setText(_tr("Add a dependant (Alt+A)"))
        self.empty_label.setText(_tr("No dependants yet. Press “Add a dependant” for the "
                                     "spouse(s) and children covered with this beneficiary."))
        for row in self.rows:
            self._label_row(row)
        self._renumber()

    def _label_row(self, row: DependantRow) -> None:
        language = current_language()
        for key, field_row in row.rows.items():
            definition = DEPENDANT_FIELDS[key]
            field_row.set_label(definition.label.in_language(language), definition.required,
                                definition.hint.in_language(language))
        if self.reference is not None:
            choose = _tr("— choose —")
            row.rows["relation"].editor.set_items(self.reference.items("relations"), choose)
            row.rows["sex"].editor.set_items(self.reference.items("sexes"), choose)
        row.remove_button.setText(_tr("Remove"))

    def _renumber(self) -> None:
        for number, row in enumerate(self.rows, start=1):
            row.title.setText(_tr("Dependant %1").replace("%1", str(number)))
            row.remove_button.setAccessibleName(
                _tr("Remove dependant %1").replace("%1", str(number)))
        self.empty_label.setVisible(not self.rows)
        self.add_button.setEnabled(len(self.rows) < MAX_DEPENDANTS)
