"""#11 item 8: an XLSX sheet read in ONE pass and held (`sheet_reader._held_rows`) answers what
openpyxl's `iter_rows(values_only=True)` answers, as text (`_as_text`: what the import reads),
row for row — and what the reading before it (`_read_xlsx`: the survey through expat, the plain
reading or openpyxl's parser) answers. A sheet it does not take — anything damaged, hostile or of
another form — is left to that reading, which answers for the file (its refusals, LATE_DAMAGE):
the held reading never answers where that reading refuses, never answers differently.

Real files written by openpyxl (both of its modes: inline strings without `<dimension>`, shared
strings with it), a sheet in the form Excel writes, generated values (hypothesis) and bytes
changed at random in a real sheet."""

from __future__ import annotations

import io
from datetime import date, datetime
from pathlib import Path
from zipfile import ZIP_DEFLATED, ZipFile

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st
from openpyxl import Workbook, load_workbook

from fundclient.storage import sheet_reader
from fundclient.storage.errors import ImportFileUnreadable
from test_import_never_changes_a_value import _HOSTILE

SHEET = "xl/worksheets/sheet1.xml"


def _openpyxls(raw: bytes) -> list[tuple[int, list[str]]]:
    """openpyxl's own reading of the first sheet, as the import reads rows (`_within_limit`)."""
    book = load_workbook(io.BytesIO(raw), read_only=True, data_only=True)
    try:
        values = book.worksheets[0].iter_rows(values_only=True)
        return list(sheet_reader._within_limit((n, sheet_reader._as_text(v)) for n, v in enumerate(values, start=1)))
    finally:
        book.close()


def _held(raw: bytes):
    book = sheet_reader._load_book(raw)
    try:
        held = sheet_reader._held_rows(book, book.worksheets[0])
    finally:
        book.close()
    if held is None:
        return None
    rows, merged = held
    return [(n, joined.split(sheet_reader._CELLS_APART)) for n, joined in rows], merged


def _before(raw: bytes):
    """The reading before the held one (whole: every refusal first): its rows and merged ranges,
    or the refusal's text."""
    try:
        return sheet_reader._read_xlsx(raw, sheet_reader._xlsx_book(raw))
    except ImportFileUnreadable as refused:
        return refused.message.en


def _written(rows: list[list], *, write_only: bool, merged: str | None = None) -> bytes:
    book = Workbook(write_only=write_only)
    sheet = book.create_sheet() if write_only else book.active
    for values in rows:
        sheet.append(values)
    if merged and not write_only:
        sheet.merge_cells(merged)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _with_sheet(raw: bytes, xml: bytes, **more: bytes) -> bytes:
    with ZipFile(io.BytesIO(raw)) as archive:
        members = {name: archive.read(name) for name in archive.namelist()}
    members[SHEET] = xml
    members.update(more)
    out = io.BytesIO()
    with ZipFile(out, "w", ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return out.getvalue()


def _sheet_xml(raw: bytes) -> bytes:
    with ZipFile(io.BytesIO(raw)) as archive:
        return archive.read(SHEET)


# What a legacy list's cells hold: text (Arabic, leading zeros, numbers written as text, spaces
# around, XML's special characters, tabs and line breaks), numbers, dates, booleans, empty cells.
_FORBIDDEN = set(map(chr, [*range(0, 9), 11, 12, *range(14, 32)])) | {"\r", "\ufffe", "\uffff"}
_TEXT = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="".join(_FORBIDDEN)), max_size=12)
_VALUE = st.one_of(
    st.none(), _TEXT, st.sampled_from(["0012", "محمد علي", " lead", "trail ", "a < b & \"c\" 'd' > e", "&amp;",
                                       "=1+1", "1E3", "٠١٢", "\t\n"]),
    st.integers(-10 ** 15, 10 ** 15), st.floats(allow_nan=False, allow_infinity=False),
    st.dates(date(1900, 3, 1), date(2100, 1, 1)), st.datetimes(datetime(1900, 3, 1), datetime(2100, 1, 1)),
    st.booleans())
