"""Admin manages employees: add one who can then sign in, stop their access, wrong input."""

from __future__ import annotations

import pytest

from conftest import ADMIN, ADMIN_PW, login_session
from fundclient.errors import AuthError

pytestmark = pytest.mark.qt


def test_admin_adds_and_stops_an_employee(qtbot, office, gui_app):
    from fundclient.ui.operators_dialog import OperatorsDialog, PasswordForm

    session = login_session(office, ADMIN, ADMIN_PW)
    try:
        dialog = OperatorsDialog(session)
        qtbot.addWidget(dialog)
        qtbot.waitUntil(lambda: dialog.table.rowCount() >= 3, timeout=10000)
        form = PasswordForm(dialog)
        form.username.setText("salem")
        form.full_name.setText("سالم المقريف")
        form.role.setCurrentIndex(form.role.findData("clerk"))
        form.password.setText("Ghat-office-9")
        form.confirm.setText("Ghat-office-9")
        form._accept()
        op = dialog.add_employee(form)
        qtbot.waitUntil(lambda: op.done and any(o.username == "salem" for o in dialog.operators), timeout=15000)
        assert "سالم المقريف" in [dialog.table.item(r, 1).text() for r in range(dialog.table.rowCount())]
        login_session(office, "salem", "Ghat-office-9").store.close()  # the new clerk can sign in

        row = [o.username for o in dialog.operators].index("salem")
        dialog.table.setCurrentCell(row, 0)
        assert dialog.selected().username == "salem", (row, dialog.table.currentRow(), dialog.table.rowCount())
        op = dialog.disable(confirmed=True)
        qtbot.waitUntil(lambda: op.done and not next(o for o in dialog.operators if o.username == "salem").active,
                        timeout=15000)
        with pytest.raises(AuthError):
            login_session(office, "salem", "Ghat-office-9")
    finally:
        session.store.close()


def test_form_refuses_bad_user_names_and_mismatched_passwords(qtbot, gui_app):
    from fundclient.ui.operators_dialog import PasswordForm

    form = PasswordForm()
    qtbot.addWidget(form)
    form.username.setText("سالم علي")  # a space is not allowed
    form._accept()
    assert form.result() == 0 and form.problem.text()
    form.username.setText("salem")
    form.password.setText("Ghat-office-9")
    form.confirm.setText("Ghat-office-8")
    form._accept()
    assert form.result() == 0 and form.problem.text()


def test_form_keeps_what_was_typed_when_the_password_is_short_or_the_name_taken(qtbot, gui_app):
    from fundclient.ui.operators_dialog import PasswordForm

    form = PasswordForm(taken=frozenset({"salem"}))
    qtbot.addWidget(form)
    form.username.setText("salem")
    form.full_name.setText("سالم المقريف")
    form.password.setText("Ghat-office-9")
    form.confirm.setText("Ghat-office-9")
    form._accept()
    assert form.result() == 0 and "salem" in form.problem.text() and "(" not in form.problem.text()
    form.username.setText("salem2")
    form.password.setText("short")
    form.confirm.setText("short")
    form._accept()  # was: accepted, then refused by the store with everything typed lost
    assert form.result() == 0 and form.problem.text()
    assert (form.username.text(), form.full_name.text()) == ("salem2", "سالم المقريف")
    form.password.setText("Ghat-office-9")
    form.confirm.setText("Ghat-office-9")
    form._accept()
    assert form.result() == 1


def test_stop_access_is_confirmed_and_stopping_yourself_is_refused_plainly(qtbot, office, gui_app):
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication, QMessageBox

    from fundclient.ui.operators_dialog import OperatorsDialog

    session = login_session(office, ADMIN, ADMIN_PW)
    try:
        dialog = OperatorsDialog(session)
        qtbot.addWidget(dialog)
        qtbot.waitUntil(lambda: dialog.table.rowCount() >= 3, timeout=10000)
        names = [o.username for o in dialog.operators]

        dialog.table.setCurrentCell(names.index(ADMIN), 0)
        assert dialog.disable() is None
        refusal = dialog.message.text()
        assert refusal and not any("a" <= c.lower() <= "z" for c in refusal), refusal  # one language

        other = next(n for n in names if n != ADMIN)
        dialog.table.setCurrentCell(names.index(other), 0)
        seen = []

        def answer(press_stop: bool):
            box = QApplication.activeModalWidget()
            assert isinstance(box, QMessageBox), box
            seen.append(box.text())
            stop = next(b for b in box.buttons() if box.buttonRole(b) == QMessageBox.ButtonRole.AcceptRole)
            (stop if press_stop else box.escapeButton()).click()

        QTimer.singleShot(200, lambda: answer(False))  # the administrator changes their mind
        assert dialog.disable() is None and seen
        assert next(o for o in dialog.operators if o.username == other).active

        QTimer.singleShot(200, lambda: answer(True))
        op = dialog.disable()
        qtbot.waitUntil(lambda: op.done and not next(o for o in dialog.operators if o.username == other).active,
                        timeout=15000)
    finally:
        session.store.close()
