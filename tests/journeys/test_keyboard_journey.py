"""Journey: a whole round of the app by keyboard only, for a clerk, a supervisor and an
administrator of a real office and for demo mode, at 1366x768 and 1024x768.

Logged in by keys, the person walks every page of the navigation with Tab and the arrow keys
and presses the page's buttons with Enter (not Space): "Add a dependant" four times (the
third and fourth blocks are typed in view), "Show" on the reports and day close, "Send now".
At every step: the focused widget is on screen (inside its scroll area), no button is cut
off or outside the window, the window is no wider than the screen, and no dialog appears
that nobody asked for. Tab leaves the day-close table (no keyboard trap)."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractItemView, QApplication

from fundclient.config import Settings
from fundclient.ui.main import GuiApp
from fundclient.ui.ops import wait_for_writes

from keys_journey_helpers import (ADMIN, CLERK, PASSWORDS, SIZES, SUPERVISOR,  # noqa: F401
                                  assert_focus_visible, assert_no_unasked_modal, clipped_buttons,
                                  fit_window, keys_office, keys_office_template, keys_translations,
                                  press, real_app, shortcut, type_text)

pytestmark = pytest.mark.qt

RUNS = [(role, size) for role in ("clerk", "supervisor", "admin") for size in SIZES] + \
       [("demo-clerk", "1366x768"), ("demo-clerk", "1024x768"), ("demo-supervisor", "1024x768")]


@pytest.fixture
def office_for(request, keys_office, tmp_path):
    """(data dir, login hint, user, password) for a run: a real office or demo mode."""
    demos = []

    def make(role: str):
        if role.startswith("demo-"):
            from fundclient.demo import DEMO_USERS, start_demo

            demo = start_demo(tmp_path / "demo", records=20)
            demos.append(demo)
            user, password, _, _ = DEMO_USERS[0 if role == "demo-clerk" else 1]
            return demo.data_dir, demo.login_hint(), user, password
        user = {"clerk": CLERK, "supervisor": SUPERVISOR, "admin": ADMIN}[role]
        return keys_office, "", user, PASSWORDS[user]

    yield make
    wait_for_writes()
    for demo in demos:
        demo.close()


def log_in_by_keys(qtbot, gui: GuiApp, user: str, password: str) -> None:
    login = gui.login
    login.activateWindow()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is login.username, timeout=3000)
    type_text(user)
    press(qtbot, Qt.Key.Key_Return)
    type_text(password)
    press(qtbot, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: gui.window is not None and gui.window.isVisible(), timeout=30000)


def check_view(window, where: str) -> None:
    assert_focus_visible(window)
    assert clipped_buttons(window) == [], where
    assert window.width() <= 1366 and window.minimumSizeHint().width() <= window.width(), where
    assert_no_unasked_modal()


def tab_until(qtbot, window, wanted, where: str, limit: int = 80):
    """Tab (checking every stop) until `wanted(focus)`; fails if the page never gets there."""
    for _ in range(limit):
        focus = QApplication.focusWidget()
        if focus is not None and wanted(focus):
            return focus
        press(qtbot, Qt.Key.Key_Tab)
        check_view(window, where)
    raise AssertionError(f"{where}: not reachable with Tab")


def press_enter_on(qtbot, button) -> list:
    """Enter on a focused button presses it (its own action runs too)."""
    pressed: list = []
    button.clicked.connect(lambda *_args: pressed.append(True))
    assert QApplication.focusWidget() is button
    press(qtbot, Qt.Key.Key_Return)
    return pressed


@pytest.mark.parametrize("role,size", RUNS)
def test_every_page_by_keyboard(qtbot, real_app, office_for, role, size):
    data_dir, hint, user, password = office_for(role)
    gui = GuiApp(data_dir, Settings.load(data_dir), login_hint=hint)
    qtbot.addWidget(gui.login)
    fit_window(gui.login, SIZES[size])
    gui.show()
    qtbot.waitExposed(gui.login)
    assert clipped_buttons(gui.login) == []
    log_in_by_keys(qtbot, gui, user, password)
    window = gui.window
    fit_window(window, SIZES[size])
    qtbot.wait(100)
    assert window.width() <= SIZES[size].width(), "the window is wider than the screen"
    assert_no_unasked_modal()  # no «تسجيلات غير مكتملة» at login

    # Every page of the navigation: reach the list with Tab, go down with the arrow keys.
    nav = window.nav
    for row in range(nav.count()):
        tab_until(qtbot, window, lambda f: f is nav, f"navigation before row {row}")
        while nav.currentRow() != row:
            press(qtbot, Qt.Key.Key_Down if nav.currentRow() < row else Qt.Key.Key_Up)
        key = nav.item(row).data(Qt.ItemDataRole.UserRole)
        assert window.current_screen() is window.screens[key]
        qtbot.wait(50)
        for _ in range(12):  # a walk through the page
            press(qtbot, Qt.Key.Key_Tab)
            check_view(window, key)

    # Registration: "Add a dependant" by Enter; blocks 3 and 4 are typed in view.
    shortcut(qtbot, window, "Ctrl+N")
    registration = window.screens["registration"]
    shortcut(qtbot, window, "Alt+4")
    add = registration.dependants.add_button
    assert QApplication.focusWidget() is add
    assert press_enter_on(qtbot, add) == [True]
    for _ in range(3):
        shortcut(qtbot, window, "Alt+A")
    assert len(registration.dependants.rows) == 4
    for block in registration.dependants.rows[2:]:
        block.rows["relation"].editor.setFocus(Qt.FocusReason.TabFocusReason)
        press(qtbot, Qt.Key.Key_Down)  # a relation
        press(qtbot, Qt.Key.Key_Return)
        for _ in range(7):  # every field of the block, by Enter
            check_view(window, "dependants 3 and 4")
            type_text("١")
            press(qtbot, Qt.Key.Key_Return)
    registration.new()  # back to an empty form (the half-typed one stays a draft)

    # Reports: "Show" by Enter.
    shortcut(qtbot, window, "Ctrl+R")
    reports = window.screens["reports"]
    tab_until(qtbot, window, lambda f: f is reports.view.show_button, "reports")
    assert press_enter_on(qtbot, reports.view.show_button) == [True]

    # Send data: "Send now" by Enter.
    shortcut(qtbot, window, "Ctrl+E")
    sync = window.screens["sync"]
    tab_until(qtbot, window, lambda f: f is sync.send_button, "sync")
    assert press_enter_on(qtbot, sync.send_button) == [True]
    qtbot.waitUntil(sync.send_button.isEnabled, timeout=30000)  # disabled while it sends
    qtbot.wait(200)  # the page relabels and lays itself out again
    if QApplication.activeWindow() is None:  # a progress window came and went; offscreen
        window.activateWindow()              # has no window manager to hand activation back
        qtbot.waitUntil(lambda: QApplication.activeWindow() is window, timeout=3000)
    assert QApplication.focusWidget() is sync.send_button  # the focus came back
    check_view(window, "sync after Send now")

    # Day close (supervisors): "Show" by Enter; Tab leaves the table.
    if "dayclose" in window.screens:
        window.show_screen("dayclose")
        day = window.screens["dayclose"]
        qtbot.waitUntil(lambda: day.view.table.rowCount() > 0, timeout=10000)
        table = tab_until(qtbot, window, lambda f: f is day.view.table, "day close table")
        assert isinstance(table, QAbstractItemView)
        press(qtbot, Qt.Key.Key_Down)  # arrows move inside the table
        press(qtbot, Qt.Key.Key_Tab)
        assert QApplication.focusWidget() is not day.view.table, "Tab is trapped in the table"
        tab_until(qtbot, window, lambda f: f is day.view.show_button, "day close")
        assert press_enter_on(qtbot, day.view.show_button) == [True]
        qtbot.waitUntil(lambda: day.view.table.rowCount() > 0, timeout=10000)
        header = day.view.table.horizontalHeader()
        names = [day.view.table.item(r, 0) for r in range(day.view.table.rowCount())]
        metrics = day.view.table.fontMetrics()
        for item in names:  # a name fits its column, or wraps onto lines the row is tall for
            needed = metrics.horizontalAdvance(item.text())
            lines = -(-needed // max(1, header.sectionSize(0) - 8))  # cell margins
            assert day.view.table.rowHeight(item.row()) >= lines * metrics.lineSpacing(), item.text()

    assert_no_unasked_modal()
    window.idle.stop()
    gui.logout()
