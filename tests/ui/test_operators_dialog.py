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
        op = dialog.disable()
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
