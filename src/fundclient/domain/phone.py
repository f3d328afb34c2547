"""Libyan mobile numbers, stored in E.164 (+2189XXXXXXXX).

Accepted as typed: 09XXXXXXXX, 9XXXXXXXX, +2189XXXXXXXX, 002189XXXXXXXX, 2189XXXXXXXX,
in any digit system, with spaces, dashes, dots or brackets between groups.
Mobile prefixes: 91/93 (Al-Madar), 92/94 (Libyana), 95 (LTT), 96 (reserved, accepted).
"""

from __future__ import annotations

from fundclient.domain.digits import normalise_digits
from fundclient.errors import Message

MOBILE_PREFIXES = frozenset({"91", "92", "93", "94", "95", "96"})
_SEPARATORS = str.maketrans("", "", " -.()\u00a0\t/")

NOT_A_MOBILE = Message("Not a Libyan mobile number; write it like 0912345678 or +218912345678")


def normalise_mobile(raw: str) -> str | None:
    """E.164 form of a Libyan mobile number, or None if `raw` is not one."""
    text = normalise_digits(raw).translate(_SEPARATORS)
    if text.startswith("+"):
        text = text[1:]
        if not text.startswith("218"):
            return None
    elif text.startswith("00"):
        text = text[2:]
        if not text.startswith("218"):
            return None
    if not (text.isascii() and text.isdigit()):
        return None
    if text.startswith("218") and len(text) == 12:
        national = text[3:]
    elif text.startswith("2180") and len(text) == 13:  # +218 091... : trunk 0 kept by mistake
        national = text[4:]
    elif text.startswith("0") and len(text) == 10:
        national = text[1:]
    elif len(text) == 9:
        national = text
    else:
        return None
    if national[:2] not in MOBILE_PREFIXES:
        return None
    return "+218" + national


def check_mobile(raw: str) -> Message | None:
    return None if normalise_mobile(raw) else NOT_A_MOBILE


def local_mobile(e164: str) -> str:
    """+218912345678 -> 091-2345678, the way clerks read numbers aloud."""
    national = e164.removeprefix("+218")
    return f"0{national[:2]}-{national[2:]}"
