"""Export report rows to CSV (UTF-8 with BOM, so Excel shows Arabic) or XLSX (openpyxl); every cell
through `fundclient.cells` (no formula reaches a spreadsheet)."""

from __future__ import annotations

import csv
from collections.abc import Sequence
from pathlib import Path

from fundclient.cells import safe_row
from fundclient.storage.reports import ReportRow

HEADERS = {"ar": ("المجموعة", "عدد المنتفعين", "عدد التابعين"), "en": ("group", "records", "dependants")}


def export_report(rows: Sequence[ReportRow], path: Path, *, language: str = "ar", title: str = "") -> Path:
    """Write rows to `path`; the format follows the suffix (.csv or .xlsx)."""
    path = Path(path)
    headers = HEADERS["ar" if language == "ar" else "en"]
    if path.suffix.lower() == ".xlsx":
        from openpyxl import Workbook  # lazy: start-up (NumPy, openpyxl)

        book = Workbook()
        sheet = book.active
        sheet.sheet_view.rightToLeft = language == "ar"
        if title:
            sheet.append(safe_row([title]))
        sheet.append(safe_row(headers))
        for row in rows:
            sheet.append(safe_row([row.group, row.records, row.dependants]))
        book.save(path)
    else:
        with open(path, "w", encoding="utf-8-sig", newline="") as fh:
            writer = csv.writer(fh)
            writer.writerow(safe_row(headers))
            for row in rows:
                writer.writerow(safe_row([row.group, row.records, row.dependants]))
    return path
