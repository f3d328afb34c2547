"""Record view actions: print preview of card and receipt, supervisor marks inactive, edit routing."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QMessageBox

from conftest import SUPERVISOR, SUPERVISOR_PW, login_session
from fundclient.domain.synthetic import generate

pytestmark = pytest.mark.qt


@pytest.fixture
def supervisor_window(office, gui_app, qtbot):
    from fundclient.ui.main_window import MainWindow
    from fundclient.ui.ops import wait_for_writes

    session = login_session(office, SUPERVISOR, SUPERVISOR_PW)
    window = MainWindow(session)
    qtbot.addWidget(window)
    window.resize(1200, 800)
    window.show()
    yield window
    wait_for_writes()
    session.store.close()


def _registered(window):
    from fundclient.services.registration import register

    record = generate(1, seed=99)[0]
    record.card_number = ""
    return register(window.session, record).result


def _open(qtbot, window, record_id):
    screen = window.show_screen("record", record_id)
    qtbot.waitUntil(lambda: screen.data is not None and screen.data["record"].record_id == record_id,
                    timeout=20000)
    return screen


def test_print_preview_of_card_and_receipt(qtbot, supervisor_window, tmp_path):
    from fundclient.ui.printing import preview_document

    record = _registered(supervisor_window)
    screen = _open(qtbot, supervisor_window, record.record_id)
    assert screen.data["record"].card_number
    pages = {}
    for kind in ("card", "receipt"):
        dialog = preview_document(screen, supervisor_window.session, screen.data["record"], None, kind, show=False)
        assert dialog is not None
        qtbot.addWidget(dialog)
        painted = []
        dialog.preview.paintRequested.connect(lambda printer: painted.append(printer))
        dialog.show()
        qtbot.waitUntil(lambda: bool(painted), timeout=20000)
        pages[kind] = dialog
    assert not screen.findChildren(QMessageBox)
    from fundclient.ui.ops import wait_for_writes

    pages["card"].write_pdf(str(tmp_path / "card.pdf"))  # "Save as PDF" once a file is chosen
    assert (tmp_path / "card.pdf").read_bytes().startswith(b"%PDF")
    wait_for_writes()
    printed = [e for e in supervisor_window.session.store.audit.entries() if e.action == "print"]
    assert printed and printed[-1].record_id == record.record_id


def test_supervisor_marks_a_record_inactive(qtbot, supervisor_window, monkeypatch):
    from fundclient.ui.mark_inactive_dialog import MarkInactiveDialog

    record = _registered(supervisor_window)
    screen = _open(qtbot, supervisor_window, record.record_id)
    assert screen.view.inactive_button.isVisibleTo(supervisor_window)

    def choose(dialog):  # what the supervisor picks in the real dialog
        dialog.status.setCurrentIndex(dialog.status.findData("deceased"))
        dialog.reason.setPlainText("شهادة وفاة رقم 123")
        dialog._accept()
        return dialog.result()

    monkeypatch.setattr(MarkInactiveDialog, "exec", choose)
    screen.mark_inactive()
    qtbot.waitUntil(lambda: screen.data["record"].status.value == "deceased", timeout=20000)
    assert "متوفى" in screen.view.identity_values["status"].text()
    assert not screen.view.inactive_button.isEnabled()


def test_reason_is_required_to_mark_inactive(qtbot, gui_app):
    from fundclient.ui.mark_inactive_dialog import MarkInactiveDialog

    dialog = MarkInactiveDialog("اسم")
    qtbot.addWidget(dialog)
    dialog._accept()
    assert dialog.result() == 0 and dialog.problem.text()


def test_edit_button_routes_to_the_registration_form(qtbot, supervisor_window):
    record = _registered(supervisor_window)
    screen = _open(qtbot, supervisor_window, record.record_id)
    with qtbot.waitSignal(screen.editRequested, timeout=2000) as blocker:
        screen.view.edit_button.click()
    assert blocker.args == [record.record_id]
    assert supervisor_window.current_screen() is supervisor_window.screens["registration"]


def test_hq_rejection_is_shown_with_its_reason_in_arabic(qtbot, supervisor_window):
    record = _registered(supervisor_window)
    store = supervisor_window.session.store
    store.beneficiaries.set_sync_state(record.record_id, record.revision, "rejected", "invalid_record", by="sync")
    screen = _open(qtbot, supervisor_window, record.record_id)
    badge = screen.view.sync_badge.text()
    assert "مرفوض" in badge and "لا تستوفي شروط الإدارة العامة" in badge
    assert screen.view.history.item(0, 3).text() == "مرفوض"


def test_lost_card_is_replaced_from_the_record_view(qtbot, supervisor_window):
    from fundclient.ui.replace_card_dialog import ReplaceCardDialog

    record = _registered(supervisor_window)
    screen = _open(qtbot, supervisor_window, record.record_id)
    dialog = ReplaceCardDialog(screen.data["record"], screen)
    qtbot.addWidget(dialog)
    assert dialog.reason.count() >= 5 and dialog.holder.count() == 1 + len(record.dependants)
    dialog.reason.setCurrentIndex(dialog.reason.findData("lost"))
    screen.replace_card(dialog.choice())
    qtbot.waitUntil(lambda: screen.data["record"].revision == 2, timeout=20000)
    new_number = screen.data["record"].card_number
    assert new_number != record.card_number
    qtbot.waitUntil(lambda: new_number in screen.view.message.text(), timeout=5000)
    assert screen.data["record"].card_history[0]["old_number"] == record.card_number
