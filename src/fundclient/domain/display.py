"""The one display rule for digits and dates: screens, messages, receipts and PDFs all go
through here, so a birth date never reads ١٢/٠٤/١٩٥٥ on one screen, 12/04/1955 on the next and
1955-04-12 on a third.

The rule is chosen in the settings (`Settings.arabic_indic_digits`; `Settings.timezone` for
times) and set once per process — by the app at start and whenever the settings or the
language change, by the CLI from the data dir's settings:

* digits: Western (0-9) or Arabic-Indic (٠-٩) in **Arabic** text. English text keeps Western
  digits. What is stored and searched is always Western (`domain.digits`).
* dates: day/month/year, as on Libyan documents and as the clerk types them (15/03/1948).
* times: the office's clock (24 h), day/month/year HH:MM.
* numbers (counts): grouped by thousands with the language's sign (CLDR: 1,234 in Arabic and
  English, 1 234 in French; ١٬٢٣٤ with Arabic-Indic digits). A count put into a `Message`
  is a `Number`, so the sentence groups it in the language it is shown in (a plain int — a
  year, a code's digits — stays as written).

`Message.format` (errors.py) formats `date` / `datetime` values with this rule, and
`Message.in_language("ar")` applies its digits, so core messages follow it without knowing it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import date, datetime, timezone
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from fundclient.domain.digits import to_arabic_indic

DATE_FORMAT = "%d/%m/%Y"
TIME_FORMAT = "%H:%M"
DEFAULT_TIMEZONE = "Africa/Tripoli"
ARABIC_THOUSANDS = "\u066c"
# The thousands sign of a language written in Western digits, as CLDR has it (Babel answers for
# any other language; tests/core/test_display_numbers.py checks these against Babel): the
# languages with a catalogue, so that showing a count never imports Babel (~0.1 s) on the GUI thread.
GROUP_SIGNS = {"ar": ",", "en": ",", "fr": "\u202f"}


class Number(int):
    """A count in a sentence: `Message(...).format(done=Number(1234))` shows 1,234 in English,
    1 234 in French, ١٬٢٣٤ in Arabic with Arabic-Indic digits — the display rule's `number`,
    in the language the sentence is shown in."""

    __slots__ = ()


@lru_cache(maxsize=None)
def group_sign(language: str) -> str:
    """The thousands sign of `language` in Western digits (CLDR's)."""
    if language in GROUP_SIGNS:
        return GROUP_SIGNS[language]
    try:
        from babel.numbers import get_group_symbol  # lazy: only for a language without a known sign

        return get_group_symbol(language, numbering_system="latn")
    except Exception:  # noqa: BLE001 - a language Babel does not know: the English sign
        return ","


@dataclass(frozen=True)
class DisplayRule:
    arabic_indic: bool = False  # Arabic-Indic digits in Arabic text
    timezone: str = DEFAULT_TIMEZONE  # the office's clock, for times stored in UTC

    def digits(self, text: object, language: str = "ar") -> str:
        """`text` with its digits in the chosen system (Arabic text only)."""
        value = "" if text is None else str(text)
        return to_arabic_indic(value) if self.arabic_indic and language == "ar" else value

    def grouped(self, value: int, language: str = "ar") -> str:
        """`value` grouped by thousands with `language`'s sign, its digits still Western."""
        grouped = f"{int(value):,}"
        sign = ARABIC_THOUSANDS if self.arabic_indic and language == "ar" else group_sign(language)
        return grouped if sign == "," else grouped.replace(",", sign)

    def number(self, value: int, language: str = "ar") -> str:
        """A count as shown: grouped by the language, in the chosen digits."""
        return self.digits(self.grouped(value, language), language)

    def date(self, value: date | None, language: str = "ar") -> str:
        """dd/mm/yyyy (empty when unknown)."""
        if value is None:
            return ""
        if isinstance(value, datetime):
            value = self.local(value).date()
        return self.digits(value.strftime(DATE_FORMAT), language)

    def datetime(self, value: datetime | str | None, language: str = "ar") -> str:
        """dd/mm/yyyy HH:MM on the office's clock (empty when unknown). Takes a datetime or
        the ISO text stored in logs and JSON files (UTC when it has no offset)."""
        if isinstance(value, str):
            value = parse_moment(value)
        if value is None:
            return ""
        return self.digits(self.local(value).strftime(f"{DATE_FORMAT} {TIME_FORMAT}"), language)

    def time(self, value: datetime | None, language: str = "ar") -> str:
        if value is None:
            return ""
        return self.digits(self.local(value).strftime(TIME_FORMAT), language)

    def local(self, value: datetime) -> datetime:
        """A stored (UTC or naive-UTC) moment on the office's clock."""
        moment = value if value.tzinfo else value.replace(tzinfo=timezone.utc)
        try:
            return moment.astimezone(ZoneInfo(self.timezone))
        except (ZoneInfoNotFoundError, ValueError):
            return moment.astimezone()


def parse_moment(text: str) -> datetime | None:
    """A stored ISO moment ("2026-11-29T10:15:00+00:00"); None when it is not one."""
    try:
        return datetime.fromisoformat(text.strip())
    except (TypeError, ValueError):
        return None


_rule = [DisplayRule()]


def rule() -> DisplayRule:
    """The rule in force in this process."""
    return _rule[0]


def configure(*, arabic_indic: bool | None = None, timezone: str | None = None) -> DisplayRule:
    """Change the rule (from the settings); values not given stay as they are."""
    changes = {}
    if arabic_indic is not None:
        changes["arabic_indic"] = bool(arabic_indic)
    if timezone:
        changes["timezone"] = str(timezone)
    _rule[0] = replace(_rule[0], **changes)
    return _rule[0]


def configure_from(settings) -> DisplayRule:
    """The rule a data dir's settings choose (`arabic_indic_digits`, `timezone`)."""
    return configure(arabic_indic=bool(getattr(settings, "arabic_indic_digits", False)),
                     timezone=getattr(settings, "timezone", "") or DEFAULT_TIMEZONE)


def format_value(value: object, language: str = "ar") -> object:
    """How a value inserted into a message reads: dates and times by the rule, the rest as is."""
    current = rule()  # digits follow at display time: Message.in_language -> prose_digits
    if isinstance(value, Number):
        return current.grouped(value, language)
    if isinstance(value, datetime):
        return current.datetime(value, "en")
    if isinstance(value, date):
        return current.date(value, "en")
    return value


_TOKEN = re.compile(r"\S+")
_CODE_MARKS = frozenset("\\_-@.")  # "/" alone is a date (12/04/1955); with letters, a path
_EDGE = "().,:;!?«»؟،\u2066\u2067\u2068\u2069"


def _prose_token(match: re.Match) -> str:
    token = match.group(0)
    core = token.strip(_EDGE)
    if any(ch.isascii() and (ch.isalpha() or ch in _CODE_MARKS) for ch in core):
        return token  # a code, path, card number or address: exactly as it is written
    return to_arabic_indic(token)


def prose_digits(text: str, language: str = "ar") -> str:
    """Digits of a sentence by the rule; codes inside it (SBH-901-…, E:\\batch-0001.bin,
    https://…:8443) keep theirs, since a clerk copies them as written."""
    if not (rule().arabic_indic and language == "ar") or not text:
        return text
    return _TOKEN.sub(_prose_token, text)
