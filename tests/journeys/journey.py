"""The journey driver: the real app, driven by keyboard, checked by what a person sees.

A `Journey` wraps one running `GuiApp` (login window ⇄ main window, built exactly as
`fundclient` builds it: `ui.main.build_gui(AppContext…)`). Keys go to the window that has
focus through Qt's window-system path (`QTest.sendKeyEvent` on the `QWindow`), so shortcuts,
default buttons, Tab chains and input methods behave as for a person at a keyboard.

    j.login("demo", "demo-1234")
    j.press("Ctrl+N")
    j.type("محمد")          # Arabic letters and ١٢٣ digits are typed as characters
    j.enter(); j.tab(); j.shift_tab()
    j.wait_idle()           # every QueryOp/CollectionOp finished, writes flushed
    j.assert_sees("حُفظ")   # a visible label/button/field/cell shows this text
    j.assert_layout_ok()    # focus visible in its scroll area and window; no clipped button
    j.screenshot("search")  # docs/screenshots/search-ar.png at 1366x768, else tmp

Dialogs: every top-level window shown is recorded by the `WindowGuard`. A dialog the
journey expects is announced first and handled when it appears (its exec() loop is running
then, so the handler must drive it to its end)::

    with j.expect_dialog(lambda d: j.enter()):   # e.g. press the default button
        j.press("Ctrl+S")

A modal that appears unasked is closed at once (so the test cannot hang) and the journey
fails at the next check (`assert_no_unasked_windows`, also run at the end of every journey).
"""

from __future__ import annotations

import contextlib
import re
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable

from PySide6.QtCore import QEvent, QModelIndex, QObject, QPoint, QRect, QSize, Qt, QTimer
from PySide6.QtGui import QKeySequence
from PySide6.QtTest import QTest
from PySide6.QtWidgets import (QAbstractButton, QAbstractItemView, QAbstractScrollArea,
                               QApplication, QCheckBox, QComboBox, QDialog, QGroupBox, QLabel,
                               QLineEdit, QListWidget, QMenu, QPlainTextEdit, QTabBar,
                               QTextEdit, QWidget)

ROOT = Path(__file__).resolve().parents[2]
DOCS_SCREENSHOTS = ROOT / "docs" / "screenshots"
DOC_SIZE = (1366, 768)  # screenshots in docs/ are taken at this size only

ARABIC_INDIC = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")


def arabic_digits(text: str) -> str:
    """'119480123456' -> '١١٩٤٨٠١٢٣٤٥٦' (what a clerk types on an Arabic keyboard layout)."""
    return str(text).translate(ARABIC_INDIC)


def _normal(text: str) -> str:
    """For comparing what is shown: no accelerator '&', no bidi marks, single spaces."""
    if re.search(r"<(span|b|i|br|p|font|a|div|table)\b", text or ""):
        from PySide6.QtGui import QTextDocumentFragment

        text = QTextDocumentFragment.fromHtml(text).toPlainText()
    text = re.sub(r"[\u200e\u200f\u202a-\u202e\u2066-\u2069\u061c]", "", text or "")
    text = text.replace("&&", "\0").replace("&", "").replace("\0", "&")
    return " ".join(text.split())


def _seconds(ms: int) -> float:
    return ms / 1000.0


# -- the window guard ------------------------------------------------------------------------

@dataclass
class ShownWindow:
    kind: str
    title: str
    texts: list[str]
    modal: bool
    asked: bool
    widget: object = field(repr=False, default=None)


