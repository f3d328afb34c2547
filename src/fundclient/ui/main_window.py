"""The main window: a small shell. Navigation list + stack of screens, menus by role,
status bar, idle lock. Behaviour lives in the screens; this file only routes.

Routing contracts:
* a screen's `navigate(name, arg)` signal shows another screen (`"record", record_id`);
* the record screen's `editRequested(record_id)` opens the registration screen in edit
  mode (`RegistrationScreen.edit_record(record_id)`);
* `OpsHub.instance().changed(changes, initiator)` after every write is forwarded to
  every screen built so far (`on_changes`; a page built later reads fresh data anyway).

Screens are built lazily (ui/screens.py `LazyScreens`): the search page at once, the small
pages in idle slices after the window shows (one page per slice), then the registration form
(the largest: several hundred ms in all) one part per idle slice (`ScreenSpec.sliced`; first
when unfinished registrations are to be offered back at login, `build_soon`) — a visit before
it is finished (Ctrl+N at once) builds what is left at once — so neither signing in nor the
first Ctrl+N stalls the window (#18 item 3; benchmarks/signin_bench.py). `screens[key]` builds a page when it is not built yet;
`when_built(key, fn)` waits for it.
"""

from __future__ import annotations

import logging
import time

import shiboken6
from PySide6.QtCore import QEvent, QRect, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QColor, QFontMetrics, QKeySequence
from PySide6.QtWidgets import (QFrame, QHBoxLayout, QListWidget, QListWidgetItem,
                               QMainWindow, QScrollArea, QStackedWidget, QWidget)

from fundclient.errors import Message
from fundclient.services.changes import Changes
from fundclient.ui import i18n, roles
from fundclient.ui.errors import log_unexpected
from fundclient.ui.fonts import ui_font
from fundclient.ui.lock import IdleWatcher, LockScreen
from fundclient.ui.ops import OpsHub
from fundclient.ui.screen import Screen
from fundclient.ui.screens import LazyScreens, ScreenSpec, build_screen, screen_specs, start_sliced
from fundclient.ui.status_bar import FundStatusBar

log = logging.getLogger(__name__)

# The menu item that switches to Arabic, shown in Arabic (its reader may not read this interface).
ARABIC_INTERFACE = Message("Arabic interface", context="offered in Arabic")
NAV_WIDTH = (200, 280)  # navigation list: at 1024 px wide / at 1366 px and more
FIRST_SCREEN = "search"
# Pages built in idle slices after the window shows, in this order (what was sent back decides
# the first page at login); the registration form last, one part per slice (ScreenSpec.sliced).
IDLE_BUILD_ORDER = ("returned", "record", "saved", "reports", "dayclose", "sync", "registration")
IDLE_START_MS = 250  # after the window shows: its first paint and the focus go first
IDLE_SLICE_MS = 15  # between two pages: input and painting get their turn


