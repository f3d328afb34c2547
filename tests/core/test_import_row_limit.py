"""The import's row limit (storage.sheet_reader.MAX_ROWS) counts the rows that hold a value and
refuses a file past it — it never reads a file up to the limit and leaves the rest out unsaid.
A sheet with gaps used to be read only to its MAX_ROWS + 2nd SHEET row, so a row written after a
long gap was dropped without a word, whichever way the file was read (streamed by the helper or
whole). Real files (openpyxl and csv), read by the real reader; the limit made small."""

from __future__ import annotations

import csv
import io
from zipfile import ZIP_DEFLATED, ZipFile

import pytest
from openpyxl import Workbook

from fundclient.storage import importer, sheet_reader
from fundclient.storage.errors import ImportFileUnreadable

HEADERS = ["national_number", "name.first", "name.father", "name.grandfather", "name.family", "sex",
           "date_of_birth", "marital_status", "municipality"]
SHEET = "xl/worksheets/sheet1.xml"


def _row(i: int) -> list[str]:
    return [f"1195{i:08d}", "محمد", "علي", "سالم", "الورفلي", "M", "1950-01-01", "married", "سبها"]


def _xlsx(path, rows: dict[int, list[str]]):
    """A sheet whose header is row 1 and each of `rows` at its own sheet row number (gaps between)."""
    book = Workbook()
    sheet = book.active
    for column, header in enumerate(HEADERS, start=1):
        sheet.cell(row=1, column=column, value=header)
    for number, cells in rows.items():
        for column, value in enumerate(cells, start=1):
            sheet.cell(row=number, column=column, value=value)
    book.save(path)
    return path


def _read(path, streamed: bool) -> list[tuple[int, dict]]:
    headers, total, exact, rows = importer.row_stream(path, streamed=streamed)
    return [(number, row) for number, row, _ in rows]


@pytest.fixture
def small_limit(monkeypatch):
    monkeypatch.setattr(sheet_reader, "MAX_ROWS", 10)
    return 10


@pytest.mark.parametrize("streamed", [True, False], ids=["streamed", "whole"])
def test_a_row_after_a_long_gap_is_read(tmp_path, small_limit, streamed):
    rows = {2: _row(2), 3: _row(3), 40: _row(40)}  # row 40: past the limit's 12th sheet row
    got = _read(_xlsx(tmp_path / "gaps.xlsx", rows), streamed)
    assert [number for number, _ in got] == [2, 3, 40]
    assert got[-1][1]["national_number"] == _row(40)[0]


@pytest.mark.parametrize("streamed", [True, False], ids=["streamed", "whole"])
def test_more_rows_than_the_limit_refuse_the_file(tmp_path, small_limit, streamed):
    rows = {n: _row(n) for n in range(2, 2 + small_limit + 1)}  # 11 rows under the header
    path = _xlsx(tmp_path / "many.xlsx", rows)
    with pytest.raises(ImportFileUnreadable, match="more than 10 rows"):
        _read(path, streamed)
    rows.popitem()  # 10 rows: the limit itself is read whole
    assert len(_read(_xlsx(tmp_path / "ten.xlsx", rows), streamed)) == small_limit


def test_a_csv_with_blank_lines_keeps_its_rows_after_them(tmp_path, small_limit):
    text = io.StringIO()
    writer = csv.writer(text)
    writer.writerow(HEADERS)
    writer.writerow(_row(2))
    for _ in range(30):
        writer.writerow([])
    writer.writerow(_row(33))
    path = tmp_path / "blank-lines.csv"
    path.write_text(text.getvalue(), encoding="utf-8")
    got = _read(path, streamed=True)
    assert [row["national_number"] for _, row in got] == [_row(2)[0], _row(33)[0]]


@pytest.mark.parametrize("streamed", [True, False], ids=["streamed", "whole"])
def test_a_row_numbered_past_a_sheets_last_row_is_refused_without_filling_the_gap(tmp_path, streamed):
    """`<row r="999999999">`: no sheet has that row; reading the gap would be 10⁹ empty rows."""
    path = _xlsx(tmp_path / "far.xlsx", {2: _row(2), 3: _row(3)})
    with ZipFile(path) as archive:
        members = {name: archive.read(name) for name in archive.namelist()}
    members[SHEET] = members[SHEET].replace(b'<row r="3"', b'<row r="999999999"').replace(
        b' r="A3"', b' r="A999999999"')
    for column in "BCDEFGHI":
        members[SHEET] = members[SHEET].replace(f' r="{column}3"'.encode(), f' r="{column}999999999"'.encode())
    members[SHEET] = members[SHEET].replace(b'<dimension ref="A1:I3" />', b"")  # no size declared: no cut
    with ZipFile(path, "w", ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    with pytest.raises(ImportFileUnreadable, match="more than 200000 rows|more than 200,000 rows"):
        _read(path, streamed)


@pytest.mark.parametrize("streamed", [True, False], ids=["streamed", "whole"])
@pytest.mark.parametrize("declared", ["A1:I2", "A1:E3"], ids=["rows", "columns"])
def test_a_value_past_the_sheets_declared_size_refuses_the_file(tmp_path, streamed, declared):
    """openpyxl's read-only reader cuts a sheet at its `<dimension>`: a writer that declares
    it smaller than it is used to lose the rows (or cells) past it without a word."""
    path = _xlsx(tmp_path / "dimension.xlsx", {2: _row(2), 3: _row(3)})
    with ZipFile(path) as archive:
        members = {name: archive.read(name) for name in archive.namelist()}
    assert b'<dimension ref="A1:I3" />' in members[SHEET]
    members[SHEET] = members[SHEET].replace(b'<dimension ref="A1:I3" />', f'<dimension ref="{declared}" />'.encode())
    with ZipFile(path, "w", ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    with pytest.raises(ImportFileUnreadable, match="damaged"):
        _read(path, streamed)