class WindowGuard(QObject):
    """Records every top-level window shown; closes and reports a dialog nobody asked for."""

    IGNORED = ("QComboBoxPrivateContainer", "QCompleter", "QTipLabel", "QMenu")
    APP_WINDOWS = ("mainWindow", "loginScreen")  # the app's own windows, not dialogs

    def __init__(self) -> None:
        super().__init__()
        self.shown: list[ShownWindow] = []
        self._expected: list[tuple[Callable[[QWidget], bool], Callable[[QWidget], None]]] = []
        self.allowed_windows: set[int] = set()  # login and main window of the app under test

    def install(self) -> None:
        QApplication.instance().installEventFilter(self)

    def uninstall(self) -> None:
        app = QApplication.instance()
        if app is not None:
            app.removeEventFilter(self)

    def expect(self, match: Callable[[QWidget], bool], handle: Callable[[QWidget], None]) -> None:
        self._expected.append((match, handle))

    def eventFilter(self, obj, event) -> bool:  # noqa: N802 - Qt API
        if event.type() == QEvent.Type.Show and isinstance(obj, QWidget) and obj.isWindow():
            self._shown(obj)
        return False

    def _shown(self, widget: QWidget) -> None:
        flags = widget.windowFlags()
        if type(widget).__name__ in self.IGNORED or isinstance(widget, QMenu):
            return
        if flags & Qt.WindowType.ToolTip == Qt.WindowType.ToolTip or \
                flags & Qt.WindowType.Popup == Qt.WindowType.Popup:
            return
        if id(widget) in self.allowed_windows or widget.objectName() in self.APP_WINDOWS:
            return
        modal = widget.isModal() or widget.windowModality() != Qt.WindowModality.NonModal
        record = ShownWindow(type(widget).__name__, _normal(widget.windowTitle()), [], modal,
                             False, widget)
        # Read its texts once it is laid out (not inside its show event).
        QTimer.singleShot(0, lambda r=record: _read_texts(r))
        for index, (match, handle) in enumerate(self._expected):
            try:
                matched = match(widget)
            except Exception:  # noqa: BLE001 - a matcher error must not kill the app under test
                matched = False
            if matched:
                del self._expected[index]
                record.asked = True
                self.shown.append(record)
                QTimer.singleShot(0, lambda w=widget, h=handle: h(w))
                return
        self.shown.append(record)
        if isinstance(widget, QDialog) or modal:
            # Nobody asked for it: close it so the journey does not hang in its exec() loop,
            # and fail at the next check with what the person would have read.
            QTimer.singleShot(10, lambda w=widget: _close_quietly(w))

    def unasked(self) -> list[ShownWindow]:
        return [w for w in self.shown if not w.asked]

    def pending_expectations(self) -> int:
        return len(self._expected)


def _read_texts(record: ShownWindow) -> None:
    import shiboken6

    if shiboken6.isValid(record.widget):
        record.texts = visible_texts(record.widget, only_visible=False)


def _close_quietly(widget: QWidget) -> None:
    import shiboken6

    if not shiboken6.isValid(widget):
        return
    if isinstance(widget, QDialog):
        widget.reject()
    else:
        widget.close()


# -- what a person sees ------------------------------------------------------------------------

def _really_visible(widget: QWidget) -> bool:
    return widget.isVisible() and not widget.visibleRegion().isEmpty()


def visible_texts(root: QWidget, only_visible: bool = True) -> list[str]:
    """Every text a person can read in `root`: labels, buttons, fields, group titles, tabs,
    list/table cells in view, window title. With only_visible, widgets scrolled out of view
    or hidden behind another page do not count."""
    texts: list[str] = []
    if root.isWindow() and root.windowTitle():
        texts.append(root.windowTitle())
    widgets = [root, *root.findChildren(QWidget)]
    for w in widgets:
        if only_visible and not _really_visible(w):
            continue
        if not only_visible and not w.isVisibleTo(root) and w is not root:
            continue
        if isinstance(w, QLabel):
            texts.append(w.text())
        elif isinstance(w, (QAbstractButton,)):
            texts.append(w.text())
        elif isinstance(w, QLineEdit):
            texts.append(w.text() or w.placeholderText())
        elif isinstance(w, (QPlainTextEdit,)):
            texts.append(w.toPlainText())
        elif isinstance(w, QTextEdit):
            texts.append(w.toPlainText())
        elif isinstance(w, QComboBox):
            texts.append(w.currentText())
        elif isinstance(w, QGroupBox):
            texts.append(w.title())
        elif isinstance(w, QTabBar):
            texts.extend(w.tabText(i) for i in range(w.count()))
        elif isinstance(w, QAbstractItemView) and w.model() is not None:
            texts.extend(_view_texts(w, only_visible))
    return [_normal(t) for t in texts if t and _normal(t)]


