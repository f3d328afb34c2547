"""#12 item 8: a spreadsheet import never changes a value silently.

Real CSV and XLSX files through `fundclient import` (the CLI, a real encrypted office): quotes
inside cells survive whatever the first 4 KB look like; bad bytes, NULs, oversize cells, stray
separators and merged XLSX cells are refused per row with the row number; a broken quote is
refused naming the line; every CSV/XLSX the project writes neutralises formula-looking cells."""

from __future__ import annotations

import ast
import csv
import json
import random
from datetime import date, datetime
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook

from fundclient.cells import FORMULA_START
from fundclient.cli import main
from fundclient.domain.national_id import get_scheme
from fundclient.domain.records import Sex
from fundclient.storage import open_store
from fundclient.storage.errors import ImportFileUnreadable
from fundclient.storage.importer import preview_file, read_rows
from fundclient.storage.report_export import export_report
from fundclient.storage.reports import ReportRow

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "docs" / "import-example.csv"
HEADERS = EXAMPLE.read_text(encoding="utf-8").splitlines()[0].split(",")
GOOD = EXAMPLE.read_text(encoding="utf-8").splitlines()[1].split(",")
ADDRESS = HEADERS.index("address")
QUOTED = '"الجمهورية"'


@pytest.fixture
def office(data_dir, tmp_path):
    password = tmp_path / "pw"
    password.write_text("admin-pass-1\n", encoding="utf-8")
    assert main(["--data-dir", str(data_dir), "setup", "--office", "SBH", "--admin", "admin",
                 "--password-file", str(password), "--full-name", "مدير", "--device-number", "901"]) == 0
    return data_dir, password


def run_import(office, path: Path, report: Path) -> int:
    data_dir, password = office
    return main(["--data-dir", str(data_dir), "--lang", "en", "import", str(path), "--user", "admin",
                 "--password-file", str(password), "--report", str(report)])


def number(seed: int) -> str:
    return get_scheme().generate(random.Random(seed), Sex.MALE, date(1955, 3, 1))


FIRST = ["أحمد", "خالد", "سالم", "عمر", "يوسف", "حسن", "مصطفى", "إبراهيم", "عثمان", "منصور"]
FATHER = ["محمد", "علي", "صالح", "عبدالله", "مفتاح", "ميلاد", "جمعة", "رمضان", "بشير", "الهادي"]


