"""Digit systems: clerks type Western (0-9), Arabic-Indic (٠-٩) or Eastern Arabic/Persian (۰-۹).

Everything stored is Western ASCII digits; display may convert back with `to_arabic_indic`.
"""

from __future__ import annotations

ARABIC_INDIC = "٠١٢٣٤٥٦٧٨٩"
EASTERN_ARABIC = "۰۱۲۳۴۵۶۷۸۹"
WESTERN = "0123456789"

_TO_WESTERN = str.maketrans(ARABIC_INDIC + EASTERN_ARABIC, WESTERN * 2)
_TO_ARABIC_INDIC = str.maketrans(WESTERN, ARABIC_INDIC)


def normalise_digits(text: str) -> str:
    """Replace Arabic-Indic and Eastern Arabic digits by ASCII digits; nothing else changes."""
    return text.translate(_TO_WESTERN)


def to_arabic_indic(text: str) -> str:
    """ASCII digits -> Arabic-Indic digits, for display in the Arabic UI."""
    return text.translate(_TO_ARABIC_INDIC)


def digits_only(text: str) -> str:
    """The ASCII digits in `text` (any digit system), in order; everything else dropped."""
    return "".join(ch for ch in normalise_digits(text) if "0" <= ch <= "9")


_SEPARATORS = " -_/.\u00a0\t"


def separators_removed(text: str) -> str:
    """A number as typed (national number, phone) with its digits in ASCII and the separators
    a clerk may type between them (space, -, _, /, ., no-break space, tab) removed: the one
    form the search box and the duplicate check look numbers up by."""
    if text.isascii() and text.isdigit():
        return text
    return "".join(ch for ch in normalise_digits(text) if ch not in _SEPARATORS)
