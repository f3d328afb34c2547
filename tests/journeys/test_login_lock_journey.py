"""Journey: Huda's morning at 1366x768 and 1024x768 — the keyboard is still in Arabic, she
mistypes, is told how many tries are left, logs in, starts a registration, locks the screen
herself (Ctrl+L), mistypes on the lock page (told again), unlocks and finds her form as she
left it; later the screen locks itself while she is away and her form is still there; a
colleague's five wrong passwords on the lock page lock the account and say until when.

The real app (ui.main.GuiApp) on a real encrypted office, keyboard only."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from fundclient.config import Settings
from fundclient.ui.main import GuiApp

from keys_journey_helpers import (CLERK, CLERK_PW, SIZES, arabic_digits_to_latin,  # noqa: F401
                                  keys_translations,
                                  assert_focus_visible, assert_no_unasked_modal, clipped_buttons,
                                  fit_window, keys_office, keys_office_template, press, real_app,
                                  shortcut, type_text)

pytestmark = pytest.mark.qt

WRONG = "Brak-clerk-9"
ARABIC_LAYOUT_PASSWORD = "لقشن-؛مثقن-1"  # "Brak-clerk-1" typed with the Arabic layout on


def wait_login_answer(qtbot, login) -> str:
    qtbot.waitUntil(lambda: not login.busy and login.error.isVisible(), timeout=20000)
    return arabic_digits_to_latin(login.error.text())


def wait_lock_answer(qtbot, lock, before: str) -> str:
    qtbot.waitUntil(lambda: lock.unlock_button.isEnabled() and lock.error.text() != before,
                    timeout=20000)
    return arabic_digits_to_latin(lock.error.text())


@pytest.mark.parametrize("size", list(SIZES))
def test_login_mistakes_lockout_warning_lock_and_unlock(qtbot, real_app, keys_office, size):
    gui = GuiApp(keys_office, Settings.load(keys_office))
    login = gui.login
    qtbot.addWidget(login)
    fit_window(login, SIZES[size])
    gui.show()
    qtbot.waitExposed(login)
    login.activateWindow()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is login.username, timeout=3000)
    assert clipped_buttons(login) == []
    # One word for the first box, the same in the label and in the message.
    assert login.user_caption.text().replace("&", "") == "اسم المستخدم"

    type_text(CLERK)
    press(qtbot, Qt.Key.Key_Return)
    assert QApplication.focusWidget() is login.password
    type_text(ARABIC_LAYOUT_PASSWORD)  # the keyboard is still in Arabic
    assert login.layout_hint.isVisible() and "لوحة المفاتيح" in login.layout_hint.text()
    press(qtbot, Qt.Key.Key_Return)
    text = wait_login_answer(qtbot, login)
    assert "اسم المستخدم أو كلمة المرور غير صحيحة" in text
    assert "بقيت 4 محاولات قبل قفل الحساب" in text, text
    assert login.layout_hint.isVisible()  # still says why, after the field was cleared
    assert QApplication.focusWidget() is login.password
    for left in ("3 محاولات", "محاولتان", "محاولة واحدة"):
        type_text(WRONG)
        assert not login.layout_hint.isVisible()  # Latin letters now
        press(qtbot, Qt.Key.Key_Return)
        before = login.error.text()
        qtbot.waitUntil(lambda: not login.busy, timeout=20000)
        text = wait_login_answer(qtbot, login)
        assert f"بقيت {left}" in text, (left, text, before)
    type_text(CLERK_PW)  # the last try is right: the count starts again
    press(qtbot, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: gui.window is not None and gui.window.isVisible(), timeout=20000)
    window = gui.window
    fit_window(window, SIZES[size])
    qtbot.wait(50)
    assert_no_unasked_modal()

    # A registration started, then Ctrl+L: the lock page says *she* locked it.
    shortcut(qtbot, window, "Ctrl+N")
    registration = window.screens["registration"]
    assert QApplication.focusWidget() is registration.rows["national_number"].editor
    type_text("119480123456")
    press(qtbot, Qt.Key.Key_Return)
    type_text("محمد")
    typed_in = QApplication.focusWidget()
    shortcut(qtbot, window, "Ctrl+L")
    lock = window.lock_screen
    assert window.is_locked() and not registration.isVisible()  # personal data covered
    assert "أقفلتَ الشاشة بنفسك" in lock.who.text()
    assert QApplication.focusWidget() is lock.password
    type_text(WRONG)
    press(qtbot, Qt.Key.Key_Return)
    text = wait_lock_answer(qtbot, lock, "")
    assert "كلمة المرور غير صحيحة" in text and "بقيت 4 محاولات" in text, text  # not silent
    type_text(CLERK_PW)
    press(qtbot, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: not window.is_locked(), timeout=20000)
    assert registration.rows["name.first"].editor.text() == "محمد"  # the form as she left it
    assert registration.rows["national_number"].editor.text() == "119480123456"
    assert QApplication.focusWidget() is typed_in
    assert_focus_visible(window)

    # Away from the desk: the screen locks itself, and says so; the form survives.
    window.idle.set_minutes(0.005)  # 0.3 s instead of the office's minutes
    qtbot.waitUntil(window.is_locked, timeout=5000)
    window.idle.set_minutes(0)
    assert "بعد مدة دون استخدام" in lock.who.text()
    type_text(CLERK_PW)
    press(qtbot, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: not window.is_locked(), timeout=20000)
    assert registration.rows["name.first"].editor.text() == "محمد"

    # Someone else tries the lock page five times: the account locks, and the page says until when.
    shortcut(qtbot, window, "Ctrl+L")
    text = ""
    for _ in range(5):
        type_text(WRONG)
        press(qtbot, Qt.Key.Key_Return)
        text = wait_lock_answer(qtbot, lock, lock.error.text())
    assert "قُفل الحساب حتى الساعة" in text, text
    assert clipped_buttons(window) == []
    assert_no_unasked_modal()
    window.idle.stop()
    gui.logout()
