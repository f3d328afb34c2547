"""Journey: Huda's morning (at 1366x768 and 1024x768) — the keyboard is still in Arabic, she
mistypes, is told how many tries are left, logs in, starts a registration, locks the screen
herself (Ctrl+L), mistypes on the lock page (told again), unlocks and finds her form as she
left it; later the screen locks itself while she is away and her form is still there; a
colleague's five wrong passwords on the lock page lock the account and say until when.

The real app (`open_app`, tests/journeys/README.md) on a real encrypted office, keyboard only."""

from __future__ import annotations

from fundclient.ui.i18n import read_digits

from keys_journey_helpers import CLERK, CLERK_PW, keys_office, keys_office_template  # noqa: F401

WRONG = "Brak-clerk-9"
ARABIC_LAYOUT_PASSWORD = "لقشن-؛مثقن-1"  # "Brak-clerk-1" typed with the Arabic layout on


def login_answer(j) -> str:
    login = j.gui.login
    j.wait_until(lambda: not login.busy and login.error.isVisible(), 30000, "the login answer")
    return read_digits(login.error.text())


def lock_answer(j, before: str) -> str:
    lock = j.main.lock_screen
    j.wait_until(lambda: lock.unlock_button.isEnabled() and lock.error.text() != before, 30000,
                 "the lock page's answer")
    return read_digits(lock.error.text())


def test_login_mistakes_lockout_warning_lock_and_unlock(open_app, keys_office):
    j = open_app(keys_office)
    login = j.gui.login
    j.assert_layout_ok()
    assert j.focus() is login.username
    # One word for the first box, the same in the label and in the message.
    j.assert_sees("اسم المستخدم")

    j.type(CLERK)
    j.enter()
    assert j.focus() is login.password
    j.type(ARABIC_LAYOUT_PASSWORD)  # the keyboard is still in Arabic
    j.assert_sees("لوحة المفاتيح تكتب حروفًا عربية")
    j.enter()
    text = login_answer(j)
    assert "اسم المستخدم أو كلمة المرور غير صحيحة" in text
    assert "بقيت 4 محاولات قبل قفل الحساب" in text, text
    j.assert_sees("لوحة المفاتيح تكتب حروفًا عربية")  # still says why, the field cleared
    j.assert_layout_ok()
    for left in ("3 محاولات", "محاولتان", "محاولة واحدة"):
        assert j.focus() is login.password
        j.type(WRONG)
        j.assert_not_sees("لوحة المفاتيح تكتب حروفًا عربية")  # Latin letters now
        j.enter()
        assert f"بقيت {left}" in login_answer(j)
    j.shift_tab()  # back to the name; the last try is right: the count starts again
    j.login(CLERK, CLERK_PW)
    main = j.main
    j.assert_layout_ok()

    # A registration started, then Ctrl+L: the lock page says *she* locked it.
    j.press("Ctrl+N")
    registration = main.screens["registration"]
    assert j.focus() is registration.rows["national_number"].editor
    j.type("119480123456")
    j.enter()
    j.type("محمد")
    typed_in = j.focus()
    j.press("Ctrl+L")
    assert main.is_locked() and not registration.isVisible()  # personal data covered
    j.assert_sees("أقفلتَ الشاشة بنفسك")
    j.assert_not_sees("محمد")
    assert j.focus() is main.lock_screen.password
    j.type(WRONG)
    j.enter()
    text = lock_answer(j, "")
    assert "كلمة المرور غير صحيحة" in text and "بقيت 4 محاولات" in text, text  # not silent
    j.assert_layout_ok()
    j.type(CLERK_PW)
    j.enter()
    j.wait_until(lambda: not main.is_locked(), 30000, "the unlock")
    assert registration.rows["name.first"].editor.text() == "محمد"  # the form as she left it
    assert registration.rows["national_number"].editor.text() == "119480123456"
    assert j.focus() is typed_in
    j.assert_layout_ok()

    # Away from the desk: the screen locks itself, and says so; the form survives.
    main.idle.set_minutes(0.005)  # 0.3 s instead of the office's minutes
    j.wait_until(main.is_locked, 5000, "the automatic lock")
    main.idle.set_minutes(0)
    j.assert_sees("بعد مدة دون استخدام")
    j.type(CLERK_PW)
    j.enter()
    j.wait_until(lambda: not main.is_locked(), 30000, "the unlock")
    assert registration.rows["name.first"].editor.text() == "محمد"

    # Someone else tries the lock page five times: the account locks, and the page says until when.
    j.press("Ctrl+L")
    text = ""
    for _ in range(5):
        before = main.lock_screen.error.text()
        j.type(WRONG)
        j.enter()
        text = lock_answer(j, before)
    assert "قُفل الحساب حتى الساعة" in text, text
    j.assert_layout_ok()
