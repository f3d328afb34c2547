"""Widgets and layout of the registration screen (no behaviour: see `screen.py`).

Shape: a step bar across the top (numbered, clickable, Alt+1…6), a duplicate banner that
stays visible on every step, one step page at a time, and Back / Next / Save at the bottom.
"""

from __future__ import annotations

from collections.abc import Generator, Iterator
from dataclasses import dataclass, field

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (QButtonGroup, QCheckBox, QFrame, QGridLayout, QHBoxLayout,
                               QLabel, QPushButton, QScrollArea, QSizePolicy, QStackedWidget,
                               QVBoxLayout, QWidget)

from fundclient.ui.registration.binding import ADDRESS_KEYS, CATEGORY_KEYS, IDENTITY_KEYS
from fundclient.ui.registration.dependants import DependantsEditor
from fundclient.ui.registration.duplicates import DuplicatePanel
from fundclient.ui.registration.photo_step import PhotoStep
from fundclient.ui.registration.review import ReviewPage
from fundclient.ui.registration.widgets import (ChoiceField, DateField, FieldRow, LineField,
                                                section_title)
from fundclient.ui.screen import Screen

STEP_IDS = ("identity", "address", "category", "dependants", "photo", "review")
CHOICE_KEYS = {"sex", "marital_status", "municipality", "category", "channel"}
LTR_KEYS = {"national_number", "mobile", "latin_name"}
# Field kinds whose text reads left to right (digits, dates) even in the Arabic UI.
LTR_KINDS = {"national_number", "mobile", "latin_name", "digits", "date"}
FORM_POINT_SIZE = 13


@dataclass
class StepPage:
    step_id: str
    page: QWidget
    title: QLabel
    intro: QLabel
    scroll: QScrollArea
    keys: list[str] = field(default_factory=list)  # beneficiary field keys, entry order


def make_editor(key: str, kind: str = "") -> QWidget:
    if key in CHOICE_KEYS or kind == "choice":
        return ChoiceField()
    if key == "date_of_birth" or kind == "date":
        return DateField()
    return LineField(left_to_right=key in LTR_KEYS or kind in LTR_KINDS)


