"""The keyboard rules of every screen, in one place (an application-wide event filter).

1. **Enter presses the focused button.** Clerks keep their hands on the keyboard and the
   registration form teaches them Enter to go on; Qt itself presses a focused button with
   Enter only inside dialogs or when the button is "auto default", so on most screens only
   Space worked. Here Enter and the keypad's Enter press any focused, enabled button (push
   buttons, tool buttons, check boxes, radio buttons) on every screen and in every dialog —
   except a check box or radio button already chosen: there Enter goes on to the window's
   default (a wizard's Next, a dialog's OK), so "Space to tick, Enter to go on" works; Space
   unticks.
   Enter inside a field is left alone, so the form's Enter-to-next-field keeps working.
2. **The focused widget is always visible.** When the focus moves by keyboard or by the
   program (a new dependant block, a problem link, the first field of a step) into a
   widget inside a `QScrollArea`, every scroll area around it scrolls so that the widget
   (with a margin for its label above and its message below) is on screen. Typing into a
   widget that has been pushed out of sight (a message appeared above it) brings it back.
   A mouse click never scrolls: the person already sees what they clicked.
3. **Focus is never lost for good.** A focused button that disables itself while it works
   ("Send now" while sending) loses the focus; it gets it back when it is enabled again.
4. **Tab leaves tables and lists.** Qt's item views move between cells with Tab, so a
   keyboard user could never leave the day-close table; here Tab goes to the next control
   and the arrow keys move inside the view.

`install(app)` is called once by `ui.main.prepare_app`; calling it again does nothing.
"""

from __future__ import annotations

import atexit

import shiboken6
from PySide6.QtCore import QEvent, QObject, QRect, Qt, QTimer
from PySide6.QtGui import QFocusEvent, QKeyEvent
from PySide6.QtWidgets import (QAbstractButton, QAbstractItemView, QAbstractScrollArea, QApplication,
                               QCheckBox, QRadioButton, QScrollArea, QWidget)

ENTER_KEYS = (Qt.Key.Key_Return, Qt.Key.Key_Enter)
# The only events the rules look at; every other event passes untouched (Qt also sends events
# to widgets it is destroying, which must not be touched from Python).
_WATCHED_EVENTS = frozenset({QEvent.Type.Polish, QEvent.Type.KeyPress, QEvent.Type.FocusIn,
                             QEvent.Type.FocusOut, QEvent.Type.EnabledChange, QEvent.Type.Move})
# Room kept around the focused widget: a field's label above it, its message under it.
VISIBLE_MARGIN_X = 24
VISIBLE_MARGIN_Y = 48
_IGNORED_MODIFIERS = Qt.KeyboardModifier.KeypadModifier


def is_enter(event: QKeyEvent) -> bool:
    """Return / keypad Enter without Ctrl, Alt, Shift or Meta."""
    modifiers = event.modifiers() & ~_IGNORED_MODIFIERS
    return event.key() in ENTER_KEYS and modifiers == Qt.KeyboardModifier.NoModifier


def scroll_areas_around(widget: QWidget) -> list[QScrollArea]:
    """The scroll areas that contain `widget`, innermost first."""
    found = []
    parent = widget.parentWidget()
    while parent is not None:
        if isinstance(parent, QScrollArea) and parent.widget() is not None \
                and parent.widget().isAncestorOf(widget):
            found.append(parent)
        parent = parent.parentWidget()
    return found


def is_visible_in(area: QScrollArea, widget: QWidget) -> bool:
    """Is all of `widget` inside the scroll area's viewport?"""
    viewport = area.viewport()
    top_left = widget.mapTo(viewport, widget.rect().topLeft())
    return viewport.rect().contains(QRect(top_left, widget.size()))


def _scroll_by(bar, delta: int) -> None:
    bar.setValue(max(bar.minimum(), min(bar.maximum(), bar.value() + delta)))