_ROWS = st.lists(st.lists(_VALUE, min_size=0, max_size=8), min_size=1, max_size=12)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rows=_ROWS, write_only=st.booleans(), gaps=st.lists(st.integers(0, 3), max_size=12),
       merged=st.sampled_from([None, "B2:B3", "A5:C6"]))
def test_the_held_reading_is_openpyxls_on_generated_sheets(rows, write_only, gaps, merged):
    """Generated sheets in both of openpyxl's forms (gaps of empty rows between the rows, merged
    ranges): taken by the held reading, and its rows are openpyxl's `iter_rows(values_only=True)`
    as text and the reading before's, its merged ranges too."""
    spaced = []
    for index, values in enumerate(rows):
        spaced += [[]] * (gaps[index] if index < len(gaps) else 0) + [values]
    raw = _written(spaced, write_only=write_only, merged=merged)
    held = _held(raw)
    formulas = any(isinstance(v, str) and v.startswith("=") for values in rows for v in values)
    assert held is not None or formulas  # the plain form openpyxl writes is taken (a formula: `<v />`)
    if held is None:
        return
    before = _before(raw)
    assert held == before
    assert held[0] == _openpyxls(raw)


_STRINGS = ('<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="7" uniqueCount="7">'
            '<si><t>national_number</t></si><si><t>name.first</t></si><si><t>date_of_birth</t></si>'
            '<si><t>0012</t></si><si><t>محمد</t></si><si><t xml:space="preserve"> علي </t></si>'
            '<si><t>a &lt; b &amp; c</t></si></sst>')
# A sheet as Excel writes it: its namespaces and mc:Ignorable, <dimension>, views, the rows'
# spans and x14ac:dyDescent, shared strings, numbers (a national number typed as a number), a
# date by its style, a boolean, an empty styled cell, missing cells, merged cells, page margins.
_EXCEL = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\r\n'
          '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
          'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" '
          'xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" mc:Ignorable="x14ac xr xr2 xr3" '
          'xmlns:x14ac="http://schemas.microsoft.com/office/spreadsheetml/2009/9/ac" '
          'xmlns:xr="http://schemas.microsoft.com/office/spreadsheetml/2014/revision" '
          'xr:uid="{00000000-0001-0000-0000-000000000000}"><dimension ref="A1:E6"/><sheetViews>'
          '<sheetView tabSelected="1" workbookViewId="0"/></sheetViews>'
          '<sheetFormatPr defaultRowHeight="15" x14ac:dyDescent="0.25"/><cols><col min="1" max="1" width="14"/></cols>'
          '<sheetData>'
          '<row r="1" spans="1:5" x14ac:dyDescent="0.25"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c>'
          '<c r="C1" t="s"><v>2</v></c></row>'
          '<row r="2" spans="1:5" x14ac:dyDescent="0.25"><c r="A2"><v>119550012345</v></c><c r="B2" t="s"><v>4</v>'
          '</c><c r="C2" s="1"><v>20149</v></c><c r="D2" t="b"><v>1</v></c><c r="E2" s="1"/></row>'
          '<row r="3" spans="1:5" x14ac:dyDescent="0.25"><c r="A3" t="s"><v>3</v></c><c r="B3" t="s"><v>5</v></c>'
          '<c r="D3"><v>1.5</v></c><c r="E3" t="s"><v>6</v></c></row>'
          '<row r="5" spans="1:5" x14ac:dyDescent="0.25"><c r="C5" t="str"><f>1+1</f><v>2</v></c>'
          '<c r="E5" t="e"><v>#N/A</v></c></row>'
          '<row r="6" spans="1:5" x14ac:dyDescent="0.25"><c r="B6" t="s"><v>4</v></c><c r="C6" t="s"><v>4</v></c></row>'
          '</sheetData><mergeCells count="1"><mergeCell ref="B6:C6"/></mergeCells>'
          '<pageMargins left="0.7" right="0.7" top="0.75" bottom="0.75" header="0.3" footer="0.3"/></worksheet>')


