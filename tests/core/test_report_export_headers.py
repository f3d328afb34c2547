"""An exported report's column headers are catalogue entries, in the language it is saved in
(the screen's language, or the command line's): real CSV and XLSX files read back."""

from __future__ import annotations

import csv

import pytest
from openpyxl import load_workbook

from fundclient.storage.report_export import export_report
from fundclient.storage.reports import ReportRow

ROWS = [ReportRow("مكتب براك", 12, 30), ReportRow("Sebha", 3, 4)]
HEADERS = {
    "ar": ["المجموعة", "عدد المنتفعين", "عدد التابعين"],
    "en": ["Group", "Number of beneficiaries", "Number of dependants"],
    "fr": ["Groupe", "Nombre de bénéficiaires", "Nombre d'ayants droit"],
}


@pytest.mark.parametrize("language", sorted(HEADERS))
def test_csv_and_xlsx_headers_in_each_language(tmp_path, language):
    with open(export_report(ROWS, tmp_path / "r.csv", language=language), encoding="utf-8-sig") as fh:
        lines = list(csv.reader(fh))
    assert lines[0] == HEADERS[language] and lines[1] == ["مكتب براك", "12", "30"]
    book = load_workbook(export_report(ROWS, tmp_path / "r.xlsx", language=language, title="T"))
    sheet = book.active
    assert [c.value for c in sheet[2]] == HEADERS[language]
    assert bool(sheet.sheet_view.rightToLeft) == (language == "ar")  # Arabic reads right to left
