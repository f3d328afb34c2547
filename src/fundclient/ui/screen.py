"""Base of every page in the main window: live retranslation and change notifications."""

from __future__ import annotations

from PySide6.QtCore import QEvent, Signal
from PySide6.QtWidgets import QWidget


class Screen(QWidget):
    """A page of the main window's stack.

    Subclasses build their widgets once, put every visible string in `retranslate_ui()`
    (called at construction and on every language switch, so typed text stays), and
    refresh in `on_changes(changes, initiator)` when a write anywhere changed data.
    """

    # A page that can be taller than what a 768-pixel screen leaves (the sync page of a
    # supervisor: enrolment, answers, history, refused batches) sets this: the main window
    # then puts it in a scroll area, so it scrolls instead of making the window taller than
    # the screen. Other pages fit (tests/ui/test_window_fit.py) and are placed as they are.
    scroll_in_page = False

    # Ask the main window to show another screen: ("record", record_id), ("search", None)...
    navigate = Signal(str, object)
    title_changed = Signal()

    def __init__(self, session=None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session

    @classmethod
    def nav_title(cls) -> str:
        """The page's name (navigation list, window title): known before the page is built,
        since the main window builds its pages lazily (ui/screens.py)."""
        return ""

    def title(self) -> str:
        """The name shown now (a page may add a count: «أُرجعت إليّ (٢)»)."""
        return self.nav_title() or self.windowTitle()

    def retranslate_ui(self) -> None:
        """Set every visible string (override)."""

    def on_changes(self, changes, initiator) -> None:
        """Data changed somewhere (a `Changes`); refresh what is shown (override)."""

    def on_shown(self) -> None:
        """The screen became the visible page (override: focus the first field)."""

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate_ui()
            self.title_changed.emit()
        super().changeEvent(event)