def _view_texts(view: QAbstractItemView, only_visible: bool) -> Iterable[str]:
    model = view.model()
    viewport = view.viewport().rect()
    header = getattr(view, "horizontalHeader", None)
    if header is not None and header() is not None:
        for col in range(_columns(model)):
            value = model.headerData(col, Qt.Orientation.Horizontal, Qt.ItemDataRole.DisplayRole)
            if value:
                yield str(value)
    rows = min(model.rowCount(QModelIndex()), 500)
    for row in range(rows):
        for col in range(_columns(model)):
            index = model.index(row, col)
            if only_visible and not viewport.intersects(view.visualRect(index)):
                continue
            value = model.data(index, Qt.ItemDataRole.DisplayRole)
            if value not in (None, ""):
                yield str(value)


def _columns(model) -> int:
    try:
        return max(model.columnCount(QModelIndex()), 1)
    except TypeError:  # QAbstractListModel keeps columnCount private: one column
        return 1


def window_rect(widget: QWidget) -> QRect:
    """The widget's rectangle in its window's coordinates."""
    return QRect(widget.mapTo(widget.window(), QPoint(0, 0)), widget.size())


def scroll_ancestors(widget: QWidget) -> list[QAbstractScrollArea]:
    found, parent = [], widget.parentWidget()
    while parent is not None:
        if isinstance(parent, QAbstractScrollArea) and parent.viewport().isAncestorOf(widget):
            found.append(parent)
        parent = parent.parentWidget()
    return found


def focus_problems(widget: QWidget | None) -> list[str]:
    """Why a person could not see the widget that has the keyboard focus (empty = fine)."""
    if widget is None:
        return ["nothing has the keyboard focus"]
    name = _describe(widget)
    if not widget.isVisible():
        return [f"the focused widget {name} is hidden"]
    problems = []
    for area in scroll_ancestors(widget):
        viewport = area.viewport()
        rect = QRect(widget.mapTo(viewport, QPoint(0, 0)), widget.size())
        visible = rect.intersected(viewport.rect())
        # Fully in view, or (for a widget taller/wider than the viewport) filling it.
        if visible.height() < min(rect.height(), viewport.height()) - 1 or \
                visible.width() < min(rect.width(), viewport.width()) - 1:
            problems.append(f"the focused widget {name} at {rect.getRect()} is not inside the "
                            f"viewport {viewport.rect().getRect()} of {_describe(area)}")
    window = widget.window()
    rect = window_rect(widget)
    if not window.rect().contains(rect.center()):
        problems.append(f"the focused widget {name} at {rect.getRect()} is outside the window "
                        f"{window.rect().getRect()}")
    return problems


def button_problems(root: QWidget) -> list[str]:
    """Visible buttons whose text is clipped or that stick out of the window (empty = fine)."""
    problems = []
    window_area = root.window().rect()
    for button in root.findChildren(QAbstractButton):
        if not button.isVisible() or not button.text() or isinstance(button, QCheckBox) and False:
            continue
        if type(button).__name__ in ("QToolButton",) and not button.text().strip():
            continue
        if button.visibleRegion().isEmpty():
            continue  # scrolled out of view, or under another page
        in_scroll = bool(scroll_ancestors(button))
        rect = window_rect(button)
        if not in_scroll and not window_area.contains(rect):
            problems.append(f"button «{_normal(button.text())}» at {rect.getRect()} is outside "
                            f"the window {window_area.getRect()}")
        needed = button.sizeHint().width()
        if button.width() + 2 < needed:
            problems.append(f"button «{_normal(button.text())}» is clipped: {button.width()} px "
                            f"wide, its text needs {needed} px")
    return problems


def _describe(widget: QWidget) -> str:
    label = widget.objectName() or type(widget).__name__
    text = ""
    for attr in ("text", "placeholderText", "accessibleName"):
        value = getattr(widget, attr, None)
        if callable(value):
            try:
                text = value()
            except TypeError:
                text = ""
            if text:
                break
    return f"{label}«{_normal(text)[:40]}»" if text else label


