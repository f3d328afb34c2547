"""Login screen (operator + password) and the one function that turns them into a session.

Opening the encrypted store derives a key from the password (slow on purpose), so it runs
in a QueryOp: the window stays responsive and shows "Checking…" meanwhile. The first sign-in
after an update may also prepare the office's records for the new version (the duplicate
check's keys made again: minutes at a million records, `storage.duplicate_rule`); the window
then says so, with how far it has got (`storage.upgrade_progress`).
"""

from __future__ import annotations

import unicodedata
from pathlib import Path
from typing import Callable

from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtWidgets import (QFormLayout, QFrame, QHBoxLayout, QLabel, QLineEdit,
                               QProgressBar, QPushButton, QVBoxLayout, QWidget)

from fundclient.config import Settings
from fundclient.errors import USER_NAME, FundError
from fundclient.ui import i18n
from fundclient.ui.errors import error_text
from fundclient.ui.fonts import ui_font
from fundclient.ui.labels import reference_label
from fundclient.ui.ops import QueryOp
from fundclient import __version__
from fundclient.services.session import login

LoginFn = Callable[[Path, str, str], object]


def has_arabic_letters(text: str) -> bool:
    """User names and passwords are Latin: Arabic letters mean the keyboard is in Arabic."""
    return any(unicodedata.name(ch, "").startswith("ARABIC") and ch.isalpha() for ch in text)


class KeyboardLayoutHint(QLabel):
    """Says so while a watched field holds Arabic letters (the keyboard is in Arabic but user
    names and passwords are Latin). Shared by the login and lock screens."""

    def __init__(self, *fields: QLineEdit) -> None:
        super().__init__()
        self.setObjectName("keyboardLayoutHint")
        self.setWordWrap(True)
        self.setStyleSheet("background:#fff3cd; color:#5c3b00; font-weight:bold; padding:4px;")
        self.fields = fields
        self.last_failed_arabic = False  # the password that just failed was typed in Arabic
        for field in fields:
            field.textChanged.connect(self.refresh)
        self.retranslate_ui()

    def retranslate_ui(self) -> None:
        self.setText(self.tr("The keyboard is typing Arabic letters, but user names and passwords "
                             "are in Latin letters. Switch the keyboard to English (Alt+Shift) "
                             "and type again."))
        self.refresh()

    def refresh(self) -> None:
        if self.parentWidget() is None:
            return  # not in its page yet: showing it now would open a window of its own
        typed = any(has_arabic_letters(field.text()) for field in self.fields)
        self.setVisible(typed or (self.last_failed_arabic and
                                  not any(field.text() for field in self.fields[-1:])))

    def note_failure(self, password: str) -> None:
        self.last_failed_arabic = has_arabic_letters(password)
        self.refresh()

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt name
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate_ui()
        super().changeEvent(event)


def default_login(data_dir: Path, username: str, password: str):
    # lazy: start-up (SQLCipher)
    from fundclient.storage.engine import GUI_MEMORY_MIB, GUI_SIGN_IN_MEMORY_MIB, limit_memory

    session = login(data_dir, username, password)
    # A day-long process on a 4 GB PC (docs/performance.md): the day's cap once the main
    # window's pages exist (MainWindow settles it), a larger one for the reads of sign-in.
    limit_memory(GUI_SIGN_IN_MEMORY_MIB, once_settled=GUI_MEMORY_MIB)
    return session


