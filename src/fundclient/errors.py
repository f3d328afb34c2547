"""Typed errors raised by the core; `ui/` and the CLI turn them into messages.

Core code never shows a dialog. Every error a person can see carries a bilingual
`Message` so the same fact is worded once, here or next to the rule that raises it.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum


class ExitCode(IntEnum):
    """Every `fundclient` command's exit code (the one table: docs/install.md, "Exit codes")."""

    OK = 0  # everything asked was done
    PARTLY = 1  # ran, but not everything was done: something refused, quarantined, left unsent, rejected
    CANNOT_START = 2  # nothing was done: not set up / not enrolled, wrong password, unreadable file, usage
    FAULT = 3  # a fault in the program itself: the log file has the details


@dataclass(frozen=True)
class Message:
    """A user-facing sentence in both UI languages."""

    ar: str
    en: str

    def in_language(self, language: str) -> str:
        """The sentence in `language`, its digits by the office's display rule (domain.display)."""
        from fundclient.domain.display import prose_digits

        return prose_digits(self.ar, "ar") if language == "ar" else self.en

    def format(self, **values: object) -> "Message":
        """Fill the placeholders; dates and times read by the display rule (dd/mm/yyyy)."""
        from fundclient.domain.display import format_value

        return Message(self.ar.format(**{k: format_value(v, "ar") for k, v in values.items()}),
                       self.en.format(**{k: format_value(v, "en") for k, v in values.items()}))


# The one word for what a person types in the first box of the login screen: the login
# screen's label and every message about it (storage.errors.WrongPassword) use this.
USER_NAME = Message("اسم المستخدم", "User name")


class FundError(Exception):
    """Base of every error the user may be shown."""

    def __init__(self, message: Message, *, code: str = "error") -> None:
        super().__init__(message.en)
        self.message = message
        self.code = code


class ValidationFailed(FundError):
    """One or more fields are invalid; `problems` maps field name -> Message."""

    def __init__(self, problems: dict[str, Message]) -> None:
        first = next(iter(problems.values()))
        super().__init__(first, code="validation")
        self.problems = problems


class DuplicateFound(FundError):
    """A save would create a certain duplicate (same national number)."""


class AuthError(FundError):
    """Wrong password, locked account, missing permission."""


class StorageError(FundError):
    """The local database cannot be opened, read or written."""


class SyncError(FundError):
    """A batch could not be sealed, sent, or acknowledged."""


class CameraError(FundError):
    """The camera is missing, busy, or was unplugged."""