class RegistrationView(Screen):
    """All widgets of the form; `RegistrationScreen` adds the behaviour."""

    def __init__(self, session=None, parent: QWidget | None = None, *, build: bool = True) -> None:
        super().__init__(session, parent)
        if build:  # else the subclass runs `_build_view()`, maybe one part per idle slice
            for _part in self._build_view():
                pass

    def _build_view(self) -> Iterator[None]:
        """Build the widgets, yielding between parts (each a few tens of ms at most on an
        office PC): the main window builds the form in idle slices after sign-in, so neither
        the sign-in nor the first Ctrl+N stalls the window (#18 item 3)."""
        self.setObjectName("registrationScreen")
        font = QFont(self.font())
        font.setPointSize(max(font.pointSize(), FORM_POINT_SIZE))
        self.setFont(font)
        self.rows: dict[str, FieldRow] = {}
        self.steps: list[StepPage] = []
        outer = QVBoxLayout(self)
        outer.setContentsMargins(16, 12, 16, 12)
        outer.setSpacing(8)
        outer.addLayout(self._build_header())
        self.duplicate_panel = DuplicatePanel(self)
        outer.addWidget(self.duplicate_panel)
        self.stack = QStackedWidget(self)
        outer.addWidget(self.stack, 1)
        yield
        yield from self._build_identity()
        yield from self._build_address()
        yield
        self._build_category()
        yield
        self.dependants = DependantsEditor(self)
        self._add_step("dependants", self.dependants)
        yield
        self.photo = PhotoStep(self)
        self._add_step("photo", self.photo)
        yield
        self.review = ReviewPage(self)
        self._add_step("review", self.review)
        outer.addLayout(self._build_footer())

    # ---------------------------------------------------------------- header / footer
    def _build_header(self) -> QVBoxLayout:
        box = QVBoxLayout()
        top = QHBoxLayout()
        self.heading = section_title(self)
        self.heading.setObjectName("registrationHeading")
        top.addWidget(self.heading)
        top.addStretch(1)
        self.home_visit = QCheckBox(self)
        self.home_visit.setObjectName("homeVisitToggle")
        top.addWidget(self.home_visit)
        box.addLayout(top)
        self.home_visit_banner = QLabel(self)
        self.home_visit_banner.setObjectName("homeVisitBanner")
        self.home_visit_banner.setWordWrap(True)
        # Impossible to miss while on: the mode changes what every saved record says.
        self.home_visit_banner.setStyleSheet(
            "background:#fff3cd; color:#5c3b00; font-weight:bold; padding:6px 8px;"
            " border:2px solid #e0a800; border-radius:4px;")
        self.home_visit_banner.setVisible(False)
        box.addWidget(self.home_visit_banner)
        bar = QHBoxLayout()
        bar.setSpacing(4)
        self.step_buttons = QButtonGroup(self)
        self.step_buttons.setExclusive(True)
        for index, step_id in enumerate(STEP_IDS):
            button = QPushButton(self)
            button.setObjectName(f"stepButton_{step_id}")
            button.setCheckable(True)
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # Alt+n reaches them; Tab skips
            button.setMinimumHeight(36)
            button.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
            # Bold in every state: a label that turns bold only when checked is wider than
            # the size the button was given and gets cut off on a 1024-pixel screen.
            # A step with fields to correct is red (FormLogic._mark_steps sets hasProblems).
            button.setStyleSheet("QPushButton { font-weight:bold; padding:6px 6px; }"
                                 " QPushButton[hasProblems=\"true\"] { color:#b00020;"
                                 " border:2px solid #b00020; }"
                                 " QPushButton:checked {"
                                 " background:#0b3d91; color:white; }")
            self.step_buttons.addButton(button, index)
            bar.addWidget(button)
        box.addLayout(bar)
        return box

    def _build_footer(self) -> QHBoxLayout:
        footer = QHBoxLayout()
        self.status_label = QLabel(self)
        self.status_label.setObjectName("registrationStatus")
        self.status_label.setStyleSheet("color:#555;")
        self.status_label.setWordWrap(True)  # a long message never squeezes Save
        self.back_button = QPushButton(self)
        self.back_button.setObjectName("backButton")
        self.next_button = QPushButton(self)
        self.next_button.setObjectName("nextButton")
        self.save_button = QPushButton(self)
        self.save_button.setObjectName("saveButton")
        self.save_button.setStyleSheet("QPushButton { font-weight:bold; padding:6px 18px; }")
        for button in (self.back_button, self.next_button, self.save_button):
            button.setAutoDefault(True)  # Enter presses a focused button (keyboard-only use)
            button.setMinimumHeight(40)
            button.setMinimumWidth(120)
        footer.addWidget(self.status_label, 1)
        footer.addWidget(self.back_button)
        footer.addWidget(self.next_button)
        footer.addWidget(self.save_button)
        return footer

    # ---------------------------------------------------------------- steps
    def _add_step(self, step_id: str, content: QWidget, keys: list[str] | None = None
                  ) -> StepPage:
        page = QWidget(self)
        page.setObjectName(f"step_{step_id}")
        layout = QVBoxLayout(page)
        layout.setContentsMargins(4, 4, 4, 4)
        # Title and its one-line instruction share a row: vertical space is scarce on the
        # 1366x768 screens most offices have.
        heading = QHBoxLayout()
        title = section_title(page)
        title.setWordWrap(False)
        intro = QLabel(page)
        intro.setWordWrap(True)
        intro.setStyleSheet("color:#444;")
        heading.addWidget(title)
        heading.addSpacing(16)
        heading.addWidget(intro, 1)
        layout.addLayout(heading)
        scroll = QScrollArea(page)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(content)
        layout.addWidget(scroll, 1)
        step = StepPage(step_id, page, title, intro, scroll, list(keys or []))
        self.steps.append(step)
        self.stack.addWidget(page)
        return step

    def _row(self, key: str) -> FieldRow:
        row = FieldRow(key, make_editor(key))
        self.rows[key] = row
        return row

    def _grid_page(self, placements: list[tuple[str, int, int, int]], columns: int
                   ) -> Generator[None, None, QWidget]:
        """The page's widget (the generator's value), yielding every few fields."""
        content = QWidget(self)
        grid = QGridLayout(content)
        grid.setHorizontalSpacing(18)
        grid.setVerticalSpacing(6)
        for index, (key, row, column, span) in enumerate(placements):
            grid.addWidget(self._row(key), row, column, 1, span, Qt.AlignmentFlag.AlignTop)
            if index % 4 == 3:
                yield
        for column in range(columns):
            grid.setColumnStretch(column, 1)
        grid.setRowStretch(grid.rowCount(), 1)
        return content

    def _build_identity(self) -> Iterator[None]:
        # The four name parts side by side, in reading order (first name on the right in RTL).
        placements = [("national_number", 0, 0, 2), ("sex", 0, 2, 1),
                      ("date_of_birth", 0, 3, 1)]
        placements += [(f"name.{p}", 1, i, 1)
                       for i, p in enumerate(("first", "father", "grandfather", "family"))]
        placements += [("latin_name", 2, 0, 2), ("mother_name", 2, 2, 2),
                       ("place_of_birth", 3, 0, 2), ("marital_status", 3, 2, 2)]
        content = yield from self._grid_page(placements, 4)
        yield
        # Entry order: the national number first (it is on the card in front of the clerk),
        # then the name as it is read, then the rest.
        order = ["national_number", "name.first", "name.father", "name.grandfather",
                 "name.family", "sex", "date_of_birth", "latin_name", "mother_name",
                 "place_of_birth", "marital_status"]
        assert set(order) == set(IDENTITY_KEYS)
        self._add_step("identity", content, order)

    def _build_address(self) -> Iterator[None]:
        placements = [("mobile", 0, 0, 1), ("municipality", 0, 1, 1),
                      ("locality", 1, 0, 2), ("address", 2, 0, 2)]
        content = yield from self._grid_page(placements, 2)
        self._add_step("address", content, list(ADDRESS_KEYS))

    def _build_category(self) -> None:
        content = QWidget(self)
        layout = QVBoxLayout(content)
        top = QGridLayout()
        top.setHorizontalSpacing(18)
        top.addWidget(self._row("category"), 0, 0, Qt.AlignmentFlag.AlignTop)
        top.addWidget(self._row("channel"), 0, 1, Qt.AlignmentFlag.AlignTop)
        top.setColumnStretch(0, 1)
        top.setColumnStretch(1, 1)
        layout.addLayout(top)
        # The category's own fields (retirees: pension number, authority, date) go here.
        self.category_box = QFrame(content)
        self.category_box.setObjectName("categoryFields")
        self.category_box.setFrameShape(QFrame.Shape.StyledPanel)
        self.category_grid = QGridLayout(self.category_box)
        self.category_grid.setHorizontalSpacing(18)
        self.category_grid.setColumnStretch(0, 1)
        self.category_grid.setColumnStretch(1, 1)
        self.category_title = QLabel(self.category_box)
        bold = QFont(self.category_title.font())
        bold.setBold(True)
        self.category_title.setFont(bold)
        self.category_grid.addWidget(self.category_title, 0, 0, 1, 2)
        layout.addWidget(self.category_box)
        layout.addWidget(self._row("notes"))
        layout.addStretch(1)
        self._add_step("category", content, list(CATEGORY_KEYS))
        self.category_rows: list[FieldRow] = []

    def set_category_rows(self, rows: list[FieldRow]) -> None:
        """Replace the category-specific rows (called when the category changes)."""
        for old in self.category_rows:
            self.rows.pop(old.name, None)
            # Out of the layout and hidden, but never parentless: a parentless widget that
            # something shows before it is deleted would pop up as a window of its own.
            self.category_grid.removeWidget(old)
            old.hide()
            old.deleteLater()
        self.category_rows = rows
        for index, row in enumerate(rows):
            self.rows[row.name] = row
            self.category_grid.addWidget(row, 1 + index // 2, index % 2,
                                         Qt.AlignmentFlag.AlignTop)
        self.category_box.setVisible(bool(rows))
