"""Keyboard-only entry: Enter moves to the next field; on a step's last field, to the next step.

Clerks coming from paper forms (and from the old DOS-era systems) expect Enter, not Tab,
to move on. Tab still works as usual; Shift+Enter goes back one field.
"""

from __future__ import annotations

from typing import Callable

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QAbstractButton, QComboBox, QWidget

ENTER_KEYS = (Qt.Key.Key_Return, Qt.Key.Key_Enter)


class EnterNavigator(QObject):
    """Event filter installed on every editor of the form.

    `order()` returns the editors of the current step in entry order (visible, enabled
    ones only); `at_end()` is called when Enter is pressed on the last of them.
    """

    def __init__(self, order: Callable[[], list[QWidget]], at_end: Callable[[], None],
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._order = order
        self._at_end = at_end

    def watch(self, *editors: QWidget) -> None:
        for editor in editors:
            editor.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt API
        if event.type() != QEvent.Type.KeyPress or not isinstance(event, QKeyEvent):
            return False
        if event.key() not in ENTER_KEYS:
            return False
        if isinstance(watched, QComboBox) and watched.view().isVisible():
            return False  # Enter picks the highlighted item in an open list
        if isinstance(watched, QAbstractButton):
            return False  # Enter on a button presses it
        backwards = bool(event.modifiers() & Qt.KeyboardModifier.ShiftModifier)
        self.move_from(watched, backwards=backwards)
        return True

    def move_from(self, current: QObject, *, backwards: bool = False) -> None:
        editors = [e for e in self._order() if e.isVisibleTo(e.window()) and e.isEnabled()]
        if current not in editors:
            if editors:
                editors[0].setFocus(Qt.FocusReason.TabFocusReason)
            return
        index = editors.index(current) + (-1 if backwards else 1)
        if index < 0:
            return
        if index >= len(editors):
            self._at_end()
            return
        target = editors[index]
        target.setFocus(Qt.FocusReason.TabFocusReason)
        if hasattr(target, "selectAll"):
            target.selectAll()
