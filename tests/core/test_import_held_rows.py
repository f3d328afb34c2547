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
import re
from datetime import date, datetime
from pathlib import Path
from zipfile import ZIP_DEFLATED, ZipFile

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st
from openpyxl import Workbook, load_workbook

from fundclient.storage import sheet_reader
from fundclient.storage.errors import ImportFileUnreadable
from test_import_never_changes_a_value import _HOSTILE, Counted, plain_and_parsed_answers

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


def _excel_form(rows: list[list], spans: bool) -> bytes:
    """A package whose sheet is written as Excel writes it, from `rows` of values: text as shared
    strings, numbers, dates and date-times as numbers with a date style, booleans, empty cells
    left out, each row with Excel's spans and x14ac:dyDescent (`spans`) or its number alone."""
    from openpyxl.utils import get_column_letter
    from openpyxl.utils.datetime import to_excel
    from xml.sax.saxutils import escape

    book = Workbook()
    book.active["A1"] = "x"
    book.active["B1"] = date(2000, 1, 1)  # style 1: a date format
    out = io.BytesIO()
    book.save(out)
    strings: dict[str, int] = {}
    xml = []
    for number, values in enumerate(rows, start=1):
        cells = []
        for index, value in enumerate(values, start=1):
            ref = f"{get_column_letter(index)}{number}"
            if value is None or value == "":
                continue
            if isinstance(value, bool):
                cells.append(f'<c r="{ref}" t="b"><v>{int(value)}</v></c>')
            elif isinstance(value, (date, datetime)):
                cells.append(f'<c r="{ref}" s="1"><v>{to_excel(value)}</v></c>')
            elif isinstance(value, (int, float)):
                cells.append(f'<c r="{ref}"><v>{value!r}</v></c>')
            else:
                cells.append(f'<c r="{ref}" t="s"><v>{strings.setdefault(value, len(strings))}</v></c>')
        attributes = f' spans="1:{max(len(values), 1)}" x14ac:dyDescent="0.25"' if spans else ""
        xml.append(f'<row r="{number}"{attributes}>{"".join(cells)}</row>')
    sheet = _EXCEL[:_EXCEL.index("<dimension")] + f'<dimension ref="A1:H{len(rows)}"/><sheetData>' + "".join(xml) + \
        "</sheetData>" + _EXCEL[_EXCEL.index("<pageMargins"):]
    table = ('<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">' + "".join(
        '<si><t xml:space="preserve">' + escape(text) + "</t></si>" for text in strings) + "</sst>")
    with ZipFile(io.BytesIO(out.getvalue())) as archive:
        types = archive.read("[Content_Types].xml").replace(
            b"</Types>", b'<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-'
                         b'officedocument.spreadsheetml.sharedStrings+xml"/></Types>')
    return _with_sheet(out.getvalue(), sheet.encode(),
                       **{"xl/sharedStrings.xml": table.encode(), "[Content_Types].xml": types})


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rows=_ROWS, spans=st.booleans())
def test_the_held_reading_is_openpyxls_on_generated_sheets_in_excels_form(rows, spans):
    """Generated sheets written as Excel writes them (shared strings, numbers, dates by their
    style, booleans, cells left out): taken, and openpyxl's rows as text, the reading before's."""
    rows = [[v for v in values if not (isinstance(v, str) and v.startswith("="))] for values in rows]
    raw = _excel_form(rows, spans)
    held = _held(raw)
    assert held is not None
    assert held == _before(raw)
    assert held[0] == _openpyxls(raw)


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
    """More text than HELD_BYTES: not held (the memory stays bounded), read as a stream as before."""
    rows = [["national_number", "name.first"]] + [[f"1195{i:08d}", "محمد" * 5] for i in range(200)]
    path = tmp_path / "wide.xlsx"
    path.write_bytes(_written(rows, write_only=True))
    monkeypatch.setattr(sheet_reader, "HELD_BYTES", 1000)
    assert _held(path.read_bytes()) is None
    header_number, header, total, exact, rest, merged = sheet_reader.file_rows(path)
    assert not exact and total >= 200
    assert [(1, header), *rest] == _openpyxls(path.read_bytes())


