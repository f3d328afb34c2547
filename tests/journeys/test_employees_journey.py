"""Journey: the office's employees, by keyboard (at 1366x768 and 1024x768).

Fatima, the supervisor, has no Administration menu: the employees are the office
administrator's. Ali, the administrator, opens «الإدارة» → «الموظفون…» with the keyboard, adds
Salem (a new clerk for home visits) — a short password is refused in Arabic and nothing typed is
lost —, then stops Huda's access (she left the office): the confirmation's default keeps access,
so he chooses «إيقاف الدخول» himself. Huda's password no longer opens the program; Salem's does.

The real app (`open_app`, tests/journeys/README.md) on a real encrypted office."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QMessageBox

from keys_journey_helpers import (ADMIN, ADMIN_PW, CLERK, CLERK_PW, SUPERVISOR, SUPERVISOR_PW,  # noqa: F401
                                  keys_office, keys_office_template)

SALEM, SALEM_PW = "salem", "Salem-field-1"


def _menu_titles(main) -> list[str]:
    return [action.text().replace("&", "") for action in main.menuBar().actions()]


def _open_employees(j):
    """Alt + the Administration menu's letter («الإ&دارة»: د), Down to «الموظفون…», Enter."""
    main = j.main
    j.key(Qt.Key(ord("د")), Qt.KeyboardModifier.AltModifier, "د")
    j.wait_until(lambda: main.menu_admin.isVisible(), what="the Administration menu")
    for _ in range(len(main.menu_admin.actions())):
        if main.menu_admin.activeAction() is main._actions["operators"]:
            break
        j.press("Down")
    assert main.menu_admin.activeAction().text() == "الموظفون…"
    j.enter()


def _row_of(dialog, username: str) -> int:
    return next(row for row in range(dialog.table.rowCount()) if dialog.table.item(row, 0).text() == username)


def _row_texts(dialog, username: str) -> list[str]:
    row = _row_of(dialog, username)
    return [dialog.table.item(row, column).text() for column in range(dialog.table.columnCount())]


def test_the_administrator_adds_an_employee_and_stops_another_by_keyboard(open_app, keys_office, screen_size):
    # The supervisor approves and closes the day; the employees are not hers.
    j = open_app(keys_office)
    j.login(SUPERVISOR, SUPERVISOR_PW)
    assert j.main.menu_admin is None
    assert "المشرف" in _menu_titles(j.main) and "الإدارة" not in _menu_titles(j.main)
    j.close()

    j = open_app(keys_office)
    j.login(ADMIN, ADMIN_PW)
    assert "الإدارة" in _menu_titles(j.main)
    seen: dict[str, object] = {}

    def add_salem(form):
        assert form.windowTitle() == "موظف جديد"
        assert j.focus() is form.username
        j.type(SALEM)
        j.tab()
        j.type("سالم الفيتوري")
        j.tab()  # the role: a clerk (the first)
        assert j.focus() is form.role and form.role.currentText() == "مدخل بيانات"
        j.tab()
        j.type("short1")  # six characters
        j.tab()
        j.type("short1")
        j.enter()
        # Refused where it was typed, in Arabic; the form stays open with everything in it.
        j.wait_until(lambda: form.problem.isVisible(), what="the form's answer")
        j.assert_sees("كلمة المرور قصيرة", root=form)
        assert form.isVisible() and form.username.text() == SALEM
        j.assert_layout_ok()
        if screen_size == (1366, 768):
            j.screenshot("employees-short-password", form)
        form.password.setFocus()  # (where the person clicks back to; keys from here)
        j.select_all_and_type(SALEM_PW)
        j.tab()
        j.select_all_and_type(SALEM_PW)
        j.enter()

    def employees(dialog):
        seen["dialog"] = dialog
        j.wait_until(lambda: dialog.table.rowCount() == 3, what="the office's employees")
        j.assert_sees("الموظفون", "هدى الزوي", "فاطمة السنوسي", "مشرف", "مسموح", root=dialog)
        j.assert_layout_ok()
        j.screenshot("employees", dialog)
        # Add an employee…
        j.tab_to_text("إضافة موظف…")
        with j.expect_dialog(add_salem, match=lambda w: w.objectName() == "operatorForm"):
            j.enter()
        j.wait_until(lambda: dialog.table.rowCount() == 4, 30000, "Salem in the list")
        j.assert_sees("تمت إضافة الموظف.", root=dialog)
        assert _row_texts(dialog, SALEM) == [SALEM, "سالم الفيتوري", "مدخل بيانات", "مسموح"]

        # Stop Huda's access: her row, then «إيقاف الدخول»; the question's default keeps access.
        j.shift_tab()  # from «إضافة موظف…» back to the list
        assert j.focus() is dialog.table
        j.press("Home")
        for _ in range(dialog.table.rowCount()):
            if dialog.table.currentRow() == _row_of(dialog, CLERK):
                break
            j.press("Down")
        assert dialog.table.currentRow() == _row_of(dialog, CLERK)
        j.tab_to_text("إيقاف الدخول")

        def keep_first(box):
            assert isinstance(box, QMessageBox) and box.objectName() == "confirmStopAccess"
            assert "هدى الزوي" in box.text()
            assert box.defaultButton().text() == "إبقاء الدخول"
            j.enter()  # Enter keeps access: nothing changes

        with j.expect_dialog(keep_first):
            j.enter()
        j.assert_sees("لم يتغير شيء.", root=dialog)
        assert _row_texts(dialog, CLERK)[3] == "مسموح"

        def stop(box):
            j.tab_to_text("إيقاف الدخول")
            j.enter()

        with j.expect_dialog(stop):
            j.enter()  # the focus is still on «إيقاف الدخول» in the employees window
        j.wait_until(lambda: _row_texts(dialog, CLERK)[3] == "موقوف", 30000, "Huda stopped")
        j.assert_sees("تم إيقاف الدخول.", root=dialog)
        j.assert_layout_ok()
        if screen_size == (1366, 768):
            j.screenshot("employees-stopped", dialog)
        j.escape()  # close the employees window

    with j.expect_dialog(employees, match=lambda w: w.objectName() == "operatorsDialog", timeout_ms=120000):
        _open_employees(j)
    assert not seen["dialog"].isVisible()
    j.close()

    # Huda's password no longer opens the program, and she is told why; Salem's does.
    j = open_app(keys_office)
    j.login(CLERK, CLERK_PW, expect_success=False)
    login = j.gui.login
    j.wait_until(lambda: not login.busy and login.error.isVisible(), 30000, "the login answer")
    assert "هذا الحساب موقوف" in login.error.text()
    assert j.gui.window is None
    j.close()
    j = open_app(keys_office)
    j.login(SALEM, SALEM_PW)
    assert j.main.isVisible() and QApplication.activeWindow() is not None
    j.close()
