"""Every dialog fits the screen it opens on (a 1024x768 office PC included).

An application-wide event filter: when a dialog is shown, it is made no larger than the
screen's free area (taskbar excluded) and moved fully onto it. Dialogs set a comfortable
default size for large screens; this rule keeps that size from pushing Save or Close below
the taskbar on a small one. Main windows use `ui.main.show_fitted`.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, QSize
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication, QDialog

FRAME_ALLOWANCE = QSize(16, 48)  # window frame and title bar


class DialogFit(QObject):
    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt API
        if event.type() == QEvent.Type.Show and isinstance(watched, QDialog) and watched.isWindow():
            fit_on_screen(watched)
        return False


def fit_on_screen(window) -> None:
    screen = window.screen() or QGuiApplication.primaryScreen()
    if screen is None:
        return
    free = screen.availableGeometry()
    room = free.size() - FRAME_ALLOWANCE
    if window.width() > room.width() or window.height() > room.height():
        window.resize(window.size().boundedTo(room).expandedTo(window.minimumSize()))
    geometry = window.frameGeometry()
    x = min(max(geometry.x(), free.left()), max(free.left(), free.right() - geometry.width()))
    y = min(max(geometry.y(), free.top()), max(free.top(), free.bottom() - geometry.height()))
    if (x, y) != (geometry.x(), geometry.y()):
        window.move(x, y)


_fit: DialogFit | None = None


def install(app: QApplication | None = None) -> DialogFit:
    global _fit
    app = app or QApplication.instance()
    if _fit is None:
        _fit = DialogFit(app)
        app.installEventFilter(_fit)
    return _fit
