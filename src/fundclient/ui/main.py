"""Start the GUI: `run_gui(context_or_args) -> int`.

`context_or_args` is what the CLI has: an argparse Namespace (`data_dir`, optional `lang`)
or the lead's app context with the same attributes and optionally `settings`,
`login(data_dir, username, password) -> session` and
`sync_adapter_factory(session) -> SyncAdapter`. The login screen comes first; after a
successful login the main window is built with that session; signing out returns to the
login screen.
"""

from __future__ import annotations

import gc
import logging
import sys
import threading
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QSize
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

from fundclient import allocator
from fundclient.config import Settings, resolve_data_dir
from fundclient.errors import Message
from fundclient.storage.errors import BackupCancelled
from fundclient.ui import i18n, keyboard, window_fit
from fundclient.ui.errors import log_unexpected
from fundclient.ui.fonts import apply_app_font
from fundclient.ui.login import LoginScreen, default_login
from fundclient.ui.ops import QueryOp, stop_long_work, wait_for_writes
from fundclient.ui.style import APP_STYLE

log = logging.getLogger(__name__)


def prepare_app(settings: Settings, language: str | None = None) -> QApplication:
    """The QApplication with fonts, style, language and layout direction set."""
    allocator.tune()  # before the camera's threads exist (glibc; docs/performance.md)
    app = QApplication.instance() or QApplication(sys.argv[:1] or ["fundclient"])
    app.setApplicationName("fundclient")
    app.setOrganizationName("fundclient")
    apply_app_font(app)
    keyboard.install(app)  # Enter presses the focused button; focus stays visible
    window_fit.install(app)  # every dialog fits the screen it opens on
    app.setStyleSheet(APP_STYLE)
    i18n.apply_display_settings(settings)  # one rule for digits, dates and times (domain.display)
    i18n.set_language(language or settings.language, arabic_indic_digits=settings.arabic_indic_digits)
    return app


DEFAULT_MAIN_SIZE = QSize(1280, 800)
DEFAULT_LOGIN_SIZE = QSize(900, 640)
FRAME_ALLOWANCE = QSize(16, 48)  # window frame and title bar, before the window is shown


def fitted_size(window: QWidget, wanted: QSize) -> QSize:
    """`wanted`, but never larger than the screen's free area (taskbar excluded)."""
    screen = window.screen() or QGuiApplication.primaryScreen()
    if screen is None:
        return wanted
    room = screen.availableGeometry().size() - FRAME_ALLOWANCE
    return wanted.boundedTo(room)


def show_fitted(window: QWidget, wanted: QSize) -> None:
    """Show a main window at its default size; on a screen smaller than that (1366x768,
    1024x768) it opens maximized, so nothing falls below the taskbar."""
    size = fitted_size(window, wanted)
    if size != wanted:
        window.showMaximized()
        return
    window.resize(size)
    window.show()


def _preload_main_window() -> None:
    try:
        from fundclient.services import session  # lazy: start-up (loaded once the login window is up)

        session.preload()  # first: what Sign in needs (the storage stack)
        # lazy: start-up (loaded once the login window is up)
        import fundclient.ui.main_window  # noqa: F401 - imported for its side effect (loaded)
        from fundclient.ui.screens import preload  # lazy: start-up (loaded once the login window is up)

        preload()
    except Exception:  # noqa: BLE001 - the GUI thread imports again and reports
        log.debug("preloading the main window failed", exc_info=True)
    # The ~90,000 objects the imports made live as long as the process: moved out of the
    # collector's generations, no full collection walks them again. Such a collection falls
    # on whichever thread allocates at that moment — at sign-in the GUI thread, building the
    # window: 75-90 ms of stall measured (docs/performance.md "Sign-in without a stall").
    gc.freeze()


