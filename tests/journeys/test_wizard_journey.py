"""Journey: IT sets up a new office with the first-run wizard, keyboard only, on a 1366×768 and
a 1024×768 screen (issue #17 item 8).

The wizard gets what a dialog gets there (window_fit: the free area under a 40-px taskbar,
minus the frame). The technician types HQ's address and a token HQ never issued: after the
office is created and the recovery key confirmed, HQ refuses it and the hint names the «no
link yet» option exactly as the option reads; the technician chooses it. The recovery page
offers printing, and its PDF only onto a USB drive. On the camera page the status line and
the picture's checks are in view; the done page shows the camera's path as one left-to-right
run (not reversed by the Arabic sentence)."""

from __future__ import annotations

from pathlib import Path

import pytest

from PySide6.QtWidgets import QApplication, QProgressDialog

from conftest import FACE
from journey import Journey, WindowGuard


@pytest.fixture(autouse=True)
def keyboard_rules(qapp):
    """The wizard runs with the app's keyboard rules, as `prepare_app` installs them."""
    from fundclient.ui import keyboard
    had = keyboard._rules is not None
    keyboard.install(qapp)
    yield
    if not had:
        keyboard.uninstall()

TASKBAR, FRAME = (0, 40), (16, 48)
ADMIN_USER, ADMIN_PW = "mudir", "Brak-office-26"


class WizardOnly:
    """What the journey driver needs of the app: the window the person looks at."""

    def __init__(self, wizard) -> None:
        self.login, self.window = wizard, None


def in_view(widget, viewport) -> bool:
    top = widget.mapTo(viewport, widget.rect().topLeft()).y()
    bottom = widget.mapTo(viewport, widget.rect().bottomLeft()).y()
    return widget.isVisible() and 0 <= top and bottom <= viewport.height()


def test_the_wizard_by_keyboard(qtbot, qapp, screen_size, hq_server, tmp_path):
    from fundclient.ui import i18n
    from fundclient.ui.first_run.wizard import DEVICES, DONE, HQ, RECOVERY, FirstRunWizard
    from fundclient.ui.ops import wait_for_writes

    i18n.set_language("ar")
    guard = WindowGuard()
    guard.install()
    for _ in range(4):  # "Creating the office…", "Registering…": shown only when slow, then closed by the op
        guard.expect(lambda w: isinstance(w, QProgressDialog), lambda w: None)
    wizard = FirstRunWizard(tmp_path / "office")
    qtbot.addWidget(wizard)
    guard.allowed_windows.add(id(wizard))
    width, height = screen_size
    size = (min(980, width - FRAME[0] - TASKBAR[0]), min(720, height - FRAME[1] - TASKBAR[1]))
    j = Journey(qtbot, WizardOnly(wizard), size, guard, tmp_path / "shots", fit=True)
    try:
        j.start()
        j.enter()  # Arabic
        assert wizard.current() == 1
        j.choose("براك")
        j.tab()
        j.select_all_and_type("902")
        j.enter()
        assert wizard.current() == HQ
        j.type(hq_server.url)
        j.tab()
        j.type("Xr4v2QbH9kLmN0pS7tUw1yZa3cDe5fGh")  # not a token HQ issued
        j.enter()
        j.type(ADMIN_USER)
        j.tab()
        j.type("سالم المدير")
        j.tab()
        j.type(ADMIN_PW)
        j.tab()
        j.type(ADMIN_PW)
        j.enter()
        j.wait_until(lambda: wizard.current() == RECOVERY, 30000, "the recovery key page")
        j.assert_layout_ok()
        j.assert_sees("اطبع", "احفظه PDF على ذاكرة USB…")  # printing first; a PDF only onto a drive
        j.tab_to(lambda w: w is wizard.recovery_page.confirmed)
        j.space()
        j.enter()
        # HQ refuses the token: the HQ page comes back, the hint names the option as it reads.
        j.wait_until(lambda: wizard.current() == HQ and wizard.next_button.isEnabled(), 30000, "HQ's refusal")
        j.wait_idle()
        option = "لا يوجد اتصال بعد — التسجيل لاحقاً أو عبر USB"
        j.assert_sees(option, f"أو اختر «{option}».")
        j.tab_to(lambda w: w is wizard.hq_page.enrol_later)
        j.space()
        j.enter()
        j.wait_until(lambda: wizard.current() == DEVICES and wizard.devices.cameras is not None, 30000,
                     "the camera page")
        j.tab_to(lambda w: w is wizard.devices_page.camera or w is wizard.devices_page.camera.lineEdit())
        j.select_all_and_type(str(FACE))
        j.tab_to(lambda w: w is wizard.devices_page.preview_button)
        j.space()
        j.wait_until(lambda: wizard.devices.preview is not None and wizard.devices.preview.last_verdict is not None,
                     30000, "the picture and its checks")
        j.wait_idle()
        QApplication.processEvents()
        viewport = wizard.stack.currentWidget().viewport()
        assert in_view(wizard.devices_page.status, viewport), "the status line is cut"
        assert in_view(wizard.devices.preview.ui.checklist, viewport), "the checks are cut"
        j.assert_sees("إذا ظهرت الصورة وعليها علامة ✓ أمام «وجه واحد» فالكاميرا تعمل.", "✓ وجه واحد")
        j.assert_not_sees("التقاط الصورة")  # a camera test, not a photo session
        j.assert_layout_ok()
        j.tab_to(lambda w: w is wizard.next_button)
        j.enter()
        assert wizard.current() == DONE
        j.assert_layout_ok()
        summary = wizard.done_page.summary.text()
        assert f"الكاميرا: \u2066{FACE}\u2069" in summary  # one left-to-right run inside the Arabic line
        assert f"\u2066{ADMIN_USER}\u2069" in summary and "902" in summary
        j.enter()  # «افتح المنظومة»
        j.wait_until(lambda: not wizard.isVisible(), 15000, "the wizard closed")
    finally:
        wizard.devices.leave()
        wait_for_writes()
        guard.uninstall()
        i18n.set_language("ar")
    from fundclient.services.session import login

    session = login(tmp_path / "office", ADMIN_USER, ADMIN_PW)
    assert session.settings.camera == str(FACE) and session.settings.provisional_device_number == 902
    session.store.close()
    assert not [w for w in guard.unasked() if not isinstance(w.widget, QProgressDialog)]
    assert not list(Path(tmp_path / "office").glob("*.pdf"))
