"""Card numbers: assigned offline, unique by construction, with ISO 7064 MOD 97-10 check digits.

    SEB-007-000123-45
    │   │   │      └ two check digits, ISO 7064 MOD 97-10 over "SEB007000123" (A=10 … Z=35)
    │   │   └ sequence, per device, 000001-999999 (the device's own counter)
    │   └ device number within the office, 001-899 assigned by HQ at enrolment,
    │     900-999 set by the office admin at setup before the device is enrolled
    └ office code: 2-4 Latin letters (or 2-4 digits), unique across the fund

Two offices never share a code, two devices of an office never share a device number and a
device never repeats a sequence number, so no two cards get the same number even though
nobody is online. MOD 97-10 catches every single-character substitution and every swap of two
adjacent characters (tests/core/test_card_numbers.py checks it exhaustively); the
fixed layout (letters, then digits) catches the remaining letter/digit swaps at the
office/device boundary. See docs/cards.md.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from fundclient.errors import FundError, Message

DEVICE_DIGITS = 3
SEQUENCE_DIGITS = 6
CHECK_DIGITS = 2
MAX_SEQUENCE = 10**SEQUENCE_DIGITS - 1
# Device numbers HQ hands out at enrolment; the rest are for setup before enrolment.
HQ_DEVICE_NUMBERS = range(1, 900)
PROVISIONAL_DEVICE_NUMBERS = range(900, 1000)

OFFICE_CODE_PATTERN = r"[A-Z]{2,4}|[0-9]{2,4}"  # the one rule for an office code (HQ types requests with it)
_OFFICE = re.compile(OFFICE_CODE_PATTERN)
_TAIL = DEVICE_DIGITS + SEQUENCE_DIGITS + CHECK_DIGITS
_SEPARATORS = re.compile(r"[ \-–]")


class CardNumberError(FundError):
    """A card number cannot be made or read."""


BAD_OFFICE = Message("Office code '{value}' cannot be used in a card number (2-4 Latin letters or 2-4 digits)")
BAD_DEVICE = Message("Device number {value} is outside 1-999")
BAD_SEQUENCE = Message("Sequence {value} is outside 1-999999")
BAD_NUMBER = Message("Card number '{value}' is not valid")


@dataclass(frozen=True)
class CardNumber:
    office_code: str
    device_number: int
    sequence: int
    check: str

    @property
    def compact(self) -> str:
        return f"{self.office_code}{self.device_number:0{DEVICE_DIGITS}d}{self.sequence:0{SEQUENCE_DIGITS}d}{self.check}"

    def __str__(self) -> str:
        return (f"{self.office_code}-{self.device_number:0{DEVICE_DIGITS}d}-"
                f"{self.sequence:0{SEQUENCE_DIGITS}d}-{self.check}")

    @property
    def provisional_device(self) -> bool:
        """True when the device number was set at setup, before HQ enrolled the device."""
        return self.device_number in PROVISIONAL_DEVICE_NUMBERS


_AS_DIGITS = str.maketrans({ch: str(int(ch, 36)) for ch in "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"})


def _as_digits(text: str) -> str:
    """The string as the MOD 97-10 digit string: letters become two digits (A=10 … Z=35)."""
    if text.isascii() and text.isalnum():
        return text.translate(_AS_DIGITS)
    return "".join(str(int(ch, 36)) for ch in text)  # anything else: int() says what is wrong


def mod97_check(text: str) -> str:
    """The two ISO 7064 MOD 97-10 check digits for `text` (0-9, A-Z)."""
    return f"{98 - int(_as_digits(text) + '00') % 97:02d}"


def mod97_valid(text_with_check: str) -> bool:
    return int(_as_digits(text_with_check)) % 97 == 1


def normalise_office_code(office_code: str) -> str:
    return _normalised_office(office_code) if isinstance(office_code, str) else _normalise_office(office_code)


@lru_cache(maxsize=64)  # one office's code, for every card number an import makes
def _normalised_office(office_code: str) -> str:
    return _normalise_office(office_code)


def _normalise_office(office_code: str) -> str:
    code = _ascii_digits(office_code.strip().upper())
    if not _OFFICE.fullmatch(code):
        raise CardNumberError(BAD_OFFICE.format(value=office_code), code="card_number")
    return code


def make_card_number(office_code: str, device_number: int, sequence: int) -> str:
    """The printed form of a card number, e.g. make_card_number("SEB", 7, 123) == "SEB-007-000123-45"."""
    office = normalise_office_code(office_code)
    if not 1 <= int(device_number) <= 999:
        raise CardNumberError(BAD_DEVICE.format(value=device_number), code="card_number")
    if not 1 <= int(sequence) <= MAX_SEQUENCE:
        raise CardNumberError(BAD_SEQUENCE.format(value=sequence), code="card_number")
    body = f"{office}{int(device_number):0{DEVICE_DIGITS}d}{int(sequence):0{SEQUENCE_DIGITS}d}"
    return str(CardNumber(office, int(device_number), int(sequence), mod97_check(body)))


def parse(number: str) -> CardNumber:
    """Read a typed or printed card number: compact or grouped by hyphens/spaces as printed,
    any case, Arabic-Indic digits accepted.

    Raises CardNumberError when the layout or the check digits are wrong.
    """
    parts = _SEPARATORS.split(_ascii_digits((number or "").strip()).upper())
    # Either no separators, or exactly the printed grouping: a misplaced separator is a
    # sign of a typing slip (e.g. a character typed in place of a hyphen), not a style.
    grouped = len(parts) == 4 and [len(p) for p in parts[1:]] == [DEVICE_DIGITS, SEQUENCE_DIGITS, CHECK_DIGITS]
    if len(parts) != 1 and not grouped:
        raise CardNumberError(BAD_NUMBER.format(value=number), code="card_number")
    compact = "".join(parts)
    office, device, sequence, check = (compact[:-_TAIL], compact[-_TAIL:-_TAIL + DEVICE_DIGITS],
                                       compact[-_TAIL + DEVICE_DIGITS:-CHECK_DIGITS], compact[-CHECK_DIGITS:])
    well_formed = (len(compact) > _TAIL and _OFFICE.fullmatch(office)
                   and (device + sequence + check).isascii() and (device + sequence + check).isdigit())
    if not well_formed or int(device) == 0 or int(sequence) == 0 or not mod97_valid(compact):
        raise CardNumberError(BAD_NUMBER.format(value=number), code="card_number")
    return CardNumber(office, int(device), int(sequence), check)


def is_valid(number: str) -> bool:
    try:
        parse(number)
    except CardNumberError:
        return False
    return True


def normalise(number: str) -> str:
    """The printed form of a valid card number typed in any accepted way."""
    return str(parse(number))


def _ascii_digits(text: str) -> str:
    """Arabic-Indic / Eastern Arabic digits -> ASCII, so a clerk may type either."""
    return "".join(str(unicodedata.decimal(ch)) if ch.isdecimal() else ch for ch in text)
