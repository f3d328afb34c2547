"""Errors -> words a clerk can act on, in the current UI language.

A `FundError` carries its own bilingual `Message`; we show the half matching the UI
language. Anything else is a bug: log it with the traceback (no personal data is in an
exception message we raise) and show one generic, translated sentence.
"""

from __future__ import annotations

import logging
import traceback

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QMessageBox, QWidget

from fundclient.errors import AuthError, FundError, ValidationFailed
from fundclient.ui.i18n import current_language

log = logging.getLogger(__name__)


def generic_error_text() -> str:
    return QCoreApplication.translate("errors", "Something went wrong and the action was not completed. "
               "Your data is safe. If it happens again, tell the IT team.")


def error_text(exc: BaseException, language: str | None = None) -> str:
    """The sentence to show for `exc` (FundError: its Message; else a generic one)."""
    language = language or current_language()
    if isinstance(exc, ValidationFailed) and len(exc.problems) > 1:
        return "\n".join("• " + m.in_language(language) for m in exc.problems.values())
    if isinstance(exc, FundError):
        return exc.message.in_language(language)
    return generic_error_text()


def error_title(exc: BaseException) -> str:
    if isinstance(exc, AuthError):
        return QCoreApplication.translate("errors", "Not allowed")
    if isinstance(exc, ValidationFailed):
        return QCoreApplication.translate("errors", "Please check the data")
    if isinstance(exc, FundError):
        return QCoreApplication.translate("errors", "Could not complete")
    return QCoreApplication.translate("errors", "Unexpected error")


def log_unexpected(exc: BaseException, what: str = "unexpected error") -> None:
    """Log type and stack of a bug, never its message: messages can carry personal data
    (a national number in a KeyError, a name in a ValueError)."""
    stack = "".join(traceback.format_tb(exc.__traceback__))
    log.error("%s: %s\n%s", what, type(exc).__qualname__, stack)


def show_error(parent: QWidget | None, exc: BaseException) -> QMessageBox:
    """Show `exc` to the user (non-blocking) and return the box (tests read its text)."""
    if not isinstance(exc, FundError):
        log_unexpected(exc)
    box = QMessageBox(QMessageBox.Icon.Warning, error_title(exc), error_text(exc),
                      QMessageBox.StandardButton.Ok, parent)
    box.setObjectName("errorBox")
    box.open()
    return box
