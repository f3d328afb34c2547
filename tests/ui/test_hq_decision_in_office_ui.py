"""An HQ decision (taken in the HQ console) is shown by the office's own screens after its next
sync and login: the record view's HQ line and the sync screen's list of records HQ refused."""

from __future__ import annotations

from sync_helpers_by_path import sync_helpers

import sys
from pathlib import Path

import pytest

from conftest import login_session

pytestmark = [pytest.mark.qt, pytest.mark.hq]
_sync_helpers = sync_helpers


def test_rejection_from_hq_shows_in_record_view_and_sync_screen(qtbot, gui_app, tmp_path):
    enrol_office, people = _sync_helpers().enrol_office, _sync_helpers().people
    from fundclient.demo import DEMO_OFFICE, DEMO_USERS, start_demo
    from fundclient.domain.records import Beneficiary, new_id
    from fundclient.domain.reference import use_reference
    from fundclient.hq.console.decisions import decide
    from fundclient.services import registration
    from fundclient.sync.engine import run_sync
    from fundclient.sync.outbox import Outbox
    from fundclient.ui.record_screen import RecordScreen
    from fundclient.ui.sync_adapter import SyncAdapter
    from fundclient.ui.sync_screen import SyncScreen

    demo = start_demo(tmp_path / "demo", records=0)
    try:
        brak = tmp_path / "brak"
        brak.mkdir()
        enrol_office(demo.hq, brak, "BRK")
        first = people(1, office="BRK", seed=5)[0]
        Outbox(brak).seal([first.to_dict()])
        assert run_sync(brak).status == "ok"
        session = login_session(demo.data_dir, *DEMO_USERS[0][:2])
        try:
            person = Beneficiary.from_dict({**first.to_dict(), "record_id": new_id(), "office_code": DEMO_OFFICE})
            saved = registration.register(session, person).result
        finally:
            session.store.close()
        assert run_sync(demo.data_dir).status == "ok"
        decide(demo.hq.ingestor.engine, demo.hq.ingestor.keys.sign_private, "salem", saved.record_id, "reject",
               "hq_rejected_eligibility")
        assert run_sync(demo.data_dir).decisions == 1

        session = login_session(demo.data_dir, *DEMO_USERS[0][:2])  # applies HQ's answers
        try:
            record_screen = RecordScreen(session)
            qtbot.addWidget(record_screen)
            record_screen.show()
            record_screen.open(saved.record_id)
            qtbot.waitUntil(lambda: record_screen.data is not None, timeout=20000)
            assert "المنتفع غير مستحق لهذه الفئة" in record_screen.view.sync_badge.text()

            screen = SyncScreen(session, SyncAdapter(session.data_dir, session.settings, session.store))
            qtbot.addWidget(screen)
            screen.show()
            screen.reload()
            qtbot.waitUntil(lambda: screen.attention.rowCount() == 1, timeout=10000)
            assert screen.attention.item(0, 3).text().startswith("رفضت الإدارة العامة السجل")
        finally:
            from fundclient.ui.ops import wait_for_writes
            wait_for_writes()
            session.store.close()
    finally:
        use_reference(None)
        demo.close()
