"""Sync page (offline office: the error is said in Arabic, history grows), settings dialog,
digit display."""

from __future__ import annotations

import re

import pytest

from conftest import SUPERVISOR, SUPERVISOR_PW, login_session

pytestmark = pytest.mark.qt


def test_send_now_without_headquarters_reports_in_plain_arabic(qtbot, office, gui_app):
    from fundclient.ui.sync_adapter import SyncAdapter
    from fundclient.ui.sync_screen import SyncScreen

    session = login_session(office, SUPERVISOR, SUPERVISOR_PW)
    try:
        session.settings.hq_url = "https://127.0.0.1:9"  # nothing listens: offline
        adapter = SyncAdapter.for_session(session)  # with the real SyncScheduler running
        assert adapter.scheduler is not None
        screen = SyncScreen(session, adapter)
        qtbot.addWidget(screen)
        screen.show()
        with qtbot.waitSignal(adapter.finished, timeout=60000):
            screen.send_button.click()
        qtbot.waitUntil(lambda: screen.history.rowCount() >= 1, timeout=10000)
        assert screen.send_button.isEnabled()
        from fundclient.ui.i18n import read_digits
        result = screen.history.item(0, 1).text()
        # The time by the one display rule (the office's clock, dd/mm/yyyy HH:MM, as in the
        # status bar), not the stored UTC ISO text.
        shown = read_digits(screen.history.item(0, 0).text()).strip("\u2066\u2067\u2068\u2069")
        assert re.fullmatch(r"\d\d/\d\d/\d{4} \d\d:\d\d", shown), shown
        assert result in ("لا يوجد اتصال", "فشل الإرسال")
        assert any("\u0600" <= ch <= "\u06ff" for ch in screen.last_error.text())
        assert screen.quarantine_box.isVisibleTo(screen)  # supervisors see refused batches
        # A batch HQ refused: the supervisor reads its number and time, never its UUID.
        import json
        import uuid
        batch_id = str(uuid.uuid4())
        held = session.data_dir / "outbox" / "quarantine" / f"{7:010d}-{batch_id}.fcb"
        held.write_bytes(b"sealed batch")
        held.with_suffix(".json").write_text(json.dumps(
            {"code": "bad_signature", "detail": "", "at": "2026-11-29T08:05:00+00:00"}), encoding="utf-8")
        screen.reload()
        qtbot.waitUntil(lambda: screen.quarantine.rowCount() == 1, timeout=10000)
        cells = [screen.quarantine.item(0, c).text() for c in range(screen.quarantine.columnCount())]
        assert not any(batch_id in cell or batch_id[:8] in cell for cell in cells), cells
        assert read_digits(cells[1]) == "7"
        assert read_digits(cells[0]).strip("\u2066\u2067\u2068\u2069") == "29/11/2026 10:05"  # Tripoli
        pending = []
        adapter.pendingChanged.connect(pending.append)
        adapter.refresh()
        qtbot.waitUntil(lambda: bool(pending), timeout=10000)
        assert pending[-1] >= 1  # the seeded records still wait to be sent
        adapter.shutdown()
        assert not adapter.scheduler._thread.is_alive()
    finally:
        session.store.close()


def test_settings_dialog_round_trip_and_validation(qtbot, gui_app):
    from fundclient.config import Settings
    from fundclient.ui.settings_dialog import SettingsDialog

    settings = Settings()
    dialog = SettingsDialog(settings)
    qtbot.addWidget(dialog)
    dialog.hq_url.setText("http://hq.example")
    dialog._accept()
    assert dialog.result() == 0 and "https" in dialog.problem.text()
    dialog.hq_url.setText("https://hq.example")
    dialog.language.setCurrentIndex(dialog.language.findData("en"))
    dialog.digits.setChecked(True)
    dialog.idle.setValue(5)
    dialog.stale.setValue(7)
    dialog.camera.setEditText("/srv/photos")  # a folder source, as the demo uses
    dialog._accept()
    assert dialog.result() == 1
    dialog.apply_to(settings)
    assert (settings.language, settings.arabic_indic_digits, settings.idle_lock_minutes,
            settings.stale_sync_warning_days, settings.hq_url, settings.camera) == (
                "en", True, 5, 7, "https://hq.example", "/srv/photos")



@pytest.mark.parametrize("language, digits, shown", [("en", False, "22:30"), ("ar", True, "٢٢:٣٠")])
def test_settings_show_the_nightly_time_of_the_os_task_and_do_not_edit_it(qtbot, gui_app, language, digits, shown):
    """#16 item 6: one nightly schedule, the OS task; the dialog shows its time (nightly.py, the
    constant the installers are built with), as text, in the office's digits — nothing to edit."""
    from PySide6.QtWidgets import QLabel, QLineEdit

    from fundclient.config import Settings
    from fundclient.nightly import NIGHTLY_SYNC_TIME
    from fundclient.ui import i18n
    from fundclient.ui.settings_dialog import SettingsDialog

    assert NIGHTLY_SYNC_TIME == "22:30"  # the figure below; change both together
    settings = Settings(language=language, arabic_indic_digits=digits)
    i18n.apply_display_settings(settings)
    i18n.set_language(language)
    try:
        dialog = SettingsDialog(settings)
        qtbot.addWidget(dialog)
        nightly = dialog.findChild(QLabel, "nightlySyncTime")
        assert nightly is not None and shown in nightly.text()
        assert ("scheduled task" in nightly.text()) == (language == "en")
        assert ("مجدولة" in nightly.text()) == (language == "ar")
        row_caption = dialog.form.labelForField(nightly)
        assert row_caption.text() == ("Nightly sending" if language == "en" else "الإرسال الليلي")
        assert all(":" not in edit.inputMask() for edit in dialog.findChildren(QLineEdit))  # no time to type
    finally:
        i18n.apply_display_settings(Settings())


def test_digits_follow_the_setting(gui_app):
    from fundclient.ui import i18n

    i18n.set_language("ar", arabic_indic_digits=True)
    try:
        assert i18n.show_digits("2026") == "٢٠٢٦"
        assert i18n.read_digits("٠٩١٢٣") == "09123"
        i18n.set_language("en")
        assert i18n.show_digits("2026") == "2026"  # English UI always Western digits
    finally:
        i18n.set_language("ar", arabic_indic_digits=False)
    assert i18n.show_digits("2026") == "2026"


def test_records_hq_refused_are_listed_and_open_the_record(qtbot, office, gui_app):
    from fundclient.ui.sync_adapter import SyncAdapter
    from fundclient.ui.sync_screen import SyncScreen

    session = login_session(office, SUPERVISOR, SUPERVISOR_PW)
    try:
        record_id, revision = session.store.beneficiaries.pending_sync(limit=1)[0]
        session.store.beneficiaries.set_sync_state(record_id, revision, "rejected", "invalid_record")
        adapter = SyncAdapter(session.data_dir, session.settings, session.store)
        screen = SyncScreen(session, adapter)
        qtbot.addWidget(screen)
        screen.show()
        screen.reload()
        qtbot.waitUntil(lambda: screen.attention.rowCount() == 1, timeout=10000)
        assert screen.attention_box.isVisibleTo(screen)
        assert screen.attention.item(0, 2).text() == "مرفوض"
        with qtbot.waitSignal(screen.navigate, timeout=2000) as opened:
            screen._open_attention(0)
        assert opened.args == ["record", record_id]
    finally:
        session.store.close()