# Review 2026-12-01, finding 1: a row start tag padded with whitespace — well formed XML
# (`<row` + spaces + `r="2">`), a ~6 KB file for a million spaces — cost the patterns before
# (`<row((?:\s[^<>]*?)?)\s*(/?)>`: a lazy run followed by a run of the same characters) work in
# the square of the padding whenever a match failed (the tag cut by a read, or `<row` + spaces and
# no `>`): hours for one file. A timed assertion would not do (the standards: none); instead
# (1) every pattern of the sheet reader is checked by its structure: no unbounded run that may give
# back what it took can take a character that what follows it may start with — each decision to go
# on or stop is made by one character, so a failed match costs at most its length (a match of the
# patterns before fails this check, shown); (2) the row tags answer what the patterns before answered,
# on every short tag made of the characters that matter; (3) padded files read alike, fast.

def _charset(op, av, universe: list[str], as_bytes: bool) -> frozenset:
    from re import _constants as c

    def matches(escape: str) -> frozenset:
        pattern = re.compile(escape.encode() if as_bytes else escape)
        return frozenset(ch for ch in universe if pattern.fullmatch(ch.encode("latin-1") if as_bytes else ch))

    if op is c.LITERAL:
        return frozenset({chr(av)})
    if op is c.NOT_LITERAL:
        return frozenset(universe) - {chr(av)}
    if op is c.ANY:
        return frozenset(universe) - {"\n"}
    assert op is c.IN, op
    found, negate = set(), False
    for item_op, item_av in av:
        if item_op is c.NEGATE:
            negate = True
        elif item_op is c.LITERAL:
            found.add(chr(item_av))
        elif item_op is c.RANGE:
            found |= {ch for ch in universe if item_av[0] <= ord(ch) <= item_av[1]}
        elif item_op is c.CATEGORY:
            found |= matches({c.CATEGORY_SPACE: r"\s", c.CATEGORY_DIGIT: r"\d", c.CATEGORY_WORD: r"\w",
                              c.CATEGORY_NOT_SPACE: r"\S", c.CATEGORY_NOT_DIGIT: r"\D",
                              c.CATEGORY_NOT_WORD: r"\W"}[item_av])
        else:
            raise AssertionError(f"not understood: {item_op}")
    return frozenset(universe) - found if negate else frozenset(found)


def _ambiguous_runs(pattern: re.Pattern) -> list[str]:
    """The unbounded runs of `pattern` that may give back a character the pattern may take next
    (the cause of backtracking in more than linear work): [] for a pattern whose every run is
    decided by the next character."""
    from re import _constants as c, _parser

    as_bytes = isinstance(pattern.pattern, bytes)
    universe = [chr(i) for i in range(256)] + ([] if as_bytes else ["\u0627", "\ufffe", "\uffff", "\U0001f600"])
    found: list[str] = []

    def first(items) -> tuple[frozenset, bool]:
        """(the characters `items` may start with, whether it may take none)."""
        start: frozenset = frozenset()
        for op, av in items:
            if op in (c.LITERAL, c.NOT_LITERAL, c.ANY, c.IN):
                return start | _charset(op, av, universe, as_bytes), False
            if op in (c.AT, c.ASSERT, c.ASSERT_NOT):
                continue  # takes no character
            if op is c.SUBPATTERN:
                more, empty = first(av[3])
            elif op is c.ATOMIC_GROUP:
                more, empty = first(av)
            elif op is c.BRANCH:
                parts = [first(branch) for branch in av[1]]
                more, empty = frozenset().union(*(p[0] for p in parts)), any(p[1] for p in parts)
            elif op in (c.MAX_REPEAT, c.MIN_REPEAT, c.POSSESSIVE_REPEAT):
                more, empty = first(av[2])
                empty = empty or av[0] == 0
            else:
                raise AssertionError(f"not understood: {op}")
            start |= more
            if not empty:
                return start, False
        return start, True

    def check(items, follow: frozenset) -> None:
        items = list(items)
        for index, (op, av) in enumerate(items):
            after, empty = first(items[index + 1:])
            after = after | follow if empty else after
            if op is c.SUBPATTERN:
                check(av[3], after)
            elif op is c.ATOMIC_GROUP:
                check(av, after)
            elif op is c.BRANCH:
                for branch in av[1]:
                    check(branch, after)
            elif op in (c.MAX_REPEAT, c.MIN_REPEAT, c.POSSESSIVE_REPEAT):
                least, most, body = av
                taken, _ = first(body)
                if op is not c.POSSESSIVE_REPEAT and most == c.MAXREPEAT and taken & after:
                    found.append(f"{pattern.pattern!r}: a run of {sorted(taken)[:8]}… may give back "
                                 f"{sorted(taken & after)[:8]}…, which may follow it")
                check(body, after | taken if most > 1 else after)

    check(_parser.parse(pattern.pattern, pattern.flags), frozenset())
    return found


