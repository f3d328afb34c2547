"""The one rule for every CSV or XLSX cell the project writes (import reports, report exports,
HQ's export): text a spreadsheet would run as a formula is written as text.

A cell starting with `=`, `+`, `-`, `@`, a tab, a carriage return or a line feed is a formula (or becomes
one) in Excel and LibreOffice: a name typed as `=HYPERLINK(…)` in an import file would run on a
supervisor's PC when they open the report. Such text gets a leading apostrophe (OWASP "CSV
injection"); numbers, dates and every other text are written unchanged.

Beside errors.py so every layer (storage/, hq/, services/) writes through it.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n")


def safe_cell(value: Any) -> Any:
    """`value` as it may be written into a spreadsheet cell."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def safe_row(values: Iterable[Any]) -> list[Any]:
    return [safe_cell(v) for v in values]


def safe_dict(row: dict[str, Any]) -> dict[str, Any]:
    return {k: safe_cell(v) for k, v in row.items()}
