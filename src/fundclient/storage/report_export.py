"""Export report rows to CSV (UTF-8 with BOM, so Excel shows Arabic) or XLSX (openpyxl); every cell
through `fundclient.cells` (no formula reaches a spreadsheet)."""

from __future__ import annotations

import csv
from collections.abc import Sequence
from pathlib import Path

from fundclient.catalogue import is_rtl
from fundclient.cells import safe_row
from fundclient.errors import Message
from fundclient.storage.reports import ReportRow

# The exported file's column headers, in the language it is saved in (the screen's or --lang).
HEADERS = (Message("Group", context="report column"), Message("Number of beneficiaries", context="report column"),
           Message("Number of dependants", context="report column"))


def headers(language: str) -> list[str]:
    return [h.in_language(language) for h in HEADERS]


def export_report(rows: Sequence[ReportRow], path: Path, *, language: str = "ar", title: str = "") -> Path:
    """Write rows to `path`; the format follows the suffix (.csv or .xlsx)."""
    path = Path(path)
    titles = headers(language)
    if path.suffix.lower() == ".xlsx":
        from openpyxl import Workbook  # lazy: start-up (NumPy, openpyxl)

        book = Workbook()
        sheet = book.active
        sheet.sheet_view.rightToLeft = is_rtl(language)
        if title:
            sheet.append(safe_row([title]))
        sheet.append(safe_row(titles))
        for row in rows:
            sheet.append(safe_row([row.group, row.records, row.dependants]))
        book.save(path)
    else:
        with open(path, "w", encoding="utf-8-sig", newline="") as fh:
            writer = csv.writer(fh)
            writer.writerow(safe_row(titles))
            for row in rows:
                writer.writerow(safe_row([row.group, row.records, row.dependants]))
    return path
