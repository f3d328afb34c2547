"""First-run wizard: walked with real keys/clicks on a real data dir and a real local HQ."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from fundclient.config import Settings
from fundclient.hq.devices import create_token
from fundclient.hq.keys import HQKeys, init_keys
from fundclient.hq.server import start_in_thread
from fundclient.services.session import login
from fundclient.ui import i18n
from fundclient.ui.first_run.wizard import (ADMIN, DEVICES, DONE, HQ, OFFICE, RECOVERY,
                                            FirstRunWizard)
from fundclient.ui.ops import wait_for_writes

ADMIN_USER, ADMIN_PW = "mudir", "Sebha-office-1"
SAMPLE_FACE = Path(__file__).resolve().parents[2] / "src" / "fundclient" / "resources" / "samples" / "face.jpg"
TIMEOUT = 30_000
SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"


@pytest.fixture(scope="module")
def hq(tmp_path_factory):
    hq_dir = tmp_path_factory.mktemp("hq")
    init_keys(hq_dir)
    server = start_in_thread(hq_dir)
    yield server, HQKeys(hq_dir).active_sign
    server.stop()


@pytest.fixture
def wizard(qtbot, tmp_path):
    i18n.set_language("ar")
    data_dir = tmp_path / "office"
    wizard = FirstRunWizard(data_dir)
    qtbot.addWidget(wizard)
    wizard.show()
    yield wizard
    wizard.devices.leave()
    wait_for_writes()
    i18n.set_language("ar")


def press_next(qtbot, wizard) -> None:
    qtbot.keyClick(wizard.next_button, Qt.Key.Key_Return)  # Enter on the default button


def fill_first_pages(qtbot, wizard, *, office="BRK", device=903, url="", token="") -> None:
    press_next(qtbot, wizard)  # language: Arabic (default)
    assert wizard.current() == OFFICE
    wizard.office_page.office.setCurrentIndex(wizard.office_page.office.findData(office))
    wizard.office_page.device_number.setValue(device)
    press_next(qtbot, wizard)
    assert wizard.current() == HQ
    if url:
        qtbot.keyClicks(wizard.hq_page.url, url)
        qtbot.keyClicks(wizard.hq_page.token, token)
    else:
        wizard.hq_page.enrol_later.click()
    press_next(qtbot, wizard)
    assert wizard.current() == ADMIN


def create_admin(qtbot, wizard, password=ADMIN_PW) -> None:
    page = wizard.admin_page
    qtbot.keyClicks(page.username, ADMIN_USER)
    page.full_name.setText("سالم المدير")  # QTest types ASCII only
    qtbot.keyClicks(page.password, password)
    qtbot.keyClicks(page.password_again, password)
    press_next(qtbot, wizard)


def confirm_recovery(qtbot, wizard) -> str:
    qtbot.waitUntil(lambda: wizard.current() == RECOVERY, timeout=TIMEOUT)
    key = wizard.recovery_page.recovery_key
    assert len(key.replace("-", "")) == 36
    wizard.recovery_page.confirmed.setChecked(True)
    press_next(qtbot, wizard)
    return key


def test_enrol_later_path_saves_provisional_number_and_login_works(qtbot, wizard, tmp_path):
    data_dir = wizard.data_dir
    fill_first_pages(qtbot, wizard, office="BRK", device=903)
    assert not data_dir.exists()  # nothing written before the admin page is confirmed
    create_admin(qtbot, wizard)
    confirm_recovery(qtbot, wizard)
    assert wizard.current() == DEVICES
    assert wizard.back_button.isHidden()  # the office exists: no way back to the setup pages
    settings = Settings.load(data_dir)
    assert (settings.office_code, settings.provisional_device_number, settings.language) == ("BRK", 903, "ar")
    assert (data_dir / "keystore.json").exists()
    assert not (data_dir / "device" / "enrolment.json").exists()
    wizard.skip_button.click()
    assert wizard.current() == DONE
    assert "903" in wizard.done_page.summary.text()
    with qtbot.waitSignal(wizard.open_app_requested, timeout=2000) as opened:
        press_next(qtbot, wizard)
    assert opened.args == [data_dir]
    session = login(data_dir, ADMIN_USER, ADMIN_PW)
    try:
        assert session.operator.username == ADMIN_USER
    finally:
        session.store.close()


def test_enrol_now_wrong_token_then_retry_with_real_token(qtbot, wizard, hq):
    server, sign_key = hq
    data_dir = wizard.data_dir
    fill_first_pages(qtbot, wizard, office="SBH", device=901, url=server.url, token="wrong.token")
    create_admin(qtbot, wizard)
    confirm_recovery(qtbot, wizard)
    # HQ refuses the token: the HQ page comes back with the Arabic message, office already set up.
    qtbot.waitUntil(lambda: wizard.current() == HQ, timeout=TIMEOUT)
    assert "رفضت الإدارة العامة تسجيل الجهاز" in wizard.hq_page.error.text()
    assert wizard.next_button.text() == "&حاول مرة أخرى"
    assert wizard.back_button.isHidden()
    wizard.hq_page.token.setText(create_token(server.ingestor.engine, "SBH", sign_key))
    press_next(qtbot, wizard)
    qtbot.waitUntil(lambda: wizard.current() == DEVICES, timeout=TIMEOUT)
    enrolment = json.loads((data_dir / "device" / "enrolment.json").read_text(encoding="utf-8"))
    assert enrolment["office_code"] == "SBH" and enrolment["hq_url"] == server.url
    assert (data_dir / "keystore.json").exists()
    settings = Settings.load(data_dir)
    assert (settings.hq_url, settings.office_code, settings.provisional_device_number) == (server.url, "SBH", 901)
    # Camera and printer test: a folder/image source, and a test page as PDF (no printer here).
    qtbot.waitUntil(lambda: wizard.devices_page.preview_button.isEnabled(), timeout=TIMEOUT)
    wizard.devices_page.camera.setEditText(str(SAMPLE_FACE))
    wizard.devices_page.preview_button.click()
    preview = wizard.devices.preview
    assert preview is not None and preview.isVisible()
    qtbot.waitUntil(lambda: preview.last_verdict is not None, timeout=TIMEOUT)  # live checks run
    assert wizard.next_button.isDefault() and not preview.ui.accept.isVisible()  # Enter = Next
    pdf = wizard.devices.print_test_page(data_dir.parent / "test-page.pdf")
    assert pdf.read_bytes()[:4] == b"%PDF"
    press_next(qtbot, wizard)
    assert wizard.current() == DONE
    assert Settings.load(data_dir).camera == str(SAMPLE_FACE)
    assert str(enrolment["device_number"]) in wizard.done_page.summary.text()
    session = login(data_dir, ADMIN_USER, ADMIN_PW)
    session.store.close()


def test_token_for_another_office_is_refused_on_the_hq_page(qtbot, wizard, hq):
    """The token is for office SBH, this PC is GHT: HQ refuses it before using it (the request
    names the office), the HQ page comes back with the reason, nothing is enrolled (its cards
    would be filed elsewhere) and the token stays good for a PC of SBH."""
    server, sign_key = hq
    token = create_token(server.ingestor.engine, "SBH", sign_key)
    fill_first_pages(qtbot, wizard, office="GHT", device=905, url=server.url, token=token)
    create_admin(qtbot, wizard)
    confirm_recovery(qtbot, wizard)
    qtbot.waitUntil(lambda: wizard.current() == HQ, timeout=TIMEOUT)
    error = wizard.hq_page.error.text()
    assert "لمكتب آخر غير مكتب «GHT»" in error and "لم يُستعمل الرمز" in error
    assert not (wizard.data_dir / "device" / "enrolment.json").exists()
    from sqlalchemy import select

    from fundclient.hq.db import devices, enrol_tokens
    with server.ingestor.engine.connect() as conn:
        unused = conn.execute(select(enrol_tokens.c.office_code).where(enrol_tokens.c.used_at.is_(None)))
        assert unused.scalars().all() == ["SBH"]  # this token, not spent
        assert conn.execute(select(devices.c.device_id).where(devices.c.office_code == "GHT")).first() is None


def test_no_link_writes_the_enrolment_request_onto_a_usb_drive(qtbot, wizard, tmp_path):
    fill_first_pages(qtbot, wizard, office="BRK", device=903)
    create_admin(qtbot, wizard)
    confirm_recovery(qtbot, wizard)
    wizard.skip_button.click()
    assert wizard.current() == DONE and wizard.done_page.usb_request.isVisible()
    drive = tmp_path / "usb"
    drive.mkdir()
    written = wizard.write_enrol_request(drive)
    assert written is not None and written.parent == drive
    request = json.loads(written.read_text(encoding="utf-8"))
    assert request["office_code"] == "BRK" and request["kind"] == "fundclient-enrol-request"
    shown = wizard.done_page.usb_result.text()
    assert written.name in shown and "fundclient enrol --from-file" in shown and "الإدارة العامة" in shown
    wizard.resize(1024, 768)
    qtbot.wait(50)
    wizard.grab().save(str(SCREENSHOTS / "wizard-enrol-by-usb.png"))
    assert wizard.write_enrol_request(tmp_path / "missing" / "x") is None  # a drive error is shown, not raised
    assert wizard.done_page.usb_result.text()


def test_wrong_token_then_register_later(qtbot, wizard, hq):
    server, _ = hq
    fill_first_pages(qtbot, wizard, url=server.url, token="not-a-token")
    create_admin(qtbot, wizard)
    confirm_recovery(qtbot, wizard)
    qtbot.waitUntil(lambda: wizard.current() == HQ, timeout=TIMEOUT)
    assert "رفضت الإدارة العامة" in wizard.hq_page.error.text()
    # The hint names the option exactly as the option reads (one source for the label).
    option = wizard.hq_page.enrol_later.text().replace("&", "")
    assert option == "لا يوجد اتصال بعد — التسجيل لاحقاً أو عبر USB"
    assert f"«{option}»" in wizard.hq_page.error.text()
    wizard.hq_page.enrol_later.click()
    assert wizard.next_button.text() == "ال&تالي"
    press_next(qtbot, wizard)
    assert wizard.current() == DEVICES
    assert not (wizard.data_dir / "device" / "enrolment.json").exists()


def test_weak_password_refused_in_arabic_and_nothing_written(qtbot, wizard):
    fill_first_pages(qtbot, wizard)
    create_admin(qtbot, wizard, password="short")
    assert wizard.current() == ADMIN
    assert "كلمة المرور قصيرة" in wizard.admin_page.error.text()
    assert not wizard.data_dir.exists()
    page = wizard.admin_page
    page.password.setText(ADMIN_PW)
    page.password_again.setText(ADMIN_PW + "x")
    press_next(qtbot, wizard)
    assert wizard.current() == ADMIN and "ليستا متطابقتين" in page.error.text()
    assert not wizard.data_dir.exists()


def test_recovery_key_page_refuses_until_confirmed(qtbot, wizard, tmp_path):
    fill_first_pages(qtbot, wizard)
    create_admin(qtbot, wizard)
    qtbot.waitUntil(lambda: wizard.current() == RECOVERY, timeout=TIMEOUT)
    key = wizard.recovery_page.recovery_key
    press_next(qtbot, wizard)
    assert wizard.current() == RECOVERY and "ضع علامة" in wizard.recovery_page.error.text()
    wizard.reject()  # Escape cannot close the wizard while the key is unconfirmed
    assert wizard.isVisible()
    usb = tmp_path / "usb"
    usb.mkdir()
    pdf = wizard.save_recovery_pdf(usb)  # on the USB drive the person chose
    assert pdf == usb / "recovery-key-BRK.pdf" and pdf.read_bytes()[:4] == b"%PDF"
    # Never on this PC: the home and data folders are refused, and the dialog does not start there.
    for here in (Path.home(), wizard.data_dir):
        assert wizard.save_recovery_pdf(here) is None
        assert "هذا المجلد على هذا الحاسوب" in wizard.recovery_page.error.text()
    assert not list(wizard.data_dir.glob("*.pdf")) and not (Path.home() / "recovery-key-BRK.pdf").exists()
    started = []
    from PySide6.QtWidgets import QFileDialog
    original = QFileDialog.getExistingDirectory
    QFileDialog.getExistingDirectory = staticmethod(lambda *args: started.append(args[2]) or "")
    try:
        assert wizard.save_recovery_pdf() is None  # cancelled
    finally:
        QFileDialog.getExistingDirectory = original
    home = Path.home().resolve()
    assert started and Path(started[0]).resolve() != home and home not in Path(started[0]).resolve().parents
    qtbot.keyClick(wizard.recovery_page.confirmed, Qt.Key.Key_Space)
    press_next(qtbot, wizard)
    assert wizard.current() == DEVICES
    assert wizard.recovery_page.recovery_key == "" and key not in wizard.recovery_page.key.text()


def test_setup_wizard_command_refuses_an_office_already_set_up(qtbot, tmp_path, capsys):
    from fundclient.cli.app import open_setup_wizard
    from fundclient.storage.store import initialise

    initialise(tmp_path, "SBH", ADMIN_USER, ADMIN_PW, provisional_device_number=901)
    args = argparse.Namespace(data_dir=tmp_path, lang="ar", camera=None)
    outcome = open_setup_wizard(args)
    assert outcome.report(args) == 2  # the one summary line, on stderr (nothing was done)
    assert "مُعدّ مسبقاً" in capsys.readouterr().err


def test_frozen_bundle_without_office_opens_the_wizard_not_the_demo(qtbot, tmp_path, monkeypatch):
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    from fundclient.cli.app import open_app

    monkeypatch.setattr(sys, "frozen", True, raising=False)
    seen = []

    def close_the_wizard():
        wizards = [w for w in QApplication.topLevelWidgets()
                   if isinstance(w, FirstRunWizard) and w.isVisible()]
        seen.extend(wizards)
        for w in wizards:
            w.reject()  # the clerk closes it on page 1: nothing may be left behind
        if not wizards:  # something else opened (the demo): end its loop so the test fails, not hangs
            QApplication.instance().quit()

    QTimer.singleShot(300, close_the_wizard)
    data_dir = tmp_path / "office"
    assert open_app(argparse.Namespace(data_dir=data_dir, lang="ar", camera=None)) == 1
    assert len(seen) == 1 and not data_dir.exists()


def test_language_switches_live_and_keeps_typed_text(qtbot, wizard):
    wizard.language_page.english.click()
    assert i18n.current_language() == "en"
    qtbot.waitUntil(lambda: wizard.next_button.text() == "&Next")  # LanguageChange is posted
    assert wizard.layoutDirection() == Qt.LayoutDirection.LeftToRight
    press_next(qtbot, wizard)
    assert "Sebha main office" in wizard.office_page.office.itemText(0)
    press_next(qtbot, wizard)
    qtbot.keyClicks(wizard.hq_page.url, "https://hq.example.ly")
    qtbot.keyClick(wizard.back_button, Qt.Key.Key_Space)
    qtbot.keyClick(wizard.back_button, Qt.Key.Key_Space)
    wizard.language_page.arabic.click()
    qtbot.waitUntil(lambda: wizard.language_page.heading.text() == "مرحباً — إعداد هذا المكتب")
    assert wizard.layoutDirection() == Qt.LayoutDirection.RightToLeft
    assert "المكتب الرئيسي سبها" in wizard.office_page.office.itemText(0)
    assert wizard.hq_page.url.text() == "https://hq.example.ly"
    assert not wizard.data_dir.exists()


def test_setup_wizard_command_ends_on_the_login_screen(qtbot, tmp_path):
    """The whole launch: `fundclient setup-wizard` → wizard (enrol later) → login screen."""
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    from fundclient.cli.app import open_setup_wizard
    from fundclient.ui.login import LoginScreen

    data_dir = tmp_path / "office"
    seen_login = []

    ticks = []

    def drive():  # one step per tick, like a clerk: the ops in between finish on their own
        ticks.append(1)
        windows = [w for w in QApplication.topLevelWidgets() if w.isVisible()]
        if len(ticks) > 300:  # stuck for 30 s: end the loop so the test fails instead of hanging
            for window in windows:
                window.hide()
            QApplication.instance().quit()
            return
        wizard = next((w for w in windows if isinstance(w, FirstRunWizard)), None)
        login_screen = next((w for w in windows if isinstance(w, LoginScreen)), None)
        if login_screen is not None:
            seen_login.append(login_screen)
            login_screen.close()  # last window: run_gui's loop ends
            return
        if wizard is not None and wizard.next_button.isEnabled():
            page = wizard.current()
            if page == HQ:
                wizard.hq_page.enrol_later.setChecked(True)
            elif page == ADMIN and not wizard.admin_page.username.text():
                wizard.admin_page.username.setText(ADMIN_USER)
                wizard.admin_page.password.setText(ADMIN_PW)
                wizard.admin_page.password_again.setText(ADMIN_PW)
            elif page == RECOVERY:
                wizard.recovery_page.confirmed.setChecked(True)
            wizard.next()
        QTimer.singleShot(100, drive)

    QTimer.singleShot(100, drive)
    code = open_setup_wizard(argparse.Namespace(data_dir=data_dir, lang="ar", camera=None))
    assert code == 0 and len(seen_login) == 1
    session = login(data_dir, ADMIN_USER, ADMIN_PW)
    session.store.close()


def page_texts(qtbot, wizard, language: str) -> set[str]:
    from PySide6.QtWidgets import QAbstractButton, QComboBox, QLabel

    i18n.set_language(language)
    qtbot.wait(20)  # LanguageChange events are posted
    page = wizard.pages[wizard.current()]
    texts = {wizard.windowTitle()}
    for widget in [wizard.next_button, wizard.back_button, wizard.skip_button, wizard.step_label,
                   *page.findChildren(QLabel), *page.findChildren(QAbstractButton),
                   *page.findChildren(QComboBox)]:
        if isinstance(widget, QComboBox):
            texts.update(widget.itemText(i) for i in range(widget.count()))
        elif widget.isVisibleTo(wizard) or widget.isVisible():
            texts.add(widget.text())
    return {t for t in texts if t.strip()}


def test_every_page_is_arabic_in_arabic_mode(qtbot, wizard):
    """Text that reads the same in both languages was never translated (names, codes and the
    language choices themselves excepted)."""
    from fundclient import catalogue

    same_in_both = {catalogue.language_name(code) for code in catalogue.available_languages()}
    leftovers = {}

    def check() -> None:
        arabic = page_texts(qtbot, wizard, "ar")
        english = page_texts(qtbot, wizard, "en")
        i18n.set_language("ar")
        qtbot.wait(20)
        shared = {t for t in arabic & english - same_in_both if any(c.isalpha() for c in t)
                  and t != wizard.recovery_page.key.text()}
        if shared:
            leftovers[wizard.current()] = shared

    check()
    press_next(qtbot, wizard)
    check()
    press_next(qtbot, wizard)
    check()
    wizard.hq_page.enrol_later.click()
    press_next(qtbot, wizard)
    check()
    create_admin(qtbot, wizard)
    qtbot.waitUntil(lambda: wizard.current() == RECOVERY, timeout=TIMEOUT)
    check()
    wizard.recovery_page.confirmed.setChecked(True)
    press_next(qtbot, wizard)
    qtbot.waitUntil(lambda: wizard.devices.cameras is not None, timeout=TIMEOUT)
    check()
    wizard.skip_devices()
    check()
    assert leftovers == {}


def test_recovery_sheet_dates_by_the_display_rule(gui_app):
    """The printed recovery sheet's date is dd/mm/yyyy like every other date, not ISO."""
    from datetime import date

    from fundclient.ui.first_run.printing import recovery_document

    text = recovery_document("A" * 32, "Sebha", "Fund").toPlainText()
    assert i18n.read_digits(i18n.show_date(date.today())) in i18n.read_digits(text)
    assert date.today().isoformat() not in text