def test_a_sheet_in_the_form_excel_writes_is_read_alike():
    """A sheet as Excel writes it (shared strings, a date by its style, numbers, a boolean, a
    formula's cached value, an error, missing cells and rows, merged cells): taken by the held
    reading, openpyxl's rows and merged ranges."""
    book = Workbook()
    book.active["A1"] = "x"
    book.active["C2"] = date(1955, 3, 1)  # openpyxl's style 1: a date format, as Excel's is
    out = io.BytesIO()
    book.save(out)
    with ZipFile(io.BytesIO(out.getvalue())) as archive:
        types = archive.read("[Content_Types].xml").replace(
            b"</Types>", b'<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-'
                         b'officedocument.spreadsheetml.sharedStrings+xml"/></Types>')
    raw = _with_sheet(out.getvalue(), _EXCEL.encode(),
                      **{"xl/sharedStrings.xml": _STRINGS.encode(), "[Content_Types].xml": types})
    held = _held(raw)
    assert held is not None
    rows, merged = held
    assert rows == _openpyxls(raw) and (rows, merged) == _before(raw)
    assert rows[1] == (2, ["119550012345", "محمد", "1955-03-01", "True", ""])
    assert rows[2] == (3, ["0012", " علي ", "", "1.5", "a < b & c"])
    assert merged == [("B6:C6", 6, 6)]


def _plain(raw_rows: int = 6) -> bytes:
    return _written([["national_number", "name.first", "x"]] +
                    [[f"1195{i:08d}", "محمد", i] for i in range(raw_rows)], write_only=False)


def _row_two(xml: bytes, old: bytes, new: bytes) -> bytes:
    start = xml.index(b'<row r="2"')
    return xml[:start] + xml[start:].replace(old, new, 1)


_NOT_TAKEN = {
    **{name: (lambda xml, o=old, n=new: xml.replace(o, n, 1)) for name, (old, new) in _HOSTILE.items()
       if old.startswith(b"<row")},
    "a control character among a row's attributes": lambda xml: _row_two(xml, b'<row r="2"', b'<row r="2" spans="1\x01"'),
    "U+FFFE in a text": lambda xml: _row_two(xml, "محمد".encode(), "مح\ufffeمد".encode()),
    "a byte that is not UTF-8": lambda xml: _row_two(xml, "محمد".encode(), b"\xd9\xff"),
    "an encoded surrogate": lambda xml: _row_two(xml, "محمد".encode(), b"\xed\xa0\x80"),
    "]]> in a text": lambda xml: _row_two(xml, "محمد".encode(), b"a]]>b"),
    "a CR in a text": lambda xml: _row_two(xml, "محمد".encode(), b"a\rb"),
    "a character reference": lambda xml: _row_two(xml, "محمد".encode(), b"&#65;"),
    "an unknown entity": lambda xml: _row_two(xml, "محمد".encode(), b"&nbsp;"),
    "cells on lines of their own": lambda xml: _row_two(xml, b"</c><c ", b"</c>\n<c "),
    "a comment among the cells": lambda xml: _row_two(xml, b"</c><c ", b"</c><!-- x --><c "),
    "a number that is not one": lambda xml: _row_two(xml, b"<v>0</v>", b"<v>12x</v>"),
    "a shared text that is not there": lambda xml: _row_two(xml, b't="n"><v>0</v>', b't="s"><v>99</v>'),
    "a value past the sheet's declared rows": lambda xml: xml.replace(b'<dimension ref="A1:C7"', b'<dimension ref="A1:C5"'),
    "a value past the sheet's declared columns": lambda xml: xml.replace(b'<dimension ref="A1:C7"', b'<dimension ref="A1:B7"'),
    "a row past a sheet's last row": lambda xml: xml.replace(b'<row r="7"', b'<row r="1048577"'),
    "a row with no end": lambda xml: xml.replace(b"</row></sheetData>", b"</sheetData>"),
    "bad XML after the rows": lambda xml: xml.replace(b"</sheetData>", b"</sheetData><pageMargins left=", 1),
    "no sheetData end": lambda xml: xml.replace(b"</sheetData>", b""),
    "a prefixed row": lambda xml: xml.replace(b'<worksheet ', b'<worksheet xmlns:x="http://schemas.openxmlformats.org/'
                                              b'spreadsheetml/2006/main" ').replace(b'<row r="3"', b'<x:row r="3"')
                                             .replace(b'</row><row r="4"', b'</x:row><row r="4"'),
}


