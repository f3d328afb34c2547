"""Auto-lock: an app-wide idle timer and the lock page that asks for the same password.

The lock page covers the work (beneficiaries' personal data must not stay on an
unattended screen) but does not close anything: the form underneath keeps its contents.
"""

from __future__ import annotations

from typing import Callable

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import (QApplication, QHBoxLayout, QLabel, QLineEdit, QPushButton,
                               QVBoxLayout, QWidget)

from fundclient.errors import FundError
from fundclient.ui.i18n import current_language
from fundclient.ui.errors import error_text
from fundclient.ui.fonts import ui_font
from fundclient.ui.ops import QueryOp
from fundclient.ui.login import KeyboardLayoutHint

try:  # the storage package needs the DB driver; the lock screen must still import without it
    from fundclient.storage.errors import AccountLocked, WrongPassword
except ImportError:  # pragma: no cover - only on a broken install
    AccountLocked = WrongPassword = type("_Never", (Exception,), {})

_ACTIVITY = {
    QEvent.Type.KeyPress, QEvent.Type.MouseButtonPress, QEvent.Type.MouseMove,
    QEvent.Type.Wheel, QEvent.Type.TouchBegin, QEvent.Type.InputMethod,
}


class IdleWatcher(QObject):
    """Emits `idle` after `minutes` without keyboard/mouse activity anywhere in the app."""

    idle = Signal()

    def __init__(self, minutes: int, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.timeout.connect(self.idle)
        self.set_minutes(minutes)
        app = QApplication.instance()
        if app is not None:
            app.installEventFilter(self)

    def set_minutes(self, minutes: float) -> None:
        self.minutes = minutes
        if minutes and minutes > 0:
            self.timer.setInterval(int(minutes * 60_000))
            self.timer.start()
        else:
            self.timer.stop()  # 0 = never lock (e.g. a supervisor's own PC)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() in _ACTIVITY and self.minutes and self.minutes > 0:
            self.timer.start()
        return False

    def stop(self) -> None:
        app = QApplication.instance()
        if app is not None:
            app.removeEventFilter(self)
        self.timer.stop()


class LockScreen(QWidget):
    """Asks the signed-in operator's password; `verify(password)` raises AuthError if wrong."""

    unlocked = Signal()
    switch_user = Signal()

    def __init__(self, operator_name: str, verify: Callable[[str], object],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("lockScreen")
        self.operator_name = operator_name
        self.verify = verify
        self.title = QLabel()
        self.title.setFont(ui_font(18, bold=True))
        self.title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.who = QLabel()
        self.who.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.password = QLineEdit()
        self.password.setObjectName("lockPassword")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.setMaximumWidth(360)
        self.error = QLabel()
        self.error.setObjectName("lockError")
        self.error.setStyleSheet("color: #a40000; font-weight: bold;")
        self.error.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.error.setWordWrap(True)
        self.layout_hint = KeyboardLayoutHint(self.password)
        self.by_person = False  # locked with Ctrl+L (not after a period without use)
        self.unlock_button = QPushButton()
        self.unlock_button.setObjectName("unlockButton")
        self.unlock_button.setDefault(True)
        self.switch_button = QPushButton()
        self.switch_button.setFlat(True)
        layout = QVBoxLayout(self)
        layout.addStretch(1)
        for widget in (self.title, self.who):
            layout.addWidget(widget)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(self.password)
        row.addWidget(self.unlock_button)
        row.addStretch(1)
        layout.addLayout(row)
        layout.addWidget(self.layout_hint)
        self.layout_hint.refresh()  # hidden until Arabic letters are typed
        layout.addWidget(self.error)
        layout.addWidget(self.switch_button, 0, Qt.AlignmentFlag.AlignCenter)
        layout.addStretch(2)
        self.unlock_button.clicked.connect(self.submit)
        self.password.returnPressed.connect(self.submit)
        self.switch_button.clicked.connect(self.switch_user)
        self.retranslate_ui()

    def retranslate_ui(self) -> None:
        self.title.setText(self.tr("The system is locked"))
        if self.by_person:
            who = self.tr("You locked the screen (Ctrl+L). %1, enter your password to continue "
                          "where you left off.")
        else:
            who = self.tr("Locked after a period without use. %1, enter your password to "
                          "continue where you left off.")
        self.who.setText(who.replace("%1", self.operator_name))
        self.unlock_button.setText(self.tr("Unlock"))
        self.switch_button.setText(self.tr("Sign out (unsaved work will be lost)"))

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate_ui()
        super().changeEvent(event)

    def activate(self, *, by_person: bool = False) -> None:
        self.by_person = by_person
        self.retranslate_ui()
        self.password.clear()
        self.error.clear()
        self.layout_hint.last_failed_arabic = False
        self.layout_hint.refresh()
        self.password.setFocus()

    def submit(self) -> None:
        password = self.password.text()
        if not password:
            return
        self.unlock_button.setEnabled(False)
        QueryOp(parent=self, op=lambda: self.verify(password), success=self._ok) \
            .failure(self._failed).run_in_background()

    def _ok(self, _result) -> None:
        self.unlock_button.setEnabled(True)
        self.password.clear()
        self.error.clear()
        self.unlocked.emit()

    def _failed(self, exc: BaseException) -> None:
        self.unlock_button.setEnabled(True)
        self.layout_hint.note_failure(self.password.text())
        self.password.clear()
        self.password.setFocus()
        # Wrong passwords here count toward the same lockout as the login screen: say so,
        # with the tries left, instead of a silent lockout at the sixth.
        if isinstance(exc, WrongPassword):
            text = self.tr("Wrong password.")
            if exc.tries_left is not None:
                text += " " + exc.tries_left.in_language(current_language())
        elif isinstance(exc, AccountLocked):
            text = error_text(exc) + " " + self.tr("Your work stays on screen under this lock; "
                                                   "enter the password after that time, or sign "
                                                   "out (unsaved work will be lost).")
        elif isinstance(exc, FundError):
            text = error_text(exc)
        else:
            text = self.tr("Could not check the password.")
        self.error.setText(text)