def row(seed: int, **changes) -> list[str]:
    """A valid row; different seeds give different people (no possible-duplicate warnings)."""
    values = dict(zip(HEADERS, GOOD))
    values["national_number"] = number(seed)
    values["name.first"], values["name.father"] = FIRST[seed % 10], FATHER[seed // 10 % 10]
    values.update(changes)
    return [values[h] for h in HEADERS]


def report_rows(path: Path) -> list[dict]:
    return list(csv.DictReader(open(path, encoding="utf-8-sig")))


def stored_addresses(office) -> dict[str, str]:
    data_dir, _ = office
    store, _ = open_store(data_dir, "admin", "admin-pass-1")
    try:
        with store.read() as conn:
            return {n: json.loads(d)["address"] for n, d in conn.exec_driver_sql(
                "SELECT b.national_number, r.data FROM beneficiaries b JOIN revisions r"
                " ON r.record_id = b.record_id AND r.revision = b.revision")}
    finally:
        store.close()


def test_quoted_cells_after_the_first_4kb_are_kept_exactly(office, tmp_path):
    # The old Sniffer saw no doubled quote in the first 4 KB and read the cell written as
    # three quotes + الجمهورية + three quotes as `"الجمهورية""` - exit 0, every later quoted cell changed.
    rows = [row(seed) for seed in range(1, 40)] + [row(40, address=QUOTED), row(41, address='سبها "الجديدة", حي 5')]
    path = tmp_path / "in.csv"
    with open(path, "w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows([HEADERS, *rows])
    assert path.read_bytes()[:4096].count(b'""') == 0 and path.stat().st_size > 8192
    _, records, problems = read_rows(path)
    assert problems == {}
    assert records[-2][1]["address"] == QUOTED and records[-1][1]["address"] == 'سبها "الجديدة", حي 5'
    assert run_import(office, path, tmp_path / "report.csv") == 0
    stored = stored_addresses(office)
    assert stored[number(40)] == QUOTED and stored[number(41)] == 'سبها "الجديدة", حي 5'


def test_semicolon_files_and_a_broken_quote_naming_the_line(office, tmp_path):
    path = tmp_path / "semi.csv"
    with open(path, "w", encoding="utf-8", newline="") as fh:
        csv.writer(fh, delimiter=";").writerows([HEADERS, row(1, address="a, b; c"), row(2)])
    _, records, problems = read_rows(path)
    assert [r["address"] for _, r in records][0] == "a, b; c" and problems == {}
    broken = tmp_path / "broken.csv"
    lines = [",".join(HEADERS), ",".join(row(1)), ",".join(row(2)).replace(GOOD[ADDRESS], '"abc"def')]
    broken.write_text("\n".join(lines) + "\n", encoding="utf-8")
    data_dir, _ = office
    assert run_import(office, broken, tmp_path / "r.csv") == 2
    from fundclient.errors import FundError
    with pytest.raises(FundError) as refused:
        read_rows(broken)
    assert "line 3" in refused.value.message.en and "السطر 3" in refused.value.message.ar


def test_bad_bytes_nul_oversize_and_extra_cells_are_refused_per_row(office, tmp_path, capsys):
    encoded = [",".join(HEADERS).encode()]
    encoded.append(",".join(row(1)).encode())
    encoded.append(",".join(row(2, **{"name.first": "سا\udcffلم"})).encode("utf-8", "surrogateescape"))  # a bad byte
    encoded.append(",".join(row(3, **{"name.first": "ع\x00مر"})).encode())  # a NUL
    encoded.append(",".join(row(4, address="ب" * 10_000_000)).encode())  # a 10 MB cell
    encoded.append((",".join(row(5)) + ",extra").encode())  # a stray separator shifts nothing silently
    encoded.append(",".join(row(6)).encode())
    path = tmp_path / "mixed.csv"
    path.write_bytes(b"\n".join(encoded) + b"\n")
    assert run_import(office, path, tmp_path / "report.csv") == 1
    out = capsys.readouterr()
    assert "field larger than field limit" not in out.err + out.out and "unexpected" not in out.err
    problems = {(r["row"], r["field"]): r for r in report_rows(tmp_path / "report.csv")}
    assert "not valid text" in problems[("3", "name.first")]["reason_en"]
    assert "NUL" in problems[("4", "name.first")]["reason_en"]
    assert "longer than 10000" in problems[("5", "address")]["reason_en"]
    assert "only" in problems[("6", "row")]["reason_en"] and problems[("6", "row")]["reason_ar"]
    assert set(stored_addresses(office)) == {number(1), number(6)}


def test_legacy_arabic_windows_csv_is_read_whole(office, tmp_path):
    path = tmp_path / "cp1256.csv"
    with open(path, "w", encoding="cp1256", newline="") as fh:
        csv.writer(fh).writerows([HEADERS, row(1, address="سبها - حي الجديد")])
    assert run_import(office, path, tmp_path / "r.csv") == 0
    assert stored_addresses(office) == {number(1): "سبها - حي الجديد"}


def test_merged_xlsx_cells_are_refused_per_row(office, tmp_path):
    book = Workbook()
    sheet = book.active
    sheet.append(HEADERS)
    for seed in (1, 2, 3, 4):
        sheet.append(row(seed))
    column = sheet.cell(row=1, column=ADDRESS + 1).column_letter
    sheet[f"{column}3"] = None
    sheet.merge_cells(f"{column}2:{column}3")  # rows 2-3 share one address: row 3 would import empty
    path = tmp_path / "merged.xlsx"
    book.save(path)
    assert run_import(office, path, tmp_path / "report.csv") == 1
    refused = {(r["row"], r["field"]) for r in report_rows(tmp_path / "report.csv")}
    assert refused == {("2", "row"), ("3", "row")}
    reasons = [r["reason_en"] for r in report_rows(tmp_path / "report.csv")]
    assert all(f"merged cells ({column}2:{column}3)" in reason for reason in reasons)
    assert set(stored_addresses(office)) == {number(3), number(4)}


def test_the_import_report_neutralises_formulas(office, tmp_path):
    formulas = ['=HYPERLINK("http://x","y")', "+1+2", "-3+4", "@SUM(A1)", "\t=1", "\r=1"]
    path = tmp_path / "evil.csv"
    with open(path, "w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows([HEADERS, *[row(i, national_number=f) for i, f in enumerate(formulas)]])
    assert run_import(office, path, tmp_path / "report.csv") == 1
    cells = [cell for line in csv.reader(open(tmp_path / "report.csv", encoding="utf-8-sig")) for cell in line]
    assert not [c for c in cells if c.startswith(FORMULA_START)]
    assert "'" + formulas[0] in cells  # kept, readable, but text


def test_report_exports_neutralise_formulas(tmp_path):
    rows = [ReportRow("=cmd|' /C calc'!A0", 1, 2), ReportRow("@SUM(1)", 3, 4)]
    csv_cells = [c for line in csv.reader(open(export_report(rows, tmp_path / "r.csv"), encoding="utf-8-sig"))
                 for c in line]
    book = load_workbook(export_report(rows, tmp_path / "r.xlsx", title="-title"))
    xlsx_cells = [c.value for line in book.active.iter_rows() for c in line]
    for cells in (csv_cells, xlsx_cells):
        assert not [c for c in cells if isinstance(c, str) and c.startswith(FORMULA_START)], cells
        assert "'=cmd|' /C calc'!A0" in cells


def test_every_spreadsheet_writer_goes_through_the_one_helper():
    """A module that writes CSV or XLSX cells imports fundclient.cells."""
    writers = []
    for path in (ROOT / "src" / "fundclient").rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        tree = ast.parse(text)
        calls = {node.func.attr for node in ast.walk(tree)
                 if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)}
        if {"writer", "DictWriter", "writerow", "writerows"} & calls or "Workbook()" in text:
            writers.append((path.relative_to(ROOT).as_posix(), "fundclient.cells" in text))
    assert writers and all(uses for _, uses in writers), writers


@pytest.mark.skipif(not hasattr(__import__("os"), "mkfifo"), reason="POSIX drive fixture (links, FIFOs)")
def test_an_import_file_on_a_hostile_drive_is_refused_not_followed(office, tmp_path, capsys):
    """The spreadsheet usually comes on a USB stick: a FIFO must not hang the import, a link is
    not followed, a folder is not a file (fundclient.drive)."""
    import os
    import threading

    good = tmp_path / "good.csv"
    with open(good, "w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows([HEADERS, row(1)])
    os.mkfifo(tmp_path / "fifo.csv")
    (tmp_path / "link.csv").symlink_to(good)
    (tmp_path / "folder.csv").mkdir()
    for name, reason in (("fifo.csv", "a pipe (FIFO)"), ("link.csv", "a link, not a file"),
                         ("folder.csv", "a folder, not a file")):
        codes: list[int] = []
        worker = threading.Thread(target=lambda: codes.append(run_import(office, tmp_path / name, tmp_path / "r.csv")),
                                  daemon=True)
        worker.start()
        worker.join(60)
        assert codes == [2], f"{name}: hung or wrong exit"
        assert reason in capsys.readouterr().err, name
    assert stored_addresses(office) == {}


def test_each_refused_row_reads_in_the_interface_language(office, tmp_path):
    """The import page shows a row's reason in the language of the interface — French too —
    while the report keeps its Arabic and English columns."""
    path = tmp_path / "two.csv"
    path.write_text("\n".join([",".join(HEADERS), ",".join(row(1)), ",".join(row(3, **{"name.first": "ع\x00مر"}))])
                    + "\n", encoding="utf-8")
    preview = preview_file(path, office_code="SBH")
    [problem] = preview.problems
    assert problem[:4] == (3, number(3), "rejected", "name.first")
    assert problem[4] == problem.message.in_language("ar") and problem[5] == problem.message.en
    french = problem.message.in_language("fr")
    assert french not in (problem.message.en, problem[4]) and "NUL" in french


_SHEET = ('<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
          '<row r="1"><c r="A1" t="inlineStr"><is><t>national_number</t></is></c>'
          '<c r="C1" t="inlineStr"><is><t xml:space="preserve"> spaced </t></is></c></row>'
          '<row r="3"><c t="inlineStr"><is><r><t>غا</t></r><r><rPr><b/></rPr><t>لي</t></r></is></c>'
          '<c t="inlineStr"><is><t/></is></c><c t="str"><v>نص</v></c><c t="e"><v>#N/A</v></c>'
          '<c t="d"><v>2024-02-29T00:00:00</v></c><c t="b"><v>0</v></c><c><v>1.5E3</v></c>'
          '<c t="inlineStr"><is><t>a</t><rPh sb="0" eb="1"><t>x</t></rPh></is></c><c t="inlineStr"/></row>'
          '<row><c r="B4"><v>12</v></c><c r="E4" t="inlineStr"><is><t>e</t></is></c></row>'
          '<row r="5.0"><c r="A5"><v>7</v></c></row></sheetData></worksheet>')


@pytest.mark.parametrize("crafted", [False, True])
def test_the_excel_reader_reads_what_openpyxl_reads(tmp_path, crafted):
    """The import's lean reading of a sheet (`sheet_reader._sheet_values`) yields what openpyxl's
    read-only `iter_rows(values_only=True)` yields, value for value and row for row: shared
    strings, numbers, dates by their style, booleans, formulas without a cached value, missing
    cells and rows; and, in a sheet written by hand, inline and rich text (phonetic runs left
    out), cells and rows without a reference, ISO dates, error texts, a row number "5.0"."""
    from zipfile import ZipFile

    from fundclient.storage.sheet_reader import _sheet_values

    book = Workbook()
    sheet = book.active
    sheet.append(["national_number", "name.first", None, "date_of_birth", "x"])
    sheet.append(["119550012345", "محمد", 12, date(1955, 3, 1), True])
    sheet.append([1.25, 10 ** 15, None, None, "=1+1"])
    sheet["C7"] = "after a gap"
    sheet["A9"] = -3
    path = tmp_path / "values.xlsx"
    book.save(path)
    if crafted:
        with ZipFile(path) as archive:
            members = {name: archive.read(name) for name in archive.namelist()}
        members["xl/worksheets/sheet1.xml"] = _SHEET.encode()
        with ZipFile(path, "w") as archive:
            for name, data in members.items():
                archive.writestr(name, data)
    opened = load_workbook(path, read_only=True, data_only=True)
    try:
        expected = [list(r) for r in opened.worksheets[0].iter_rows(values_only=True)]
        read = [list(r) for r in _sheet_values(opened, opened.worksheets[0])]
    finally:
        opened.close()
    assert read == expected
    assert len(expected) >= 5 and any(v not in (None, "") for r in expected[2:] for v in r)


def _varied(rng: random.Random) -> list:
    """A row of the values a legacy list holds, and some it should not: gaps, empty text, spaces
    around, leading zeros, Arabic, tabs and newlines, XML's special characters, numbers small
    and large, dates and date-times, booleans."""
    kinds = [lambda: None, lambda: "", lambda: " lead", lambda: "trail ", lambda: "0012", lambda: "محمد علي",
             lambda: rng.randint(-10 ** 12, 10 ** 12), lambda: rng.random() * 1000, lambda: 1.5e300,
             lambda: 10 ** 15, lambda: date(1930 + rng.randint(0, 90), rng.randint(1, 12), rng.randint(1, 28)),
             lambda: datetime(2001, 2, 3, 4, 5, 6), lambda: True, lambda: False, lambda: "tab\tnew\nline",
             lambda: 'a < b > c & "d" \'e\'', lambda: "&amp; as text", lambda: "x" * rng.randint(0, 30)]
    return [rng.choice(kinds)() for _ in range(14)]


def _sheet_file(tmp_path, name: str, write_only: bool, rows: list[list]) -> Path:
    book = Workbook(write_only=write_only)
    sheet = book.create_sheet() if write_only else book.active
    for values in rows:
        sheet.append(values)
    path = tmp_path / name
    book.save(path)
    return path


def _read_both(path: Path, reader) -> tuple[list, list]:
    """(openpyxl's rows, `reader(book, sheet)`'s) of the file's first sheet."""
    opened = load_workbook(path, read_only=True, data_only=True)
    try:
        sheet = opened.worksheets[0]
        return [list(r) for r in sheet.iter_rows(values_only=True)], [list(r) for r in reader(opened, sheet)]
    finally:
        opened.close()


@pytest.mark.parametrize("write_only", [False, True])
def test_the_plain_reading_of_a_sheet_is_openpyxls(tmp_path, write_only):
    """A sheet as openpyxl writes it (with and without `<dimension>`, shared or inline strings)
    is read from its XML's bytes alone (`sheet_reader._plain_cells`, no parser fallback) and yields
    what openpyxl's `iter_rows` yields, value for value — XML's escaped characters included."""
    from fundclient.storage.sheet_reader import _plain_cells, _sheet_rows, _sheet_values

    rng = random.Random(8)
    path = _sheet_file(tmp_path, "varied.xlsx", write_only, [_varied(rng) for _ in range(300)])
    expected, plain = _read_both(path, lambda book, sheet: _sheet_rows(book, sheet, _plain_cells(book, sheet)))
    assert plain == expected and len(expected) == 300
    assert _read_both(path, _sheet_values) == (expected, expected)
    assert any(isinstance(v, str) and "&" in v and "<" in v for r in expected for v in r)


def test_a_row_of_another_form_hands_the_sheet_to_the_parser(tmp_path):
    """A row the plain reading does not take (here a character reference, a rich text, a pretty-
    printed cell) stops it: the sheet is read again by the parser, the rows already yielded
    skipped — every row once, as openpyxl reads them."""
    from zipfile import ZipFile

    from fundclient.storage.sheet_reader import _NotPlain, _plain_cells, _sheet_rows, _sheet_values

    rng = random.Random(9)
    path = _sheet_file(tmp_path, "mixed.xlsx", True, [_varied(rng) for _ in range(40)])
    with ZipFile(path) as archive:
        members = {name: archive.read(name) for name in archive.namelist()}
    xml = members["xl/worksheets/sheet1.xml"]
    for row, form in ((12, b'<c r="A12" t="inlineStr"><is><t>line&#10;two</t></is></c>'),
                      (25, '<c r="A25" t="inlineStr"><is><r><t>غا</t></r><r><t>لي</t></r></is></c>'.encode()),
                      (33, b'<c r="A33">\n  <v>7</v>\n</c>')):
        start = xml.index(b'<row r="%d"' % row)
        start = xml.index(b">", start) + 1
        end = xml.index(b"</c>", start) + len(b"</c>")
        xml = xml[:start] + form + xml[end:]
    members["xl/worksheets/sheet1.xml"] = xml
    with ZipFile(path, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    expected, read = _read_both(path, _sheet_values)
    assert read == expected and len(expected) == 40
    assert expected[11][0] == "line\ntwo" and expected[24][0] == "غالي" and expected[32][0] == 7
    with pytest.raises(_NotPlain):
        _read_both(path, lambda book, sheet: _sheet_rows(book, sheet, _plain_cells(book, sheet)))


@pytest.mark.parametrize("damage", [b"</sheetData><pageMargins left=</worksheet>", b"</sheetData>", b""])
def test_a_sheet_damaged_after_its_rows_is_refused(office, tmp_path, damage):
    """The plain reading checks the XML around the rows with a real parser: a sheet whose end is
    broken or cut off is refused whole, as the parser refuses it (nothing imported)."""
    from zipfile import ZipFile

    path = _sheet_file(tmp_path, "cut.xlsx", True, [HEADERS, row(1), row(2)])
    with ZipFile(path) as archive:
        members = {name: archive.read(name) for name in archive.namelist()}
    xml = members["xl/worksheets/sheet1.xml"]
    members["xl/worksheets/sheet1.xml"] = xml[:xml.index(b"</sheetData>")] + damage
    with ZipFile(path, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    with pytest.raises(ImportFileUnreadable):
        read_rows(path)
    assert run_import(office, path, tmp_path / "report.csv") != 0
    assert stored_addresses(office) == {}


@pytest.mark.parametrize("write_only", [False, True])
def test_a_sheets_size_is_found_from_its_head_as_openpyxl_finds_it(tmp_path, write_only):
    """`sheet_reader._load_book`: openpyxl's read-only sheets sized from the XML before `<sheetData>`
    — the same bounds as openpyxl's own reading (known with `<dimension>`, unknown without) — by
    a reader and a sheet class of its own: openpyxl's `ReadOnlyWorksheet` is never changed, also
    while another thread loads a book meanwhile (the review finding: it was patched
    process-wide). The book it loads has the sheets `load_workbook` finds: their titles, states,
    kinds and bounds."""
    import threading

    from openpyxl.worksheet._read_only import ReadOnlyWorksheet

    from fundclient.storage.sheet_reader import _load_book

    rng = random.Random(10)
    path = _sheet_file(tmp_path, "sized.xlsx", write_only, [_varied(rng) for _ in range(50)])
    if not write_only:  # more sheets: one hidden, one of a chart
        from openpyxl.chart import BarChart, Reference

        book = load_workbook(path)
        hidden = book.create_sheet("hidden")
        hidden.append(["x", 1])
        hidden.sheet_state = "hidden"
        chart = BarChart()
        chart.add_data(Reference(hidden, min_col=2, min_row=1, max_row=1))
        book.create_chartsheet("chart").add_chart(chart)
        book.save(path)
    own = ReadOnlyWorksheet.__dict__["_get_size"]

    def sheets(book):
        return [(type(s).__mro__[-2].__name__, s.title, s.sheet_state) for s in book._sheets]

    def bounds(book):
        return [(s.min_row, s.min_column, s.max_row, s.max_column) for s in book.worksheets]

    seen = []

    def watch():  # what another thread sees of openpyxl's class meanwhile
        while not done.is_set():
            seen.append(ReadOnlyWorksheet.__dict__["_get_size"] is own)

    done = threading.Event()
    watcher = threading.Thread(target=watch)
    watcher.start()
    try:
        ours = [_load_book(path.read_bytes()) for _ in range(20)][-1]
    finally:
        done.set()
        watcher.join()
    assert seen and all(seen)
    assert ReadOnlyWorksheet.__dict__["_get_size"] is own
    theirs = load_workbook(path, read_only=True, data_only=True)
    try:
        assert bounds(ours) == bounds(theirs)
        assert sheets(ours) == sheets(theirs) and len(ours.worksheets) == (1 if write_only else 2)
        assert (bounds(theirs)[0][2] is None) == write_only
        assert all(isinstance(s, ReadOnlyWorksheet) for s in ours.worksheets)
    finally:
        ours.close()
        theirs.close()


_HOSTILE = {  # a row's XML as a damaged or hostile file may hold it; the parser refuses or reads it its way
    "an attribute without a value": (b'<row r="2"', b'<row r="2" junk'),
    "an attribute twice": (b'<row r="2"', b'<row r="2" r="2"'),
    "an undeclared prefix": (b'<row r="2"', b'<row r="2" foo:bar="1"'),
    "a row in another namespace": (b'<row r="3"', b'<row xmlns="urn:other" r="3"'),
    "U+FFFF in a text": (b"x1", "x\uffff1".encode()),
    "U+FFFE in a text": (b"y2", "y\ufffe2".encode()),
    "a formula's attribute twice": (b'<c r="B2" t="inlineStr"><is><t>y1</t></is></c>',
                                    b'<c r="B2"><f t="shared" t="x">1</f><v>1</v></c>'),
    "a row number not a whole number": (b'<row r="3"', b'<row r="3.5"'),
}


@pytest.mark.parametrize("case", sorted(_HOSTILE))
def test_the_plain_reading_answers_what_the_parser_answers_on_a_damaged_row(tmp_path, case):
    """Whatever a row holds, `_sheet_values` answers what openpyxl's parser answers
    (`_parsed_cells`): the same rows, or a refusal where the parser refuses — the plain reading
    takes no row the parser would not read the same way (review, 15:00)."""
    from zipfile import ZipFile

    path = _sheet_file(tmp_path, "hostile.xlsx", True, [["a", "b"], ["x1", "y1"], ["x2", "y2"]])
    with ZipFile(path) as archive:
        members = {name: archive.read(name) for name in archive.namelist()}
    old, new = _HOSTILE[case]
    xml = members["xl/worksheets/sheet1.xml"]
    assert old in xml
    members["xl/worksheets/sheet1.xml"] = xml.replace(old, new, 1)
    with ZipFile(path, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)

    plain, parsed = plain_and_parsed_answers(path.read_bytes())
    assert plain == parsed


def plain_and_parsed_answers(raw: bytes) -> tuple:
    """What the plain reading (`_sheet_values`) and openpyxl's parser (`_parsed_cells`) answer for
    the first sheet of `raw`, loaded as the import loads it (the sheet not read to size it): each
    its rows, or its refusal's class name."""
    from fundclient.storage.sheet_reader import _load_book, _parsed_cells, _sheet_rows, _sheet_values

    def answer(reader):
        try:
            book = _load_book(raw)
            try:
                return [list(r) for r in reader(book, book.worksheets[0])]
            finally:
                book.close()
        except Exception as exc:  # noqa: BLE001 - the refusal is the answer compared
            return type(exc).__name__

    return answer(_sheet_values), answer(lambda book, sheet: _sheet_rows(book, sheet, _parsed_cells(book, sheet)))


def _patched_sheet(tmp_path, name: str, rows: list[list], patch) -> Path:
    """An openpyxl-written file (with `<dimension>`, as Excel writes) whose sheet XML is `patch(xml)`."""
    from zipfile import ZIP_DEFLATED, ZipFile

    path = _sheet_file(tmp_path, name, False, rows)
    with ZipFile(path) as archive:
        members = {member: archive.read(member) for member in archive.namelist()}
    members["xl/worksheets/sheet1.xml"] = patch(members["xl/worksheets/sheet1.xml"])
    with ZipFile(path, "w", ZIP_DEFLATED) as archive:
        for member, data in members.items():
            archive.writestr(member, data)
    return path


def _row_two(xml: bytes, new: bytes) -> bytes:
    start = xml.index(b'<row r="2"')
    return xml[:start] + new + xml[xml.index(b">", start) + 1:]


@pytest.mark.parametrize("patch", [
    lambda xml: _row_two(xml, b'<row r="2" junk>'),  # a malformed attribute
    lambda xml: _row_two(xml, b'<row r="2" r="2">'),  # an attribute twice
    lambda xml: _row_two(xml, b'<row r="2" xmlns:a="urn:a" xmlns:b="urn:a" a:x="1" b:x="2">'),  # the same, by namespace
    lambda xml: _row_two(xml, '<row r="2"><c r="Z2" t="str"><v>1\uffff</v></c>'.encode()),  # a character XML forbids
    lambda xml: _row_two(xml, '<row r="2"><c r="Z2" t="inlineStr"><is><t>x\uffff</t></is></c>'.encode()),  # in a text
    lambda xml: xml.replace(b'</row><row r="2"', b'</row>\x0c<row r="2"', 1),  # a form feed between rows
    lambda xml: _row_two(xml, b'<row\x0br="2">'),  # a vertical tab in a start tag
], ids=["junk", "twice", "twice-by-namespace", "U+FFFF-value", "U+FFFF-text", "form-feed", "vertical-tab"])
def test_a_sheet_damaged_inside_its_rows_is_refused_as_the_parser_refuses_it(office, tmp_path, patch):
    """Every byte of the rows the plain reading takes goes to expat too: a row the parser refuses
    (a malformed or repeated attribute, a character XML forbids, even between the rows or among a
    start tag's attributes, where a regular expression's \\s takes it) makes the file refused, as
    openpyxl's own reading refuses it — nothing imported (review finding 1)."""
    rows = [HEADERS, row(1), row(2), row(3)]
    path = _patched_sheet(tmp_path, "damaged.xlsx", rows, patch)
    with pytest.raises(Exception):  # noqa: B017 - whatever the parser raises
        _read_both(path, lambda book, sheet: ())
    with pytest.raises(ImportFileUnreadable):
        read_rows(path)
    assert run_import(office, path, tmp_path / "report.csv") != 0
    assert stored_addresses(office) == {}


@pytest.mark.parametrize("start_tag", [
    b'<row spans=\' r="9"\' r="2">',  # r="9" inside another attribute's value
    b'<row xmlns="urn:other" r="2">',  # a row in another namespace: not a sheet row
    b'<row r="2" spans="1:3" x14ac:dyDescent="0.25" xmlns:x14ac="urn:x">',  # a namespace declared on the row
    b'<row r = "2"\n spans="1:3">',  # spaces and a line break around the attributes
    b'<row r="0002">',
])
def test_a_rows_start_tag_is_read_as_the_parser_reads_it(tmp_path, start_tag):
    """The plain reading takes a row's `r` only as a whole attribute of a start tag of a strict
    form, and hands anything else to the parser: the rows are openpyxl's, none lost or doubled."""
    from fundclient.storage.sheet_reader import _sheet_values

    rng = random.Random(11)
    path = _patched_sheet(tmp_path, "tags.xlsx", [_varied(rng) for _ in range(4)],
                          lambda xml: _row_two(xml, start_tag))
    expected, read = _read_both(path, _sheet_values)
    assert read == expected and len(expected) >= 3


class Counted:
    """A sheet's source that counts the bytes read from it (also used by test_import_held_rows)."""

    def __init__(self, source) -> None:
        self.source, self.read_bytes = source, 0

    def read(self, size: int = -1) -> bytes:
        chunk = self.source.read(size)
        self.read_bytes += len(chunk)
        return chunk

    def tell(self) -> int:
        return self.source.tell()

    def close(self) -> None:
        self.source.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        self.source.close()

    def __enter__(self):
        return self

    def __exit__(self, *_) -> None:
        self.close()


def test_one_long_row_is_handed_to_the_parser_after_a_bounded_read(tmp_path):
    """A cell of 16 MiB (a ~20 KB file): the plain reading stops once one row passes `_ROW_BYTES`,
    having read at most that and one more read's worth (so its work is linear in the file, not
    quadratic: review finding 2), and the sheet is then read by the parser — openpyxl's values."""
    from fundclient.storage import sheet_reader

    cell = b'<c r="B2" t="inlineStr"><is><t>' + b"x" * (16 << 20) + b"</t></is></c>"
    path = _patched_sheet(tmp_path, "long.xlsx", [["a", "b"], ["x"], ["z", "w"]],
                          lambda xml: _row_two(xml, b'<row r="2">' + cell))
    assert path.stat().st_size < 200_000
    counted = []

    def plain(book, sheet):
        opened = sheet._get_source

        def source():
            counted.append(Counted(opened()))
            return counted[-1]
        sheet._get_source = source
        return sheet_reader._sheet_rows(book, sheet, sheet_reader._plain_cells(book, sheet))

    with pytest.raises(sheet_reader._NotPlain):
        _read_both(path, plain)
    assert len(counted) == 1
    assert counted[0].read_bytes <= sheet_reader._ROW_BYTES + 2 * sheet_reader._SHEET_BYTES
    expected, read = _read_both(path, sheet_reader._sheet_values)
    assert read == expected and len(expected[1][1]) == (16 << 20)