@pytest.mark.parametrize("case", sorted(_NOT_TAKEN))
def test_a_sheet_the_held_reading_does_not_take_is_read_as_before(tmp_path, case):
    """Damaged, hostile or of another form: the held reading leaves the sheet to the reading
    before it (None), and the import's answer is that reading's — its rows, or its refusal."""
    raw = _plain()
    xml = _sheet_xml(raw)
    assert b'<dimension ref="A1:C7"' in xml and b'<row r="7"' in xml
    changed = _NOT_TAKEN[case](xml)
    assert changed != xml
    raw = _with_sheet(raw, changed)
    assert _held(raw) is None
    path = Path(tmp_path / "not-taken.xlsx")
    path.write_bytes(raw)
    for streamed in (False, True):
        try:
            header_number, header, total, exact, rest, merged = sheet_reader.file_rows(path, streamed=streamed)
            answer = ([(header_number, header), *rest], merged)
        except ImportFileUnreadable as refused:
            answer = refused.message.en
        if streamed and not isinstance(answer, str) and not isinstance(_before(raw), str):
            assert not exact  # read as a stream
        assert answer == _before(raw)  # (a damage a streamed row finds is raised by its rows: late)


_BYTES = [b"<", b">", b"&", b'"', b"'", b"/", b" ", b"\n", b"\r", b"\t", b"\x00", b"\x0c", b"\x1f", b"\xff",
          b"\xd9", b"=", b"r", b"c", b"t", b"1", b"A", b"]]>", b"&amp;", b"&#1;", "\ufffe".encode(), b"<row>"]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_bytes_changed_at_random_never_make_the_held_reading_answer_differently(data):
    """A real sheet with a byte or a few changed anywhere in its rows: the held reading either
    leaves the sheet to the reading before (which then answers — rows or refusal), or answers
    exactly that reading's rows — never rows where that reading refuses the file."""
    raw = _plain(3)
    xml = _sheet_xml(raw)
    start, end = xml.index(b"<sheetData>"), xml.index(b"</sheetData>") + len(b"</sheetData>")
    changed = xml
    for _ in range(data.draw(st.integers(1, 3))):
        at = data.draw(st.integers(start, end))
        cut = data.draw(st.integers(0, 2))
        changed = changed[:at] + data.draw(st.sampled_from(_BYTES)) + changed[at + cut:]
    raw = _with_sheet(raw, changed)
    held = _held(raw)
    if held is not None:
        assert held == _before(raw)


def test_a_large_sheet_is_held_in_one_pass_and_its_rows_are_handed_out(tmp_path):
    """Through `file_rows` (the import's reading): a 3,000-row file written by openpyxl's
    write-only mode (inline strings, no `<dimension>`, the benchmark's form) is read in one pass —
    its count exact from the start — and hands out openpyxl's rows."""
    rows = [["national_number", "name.first", "x"]] + [[f"1195{i:08d}", "محمد", "" if i % 7 else None]
                                                      for i in range(3000)]
    path = tmp_path / "large.xlsx"
    path.write_bytes(_written(rows, write_only=True))
    header_number, header, total, exact, rest, merged = sheet_reader.file_rows(path)
    assert (header_number, header, total, exact, merged) == (1, ["national_number", "name.first", "x"], 3000, True, [])
    assert [(1, header), *rest] == _openpyxls(path.read_bytes())


def test_a_sheet_over_the_held_text_is_read_as_a_stream(tmp_path, monkeypatch):
    """More text than HELD_CHARS: not held (the memory stays bounded), read as a stream as before."""
    rows = [["national_number", "name.first"]] + [[f"1195{i:08d}", "محمد" * 5] for i in range(200)]
    path = tmp_path / "wide.xlsx"
    path.write_bytes(_written(rows, write_only=True))
    monkeypatch.setattr(sheet_reader, "HELD_CHARS", 1000)
    assert _held(path.read_bytes()) is None
    header_number, header, total, exact, rest, merged = sheet_reader.file_rows(path)
    assert not exact and total >= 200
    assert [(1, header), *rest] == _openpyxls(path.read_bytes())