class LoginScreen(QWidget):
    """Emits `logged_in(session)` after a successful login."""

    logged_in = Signal(object)
    language_toggled = Signal()

    def __init__(self, data_dir: Path, settings: Settings, login_fn: LoginFn = default_login,
                 parent: QWidget | None = None, *, hint: str = "") -> None:
        super().__init__(parent)
        self.setObjectName("loginScreen")
        self.hint_text = hint  # demo mode: the demo users and passwords
        self.data_dir = data_dir
        self.settings = settings
        self.login_fn = login_fn
        self.busy = False
        self._upgrade: tuple[int, int, str] | None = None  # (done, total, stage) of the upgrade under way
        self._build()
        self.retranslate_ui()

    def _build(self) -> None:
        self.fund_label = QLabel(self.settings.fund_name)
        self.fund_label.setFont(ui_font(16, bold=True))
        self.fund_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.fund_label.setWordWrap(True)
        self.system_label = QLabel()
        self.system_label.setFont(ui_font(14))
        self.system_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.office_label = QLabel()
        self.office_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.username = QLineEdit()
        self.username.setObjectName("username")
        self.password = QLineEdit()
        self.password.setObjectName("password")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.hint = QLabel(self.hint_text)
        self.hint.setObjectName("loginHint")
        self.hint.setWordWrap(True)
        self.hint.setStyleSheet("color: #1d4f91;")
        self.error = QLabel()
        self.error.setObjectName("loginError")
        self.error.setWordWrap(True)
        self.error.setStyleSheet("color: #a40000; font-weight: bold;")
        self.error.hide()
        self.layout_hint = KeyboardLayoutHint(self.username, self.password)
        self.upgrade_note = QLabel()
        self.upgrade_note.setObjectName("upgradeProgress")
        self.upgrade_note.setWordWrap(True)
        self.upgrade_note.setStyleSheet("color: #1d4f91; font-weight: bold;")
        self.upgrade_bar = QProgressBar()
        self.upgrade_bar.setObjectName("upgradeBar")
        self.upgrade_bar.setTextVisible(False)  # the note says how far, in the user's digits
        self.login_button = QPushButton()
        self.login_button.setObjectName("loginButton")
        self.login_button.setDefault(True)
        self.language_button = QPushButton()
        self.language_button.setObjectName("languageButton")
        self.language_button.setFlat(True)

        form = QFormLayout()
        self.user_caption = QLabel()
        self.password_caption = QLabel()
        self.user_caption.setBuddy(self.username)
        self.password_caption.setBuddy(self.password)
        form.addRow(self.user_caption, self.username)
        form.addRow(self.password_caption, self.password)

        card = QFrame()
        card.setObjectName("loginCard")
        card.setFrameShape(QFrame.Shape.StyledPanel)
        card.setMaximumWidth(520)
        inner = QVBoxLayout(card)
        inner.setSpacing(14)
        inner.addWidget(self.fund_label)
        inner.addWidget(self.system_label)
        inner.addWidget(self.office_label)
        inner.addLayout(form)
        inner.addWidget(self.hint)
        inner.addWidget(self.layout_hint)
        self.layout_hint.refresh()  # hidden until Arabic letters are typed
        self.hint.setVisible(bool(self.hint_text))  # once inside the card: never a window of its own
        inner.addWidget(self.error)
        inner.addWidget(self.upgrade_note)
        inner.addWidget(self.upgrade_bar)
        self.upgrade_note.hide()  # once inside the card: never a window of its own
        self.upgrade_bar.hide()
        inner.addWidget(self.login_button)
        inner.addWidget(self.language_button, 0, Qt.AlignmentFlag.AlignCenter)

        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(card, 3)
        row.addStretch(1)
        outer = QVBoxLayout(self)
        outer.addStretch(1)
        outer.addLayout(row)
        outer.addStretch(2)
        self.version_label = QLabel()
        self.version_label.setObjectName("versionLabel")
        self.version_label.setStyleSheet("color: #666;")
        outer.addWidget(self.version_label, 0, Qt.AlignmentFlag.AlignCenter)

        self.login_button.clicked.connect(self.submit)
        self.password.returnPressed.connect(self.submit)
        self.username.returnPressed.connect(self.password.setFocus)
        self.language_button.clicked.connect(self.language_toggled)
        self.setTabOrder(self.username, self.password)
        self.setTabOrder(self.password, self.login_button)
        self.setTabOrder(self.login_button, self.language_button)

    def retranslate_ui(self) -> None:
        self.setWindowTitle(self.tr("Sign in – Registration system"))
        self.system_label.setText(self.tr("Beneficiary registration system"))
        office = self.settings.office_code
        self.office_label.setText(self.tr("Office: %1").replace("%1", reference_label("offices", office))
                                  if office else "")
        self.office_label.setVisible(bool(office))
        # The same word as in the messages about it (fundclient.errors.USER_NAME).
        self.user_caption.setText("&" + USER_NAME.in_language(i18n.current_language()))
        self.password_caption.setText(self.tr("&Password"))
        self.login_button.setText(self.tr("Checking…") if self.busy else self.tr("Sign in"))
        # Always offered in the *other* language, so a person who cannot read this one finds it.
        other = "en" if i18n.current_language() == "ar" else "ar"
        self.language_button.setText(i18n.language_name(other))  # in its own language: "العربية", "English"
        self.username.setPlaceholderText(self.tr("e.g. ahmed"))

        self.version_label.setText(self.tr("Version %1").replace("%1", __version__))
        self._show_upgrade()

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate_ui()
        super().changeEvent(event)

    def showEvent(self, event) -> None:
        super().showEvent(event)
        (self.password if self.username.text() else self.username).setFocus()

    def submit(self) -> None:
        if self.busy:
            return
        username = self.username.text().strip()
        password = self.password.text()
        if not username or not password:
            self.show_error(self.tr("Enter your user name and password."))
            return
        self.busy = True
        self.login_button.setEnabled(False)
        self.error.hide()
        self.retranslate_ui()
        op = QueryOp(parent=self, op=lambda: self._sign_in(username, password, op.progress),
                     success=self._on_success).failure(self._on_failure)
        op.progress.updated.connect(self._on_upgrade_progress)
        op.run_in_background()

    def _sign_in(self, username: str, password: str, progress) -> object:
        """On the worker thread: the login, the store's upgrade (if any) told to `progress`."""
        from fundclient.storage.upgrade_progress import reporting  # lazy: start-up (light, but only at sign-in)

        with reporting(lambda stage, done, total: progress.update(done, total, stage)):
            return self.login_fn(self.data_dir, username, password)

    def _on_upgrade_progress(self, done: int, total: int, stage: str) -> None:
        self._upgrade = (done, total, stage)
        self._show_upgrade()

    def _show_upgrade(self) -> None:
        """What the clerk sees while the office's records are prepared for the new version."""
        if self._upgrade is None:
            self.upgrade_note.hide()
            self.upgrade_bar.hide()
            return
        from fundclient.storage.upgrade_progress import said  # lazy: start-up (light, but only at sign-in)

        done, total, stage = self._upgrade
        self.upgrade_note.setText(said(stage, done, total).in_language(i18n.current_language()))
        if stage == "index":
            self.upgrade_bar.setRange(0, 0)  # no count for the last step: the bar moves
        else:
            self.upgrade_bar.setRange(0, max(1, total))
            self.upgrade_bar.setValue(min(done, max(1, total)))
        self.upgrade_note.show()
        self.upgrade_bar.show()

    def _done(self) -> None:
        self.busy = False
        self._upgrade = None
        self.login_button.setEnabled(True)
        self.retranslate_ui()

    def _on_success(self, session) -> None:
        self._done()
        self.password.clear()
        self.logged_in.emit(session)

    def _on_failure(self, exc: BaseException) -> None:
        self._done()
        self.layout_hint.note_failure(self.password.text())
        self.password.clear()
        self.password.setFocus()
        if isinstance(exc, FundError):
            self.show_error(error_text(exc))
        elif isinstance(exc, ImportError):
            self.show_error(self.tr("The database part of the system is not installed."))
        else:
            self.show_error(error_text(exc))

    def show_not_set_up(self) -> None:
        self.show_error(self.tr("This computer is not set up yet. Ask the IT team to set up the office."))

    def show_error(self, text: str) -> None:
        self.error.setText(text)
        self.error.show()
