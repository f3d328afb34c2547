"""Journey: a whole round of the app by keyboard only, for a clerk, a supervisor and an
administrator of a real office and for demo mode (clerk and supervisor), at 1366x768 and
1024x768 (`open_app`, tests/journeys/README.md).

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

from fundclient.ui.ops import wait_for_writes

from keys_journey_helpers import (ADMIN, CLERK, PASSWORDS, SUPERVISOR,  # noqa: F401
                                  keys_office, keys_office_template)

ROLES = ["clerk", "supervisor", "admin", "demo-clerk", "demo-supervisor"]


@pytest.fixture
def office_for(keys_office, tmp_path):
    """(data dir, login hint, user, password) for a role: a real office or demo mode."""
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


def tab_until(j, wanted, where: str, limit: int = 80):
    """Tab (checking what the person sees at every stop) until `wanted(focus)`."""
    for _ in range(limit):
        focus = j.focus()
        if focus is not None and wanted(focus):
            return focus
        j.tab()
        j.assert_layout_ok()
    raise AssertionError(f"{where}: not reachable with Tab")


def enter_presses(j, button) -> bool:
    """Enter on the focused button presses it (its own action runs too)."""
    pressed: list = []
    button.clicked.connect(lambda *_args: pressed.append(True))
    assert j.focus() is button
    j.enter()
    return pressed == [True]


@pytest.mark.parametrize("role", ROLES)
def test_every_page_by_keyboard(open_app, office_for, role):
    data_dir, hint, user, password = office_for(role)
    j = open_app(data_dir, login_hint=hint)
    j.assert_layout_ok()
    j.login(user, password)
    window = j.main
    j.assert_layout_ok()  # no «تسجيلات غير مكتملة» nor any other dialog at login

    # Every page of the navigation: reach the list with Tab, go down with the arrow keys.
    nav = window.nav
    for row in range(nav.count()):
        tab_until(j, lambda f: f is nav, f"navigation before row {row}")
        while nav.currentRow() != row:
            j.key(Qt.Key.Key_Down if nav.currentRow() < row else Qt.Key.Key_Up)
        key = nav.item(row).data(Qt.ItemDataRole.UserRole)
        assert window.current_screen() is window.screens[key]
        j.wait_idle()
        for _ in range(12):  # a walk through the page
            j.tab()
            j.assert_layout_ok()

    # Registration: "Add a dependant" by Enter; blocks 3 and 4 are typed in view.
    j.press("Ctrl+N")
    registration = window.screens["registration"]
    j.press("Alt+4")
    add = registration.dependants.add_button
    assert enter_presses(j, add)
    for _ in range(3):
        j.press("Alt+A")
    assert len(registration.dependants.rows) == 4
    for block in registration.dependants.rows[2:]:
        block.rows["relation"].editor.setFocus(Qt.FocusReason.TabFocusReason)
        j.key(Qt.Key.Key_Down)  # a relation
        j.enter()
        for _ in range(7):  # every field of the block, by Enter
            j.assert_layout_ok()
            j.type("١")
            j.enter()
    registration.new()  # back to an empty form (the half-typed one stays a draft)

    # Reports: "Show" by Enter.
    j.press("Ctrl+R")
    reports = window.screens["reports"]
    tab_until(j, lambda f: f is reports.view.show_button, "reports")
    assert enter_presses(j, reports.view.show_button)
    j.wait_idle()
    j.assert_layout_ok()

    # Send data: "Send now" by Enter; the button disables itself while sending and gets the
    # focus back afterwards.
    j.press("Ctrl+E")
    sync = window.screens["sync"]
    tab_until(j, lambda f: f is sync.send_button, "sync")
    assert enter_presses(j, sync.send_button)
    j.wait_until(sync.send_button.isEnabled, 30000, "the end of the sending")
    j.wait_idle()
    if QApplication.activeWindow() is None:  # a progress window came and went; offscreen
        window.activateWindow()              # has no window manager to hand activation back
        j.wait_until(lambda: QApplication.activeWindow() is window, 3000, "activation")
    assert j.focus() is sync.send_button
    j.assert_layout_ok()

    # Day close (supervisors): "Show" by Enter; Tab leaves the table; names are not cut off.
    if "dayclose" in window.screens:
        window.show_screen("dayclose")
        day = window.screens["dayclose"]
        j.wait_until(lambda: day.view.table.rowCount() > 0, 10000, "the day's registrations")
        table = tab_until(j, lambda f: f is day.view.table, "day close table")
        assert isinstance(table, QAbstractItemView)
        j.key(Qt.Key.Key_Down)  # arrows move inside the table
        j.tab()
        assert j.focus() is not day.view.table, "Tab is trapped in the table"
        tab_until(j, lambda f: f is day.view.show_button, "day close")
        assert enter_presses(j, day.view.show_button)
        j.wait_idle()
        j.wait_until(lambda: day.view.table.rowCount() > 0, 10000, "the day's registrations")
        header = day.view.table.horizontalHeader()
        metrics = day.view.table.fontMetrics()
        for row in range(day.view.table.rowCount()):
            # A name fits its column, or wraps onto lines the row is tall enough for.
            item = day.view.table.item(row, 0)
            needed = metrics.horizontalAdvance(item.text())
            lines = -(-needed // max(1, header.sectionSize(0) - 8))  # cell margins
            assert day.view.table.rowHeight(row) >= lines * metrics.lineSpacing(), item.text()
        j.assert_layout_ok()
    window.idle.stop()