def _shift_needed(start: int, length: int, view: int, margin: int) -> int:
    """How far the content must move (positive: towards the start) so that the span
    [start, start + length) is inside [0, view) with `margin` around it where it fits."""
    margin = min(margin, max(0, (view - length) // 2))
    if start - margin < 0:
        return start - margin
    if start + length + margin > view:
        return min(start + length + margin - view, start - margin) if length <= view else start
    return 0


def _scrolled_content(widget: QWidget) -> bool:
    """The widget a scroll area scrolls (it moves when the person scrolls)."""
    parent = widget.parentWidget()
    return parent is not None and isinstance(parent.parentWidget(), QAbstractScrollArea) \
        and parent is parent.parentWidget().viewport()


def ensure_visible(widget: QWidget) -> None:
    """Scroll every scroll area around `widget` (innermost first) so that it is on screen.

    Not `QScrollArea.ensureWidgetVisible`: in a right-to-left layout it scrolls the
    horizontal bar the wrong way (the Arabic UI is right to left)."""
    # A block that was just added has no geometry until its layout ran: run it now.
    QApplication.sendPostedEvents(None, QEvent.Type.LayoutRequest)
    for area in scroll_areas_around(widget):
        inner = area.widget()
        if inner.layout() is not None:
            inner.layout().activate()
        viewport = area.viewport()
        top_left = widget.mapTo(viewport, widget.rect().topLeft())
        dy = _shift_needed(top_left.y(), widget.height(), viewport.height(), VISIBLE_MARGIN_Y)
        if dy:
            _scroll_by(area.verticalScrollBar(), dy)
        dx = _shift_needed(top_left.x(), widget.width(), viewport.width(), VISIBLE_MARGIN_X)
        if dx:
            # Mirrored: in right-to-left the bar's value grows as the content moves right.
            _scroll_by(area.horizontalScrollBar(), -dx if area.isRightToLeft() else dx)


class KeyboardRules(QObject):
    """The application-wide event filter (see the module docstring)."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._pending: QWidget | None = None
        self._return_to: QWidget | None = None
        self._auto_focus: QWidget | None = None
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(0)
        self._timer.timeout.connect(self._ensure_pending)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt API
        # Qt also sends events to widgets it is destroying (a closing print dialog's combo
        # boxes): touching those from Python raises, then crashes. Leave them alone.
        if event.type() not in _WATCHED_EVENTS or not shiboken6.isValid(watched):
            return False
        try:
            return self._filter(watched, event)
        except RuntimeError:  # deleted between the check and the use
            return False

    def _filter(self, watched: QObject, event: QEvent) -> bool:
        kind = event.type()
        if kind == QEvent.Type.Polish and isinstance(watched, QAbstractItemView):
            # Tab leaves a table or list (arrows move inside it): no keyboard trap.
            watched.setTabKeyNavigation(False)
            return False
        if kind == QEvent.Type.KeyPress and isinstance(event, QKeyEvent):
            return self._key_press(watched, event)
        if kind == QEvent.Type.Move:
            # A layout moved the focused widget or a block holding it (a hint grew, buttons went
            # onto a second line): it stays in view, as when it got the focus. Scrolling moves a
            # scroll area's content: that is the person's doing, left alone.
            focus = QApplication.focusWidget()
            if focus is not None and isinstance(watched, QWidget) \
                    and (watched is focus or watched.isAncestorOf(focus)) \
                    and not _scrolled_content(watched) \
                    and not all(is_visible_in(a, focus) for a in scroll_areas_around(focus)):
                self.keep_visible(focus)
            return False
        if kind == QEvent.Type.FocusIn and isinstance(event, QFocusEvent) \
                and isinstance(watched, QWidget):
            if self._return_to is not None and watched is not self._return_to:
                if self._auto_focus is None:
                    self._auto_focus = watched  # where Qt put the focus after the disable
                else:
                    self._return_to = None  # the person moved on: leave the focus alone
            if event.reason() != Qt.FocusReason.MouseFocusReason:
                self.keep_visible(watched)
        if kind == QEvent.Type.FocusOut and isinstance(watched, QAbstractButton) \
                and not watched.isEnabled():
            self._return_to = watched  # lost the focus because it was disabled
            self._auto_focus = None
        elif kind == QEvent.Type.EnabledChange and isinstance(watched, QAbstractButton):
            self._enabled_changed(watched)
        return False

    def _enabled_changed(self, widget: QWidget) -> None:

        """A button disabled while it works ("Send now" while sending) loses the focus; when
        it is enabled again and the person has not moved the focus since (it is where Qt put
        it, or nowhere), it gets the focus back: the keyboard user is never left nowhere."""
        if not widget.isEnabled():
            return  # noted when it lost the focus (FocusOut comes first)
        if widget is not self._return_to:
            return
        self._return_to = None
        focus = QApplication.focusWidget()
        if widget.isVisible() and (focus is None or not focus.isVisible()
                                   or focus is self._auto_focus):
            widget.setFocus(Qt.FocusReason.OtherFocusReason)

    def _key_press(self, watched: QObject, event: QKeyEvent) -> bool:
        if isinstance(watched, QAbstractButton) and is_enter(event):
            if isinstance(watched, (QRadioButton, QCheckBox)) and watched.isChecked():
                return False  # already chosen: Enter goes on (a wizard page's or dialog's default)
            if not event.isAutoRepeat() and watched.isEnabled() and watched.isVisible():
                watched.click()
            return True  # handled: a held-down Enter never presses the button again
        if isinstance(watched, QWidget) and watched is QApplication.focusWidget():
            if not all(is_visible_in(a, watched) for a in scroll_areas_around(watched)):
                self.keep_visible(watched)
        return False

    def keep_visible(self, widget: QWidget) -> None:
        """Now and once more after the pending layouts ran (a new block is laid out later)."""
        if not scroll_areas_around(widget):
            return
        ensure_visible(widget)
        self._pending = widget
        self._timer.start()

    def _ensure_pending(self) -> None:
        widget, self._pending = self._pending, None
        try:
            if widget is not None and widget.hasFocus():
                ensure_visible(widget)
        except RuntimeError:  # the widget was deleted meanwhile
            pass


_rules: KeyboardRules | None = None


def install(app: QApplication | None = None) -> KeyboardRules:
    """Install the rules on the application once; returns the filter."""
    global _rules
    app = app or QApplication.instance()
    if _rules is None:
        _rules = KeyboardRules(app)
        app.installEventFilter(_rules)
        atexit.register(uninstall)  # before PySide's own shutdown (registered earlier)
    return _rules


def uninstall() -> None:
    global _rules
    app = QApplication.instance()
    if _rules is not None and app is not None:
        app.removeEventFilter(_rules)
    _rules = None