class MainWindow(QMainWindow):
    logout_requested = Signal()

    def __init__(self, session, *, sync_adapter=None, verify_password=None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("mainWindow")
        self.session = session
        self.settings = session.settings
        self.operator = session.operator
        self.sync_adapter = sync_adapter
        self._verify_password = verify_password
        self.screens = LazyScreens(screen_specs(session), self._make_screen)
        self.build_ms: dict[str, float] = {}  # how long each page took to build (benchmark)
        self._on_built: dict[str, list] = {}
        self._slicing: dict[str, object] = {}  # pages being built in idle slices, not finished
        self._login_page_decided = False
        self._soon: list[str] = []  # pages to build before IDLE_BUILD_ORDER's (build_soon)
        self._build()
        self._build_menus()
        self.retranslate_ui()
        OpsHub.instance().changed.connect(self.broadcast_changes)
        self.idle = IdleWatcher(self.settings.idle_lock_minutes, self)
        self.idle.idle.connect(lambda: self.lock(by_person=False))
        self.show_screen(FIRST_SCREEN)
        self._idle_timer = QTimer(self)
        self._idle_timer.setSingleShot(True)
        self._idle_timer.setInterval(IDLE_SLICE_MS)
        self._idle_timer.timeout.connect(self._build_next_idle)
        self._idle_started = False

    # -- layout --------------------------------------------------------------------------
    def _build(self) -> None:
        self.nav = QListWidget()
        self.nav.setObjectName("navigation")
        self.nav.setFont(ui_font(13))
        self.nav.setFixedWidth(NAV_WIDTH[1])  # narrower on small screens: resizeEvent
        self.nav.setSpacing(2)
        self.nav.setWordWrap(True)
        self.nav.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.stack = QStackedWidget()
        self.stack.setObjectName("screens")
        for key in self.screens:
            if self.screens.spec(key).in_nav:
                item = QListWidgetItem()
                item.setData(Qt.ItemDataRole.UserRole, key)
                self.nav.addItem(item)
        self.nav.currentItemChanged.connect(self._nav_changed)
        shell = QWidget()
        row = QHBoxLayout(shell)
        row.setContentsMargins(6, 6, 6, 6)
        row.addWidget(self.nav)
        row.addWidget(self.stack, 1)
        self.lock_screen = LockScreen(roles.operator_name(self.operator), self.verify_password)
        self.lock_screen.unlocked.connect(self.unlock)
        self.lock_screen.switch_user.connect(self.logout_requested)
        self.pages = QStackedWidget()  # page 0: the work; page 1: the lock (work kept below)
        self.pages.addWidget(shell)
        self.pages.addWidget(self.lock_screen)
        self.setCentralWidget(self.pages)
        self.status = FundStatusBar(self.settings.office_code, roles.operator_name(self.operator),
                                    self.settings.stale_sync_warning_days)
        self.setStatusBar(self.status)
        self.status.set_demo(bool(self.settings.extra.get("demo")))
        if self.sync_adapter is not None:
            self.sync_adapter.pendingChanged.connect(self.status.set_pending)
            self.sync_adapter.lastSuccessChanged.connect(self.status.set_last_success)
            self.sync_adapter.onlineChanged.connect(self.status.set_online)
            self.sync_adapter.refresh()

    def _make_screen(self, spec: ScreenSpec) -> Screen:
        """Build one page (LazyScreens calls this on first access) and wire it in."""
        began = time.perf_counter()
        focused = self.focusWidget()  # the window's focus, also while it is not active
        started = self._slicing.pop(spec.key, None)
        screen = build_screen(spec, self.session, self.sync_adapter, self, started=started)
        self.stack.addWidget(self._scrollable(screen))
        self._keep_focus(focused, screen)
        screen.navigate.connect(self.show_screen)
        screen.title_changed.connect(self._retitle_nav)
        if hasattr(screen, "editRequested"):
            screen.editRequested.connect(self.edit_record)
        if spec.key == "returned" and hasattr(screen, "count_changed"):
            # At login: what the supervisor sent back (and why) comes first, once it is counted.
            screen.count_changed.connect(self._returned_counted)
        self.build_ms[spec.key] = self.build_ms.get(spec.key, 0.0) + (time.perf_counter() - began) * 1000
        QTimer.singleShot(0, self._retitle_nav)
        for fn in self._on_built.pop(spec.key, []):
            QTimer.singleShot(0, lambda fn=fn, screen=screen: fn(screen))
        return screen

    def _keep_focus(self, focused, screen) -> None:
        """A page built in the background may take the window's focus while hidden (its first
        field focused, or the focus chain reset): the person's focus stays where it was."""
        now = self.focusWidget()
        if now is not focused and (now is None or screen.isAncestorOf(now)):
            if focused is not None and shiboken6.isValid(focused):
                focused.setFocus(Qt.FocusReason.OtherFocusReason)
            elif now is not None:
                now.clearFocus()

    def when_built(self, key: str, fn) -> None:
        """`fn(screen)` once page `key` exists (at once when it does); never for a page this
        window does not hold."""
        if key not in self.screens:
            return
        if self.screens.is_built(key):
            fn(self.screens[key])
        else:
            self._on_built.setdefault(key, []).append(fn)

    def build_soon(self, key: str, fn) -> None:
        """`fn(screen)` once page `key` exists; the page is built next in the idle slices
        (ahead of IDLE_BUILD_ORDER), never at once: e.g. the registration form when drafts
        are to be offered at login."""
        if key not in self.screens:
            return
        if key not in self._soon:
            self._soon.append(key)
        self.when_built(key, fn)
        if self._idle_started and not self._idle_timer.isActive() and not self.screens.is_built(key):
            self._idle_timer.start(IDLE_SLICE_MS)

    def _build_next_idle(self) -> None:
        """One page, or one part of a sliced page, per idle slice until every page exists."""
        for key in (*self._soon, *IDLE_BUILD_ORDER):
            if key in self.screens and not self.screens.is_built(key):
                spec = self.screens.spec(key)
                if spec.sliced and self._build_slice(spec):
                    self._idle_timer.start(IDLE_SLICE_MS)
                    return
                self.screens.build(key)  # the last slice's page wired in (or a plain page built)
                self._idle_timer.start(IDLE_SLICE_MS)
                return
        from fundclient.storage.engine import settle_memory  # lazy: start-up (the storage stack loads with the sign-in)

        settle_memory()  # every page exists: SQLite's cap for the day (ui.login.default_login)

    def _build_slice(self, spec: ScreenSpec) -> bool:
        """Build the next part of a sliced page; False when there is nothing left to do in
        slices (finished, or it failed to start: `screens.build` does the rest)."""
        began = time.perf_counter()
        focused = self.focusWidget()
        screen = self._slicing.get(spec.key)
        if screen is None:
            screen = self._slicing[spec.key] = start_sliced(spec, self.session, self)
            if screen is None:
                del self._slicing[spec.key]
                return False
        if screen.constructed:
            return False  # every part built: this slice wires it in (screens.build)
        try:
            screen.construct_step()
        except Exception:  # noqa: BLE001 - built again at once by screens.build, which reports
            log.debug("building %s in slices failed", spec.key, exc_info=True)
            self._slicing.pop(spec.key).deleteLater()
            return False
        self._keep_focus(focused, screen)
        self.build_ms[spec.key] = self.build_ms.get(spec.key, 0.0) + (time.perf_counter() - began) * 1000
        return True

    def idle_builds_done(self) -> bool:
        return all(self.screens.is_built(key) for key in IDLE_BUILD_ORDER if key in self.screens)

    def showEvent(self, event) -> None:  # noqa: N802 - Qt name
        super().showEvent(event)
        if not self._idle_started:
            self._idle_started = True
            self._idle_timer.start(IDLE_START_MS)

    @staticmethod
    def _scrollable(screen: Screen) -> QWidget:
        """A page that may be taller than what a 1024x768 screen leaves (`scroll_in_page`)
        sits in a scroll area: it scrolls (the focused widget kept in view by ui/keyboard.py)
        instead of making the window larger than the screen; when it fits, no bar shows."""
        if not getattr(screen, "scroll_in_page", False):
            return screen
        page = QScrollArea()
        page.setObjectName(f"page_{screen.objectName() or type(screen).__name__}")
        page.setWidgetResizable(True)
        page.setFrameShape(QFrame.Shape.NoFrame)
        page.setWidget(screen)
        return page

    def _page_of(self, screen: Screen) -> QWidget:
        for index in range(self.stack.count()):
            page = self.stack.widget(index)
            if page is screen or (isinstance(page, QScrollArea) and page.widget() is screen):
                return page
        return screen

    def _action(self, menu, name: str, slot, shortcut=None) -> QAction:
        action = QAction(self)
        action.setObjectName(name)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
            action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        action.triggered.connect(slot)
        menu.addAction(action)
        self._actions[name] = action
        return action

    def _build_menus(self) -> None:
        self._actions: dict[str, QAction] = {}
        bar = self.menuBar()
        self.menu_system = bar.addMenu("")
        self.menu_records = bar.addMenu("")
        self._action(self.menu_records, "newRegistration", self.new_registration, QKeySequence.StandardKey.New)
        self._action(self.menu_records, "search", lambda: self.show_screen("search"), QKeySequence.StandardKey.Find)
        self._action(self.menu_records, "save", self.save_current, QKeySequence.StandardKey.Save)
        self._action(self.menu_records, "reports", lambda: self.show_screen("reports"), "Ctrl+R")
        self._action(self.menu_records, "syncPage", lambda: self.show_screen("sync"), "Ctrl+E")
        self._action(self.menu_system, "language", self.toggle_language, "Ctrl+Shift+L")
        self._action(self.menu_system, "lock", lambda: self.lock(by_person=True), "Ctrl+L")
        self._action(self.menu_system, "logout", self.logout_requested.emit)
        self._action(self.menu_system, "quit", self.close, QKeySequence.StandardKey.Quit)
        self.menu_supervisor = None
        if roles.at_least(self.operator, roles.SUPERVISOR):
            self.menu_supervisor = bar.addMenu("")
            self._action(self.menu_supervisor, "dayClose", self.day_close)
            self._action(self.menu_supervisor, "markInactive", self.mark_inactive_help)
            self._action(self.menu_supervisor, "quarantine", lambda: self.show_screen("sync"))
            self._action(self.menu_supervisor, "importFile", lambda: self.show_screen("import"), "Ctrl+Shift+I")
        self.menu_admin = None
        if roles.at_least(self.operator, roles.ADMIN):
            self.menu_admin = bar.addMenu("")
            self._action(self.menu_admin, "operators", self.open_operators)
            self._action(self.menu_admin, "settings", self.open_settings, "Ctrl+,")

    def retranslate_ui(self) -> None:
        self.setWindowTitle(self.tr("Registration system – %1").replace("%1", self.settings.fund_name))
        self.menu_system.setTitle(self.tr("&System"))
        self.menu_records.setTitle(self.tr("&Beneficiaries"))
        if self.menu_supervisor is not None:
            self.menu_supervisor.setTitle(self.tr("Su&pervisor"))
        if self.menu_admin is not None:
            self.menu_admin.setTitle(self.tr("&Administration"))
        texts = {
            "newRegistration": self.tr("New registration"),
            "search": self.tr("Find a beneficiary"),
            "save": self.tr("Save"),
            "reports": self.tr("Reports"),
            "syncPage": self.tr("Send data to headquarters"),
            # The other interface offered in its own language, for whoever cannot read this one.
            "language": self.tr("English interface") if i18n.current_language() == "ar"
            else ARABIC_INTERFACE.in_language("ar"),
            "lock": self.tr("Lock the screen"),
            "logout": self.tr("Sign out"),
            "quit": self.tr("Exit"),
            "dayClose": self.tr("Close the day…"),
            "markInactive": self.tr("Mark a beneficiary inactive…"),
            "quarantine": self.tr("Batches held back by headquarters"),
            "importFile": self.tr("Import beneficiaries from a spreadsheet…"),
            "settings": self.tr("Settings…"),
            "operators": self.tr("Employees…"),
        }
        for name, text in texts.items():
            if name in self._actions:
                self._actions[name].setText(text)
        self._retitle_nav()

    def _retitle_nav(self) -> None:
        built = self.screens.built()
        for row in range(self.nav.count()):
            item = self.nav.item(row)
            key = item.data(Qt.ItemDataRole.UserRole)
            screen = built.get(key)
            item.setText(screen.title() if screen is not None else self.screens.spec(key).title())
            attention = getattr(screen, "needs_attention", None)
            font = item.font()
            font.setBold(bool(callable(attention) and attention()))  # e.g. «أُرجعت إليّ (٢)» waiting
            item.setFont(font)
            item.setForeground(QColor("#a40000") if font.bold() else QColor())
        self._fit_nav_items()

    def _fit_nav_items(self) -> None:
        """Each navigation name wraps onto as many lines as it needs, never cut off with «…»:
        its height is measured here for a width a little narrower than Qt draws it in (Qt
        measures and draws with different margins, so a name just under the width was elided),
        again after a language switch and whenever the list's width changes."""
        width = max(60, self.nav.width() - 16 - 2 * self.nav.spacing() - 12)  # list padding, text margins
        for row in range(self.nav.count()):
            item = self.nav.item(row)
            font = self.nav.font()  # as drawn: the list's face and size, bold when it needs attention
            font.setBold(item.font().bold())
            lines = QFontMetrics(font)
            height = lines.boundingRect(QRect(0, 0, width, 10_000), Qt.TextFlag.TextWordWrap, item.text()).height()
            item.setSizeHint(QSize(width, height + 20))  # 10 px above and below (style.py)
        self.nav.doItemsLayout()

    def _returned_counted(self, count: int) -> None:
        if self._login_page_decided:
            return
        self._login_page_decided = True
        if count and self.current_screen() is self.screens.get("search"):
            self.show_screen("returned")

    def resizeEvent(self, event) -> None:  # noqa: N802 - Qt name
        # A fifth of the window, within NAV_WIDTH: at 1024x768 the screens keep ~800 px.
        low, high = NAV_WIDTH
        width = max(low, min(high, self.width() // 5))
        if width != self.nav.width():
            self.nav.setFixedWidth(width)
            self._fit_nav_items()
        super().resizeEvent(event)

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate_ui()
        super().changeEvent(event)

    # -- routing -------------------------------------------------------------------------
    def current_screen(self) -> Screen:
        page = self.stack.currentWidget()
        return page.widget() if isinstance(page, QScrollArea) else page

    def show_screen(self, key: str, arg=None) -> Screen | None:
        screen = self.screens.get(key)
        if screen is None:
            return None
        if arg is not None and hasattr(screen, "open"):
            screen.open(arg)
        self.stack.setCurrentWidget(self._page_of(screen))
        in_nav = {"saved": "registration", "record": "search"}.get(key, key)  # pages reached from another
        rows = [row for row in range(self.nav.count()) if self.nav.item(row).data(Qt.ItemDataRole.UserRole) == in_nav]
        self.nav.blockSignals(True)
        self.nav.setCurrentRow(rows[0] if rows else -1)  # a page of a menu (import): none of the list
        self.nav.blockSignals(False)
        screen.on_shown()
        return screen

    def _nav_changed(self, item, _previous) -> None:
        if item is not None:
            self.show_screen(item.data(Qt.ItemDataRole.UserRole))

    def new_registration(self) -> None:
        screen = self.show_screen("registration")
        if screen is not None and hasattr(screen, "new_registration"):
            screen.new_registration()

    def edit_record(self, record_id: str) -> None:
        screen = self.show_screen("registration")
        if screen is not None and hasattr(screen, "edit_record"):
            screen.edit_record(record_id)

    def save_current(self) -> None:
        save = getattr(self.current_screen(), "save", None)
        if callable(save):
            save()

    def broadcast_changes(self, changes: Changes, initiator) -> None:
        for screen in self.screens.built().values():
            try:
                screen.on_changes(changes, initiator)
            except Exception as exc:  # one screen's refresh bug must not stop the others
                log_unexpected(exc, f"screen {type(screen).__name__} failed to refresh")
        if self.sync_adapter is not None and (changes.beneficiaries or changes.sync):
            self.sync_adapter.refresh()

    # -- language, lock, supervisor, admin -----------------------------------------------
    def toggle_language(self) -> None:
        self.set_language("en" if i18n.current_language() == "ar" else "ar")

    def set_language(self, language: str) -> None:
        i18n.set_language(language, arabic_indic_digits=self.settings.arabic_indic_digits)
        self.settings.language = language
        try:
            self.settings.save(self.session.data_dir)
        except OSError:
            log.exception("could not save the language setting")

    def lock(self, *, by_person: bool = False) -> None:
        """Cover the work with the lock page: after a period without use (the idle timer) or
        because the person locked it (Ctrl+L) — the page says which."""
        if self.pages.currentWidget() is self.lock_screen:
            return
        self._focus_before_lock = self.focusWidget()
        self.pages.setCurrentWidget(self.lock_screen)
        self.menuBar().setEnabled(False)
        for action in self._actions.values():
            action.setEnabled(False)
        self.lock_screen.activate(by_person=by_person)

    def is_locked(self) -> bool:
        return self.pages.currentWidget() is self.lock_screen

    def unlock(self) -> None:
        self.pages.setCurrentIndex(0)
        self.menuBar().setEnabled(True)
        for action in self._actions.values():
            action.setEnabled(True)
        self.idle.set_minutes(self.idle.minutes)
        widget = getattr(self, "_focus_before_lock", None)
        if widget is not None:
            widget.setFocus()

    def verify_password(self, password: str):
        """Runs off the GUI thread; raises AuthError when the password is wrong. The session's
        check counts failures toward the same lockout as the login screen."""
        if self._verify_password is not None:
            return self._verify_password(password)
        return self.session.verify_password(password)

    def day_close(self) -> None:
        if self.show_screen("dayclose") is not None:  # review, approve, close (services.dayclose)
            return
        screen = self.show_screen("reports")
        if screen is not None and hasattr(screen, "show_today"):
            screen.show_today()

    def mark_inactive_help(self) -> None:
        screen = self.show_screen("search")
        if screen is not None and hasattr(screen, "hint_mark_inactive"):
            screen.hint_mark_inactive()

    def open_operators(self) -> None:
        from fundclient.ui.operators_dialog import OperatorsDialog  # lazy: start-up (cryptography)

        OperatorsDialog(self.session, self).exec()

    def open_settings(self) -> None:
        from fundclient.ui.settings_dialog import SettingsDialog  # lazy: start-up (the dialog loads when first opened)

        dialog = SettingsDialog(self.settings, self)
        if dialog.exec():
            dialog.apply_to(self.settings)
            self.settings.save(self.session.data_dir)
            i18n.apply_display_settings(self.settings)
            i18n.set_language(self.settings.language, arabic_indic_digits=self.settings.arabic_indic_digits)
            self.idle.set_minutes(self.settings.idle_lock_minutes)
            self.status.stale_days = self.settings.stale_sync_warning_days
            self.broadcast_changes(Changes(settings=True), self)

    def closeEvent(self, event) -> None:
        self.idle.stop()
        self._idle_timer.stop()
        if self.sync_adapter is not None and hasattr(self.sync_adapter, "shutdown"):
            self.sync_adapter.shutdown()
        super().closeEvent(event)
