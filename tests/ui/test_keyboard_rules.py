"""The application-wide keyboard rules (ui/keyboard.py): Enter presses the focused button on
every screen, and the focused widget is always visible inside its scroll area."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (QAbstractButton, QApplication, QCheckBox, QLineEdit,
                               QPushButton, QScrollArea, QToolButton, QVBoxLayout, QWidget)

from fundclient.ui.keyboard import is_visible_in, scroll_areas_around

from registration_helpers import make_screen, office_dir, sessions, template_dir  # noqa: F401

pytestmark = pytest.mark.qt


def show_active(qtbot, widget) -> None:
    widget.show()
    qtbot.waitExposed(widget)
    widget.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is widget, timeout=3000)


@pytest.mark.parametrize("key,modifier", [(Qt.Key.Key_Return, Qt.KeyboardModifier.NoModifier),
                                          (Qt.Key.Key_Enter, Qt.KeyboardModifier.KeypadModifier)])
def test_enter_presses_any_focused_button(qtbot, gui_app, key, modifier):
    page = QWidget()
    qtbot.addWidget(page)
    layout = QVBoxLayout(page)
    plain, tool, check = QPushButton("print"), QToolButton(), QCheckBox("home visit")
    for widget in (plain, tool, check):
        layout.addWidget(widget)
    page.show()
    qtbot.waitExposed(page)
    pressed = []
    plain.clicked.connect(lambda: pressed.append("plain"))
    tool.clicked.connect(lambda: pressed.append("tool"))
    assert not plain.autoDefault()  # outside a dialog Qt alone would ignore Enter here
    for button in (plain, tool, check):
        button.setFocus()
        qtbot.keyClick(button, key, modifier)
    assert pressed == ["plain", "tool"]
    assert check.isChecked()
    qtbot.keyClick(check, key, modifier)  # already ticked: Enter goes on, never unticks
    assert check.isChecked()


def test_enter_with_ctrl_or_on_a_disabled_button_does_nothing(qtbot, gui_app):
    button = QPushButton("send now")
    qtbot.addWidget(button)
    button.show()
    qtbot.waitExposed(button)
    pressed = []
    button.clicked.connect(lambda: pressed.append(1))
    button.setFocus()
    qtbot.keyClick(button, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    button.setEnabled(False)
    qtbot.keyClick(button, Qt.Key.Key_Return)
    assert pressed == []


def test_enter_in_a_field_is_not_taken(qtbot, gui_app):
    edit = QLineEdit()
    qtbot.addWidget(edit)
    edit.show()
    returned = []
    edit.returnPressed.connect(lambda: returned.append(1))
    edit.setFocus()
    qtbot.keyClick(edit, Qt.Key.Key_Return)
    assert returned == [1]


def test_focus_moved_by_keyboard_into_a_scroll_area_is_scrolled_into_view(qtbot, gui_app):
    area = QScrollArea()
    qtbot.addWidget(area)
    area.setWidgetResizable(True)
    inner = QWidget()
    column = QVBoxLayout(inner)
    edits = [QLineEdit(str(i)) for i in range(40)]
    for edit in edits:
        column.addWidget(edit)
    area.setWidget(inner)
    area.resize(300, 200)
    show_active(qtbot, area)
    edits[0].setFocus()
    for _ in range(30):
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is edits[30]
    assert is_visible_in(area, edits[30])
    edits[2].setFocus(Qt.FocusReason.OtherFocusReason)  # moved by the program
    assert is_visible_in(area, edits[2])


def test_dependants_three_and_four_are_typed_in_view(qtbot, make_screen):
    screen = make_screen("clerk1")
    screen.resize(760, 560)  # what is left of a 1024x768 screen
    screen.go_to_step("dependants")
    for number in range(4):
        add = screen.dependants.add_button
        add.setFocus()
        qtbot.keyClick(add, Qt.Key.Key_Return)  # Enter on "Add a dependant"
        assert len(screen.dependants.rows) == number + 1
        qtbot.wait(10)
        focus = QApplication.focusWidget()
        assert focus is screen.dependants.rows[number].rows["relation"].editor
        areas = scroll_areas_around(focus)
        assert areas and all(is_visible_in(a, focus) for a in areas), f"dependant {number + 1}"
        # every field of the new block, walked by Enter, stays in view while it is typed
        for key in ("relation", "sex", "date_of_birth", "national_number", "name.first"):
            focus = QApplication.focusWidget()
            area = scroll_areas_around(focus)[0]
            assert all(is_visible_in(a, focus) for a in scroll_areas_around(focus)), (
                number, key, focus.mapTo(area.viewport(), focus.rect().topLeft()), focus.size(),
                area.viewport().size())
            if key == "relation":
                qtbot.keyClick(focus, Qt.Key.Key_Down)
            qtbot.keyClick(focus, Qt.Key.Key_Return)


def test_enter_on_the_buttons_of_the_main_screens(qtbot, main_window):
    """Every button outside the form footer: the record view's print buttons, the sync
    page's Send now, the search page — pressed by Enter, not only by Space."""
    window = main_window
    screen = window.show_screen("sync")
    buttons = [b for b in screen.findChildren(QPushButton) if b.isVisible() and b.isEnabled()]
    assert buttons
    for button in buttons:
        pressed = []
        button.clicked.disconnect()  # only count the press, run nothing
        button.clicked.connect(lambda *_args, b=button: pressed.append(b))
        button.setFocus()
        qtbot.keyClick(button, Qt.Key.Key_Return)
        assert pressed == [button], button.text()
    assert all(isinstance(b, QAbstractButton) for b in buttons)
