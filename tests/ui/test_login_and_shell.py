"""Login, role menus, shortcuts, idle lock: the real widgets on a real encrypted data dir."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from conftest import ADMIN, ADMIN_PW, CLERK, CLERK_PW, SUPERVISOR, SUPERVISOR_PW, login_session
from fundclient.config import Settings
from fundclient.ui.login import LoginScreen
from fundclient.ui.main import GuiApp

pytestmark = pytest.mark.qt


def _login_screen(qtbot, office):
    screen = LoginScreen(office, Settings.load(office))
    qtbot.addWidget(screen)
    screen.show()
    return screen


def test_wrong_password_gives_an_arabic_message(qtbot, gui_app, office):
    screen = _login_screen(qtbot, office)
    sessions = []
    screen.logged_in.connect(sessions.append)
    qtbot.keyClicks(screen.username, CLERK)
    qtbot.keyClicks(screen.password, "not-the-password")
    qtbot.keyClick(screen.password, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: screen.error.isVisible() and not screen.busy, timeout=15000)
    text = screen.error.text()
    assert any("\u0600" <= ch <= "\u06ff" for ch in text), text
    assert "password" not in text.lower()
    assert sessions == []
    assert screen.password.text() == ""
    from fundclient import __version__

    assert __version__ in screen.version_label.text()  # the version is on the first screen


def test_correct_password_logs_in(qtbot, gui_app, office):
    screen = _login_screen(qtbot, office)
    with qtbot.waitSignal(screen.logged_in, timeout=15000) as blocker:
        qtbot.keyClicks(screen.username, CLERK)
        qtbot.keyClicks(screen.password, CLERK_PW)
        qtbot.mouseClick(screen.login_button, Qt.MouseButton.LeftButton)
    session = blocker.args[0]
    assert session.operator.username == CLERK
    session.store.close()


def test_gui_app_goes_from_login_to_main_window_and_back(qtbot, gui_app, office):
    assert not list((office / "backups").glob("*"))
    gui = GuiApp(office, Settings.load(office))
    qtbot.addWidget(gui.login)
    gui.show()
    qtbot.keyClicks(gui.login.username, CLERK)
    qtbot.keyClicks(gui.login.password, CLERK_PW)
    qtbot.keyClick(gui.login.password, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: gui.window is not None and gui.window.isVisible(), timeout=15000)
    assert QApplication.layoutDirection() == Qt.LayoutDirection.RightToLeft
    assert gui.window.status.operator_label.text().endswith("أحمد الورفلي")
    # The first login of the day makes an encrypted backup, on a thread of its own.
    qtbot.waitUntil(lambda: bool(list((office / "backups").glob("*.fcbackup.zip"))), timeout=30000)
    gui.window.logout_requested.emit()
    assert gui.window is None and gui.login.isVisible()


def _menu_titles(window):
    return {action.objectName() for action in window._actions.values()}, window.menu_supervisor, window.menu_admin


@pytest.mark.parametrize("user,password,supervisor,admin", [
    (CLERK, CLERK_PW, False, False), (SUPERVISOR, SUPERVISOR_PW, True, False), (ADMIN, ADMIN_PW, True, True)])
def test_menus_follow_the_role(qtbot, gui_app, office, user, password, supervisor, admin):
    from fundclient.ui.main_window import MainWindow

    session = login_session(office, user, password)
    try:
        window = MainWindow(session)
        qtbot.addWidget(window)
        names, supervisor_menu, admin_menu = _menu_titles(window)
        assert ("dayClose" in names) is supervisor and (supervisor_menu is not None) is supervisor
        assert ("settings" in names) is admin and (admin_menu is not None) is admin
        assert window.screens["record"].view.inactive_button.isVisibleTo(window) is False or supervisor
    finally:
        session.store.close()


def test_shortcuts_reach_the_screens(qtbot, main_window):
    window = main_window
    qtbot.keyClick(window, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    assert window.current_screen() is window.screens["registration"]
    qtbot.keyClick(window, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert window.current_screen() is window.screens["search"]
    qtbot.waitUntil(lambda: window.screens["search"].view.box.hasFocus(), timeout=2000)


def test_idle_lock_keeps_the_work_and_needs_the_same_password(qtbot, main_window):
    window = main_window
    search = window.screens["search"]
    search.view.box.setText("محمد")  # QTest cannot type non-ASCII keys
    window.idle.set_minutes(0.002)  # ~120 ms without input
    qtbot.waitUntil(window.is_locked, timeout=5000)
    assert not window.menuBar().isEnabled()
    lock = window.lock_screen
    qtbot.keyClicks(lock.password, "wrong-password")
    qtbot.keyClick(lock.password, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: bool(lock.error.text()), timeout=15000)
    assert window.is_locked()
    assert any("\u0600" <= ch <= "\u06ff" for ch in lock.error.text())
    window.idle.set_minutes(0)
    qtbot.keyClicks(lock.password, CLERK_PW)
    qtbot.keyClick(lock.password, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: not window.is_locked(), timeout=15000)
    assert search.view.box.text() == "محمد"  # nothing typed was lost
    assert window.menuBar().isEnabled()


def test_status_bar_warns_when_sync_is_stale(qtbot, main_window):
    from datetime import datetime, timedelta, timezone

    bar = main_window.status
    bar.set_last_success(datetime.now(timezone.utc) - timedelta(days=1))
    assert not bar.is_stale() and "fde2b8" not in bar.last_sync_label.styleSheet()
    bar.set_last_success(datetime.now(timezone.utc) - timedelta(days=bar.stale_days + 1))
    assert bar.is_stale() and "fde2b8" in bar.last_sync_label.styleSheet()
    bar.set_pending(12)
    assert "12" in bar.pending_label.text() and "قيد الإرسال" in bar.pending_label.text()


RUN_GUI_SCRIPT = """
import sys
from pathlib import Path
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication
from fundclient.app import AppContext
from fundclient.ui.login import LoginScreen
from fundclient.ui.main import run_gui

def look_and_quit():
    shown = [w for w in QApplication.topLevelWidgets() if isinstance(w, LoginScreen) and w.isVisible()]
    print("LOGIN:" + (shown[0].login_button.text() if shown else "none"), flush=True)
    QApplication.instance().exit(7)

app = QApplication(["fundclient"])  # run_gui reuses it; the timer needs it first
QTimer.singleShot(500, look_and_quit)
sys.exit(run_gui(AppContext.for_office(Path(sys.argv[1]), language="ar")))
"""


def test_run_gui_with_the_app_context_opens_the_login_and_returns(office, tmp_path):
    """In a child process: app.exec() ends the QApplication's life, which must not happen
    inside the shared test process."""
    import os
    import subprocess
    import sys

    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", XDG_CACHE_HOME=str(tmp_path / "cache"))
    done = subprocess.run([sys.executable, "-c", RUN_GUI_SCRIPT, str(office)], capture_output=True,
                          text=True, timeout=120, env=env)
    assert done.returncode == 7, done.stderr[-2000:]
    assert "LOGIN:دخول" in done.stdout


def test_demo_banner_only_in_demo_mode(qtbot, gui_app):
    from fundclient.ui.status_bar import FundStatusBar

    bar = FundStatusBar("SEB", "موظف", 3)
    qtbot.addWidget(bar)
    bar.show()
    assert not bar.demo_label.isVisible()
    bar.set_demo(True)
    assert bar.demo_label.isVisible() and "تجريبية" in bar.demo_label.text()
