"""#12 item 7 in the app: a supervisor of an office with no link registers the computer by USB
from the sync page — request onto a drive, a real HQ data dir answers it (one-time token), the
answer is imported with the token; the registrations saved before are then sealed for HQ."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import CLERK, CLERK_PW, SUPERVISOR, SUPERVISOR_PW, login_session

pytestmark = pytest.mark.qt
SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"


@pytest.fixture
def hq_dir(tmp_path):
    from fundclient.hq.keys import init_keys
    path = tmp_path / "hq"
    init_keys(path)
    return path


def hq_answers(hq_dir: Path, request: Path, office: str = "SBH") -> tuple[Path, str]:
    from fundclient.hq.db import open_engine
    from fundclient.hq.devices import create_token
    from fundclient.hq.enrol_usb import enrol_offline
    from fundclient.hq.keys import HQKeys
    keys, engine = HQKeys(hq_dir), open_engine(hq_dir, None)
    token = create_token(engine, office, keys.active_sign)
    _, answer = enrol_offline(engine, keys, request, token)
    engine.dispose()
    return answer, token


def test_supervisor_registers_the_computer_by_usb_from_the_sync_page(qtbot, office, gui_app, hq_dir, tmp_path):
    from fundclient.sync.outbox import Outbox
    from fundclient.ui.ops import wait_for_writes
    from fundclient.ui.sync_screen import SyncScreen

    clerk = login_session(office, CLERK, CLERK_PW)
    try:
        screen = SyncScreen(clerk, None)
        qtbot.addWidget(screen)
        screen.show()
        assert not screen.enrol_box.isVisible()  # a clerk does not register computers
    finally:
        clerk.store.close()

    session = login_session(office, SUPERVISOR, SUPERVISOR_PW)
    try:
        screen = SyncScreen(session, None)
        qtbot.addWidget(screen)
        screen.resize(1366, 768)
        screen.show()
        box = screen.enrol_box
        assert box.isVisible() and "USB" in box.title()
        assert Outbox(office).pending() == []  # saved before enrolment: nothing sealed yet

        drive = tmp_path / "usb"
        drive.mkdir()
        box.write_request(drive)
        qtbot.waitUntil(lambda: "fundclient-enrol-request-" in box.result.text(), timeout=10000)
        [request] = drive.glob("fundclient-enrol-request-*.json")
        answer, token = hq_answers(hq_dir, request)

        box.import_answer(answer)  # no token typed yet: said, nothing done
        assert "رمز" in box.result.text()
        _, other_token = hq_answers(hq_dir, request)  # HQ answered the request a second time
        qtbot.keyClicks(box.token, other_token)  # a real token, but not the one this answer was made with
        box.import_answer(answer)
        qtbot.waitUntil(lambda: "لم يُصدر بهذا الرمز" in box.result.text(), timeout=10000)
        assert not (office / "device" / "enrolment.json").exists()

        box.token.clear()
        qtbot.keyClicks(box.token, token)
        box.import_answer(answer)
        qtbot.waitUntil(lambda: box.device is not None, timeout=20000)
        wait_for_writes()
        assert (box.device.office_code, box.device.device_number) == ("SBH", 1)
        qtbot.waitUntil(lambda: "سُجِّل" in box.result.text(), timeout=10000)
        assert Outbox(office).pending()  # the registrations that waited are sealed for HQ
        qtbot.wait(50)
        screen.grab().save(str(SCREENSHOTS / "sync-enrol-by-usb.png"))
    finally:
        wait_for_writes()
        session.store.close()