class GuiApp:
    """Login window ⇄ main window, for one data dir."""

    def __init__(self, data_dir: Path, settings: Settings, *, login_fn=default_login,
                 sync_adapter_factory=None, login_hint: str = "") -> None:
        self.data_dir = data_dir
        self.settings = settings
        self.login_fn = login_fn
        self.sync_adapter_factory = sync_adapter_factory
        self.session = None
        self.window = None
        self._preload: threading.Thread | None = None

        def login_after_preload(*args):
            # Imports on one thread at a time: the login's worker starts once the pages'
            # modules are in (seconds of typing make that wait nil in practice).
            self.wait_for_preload()
            return login_fn(*args)

        self.login = LoginScreen(data_dir, settings, login_after_preload, hint=login_hint)
        self.login.logged_in.connect(self.open_main)
        self.login.language_toggled.connect(self.toggle_language)
        self.login.resize(fitted_size(self.login, DEFAULT_LOGIN_SIZE))
        if not (data_dir / "keystore.json").exists():
            self.login.show_not_set_up()

    def toggle_language(self) -> None:
        language = "en" if i18n.current_language() == "ar" else "ar"
        i18n.set_language(language, arabic_indic_digits=self.settings.arabic_indic_digits)
        self.settings.language = language

    def show(self) -> None:
        self.login.show()
        # While the person types: import the main window and its screens on a worker thread,
        # so Sign in leaves only widget building to the GUI thread (#18 item 3).
        if self._preload is None:
            self._preload = threading.Thread(target=_preload_main_window, name="preload-screens", daemon=True)
            self._preload.start()

    def wait_for_preload(self) -> None:
        if self._preload is not None:
            self._preload.join()

    def make_sync_adapter(self, session):
        if self.sync_adapter_factory is not None:
            return self.sync_adapter_factory(session)
        from fundclient.ui.sync_adapter import SyncAdapter  # lazy: start-up (loaded once the login window is up)

        return SyncAdapter.for_session(session)

    def open_main(self, session) -> None:
        self.wait_for_preload()
        from fundclient.ui.main_window import MainWindow  # lazy: start-up (8 more modules)

        self.session = session
        if getattr(session, "settings", None) is None:
            session.settings = self.settings
        session.settings.language = i18n.current_language()
        try:
            adapter = self.make_sync_adapter(session)
        except Exception as exc:  # the office must be able to work with sync broken
            log_unexpected(exc, "sync adapter failed to start")
            adapter = None
        self.window = MainWindow(session, sync_adapter=adapter)
        self.window.logout_requested.connect(self.logout)
        show_fitted(self.window, DEFAULT_MAIN_SIZE)
        self.login.hide()
        self.offer_drafts(session)
        self.backup_if_due(session)

    def offer_drafts(self, session) -> None:
        """Unfinished registrations (a crash, a power cut) are offered back at login by the
        registration form. The form is built in idle slices after the window shows
        (ui/main_window.py); when this person has drafts (looked up off the GUI thread) it is
        built next, still in slices, and offers them once it exists — never in one piece on
        the GUI thread right after Sign in (#18 item 3)."""
        store, window = getattr(session, "store", None), self.window
        if getattr(store, "drafts", None) is None:
            return
        username = session.operator.username

        def offer(has_drafts: bool) -> None:
            if has_drafts and window is self.window:
                window.build_soon("registration", _offer_on)

        def _offer_on(screen) -> None:
            if window is self.window and hasattr(screen, "offer_drafts"):
                screen.offer_drafts()

        QueryOp(parent=window, op=lambda: bool(store.drafts.list(username)), success=offer).failure(
            lambda exc: log.error("drafts could not be looked up: %s", type(exc).__name__)
        ).run_in_background()

    def backup_if_due(self, session) -> None:
        """The daily automatic encrypted backup, right after login, on a thread of its own:
        it copies a read snapshot on its own connection, so saves and searches go on. Sign-out
        and quit close the store, which stops it within one step (partial copy removed; the
        next login makes it again)."""
        store = getattr(session, "store", None)
        if not hasattr(store, "backup_if_due"):
            return
        username = session.operator.username

        def work() -> None:
            try:
                store.backup_if_due(username)
            except BackupCancelled:
                log.info("backup stopped at sign-out; it is made again at the next login")
            except Exception as exc:  # noqa: BLE001 - never an error dialog for the daily backup
                log.error("automatic backup failed: %s", type(exc).__name__)

        threading.Thread(target=work, name="daily-backup", daemon=True).start()

    def logout(self) -> None:
        stop_long_work()
        wait_for_writes()
        if self.window is not None:
            self.window.close()
            self.window.deleteLater()
            self.window = None
        close = getattr(getattr(self.session, "store", None), "close", None)
        if callable(close):
            close()
        self.session = None
        self.login.show()


def refuse_to_start(message: Message, language: str | None) -> QMessageBox:
    """The app cannot open (e.g. a hand-edited settings.json it cannot use): say why in a
    window — the Start-menu program has no console — and wait until it is closed."""
    prepare_app(Settings(), language or "ar")
    text = message.in_language(language) if language else f"{message.in_language('ar')}\n\n{message.en}"
    box = QMessageBox(QMessageBox.Icon.Critical, QCoreApplication.translate("main", "The app cannot open"), text,
                      QMessageBox.StandardButton.Ok)
    box.setObjectName("cannotStartBox")
    box.exec()
    return box


def build_gui(context_or_args) -> GuiApp:
    """The QApplication prepared and the login window built (not shown) - what `run_gui` runs,
    and what the journey tests drive."""
    data_dir = Path(getattr(context_or_args, "data_dir", None) or resolve_data_dir())
    settings = getattr(context_or_args, "settings", None) or Settings.load(data_dir)
    prepare_app(settings, getattr(context_or_args, "lang", None))
    return GuiApp(data_dir, settings,
                  login_fn=getattr(context_or_args, "login", None) or default_login,
                  sync_adapter_factory=getattr(context_or_args, "sync_adapter_factory", None),
                  login_hint=getattr(context_or_args, "login_hint", "") or "")


def run_gui(context_or_args) -> int:
    gui = build_gui(context_or_args)
    app = QApplication.instance()
    gui.show()
    code = app.exec()
    stop_long_work()
    wait_for_writes(timeout=30)
    if gui.session is not None:
        close = getattr(gui.session.store, "close", None)
        if callable(close):
            close()
    return int(code)
