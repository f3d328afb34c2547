"""Sent back: a record the supervisor returns at day close reaches its clerk — count in the
navigation, the comment, opened at login — and the correction goes back to day close."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from conftest import CLERK, CLERK_PW, SUPERVISOR, SUPERVISOR_PW, login_session
from fundclient.domain.synthetic import generate
from fundclient.ui.ops import wait_for_writes

pytestmark = pytest.mark.qt
COMMENT = "رقم المعاش ناقص، صحّحه من إفادة المعاش"


def _window(qtbot, session, size=(1366, 768)):
    from fundclient.ui.main_window import MainWindow

    window = MainWindow(session)
    qtbot.addWidget(window)
    window.resize(*size)
    window.show()
    qtbot.waitExposed(window)
    return window


def _nav_text(window, key):
    for row in range(window.nav.count()):
        item = window.nav.item(row)
        if item.data(Qt.ItemDataRole.UserRole) == key:
            return item.text()
    raise AssertionError(key)


@pytest.fixture
def sent_back(office, gui_app):
    """Yesterday: the clerk saved two registrations, the supervisor approved one and sent one back."""
    from fundclient.services import dayclose, registration

    clerk = login_session(office, CLERK, CLERK_PW)
    records = []
    for record in generate(2, seed=41):
        record.card_number, record.created_by = "", ""
        records.append(registration.register(clerk, record).result)
    clerk.store.close()
    supervisor = login_session(office, SUPERVISOR, SUPERVISOR_PW)
    dayclose.approve(supervisor, [(records[0].record_id, 1)])
    dayclose.send_back(supervisor, (records[1].record_id, 1), COMMENT)
    supervisor.store.close()
    return records


@pytest.mark.parametrize("size", [(1366, 768), (1024, 768)])
def test_clerk_sees_the_return_at_login_fixes_it_and_it_goes_back_to_day_close(qtbot, office, sent_back, size):
    session = login_session(office, CLERK, CLERK_PW)
    try:
        window = _window(qtbot, session, size)
        returned = window.screens["returned"]
        # At login the page with what was sent back comes first, and the navigation counts it.
        qtbot.waitUntil(lambda: window.current_screen() is returned, timeout=20000)
        assert _nav_text(window, "returned").endswith("(1)")
        assert returned.table.rowCount() == 1
        row = [returned.table.item(0, c).text() for c in range(returned.table.columnCount())]
        assert row[0] == sent_back[1].name.full() and row[4] == COMMENT
        assert row[3] == "فاطمة السنوسي"  # the supervisor's name, not her login
        assert COMMENT in returned.comment.text()
        qtbot.waitUntil(lambda: QApplication.focusWidget() is returned.table, timeout=5000)

        # Enter opens it in the form, which says why it came back.
        form = window.screens["registration"]
        qtbot.keyClick(returned.table, Qt.Key.Key_Return)
        qtbot.waitUntil(lambda: form.base is not None and form.base.record_id == sent_back[1].record_id,
                        timeout=20000)
        assert window.current_screen() is form
        assert COMMENT in form.status_label.text() and "فاطمة السنوسي" in form.status_label.text()
        form.go_to_step("category")
        pension = form.rows["category_fields.pension_number"].editor
        pension.setFocus()
        pension.selectAll()
        qtbot.keyClicks(pension, "7788123")
        with qtbot.waitSignal(form.saved, timeout=20000):
            qtbot.keyClick(window, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
        wait_for_writes()
        qtbot.waitUntil(lambda: returned.count == 0, timeout=20000)
        assert _nav_text(window, "returned") == returned.tr("Sent back to me")
        stored = session.store.beneficiaries.get(sent_back[1].record_id)
        assert stored.category_fields["pension_number"] == "7788123"
    finally:
        wait_for_writes()
        session.store.close()

    # The supervisor's day close lists the correction, undecided, with the earlier comment.
    supervisor = login_session(office, SUPERVISOR, SUPERVISOR_PW)
    try:
        window = _window(qtbot, supervisor, size)
        day_close = window.show_screen("dayclose")
        wanted = sent_back[1].record_id
        qtbot.waitUntil(lambda: any(r.key == (wanted, 2) for r in day_close.items), timeout=20000)
        corrected = [r for r, review in enumerate(day_close.items) if review.key == (wanted, 2)]
        assert corrected
        row = corrected[0]
        assert day_close.view.table.item(row, 4).text() == day_close.tr("Corrected, not decided")
        assert day_close.view.table.item(row, 2).text() == "أحمد الورفلي"  # the clerk by name
        assert day_close.items[row].item.sent_back_before == COMMENT
    finally:
        wait_for_writes()
        supervisor.store.close()


def test_nothing_sent_back_keeps_search_first_and_no_count(qtbot, office, gui_app):
    session = login_session(office, CLERK, CLERK_PW)
    try:
        window = _window(qtbot, session)
        returned = window.screens["returned"]
        qtbot.waitUntil(lambda: returned.count == 0, timeout=20000)
        assert window.current_screen() is window.screens["search"]
        assert "(" not in _nav_text(window, "returned")
    finally:
        wait_for_writes()
        session.store.close()