_PATTERNS_BEFORE = {  # (finding 1) the row tags' patterns before: each fails the check
    "_PLAIN_ROW": re.compile(rb'<row((?:\s[^<>]*?)?)\s*(/?)>'),
    "_ROW_TAG": re.compile(r'<row((?:[ \t\r\n][^<>]*?)?)[ \t\r\n]*(/?)>'),
}


def test_no_pattern_of_the_sheet_reader_can_backtrack_in_more_than_its_length():
    """Every compiled pattern of sheet_reader (the tags, the cells, `<v>`, `<is>`, the texts, the
    attributes…): each unbounded run is decided by the next character — so a padded tag costs
    its length, not its square. (An unanchored use — findall, split, search — tries a start at
    each `<` or literal its pattern begins with; each try ends at a `<` or `"` a few tags on.)"""
    patterns = {name: value for name, value in vars(sheet_reader).items() if isinstance(value, re.Pattern)}
    assert {"_PLAIN_ROW", "_ROW_TAG", "_PLAIN_CELL", "_PLAIN_CELLS", "_INLINE_CELL", "_ANY_CELL",
            "_ROW_ATTRIBUTES", "_ROW_ATTRIBUTE_PARTS"} <= set(patterns)
    assert {name: _ambiguous_runs(pattern) for name, pattern in patterns.items() if _ambiguous_runs(pattern)} == {}
    for name, before in _PATTERNS_BEFORE.items():  # the check finds what the review found
        assert _ambiguous_runs(before), name


def _tags(alphabet: str, longest: int) -> list[str]:
    from itertools import product

    return ["<row" + "".join(chars) for size in range(longest + 1) for chars in product(alphabet, repeat=size)]


def test_the_row_tags_answer_what_the_patterns_before_answered():
    """On every tag `<row` + up to 6 of the characters that matter (whitespace, `/`, `>`, `<`, a
    name, `=`, a quote): the same match or none, at the same end, the same attributes (the
    whitespace after them left out: `_row_number` reads them alike) and the same `/>`."""
    for name, alphabet in (("_ROW_TAG", ' \t/>r="<'), ("_PLAIN_ROW", ' \x0c/>r="<')):
        now, before = getattr(sheet_reader, name), _PATTERNS_BEFORE[name]
        for tag in _tags(alphabet, 6) + ["<row r=\"2\"" + " " * 40 + "/>", "<row" + " " * 40 + "r=\"2\" >"]:
            text = tag.encode() if name == "_PLAIN_ROW" else tag
            old, new = before.match(text), now.match(text)
            assert (old is None) == (new is None), (name, tag)
            if old is not None:
                attributes, closed = sheet_reader._tag_parts(new.group(1))
                assert (new.end(), attributes, closed) == (old.end(), old.group(1).rstrip(), bool(old.group(2))), \
                    (name, tag)


_PADDED = {  # a row start tag or a cell tag padded (whitespace XML allows there: well formed, or not)
    "a row tag padded before its number": (b'<row r="2"', b"<row" + b" " * 20000 + b' r="2"'),
    "a row tag padded after its attributes": (b'<row r="2"', b'<row r="2"' + b"\n " * 10000),
    "a row tag padded with tabs and line ends": (b'<row r="2"', b"<row" + b"\t\r\n" * 7000 + b'r="2"'),
    "a row tag padded and never closed": (b'<row r="2"', b"<row" + b" " * 20000 + b'<row r="2"'),
    "a cell tag padded": (b'<c r="B2"', b"<c" + b" " * 20000 + b'r="B2"'),
}


