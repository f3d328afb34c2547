"""Typed errors raised by the core; `ui/` and the CLI turn them into messages.

Core code never shows a dialog. Every error a person can see carries a `Message` — an English
text translated in the one catalogue (fundclient.catalogue, translations/*.po) — so the same
fact is worded once, here or next to the rule that raises it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import IntEnum


class ExitCode(IntEnum):
    """Every `fundclient` command's exit code (the one table: docs/install.md, "Exit codes")."""

    OK = 0  # everything asked was done
    PARTLY = 1  # ran, but not everything was done: something refused, quarantined, left unsent, rejected
    CANNOT_START = 2  # nothing was done: not set up / not enrolled, wrong password, unreadable file, usage
    FAULT = 3  # a fault in the program itself: the log file has the details


class _Keep(dict):
    """Placeholders not given yet stay as they are (a message may be filled in steps)."""

    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


# The catalogue context of reference data labels (offices, lists, categories) translated for a
# language the data itself does not carry: scripts/translations.py extracts them from
# domain/reference_data.json.
DATA_CONTEXT = "reference data"


@dataclass(frozen=True)
class Message:
    """A user-facing sentence: its English source text, looked up in the one catalogue
    (fundclient.catalogue, translations/*.po) for the language it is shown in.

    `Message("Saved {count} records.").format(count=3)` — values are filled in the language
    shown: dates and times by the office's display rule, a `Message` value in that language.
    `context` tells apart one English text that needs two translations (gettext msgctxt).
    Texts that are data, not code (reference data labels an office receives in Arabic and
    English) are `Message.fixed(ar=..., en=...)`; codes and names are `Message.plain(text)`.
    """

    msgid: str
    context: str | None = None
    values: tuple[tuple[str, object], ...] = ()
    texts: tuple[tuple[str, str], ...] | None = field(default=None, compare=True)

    @classmethod
    def fixed(cls, **texts: str) -> "Message":
        """A text given in its languages (data such as a category's label), not from the catalogue."""
        english = texts.get("en") or next(iter(texts.values()), "")
        return cls(english, texts=tuple(texts.items()))

    @classmethod
    def plain(cls, text: str) -> "Message":
        """The same text in every language (a code, a name, a path)."""
        return cls(text, texts=())

    @classmethod
    def join(cls, separator: "Message", parts: "list[Message] | tuple[Message, ...]") -> "Message":
        """`parts` one after another, `separator` (itself a catalogue message) between them."""
        names = [f"p{i}" for i in range(len(parts))]
        pattern = "{sep}".join("{" + n + "}" for n in names)
        return cls(pattern, texts=()).format(sep=separator, **dict(zip(names, parts)))

    def template(self, language: str) -> str:
        """The unfilled text in `language`."""
        if self.texts is not None:
            if not self.texts:
                return self.msgid
            table = dict(self.texts)
            if table.get(language):
                return table[language]
            # A language the data does not carry (reference data has Arabic and English): the
            # catalogue's translation of the English label, or the English label.
            from fundclient.catalogue import lookup  # lazy: errors stays light; every module imports it

            return lookup(table.get("en") or self.msgid, language, DATA_CONTEXT)
        from fundclient.catalogue import lookup  # lazy: errors stays light; every module imports it

        return lookup(self.msgid, language, self.context)

    def text(self, language: str) -> str:
        """The filled text in `language`, digits as written (`in_language` applies the display rule)."""
        pattern = self.template(language)
        if not self.values:
            return pattern
        from fundclient.domain.display import format_value  # lazy: errors stays light; every module imports it

        filled = {}
        for key, value in self.values:
            if isinstance(value, Message):
                value = value.text(language)
            filled[key] = format_value(value, language)
        try:
            return pattern.format_map(_Keep(filled))
        except (ValueError, IndexError, KeyError, AttributeError):  # a translation with broken braces
            return self.template("en").format_map(_Keep(filled)) if language != "en" else pattern

    def in_language(self, language: str) -> str:
        """The sentence in `language`, its digits by the office's display rule (domain.display)."""
        from fundclient.domain.display import prose_digits  # lazy: errors stays light; every module imports it

        text = self.text(language)
        return prose_digits(text, "ar") if language == "ar" else text

    @property
    def ar(self) -> str:
        return self.text("ar")

    @property
    def en(self) -> str:
        return self.text("en")

    def format(self, **values: object) -> "Message":
        """Fill the placeholders; dates and times read by the display rule (dd/mm/yyyy)."""
        merged = dict(self.values)
        merged.update(values)
        return Message(self.msgid, self.context, tuple(merged.items()), self.texts)

    def __str__(self) -> str:
        return self.en


# The one word for what a person types in the first box of the login screen: the login
# screen's label and every message about it (storage.errors.WrongPassword) use this.
USER_NAME = Message("User name")


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