# -- the driver --------------------------------------------------------------------------------

class Journey:
    """One person's session at the keyboard, in front of one `GuiApp`."""

    def __init__(self, qtbot, gui, size: tuple[int, int], guard: WindowGuard,
                 shots_dir: Path, *, fit: bool = True) -> None:
        # fit: the windows are resized to the journey's screen size (offscreen). Under a real
        # display (Xvfb) the app and the window manager size them: fit=False.
        self.fit = fit
        self.qtbot = qtbot
        self.gui = gui
        self.size = size
        self.guard = guard
        self.shots_dir = shots_dir
        self.shots: list[Path] = []

    # the windows ---------------------------------------------------------------------------
    @property
    def window(self) -> QWidget:
        """The window the person is looking at: main window when logged in, else login."""
        main = self.gui.window
        if main is not None and main.isVisible():
            return main
        return self.gui.login

    @property
    def main(self):
        assert self.gui.window is not None, "not logged in"
        return self.gui.window

    def fit_to_screen(self, window: QWidget | None = None) -> None:
        """The window takes the whole screen of the journey's size (a maximised window).

        The app maximises its main window on a small screen (`ui.main.show_fitted`); the
        offscreen platform answers `showMaximized` with window-system events that may still be
        queued when the window reports visible. Resized before they are delivered, the window
        is maximised again afterwards — to the offscreen screen (800x800) widened to its
        minimum (860x796 on a 1366x768 journey, a flake under load). So: deliver them first,
        then resize, and wait until the size holds with no maximised state left."""
        window = window or self.window
        if not self.fit:
            QApplication.processEvents()
            return
        wanted = QSize(*self.size)

        def fitted() -> bool:
            QApplication.processEvents()  # the platform's queued answers to show/maximise
            if window.size() == wanted and not window.windowState() & Qt.WindowState.WindowMaximized:
                return True
            window.setWindowState(window.windowState() & ~Qt.WindowState.WindowMaximized)
            window.resize(wanted)
            return False

        self.qtbot.waitUntil(lambda: fitted() and fitted(), timeout=5000)

    def start(self) -> "Journey":
        self.gui.login.show()
        self.guard.allowed_windows.add(id(self.gui.login))
        self.fit_to_screen(self.gui.login)
        self.qtbot.waitExposed(self.gui.login)
        self._activate(self.gui.login)
        return self

    def _activate(self, window: QWidget) -> None:
        window.activateWindow()
        window.raise_()
        self.qtbot.waitUntil(lambda: QApplication.activeWindow() is window, timeout=5000)

    def login(self, username: str, password: str, *, expect_success: bool = True) -> None:
        """Type the name and the password the way a clerk does: name, Enter, password, Enter."""
        self._activate(self.gui.login)
        self.qtbot.waitUntil(lambda: QApplication.focusWidget() is not None, timeout=3000)
        focus = QApplication.focusWidget()
        if focus is self.gui.login.password:  # the name is filled in already: check it
            self.shift_tab()
        self.select_all_and_type(username)
        self.enter()
        self.type(password)
        self.enter()
        if expect_success:
            self.qtbot.waitUntil(lambda: self.gui.window is not None and self.gui.window.isVisible(),
                                 timeout=30000)
            self.guard.allowed_windows.add(id(self.gui.window))
            self.fit_to_screen(self.gui.window)
            self.qtbot.waitExposed(self.gui.window)
            self._activate(self.gui.window)
        self.wait_idle()

    def sign_out(self) -> None:
        """System menu (Alt+S) → «Sign out» by the arrow keys, Enter: back at the login window."""
        menu = self.main.menu_system
        self.press("Alt+S")
        self.wait_until(lambda: menu.isVisible(), what="the System menu")
        for _ in range(len(menu.actions())):
            if menu.activeAction() is self.main._actions["logout"]:
                break
            self.press("Down")
        self.enter()
        self.wait_until(lambda: self.gui.window is None and self.gui.login.isVisible(),
                        what="the login window")
        self._activate(self.gui.login)

    def switch_language(self, language: str, in_dialog: Callable[[QWidget], None] | None = None) -> None:
        """Ctrl+, opens the settings; the language list (by each language's own name), Enter saves.
        `in_dialog(dialog)` looks at the settings dialog first."""
        from fundclient import catalogue
        from fundclient.ui import i18n

        def in_settings(dialog) -> None:
            self.assert_layout_ok()
            if in_dialog is not None:
                in_dialog(dialog)
            self.tab_to(lambda w: w is dialog.language)
            self.choose(catalogue.language_name(language))
            self.enter()  # the dialog's default button: Save

        with self.expect_dialog(in_settings, match=lambda w: w.objectName() == "settingsDialog"):
            self.press("Ctrl+,")
        self.wait_idle()
        assert i18n.current_language() == language

    # keys ----------------------------------------------------------------------------------
    def focus(self) -> QWidget | None:
        return QApplication.focusWidget()

    def _window_manager(self) -> None:
        """A dialog closed and no window is active: a window manager gives the focus back to
        the application's window (the offscreen platform has none to do it)."""
        if QApplication.activeWindow() is None:
            # Back to the dialog still open (a modal one that opened another) before the window.
            modal = QApplication.activeModalWidget()
            target = modal if modal is not None and modal.isVisible() else self.window
            if target.isVisible():
                self._activate(target)

    def _target_window(self):
        self._window_manager()
        widget = (QApplication.activeModalWidget() or QApplication.focusWidget()
                  or QApplication.activeWindow() or self.window)
        window = widget.window()
        handle = window.windowHandle()
        assert handle is not None, f"{_describe(window)} has no native window"
        return handle

    def key(self, key: Qt.Key, modifiers=Qt.KeyboardModifier.NoModifier, text: str = "") -> None:
        import shiboken6

        handle = self._target_window()
        QTest.sendKeyEvent(QTest.KeyAction.Press, handle, key, text, modifiers)
        if shiboken6.isValid(handle):  # the press may have closed its window (sign out, Esc)
            QTest.sendKeyEvent(QTest.KeyAction.Release, handle, key, text, modifiers)
        QApplication.processEvents()

    def press(self, shortcut: str) -> None:
        """A key or shortcut by name: 'Ctrl+S', 'Ctrl+Shift+L', 'Escape', 'F2', 'Down'."""
        combo = QKeySequence(shortcut)[0]
        key, mods = combo.key(), combo.keyboardModifiers()
        if key == Qt.Key.Key_Tab and mods & Qt.KeyboardModifier.ShiftModifier:
            key = Qt.Key.Key_Backtab
        text = ""
        if not mods & ~Qt.KeyboardModifier.ShiftModifier and len(shortcut) == 1:
            text = shortcut
        self.key(key, mods, text)

    def type(self, text: str) -> None:
        """Each character as a key press carrying it (Arabic letters, ١٢٣ digits, spaces)."""
        for ch in text:
            if ch == "\n":
                self.enter()
                continue
            if ch.isascii() and ch.isalnum():
                key = Qt.Key(QKeySequence(ch.upper())[0].key())
            elif ch == " ":
                key = Qt.Key.Key_Space
            else:
                key = Qt.Key.Key_unknown
            handle = self._target_window()
            QTest.sendKeyEvent(QTest.KeyAction.Press, handle, key, ch, Qt.KeyboardModifier.NoModifier)
            QTest.sendKeyEvent(QTest.KeyAction.Release, handle, key, ch, Qt.KeyboardModifier.NoModifier)
        QApplication.processEvents()

    def select_all_and_type(self, text: str) -> None:
        self.press("Ctrl+A")
        if text:
            self.type(text)
        else:
            self.key(Qt.Key.Key_Delete)

    def enter(self) -> None:
        self.key(Qt.Key.Key_Return)

    def tab(self, times: int = 1) -> None:
        for _ in range(times):
            self.key(Qt.Key.Key_Tab)

    def shift_tab(self, times: int = 1) -> None:
        for _ in range(times):
            self.key(Qt.Key.Key_Backtab, Qt.KeyboardModifier.ShiftModifier)

    def escape(self) -> None:
        self.key(Qt.Key.Key_Escape)

    def space(self) -> None:
        self.key(Qt.Key.Key_Space, text=" ")

    def choose(self, text: str, limit: int = 40) -> None:
        """In the focused list (combo box), press Down (or Up) until the shown choice
        contains `text` - the keyboard way, no mouse, no popup."""
        combo = QApplication.focusWidget()
        assert isinstance(combo, QComboBox), f"the focus is on {_describe(combo)}, not a list"
        want = _normal(text)
        for key in (Qt.Key.Key_Down, Qt.Key.Key_Up):
            for _ in range(limit):
                if want in _normal(combo.currentText()):
                    return
                before = combo.currentIndex()
                self.key(key)
                if combo.currentIndex() == before:
                    break
        raise AssertionError(f"«{text}» is not a choice of {_describe(combo)}: "
                             f"{[combo.itemText(i) for i in range(combo.count())]}")

    def field(self, text: str, then_enter: bool = True) -> None:
        """Type into the focused field (replacing what is there), then Enter to move on."""
        self.select_all_and_type(text)
        if then_enter:
            self.enter()

    def tab_to(self, match: Callable[[QWidget], bool], limit: int = 80, backwards: bool = False) -> QWidget:
        """Tab (or Shift+Tab) until the focused widget matches; fails after `limit` presses."""
        seen = []
        for _ in range(limit):
            focus = QApplication.focusWidget()
            if focus is not None and match(focus):
                return focus
            seen.append(_describe(focus) if focus is not None else "-")
            self.shift_tab() if backwards else self.tab()
        raise AssertionError("Tab never reached the wanted widget; focus went through: "
                             + " → ".join(seen))

    def tab_to_text(self, text: str, limit: int = 80, backwards: bool = False) -> QWidget:
        """Tab to the button/field whose visible text (or placeholder) contains `text`."""
        want = _normal(text)
        return self.tab_to(lambda w: want in _normal(_describe(w)), limit, backwards)

    # waiting -------------------------------------------------------------------------------
    def wait_idle(self, timeout_ms: int = 30000) -> None:
        """Every background op (QueryOp/CollectionOp) finished and its result delivered."""
        from fundclient.ui.ops import OpsHub, wait_for_writes

        hub = OpsHub.instance()
        deadline = time.monotonic() + _seconds(timeout_ms)
        while True:
            QApplication.processEvents()
            wait_for_writes(timeout=_seconds(timeout_ms))
            self.qtbot.waitUntil(lambda: hub.running == 0, timeout=timeout_ms)
            self.qtbot.wait(20)
            if hub.running == 0:
                return
            assert time.monotonic() < deadline, "background work did not finish"

    def wait_until(self, condition: Callable[[], bool], timeout_ms: int = 15000, what: str = "") -> None:
        try:
            self.qtbot.waitUntil(condition, timeout=timeout_ms)
        except Exception as exc:  # pytestqt TimeoutError: say what the person saw
            raise AssertionError(f"waited for {what or condition}; on screen: "
                                 f"{self.texts()[:60]}") from exc

    def wait_for_text(self, text: str, timeout_ms: int = 15000) -> None:
        self.wait_until(lambda: self.sees(text), timeout_ms, f"«{text}» on screen")

    # seeing --------------------------------------------------------------------------------
    def texts(self, root: QWidget | None = None) -> list[str]:
        return visible_texts(root or QApplication.activeWindow() or self.window)

    def sees(self, text: str, root: QWidget | None = None) -> bool:
        want = _normal(text)
        return any(want in shown for shown in self.texts(root))

    def assert_sees(self, *texts: str, root: QWidget | None = None) -> None:
        shown = self.texts(root)
        missing = [t for t in texts if not any(_normal(t) in s for s in shown)]
        assert not missing, f"not on screen: {missing}\nvisible texts: {shown}"

    def assert_not_sees(self, *texts: str, root: QWidget | None = None) -> None:
        shown = self.texts(root)
        present = [t for t in texts if any(_normal(t) in s for s in shown)]
        assert not present, f"should not be on screen: {present}\nvisible texts: {shown}"

    def assert_focus_visible(self) -> None:
        problems = focus_problems(QApplication.focusWidget())
        assert not problems, "; ".join(problems)

    def assert_buttons_fit(self, root: QWidget | None = None) -> None:
        problems = button_problems(root or QApplication.activeWindow() or self.window)
        assert not problems, "\n".join(problems)

    def assert_window_fits(self) -> None:
        window = self.window
        width, height = self.size
        assert window.width() <= width and window.height() <= height, (
            f"the window is {window.width()}x{window.height()} ({window.windowState()}) on a "
            f"{width}x{height} screen "
            f"(minimum {window.minimumSizeHint().width()}x{window.minimumSizeHint().height()})")

    def assert_no_unasked_windows(self) -> None:
        unasked = self.guard.unasked()
        assert not unasked, "windows appeared that nobody asked for:\n" + "\n".join(
            f"- {w.kind} «{w.title}»: {w.texts[:12]}" for w in unasked)

    def assert_layout_ok(self) -> None:
        """What every step of a journey checks: the window fits the screen, the focused widget
        is in view, no visible button is clipped or outside the window, no stray dialog."""
        QApplication.processEvents()
        self._window_manager()
        self.assert_window_fits()
        self.assert_focus_visible()
        self.assert_buttons_fit()
        self.assert_no_unasked_windows()

    # dialogs -------------------------------------------------------------------------------
    @contextlib.contextmanager
    def expect_dialog(self, handle: Callable[[QWidget], None],
                      match: Callable[[QWidget], bool] | None = None, timeout_ms: int = 15000):
        """Announce a dialog the next actions will open; `handle(dialog)` runs once it is shown
        (inside its exec() loop) and must close it, usually with keys (`j.enter()`)."""
        done: list[bool] = []

        def run(dialog: QWidget) -> None:
            try:
                # A person sees the dialog come up and then types into it.
                self.qtbot.waitUntil(lambda: QApplication.activeWindow() is dialog, timeout=5000)
                handle(dialog)
            except BaseException:
                # A failed step must fail the test, not leave its dialog's exec() waiting forever.
                if isinstance(dialog, QDialog) and dialog.isVisible():
                    dialog.reject()
                raise
            finally:
                done.append(True)

        self.guard.expect(match or (lambda w: isinstance(w, QDialog)), run)
        yield
        self.wait_until(lambda: bool(done), timeout_ms, "the expected dialog")
        QApplication.processEvents()

    @contextlib.contextmanager
    def expect_window(self, match: Callable[[QWidget], bool], timeout_ms: int = 15000):
        """Announce a window (or a dialog opened with open(), which does not block) that the
        next actions will show; yields a list that holds it once shown, and waits for it."""
        shown: list[QWidget] = []
        self.guard.expect(match, shown.append)
        yield shown
        self.wait_until(lambda: bool(shown) and shown[0].isVisible(), timeout_ms, "the expected window")
        self._activate(shown[0])
        QApplication.processEvents()

    # pictures ------------------------------------------------------------------------------
    def screenshot(self, name: str, widget: QWidget | None = None) -> Path:
        """Grab the window to PNG. At 1366x768 the picture is the docs' one
        (docs/screenshots/NAME-LANG.png); at other sizes it goes to the test's tmp dir."""
        from fundclient.ui import i18n

        QApplication.processEvents()
        target = widget or QApplication.activeWindow() or self.window
        stem = f"{name}-{i18n.current_language()}"
        folder = self.shots_dir
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"{stem}.png"
        assert target.grab().save(str(path)), f"could not write {path}"
        self.shots.append(path)
        return path

    # the end -------------------------------------------------------------------------------
    def close(self) -> None:
        from fundclient.ui.ops import wait_for_writes

        import shiboken6

        try:
            wait_for_writes(timeout=30)
        finally:
            gui = self.gui
            if gui.window is not None:
                gui.logout()
            if not shiboken6.isValid(gui.login):  # closed already by the journey (several sessions)
                return
            gui.login.close()
            gui.login.deleteLater()
            QApplication.processEvents()