@pytest.mark.parametrize("sheet_bytes", [1 << 20, 4096])
@pytest.mark.parametrize("case", sorted(_PADDED))
def test_a_padded_tag_is_read_as_the_reading_before_reads_it(tmp_path, monkeypatch, case, sheet_bytes):
    """(finding 1) A tag padded by 20,000 whitespace characters — read whole, and cut by the reads
    (4 KiB at a time: the tag spans five) —: the held reading answers what the reading before
    (and openpyxl) answers, or leaves the file to it; the plain reading answers what the parser
    answers. With the patterns before, the padded row tags took seconds of CPU each here."""
    monkeypatch.setattr(sheet_reader, "_SHEET_BYTES", sheet_bytes)
    raw = _plain()
    old, new = _PADDED[case]
    xml = _sheet_xml(raw)
    assert old in xml
    raw = _with_sheet(raw, xml.replace(old, new, 1))
    held, before = _held(raw), _before(raw)
    if case.startswith("a row tag padded") and "never closed" not in case:
        assert held is not None and not isinstance(before, str)  # well formed: taken
        assert held[0] == _openpyxls(raw)
    if held is not None:
        assert held == before

    plain, parsed = plain_and_parsed_answers(raw)
    assert plain == parsed
    path = tmp_path / "padded.xlsx"
    path.write_bytes(raw)
    try:
        header_number, header, total, exact, rest, merged = sheet_reader.file_rows(path, streamed=False)
        assert ([(header_number, header), *rest], merged) == before
    except ImportFileUnreadable as refused:
        assert refused.message.en == before


# Review 2026-12-01, finding 3: the held text is bounded by the bytes its strings take, and a
# sheet that will not fit is left to the stream before it is read whole.

def _held_counting(raw: bytes):
    """(`_held_rows` of the first sheet, the bytes of its XML read, the XML's size)."""
    book = sheet_reader._load_book(raw)
    try:
        sheet = book.worksheets[0]
        opened, counted = sheet._get_source, []
        sheet._get_source = lambda: counted.append(Counted(opened())) or counted[-1]
        return sheet_reader._held_rows(book, sheet), counted[-1].read_bytes, len(_sheet_xml(raw))
    finally:
        book.close()


def test_the_held_text_is_bounded_by_its_bytes_not_its_characters(tmp_path, monkeypatch):
    """A row with an astral character (an emoji) takes 4 bytes a character: 200 such rows whose
    characters fit the bound but whose bytes do not are not held, and read as a stream alike."""
    from sys import getsizeof

    rows = [["national_number", "name.first"]] + [[f"1195{i:08d}", "\U0001f600" * 20] for i in range(200)]
    path = tmp_path / "astral.xlsx"
    path.write_bytes(_written(rows, write_only=True))
    held, _ = _held(path.read_bytes())
    texts = [sheet_reader._CELLS_APART.join(cells) for _, cells in held]
    chars, taken = sum(map(len, texts)), sum(map(getsizeof, texts))
    assert taken > 3 * chars
    monkeypatch.setattr(sheet_reader, "HELD_BYTES", 2 * chars, raising=False)
    assert _held(path.read_bytes()) is None
    header_number, header, total, exact, rest, merged = sheet_reader.file_rows(path)
    assert not exact and [(1, header), *rest] == _openpyxls(path.read_bytes())


def test_a_sheet_that_will_not_fit_is_left_before_it_is_read_whole(tmp_path, monkeypatch):
    """Rows whose held text would pass HELD_BYTES by its last tenth: the held reading stops once
    an eighth of the sheet is read and its rows at that rate would not fit — about a quarter of
    the sheet read, not nine tenths — and the file is read as a stream alike."""
    from sys import getsizeof

    rows = [["national_number", "name.first", "x"]] + [[f"1195{i:08d}", "محمد", i] for i in range(4000)]
    path = tmp_path / "large.xlsx"
    path.write_bytes(_written(rows, write_only=True))
    monkeypatch.setattr(sheet_reader, "_SHEET_BYTES", 4096)
    (held, _), whole_read, whole = _held_counting(path.read_bytes())
    assert whole_read >= whole
    taken = sum(getsizeof(joined) for _, joined in held)
    monkeypatch.setattr(sheet_reader, "HELD_BYTES", taken * 9 // 10, raising=False)
    held, read, whole = _held_counting(path.read_bytes())
    assert held is None and read <= whole // 4, (read, whole)
    header_number, header, total, exact, rest, merged = sheet_reader.file_rows(path)
    assert not exact and [(1, header), *rest] == _openpyxls(path.read_bytes())