@pytest.mark.parametrize("height", [680, 720])
def test_camera_page_status_and_checks_in_view_and_done_page_path_reads_left_to_right(qtbot, wizard, height):
    """On a 1366×768 or 1024×768 screen with a taskbar the wizard gets 680 px (window_fit):
    the status line and the picture's checklist are both in view, not cut; on the done page
    the camera path is one left-to-right run (a bidi isolate), not reversed by the RTL text."""
    fill_first_pages(qtbot, wizard)
    create_admin(qtbot, wizard)
    confirm_recovery(qtbot, wizard)
    qtbot.waitUntil(lambda: wizard.current() == DEVICES and wizard.devices.cameras is not None, timeout=TIMEOUT)
    wizard.resize(980, height)
    wizard.devices_page.camera.setEditText(str(SAMPLE_FACE))
    wizard.devices.show_preview()
    qtbot.waitUntil(lambda: wizard.devices.preview.last_verdict is not None, timeout=TIMEOUT)
    qtbot.wait(200)
    viewport = wizard.stack.currentWidget().viewport()
    for widget in (wizard.devices_page.status, wizard.devices.preview.ui.checklist):
        top = widget.mapTo(viewport, widget.rect().topLeft()).y()
        bottom = widget.mapTo(viewport, widget.rect().bottomLeft()).y()
        assert widget.isVisible() and 0 <= top and bottom <= viewport.height(), (widget.objectName(), top, bottom)
    assert "فالكاميرا تعمل" in wizard.devices_page.status.text()
    press_next(qtbot, wizard)
    assert wizard.current() == DONE
    summary = wizard.done_page.summary.text()
    assert f"\u2066{SAMPLE_FACE}\u2069" in summary and f"\u2066{ADMIN_USER}\u2069" in summary
