"""`fundclient import FILE`: beneficiaries from CSV or XLSX, one row per beneficiary.

Headers are the domain's field keys (`domain.fields`: national_number, name.first, ...,
category_fields.<key>, dependants[N].<key>). The whole file is looked through first; a
file that cannot be read changes nothing (`row_stream`: a large XLSX file's rows are then read
while they are saved — a cell only its row's reading finds damaged stops the import at that row,
`LATE_DAMAGE`). The valid rows are saved in batches, one
transaction per batch; rows whose national number is already in the DB are skipped, so a
re-run after an interruption imports only what is missing.
"""

from __future__ import annotations

import csv
import io
import re
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Callable

from fundclient import drive, oslock
from fundclient.cells import safe_row
from fundclient.domain.duplicate_keys import packed_lookup_keys, stored_keys_of
from fundclient.domain.fields import BENEFICIARY_FIELDS, CATEGORY_PREFIX, DEPENDANT_FIELDS
from fundclient.domain.records import ArabicName, Beneficiary, Dependant
from fundclient.domain.reference import ReferenceData, default_reference, use_reference
from fundclient.domain.validation import ensure_valid_beneficiary
from fundclient.errors import FundError, Message, ValidationFailed
from fundclient.storage.duplicate_candidates import form_numbers
from fundclient.storage.errors import CardNumberTaken, HelperStopped, ImportFileUnreadable
from fundclient.storage.rows import ready_for_import, unnumbered_rows

if TYPE_CHECKING:
    from fundclient.storage.store import Store

MAX_FILE_BYTES = 50 * 1024 * 1024
MAX_CELL_CHARS = 10_000
MAX_ROWS = 200_000
SHEET_MAX_ROWS = 1_048_576  # the last row a worksheet can have (Excel)
_DEPENDANT = re.compile(r"dependants\[(\d+)\]\.(.+)")
REPORT_HEADERS = ("row", "national_number", "result", "field", "reason_ar", "reason_en")
ALREADY_THERE = Message("Already registered with this national number (not imported again)")


class ImportProblem(tuple):
    """One report line: (row, national_number, result, field, reason_ar, reason_en) — what the
    report CSV holds — and the reason as a catalogue `message`, shown in any interface language."""

    def __new__(cls, row: int, national: object, outcome: str, key: str, message: Message) -> "ImportProblem":
        problem = super().__new__(cls, (row, national, outcome, key, message.ar, message.en))
        problem.message = message
        return problem


@dataclass
class ImportResult:
    rows: int = 0
    imported: int = 0
    already_present: int = 0
    rejected: int = 0  # possible duplicates included
    duplicates: int = 0  # rows refused as a possible duplicate (a supervisor checks them)
    report_path: Path | None = None
    # (row, national_number, result, field, reason_ar, reason_en), as in the report
    problems: list[tuple] = field(default_factory=list)
    done: int = 0  # rows handled (all of them unless cancelled)
    cancelled: bool = False  # stopped between two batches: what was committed is kept

    @property
    def refused_rows(self) -> int:
        return len({p[0] for p in self.problems if p[2] == "rejected"})


# Required fields the import fills itself when the column is absent: this office, office
# channel, active, the default category (retirees).
DEFAULTED_COLUMNS = frozenset({"office_code", "channel", "status", "category"})


def required_columns() -> list[str]:
    return [key for key, d in BENEFICIARY_FIELDS.items() if d.required and key not in DEFAULTED_COLUMNS]


def known_column(name: str) -> bool:
    match = _DEPENDANT.fullmatch(name)
    if match:
        return match.group(2) in DEPENDANT_FIELDS
    return name in BENEFICIARY_FIELDS or name.startswith(CATEGORY_PREFIX)


def _unreadable(message: Message) -> ImportFileUnreadable:
    return ImportFileUnreadable(message)


# A row that cannot be read faithfully is refused with its row number and column; the rest of
# the file is imported. (field, Message) per problem.
RowProblems = dict[int, list[tuple[str, Message]]]
BAD_BYTES = Message("column '{column}' holds bytes that are not valid text (damaged encoding): fix the cell")
NUL_CHAR = Message("column '{column}' holds a NUL character: fix the cell")
CELL_TOO_LONG = Message("column '{column}' is longer than {limit} characters: fix the cell")
EXTRA_CELLS = Message("the row has {cells} cells but there are only {headers} headers (a stray separator?): "
                      "nothing of it was imported")
MERGED = Message("merged cells ({ref}): unmerge and fill every row")
_BAD_BYTE = re.compile("[\udc80-\udcff]")
_NON_ASCII_TEXT = re.compile("[^\x00-\x7f\udc80-\udcff]")
DELIMITERS = (",", ";", "\t")


def _decode(raw: bytes) -> str:
    """The file's text. UTF-8 (with or without BOM) or UTF-16 with BOM; a file with no UTF-8 text
    at all is legacy Arabic Windows (cp1256, what older Excel saves as "CSV"). In a UTF-8 file,
    bytes that are not UTF-8 stay marked (surrogate escapes) and their rows are refused: the file
    is never re-read in another encoding that would silently change every Arabic letter."""
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return raw.decode("utf-16")
        except UnicodeDecodeError:
            raise _unreadable(Message("the UTF-16 file is damaged.")) from None
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    text = raw.decode("utf-8", "surrogateescape")
    if not _BAD_BYTE.search(text) or _NON_ASCII_TEXT.search(text):
        return text
    return raw.decode("cp1256", "surrogateescape")


def _delimiter(text: str) -> str:
    """From the header line only (plain names, no quotes): the separator it uses most. Quoting
    is always the standard one (RFC 4180: `"` doubled inside a quoted cell) — nothing is guessed
    that could rewrite a quote inside a cell."""
    first = text.split("\n", 1)[0]
    counts = {d: first.count(d) for d in DELIMITERS}
    best = max(DELIMITERS, key=lambda d: counts[d])
    return best if counts[best] else ","


def _read_csv(path: Path, raw: bytes) -> list[tuple[int, list[str]]]:
    text = _decode(raw)
    csv.field_size_limit(max(MAX_FILE_BYTES * 4, csv.field_size_limit()))  # long cells: refused per row
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text), quotechar='"',
                        doublequote=True, skipinitialspace=False, strict=True)
    try:
        rows = list(_within_limit(enumerate(reader, start=1), sheet=False))
    except csv.Error:
        line = reader.line_num
        raise _unreadable(Message('a quote (") is unclosed or misplaced on line {line} of the file; fix that '
                                  'line (inside a cell a quote is written twice "").').format(line=line)) from None
    return rows


def _merged_ranges(raw: bytes, sheet, mentioned: bool | None = None) -> list[tuple[str, int, int]]:
    """(ref, first row, last row) of every merged range of the sheet. openpyxl's read-only mode
    does not expose them, so the sheet's XML is scanned (only when it mentions mergeCell:
    `mentioned`, when the sheet was already looked through — `_sheet_survey` —, else looked for)."""
    from zipfile import ZipFile

    from openpyxl.utils.cell import range_boundaries  # lazy: start-up (NumPy, openpyxl)
    from openpyxl.xml.constants import SHEET_MAIN_NS  # lazy: start-up (NumPy, openpyxl)
    from openpyxl.xml.functions import iterparse  # lazy: start-up (NumPy, openpyxl)

    member = getattr(sheet, "_worksheet_path", None)
    if not member or mentioned is False:
        return []
    with ZipFile(io.BytesIO(raw)) as archive:
        if mentioned is None:
            with archive.open(member) as fh:
                tail, found = b"", False
                while chunk := fh.read(1 << 20):
                    if b"mergeCell" in tail + chunk:
                        found = True
                        break
                    tail = chunk[-16:]
            if not found:
                return []
        ranges = []
        with archive.open(member) as fh:
            for _, element in iterparse(fh):
                if element.tag == f"{{{SHEET_MAIN_NS}}}mergeCell" and element.get("ref"):
                    _, first, _, last = range_boundaries(element.get("ref"))
                    ranges.append((element.get("ref"), first, last))
                element.clear()
        return ranges


def _as_text(values) -> list[str]:
    """A sheet row's values as the import reads them: text as it is, an empty cell "", a date
    its ISO date, anything else `str`."""
    return [v if type(v) is str else "" if v is None else
            (v.isoformat()[:10] if hasattr(v, "isoformat") else str(v)) for v in values]


def _too_many_rows() -> ImportFileUnreadable:
    return _unreadable(Message("more than {MAX_ROWS} rows.").format(MAX_ROWS=MAX_ROWS))


def _within_limit(rows: Iterable[tuple[int, list[str]]], *, sheet: bool = True) -> Iterator[tuple[int, list[str]]]:
    """The rows that hold a value (blank ones are no rows: a sheet's gaps, empty lines), the
    file refused past MAX_ROWS + 1 of them (the header and MAX_ROWS rows) — never a file read
    up to the limit and the rest left out unsaid (a sheet with gaps used to lose its rows past
    its MAX_ROWS + 2nd sheet row so). A `sheet`'s row numbered past the last row a sheet can
    have is refused the same way: its gap is never filled (a `<row r="999999999">` would be
    ~10⁹ empty rows; a CSV file's blank lines are bounded by its size)."""
    held = 0
    for number, cells in rows:
        if sheet and number > SHEET_MAX_ROWS:
            raise _too_many_rows()
        if any(c.strip() for c in cells):
            held += 1
            if held > MAX_ROWS + 1:
                raise _too_many_rows()
            yield number, cells


def _damaged(exc: Exception) -> ImportFileUnreadable:
    return _unreadable(Message("the Excel file is damaged or truncated ({name}).").format(name=type(exc).__name__))


def _read_xlsx(raw: bytes) -> tuple[list[tuple[int, list[str]]], list[tuple[str, int, int]]]:
    try:
        book = _load_book(raw)
        sheet = book.worksheets[0]
        rows = list(_within_limit((number, _as_text(values))
                                  for number, values in enumerate(_sheet_values(book, sheet), start=1)))
        merged = _merged_ranges(raw, sheet)
        book.close()
        return rows, merged
    except ImportFileUnreadable:
        raise
    except Exception as exc:  # noqa: BLE001 - any parser failure on an untrusted file
        raise _damaged(exc) from None


def _xlsx_stream(raw: bytes) -> tuple[int, list[tuple[str, int, int]], Iterator[tuple[int, list[str]]]] | None:
    """The sheet's rows as `_read_xlsx` reads them, but handed out while the sheet is read:
    (its row elements — at least its rows that hold a value —, its merged ranges, the rows).
    Before it returns, the whole sheet has been looked through (`_sheet_survey`: every byte
    through expat, so a sheet that is not well formed is refused here, as the whole reading
    refuses it, before any row is handed out; merged ranges found). What only a row's reading
    can find — a cell openpyxl cannot type (a number that is not one, a shared text that is not
    there), a row number that is not one — is raised by the rows as ImportFileUnreadable when
    that row is reached. None when the sheet cannot be bounded so (more row elements than
    MAX_ROWS + 1, or not UTF-8): the caller reads it whole first (`_read_xlsx`)."""
    try:
        book = _load_book(raw)
        sheet = book.worksheets[0]
        survey = _sheet_survey(raw, sheet, MAX_ROWS + 1)
        if survey is None:
            book.close()
            return None
        elements, mentions_merged = survey
        merged = _merged_ranges(raw, sheet, mentions_merged)
    except ImportFileUnreadable:
        raise
    except Exception as exc:  # noqa: BLE001 - any parser failure on an untrusted file
        raise _damaged(exc) from None

    def rows() -> Iterator[tuple[int, list[str]]]:
        try:
            yield from _within_limit((number, _as_text(values))
                                     for number, values in enumerate(_sheet_values(book, sheet, verified=True), start=1))
        except ImportFileUnreadable:
            raise
        except Exception as exc:  # noqa: BLE001 - any parser failure on an untrusted file
            raise _damaged(exc) from None
        finally:
            book.close()
    return elements, merged, rows()


def _expat_checker():
    """`check(chunk, final=False)`: bytes of an XML document fed to expat as ElementTree's
    XMLParser creates it, without handlers (well-formedness only); raises ElementTree's
    ParseError as ElementTree raises it (a refusal names it)."""
    from xml.etree.ElementTree import ParseError
    from xml.parsers import expat

    wellformed = expat.ParserCreate(None, "}")

    def check(chunk: bytes, final: bool = False) -> None:
        try:
            wellformed.Parse(chunk, final)
        except expat.ExpatError as error:
            refused = ParseError(str(error))
            refused.code, refused.position = error.code, (error.lineno, error.offset)
            raise refused from None
    return check


_ROW_START = (b"<row", b":row")  # a row element's start tag holds one of them (`<row`, `<x:row`)


def _sheet_survey(raw: bytes, sheet, most: int) -> tuple[int, bool] | None:
    """(how many row elements the sheet's XML may hold — each `<row` or `:row` in it, an upper
    bound —, whether it mentions mergeCell), every byte of it fed to expat on the way (raises
    ParseError for a sheet that is not well formed); None past `most` row elements or for XML
    that is not UTF-8 (no bound by bytes). One pass over the sheet, decompressed piece by piece:
    ~1/10 of reading its rows."""
    from zipfile import ZipFile

    member = getattr(sheet, "_worksheet_path", None)
    if not member:
        return None
    check = _expat_checker()
    elements, merged, tail, tail8 = 0, False, b"", b""
    with ZipFile(io.BytesIO(raw)) as archive, archive.open(member) as source:
        first = True
        while True:
            chunk = source.read(_SHEET_BYTES)
            if first:
                head = chunk[3:] if chunk.startswith(b"\xef\xbb\xbf") else chunk
                declared = _ENCODING.search(head.split(b"?>", 1)[0]) if head.startswith(b"<?xml") else None
                if not head.startswith(b"<") or \
                        (declared is not None and declared.group(1).lower() not in (b"utf-8", b"utf8")):
                    return None
                first = False
            check(chunk, final=not chunk)
            if not chunk:
                return elements, merged
            both = tail + chunk  # a tag cut by the last read: counted once, here
            elements += both.count(_ROW_START[0]) + both.count(_ROW_START[1])
            if elements > most:
                return None
            merged = merged or b"mergeCell" in tail8 + chunk
            tail, tail8 = chunk[-3:], chunk[-8:]


def _load_book(raw: bytes):
    """What openpyxl's `load_workbook(…, read_only=True, data_only=True)` answers, its read-only
    sheets sized by `_sheet_size` — the same bounds without reading a sheet that has no
    `<dimension>` whole (openpyxl's own `ReadOnlyWorksheet._get_size` waits for the end of
    `<sheetData>`: a sheet written without one — openpyxl's write-only mode, some exporters —
    was read twice, ~80 µs a row of 47 cells). Local to this reading: a reader and a sheet class
    of our own (`_book_reader`), nothing of openpyxl's changed for any other caller or thread
    (it was a process-wide patch of openpyxl's class: review finding)."""
    reader = _book_reader()(io.BytesIO(raw), read_only=True, data_only=True)
    reader.read()
    return reader.wb


@lru_cache(maxsize=1)
def _book_reader():
    """openpyxl's `ExcelReader` whose read-only sheets are `_HeadSized` (openpyxl's
    `ReadOnlyWorksheet` with `_sheet_size` as its `_get_size`): `read_worksheets` as openpyxl
    3.1 does it in read-only mode (pyproject pins openpyxl >=3.1,<3.2; tests/core/
    test_import_never_changes_a_value.py compares the books it loads with `load_workbook`'s)."""
    from openpyxl.packaging.relationship import get_dependents, get_rels_path  # lazy: start-up (openpyxl)
    from openpyxl.reader.excel import ExcelReader  # lazy: start-up (NumPy, openpyxl)
    from openpyxl.worksheet._read_only import ReadOnlyWorksheet  # lazy: start-up (NumPy, openpyxl)

    class _HeadSized(ReadOnlyWorksheet):
        _get_size = _sheet_size

    class _Reader(ExcelReader):
        def read_worksheets(self) -> None:
            for sheet, rel in self.parser.find_sheets():
                if rel.target not in self.valid_files:
                    continue
                if "chartsheet" in rel.Type:
                    self.read_chartsheet(sheet, rel)
                    continue
                rels_path = get_rels_path(rel.target)
                if rels_path in self.valid_files:
                    get_dependents(self.archive, rels_path)  # read as openpyxl reads it (a damaged one refuses)
                ws = _HeadSized(self.wb, sheet.name, rel.target, self.shared_strings)
                ws.sheet_state = sheet.state
                self.wb._sheets.append(ws)

    return _Reader


def _sheet_size(sheet) -> None:
    """`ReadOnlyWorksheet._get_size` (openpyxl's `WorkSheetParser.parse_dimensions`): the sheet's
    `<dimension>` bounds when it holds one before `<sheetData>`, else left unknown — read up to
    the start of `<sheetData>` only."""
    from openpyxl.worksheet.dimensions import SheetDimension  # lazy: start-up (NumPy, openpyxl)
    from openpyxl.xml.constants import SHEET_MAIN_NS  # lazy: start-up (NumPy, openpyxl)
    from openpyxl.xml.functions import iterparse  # lazy: start-up (NumPy, openpyxl)

    dimension, data = f"{{{SHEET_MAIN_NS}}}dimension", f"{{{SHEET_MAIN_NS}}}sheetData"
    source = sheet._get_source()
    try:
        for event, element in iterparse(source, events=("start", "end")):
            if element.tag == dimension and event == "end":
                sheet._min_column, sheet._min_row, sheet._max_column, sheet._max_row = \
                    SheetDimension.from_tree(element).boundaries
                return
            if element.tag == data:
                return  # no dimension before the rows
    finally:
        source.close()


_DIGITS = "0123456789"


def _sheet_values(book, sheet, verified: bool = False) -> Iterator[tuple | list]:
    """What `sheet.iter_rows(values_only=True)` yields for openpyxl's read-only, data-only
    `sheet` — every row from the first, missing rows and cells filled with None, each cell's
    value typed as openpyxl types it (shared and inline strings, numbers, dates by the cell's
    style, booleans, ISO dates, error texts) — read by a leaner loop over the sheet's XML with
    openpyxl's own parser and conversions: openpyxl's general reader builds a dictionary per cell
    and cost ~0.7 ms a row of 47 cells, most of an import's reading (tests/core/
    test_import_never_changes_a_value.py checks the two answer alike).

    The rows are first read by `_plain_cells`, which takes each row's cells from the XML's bytes
    when every cell has one of the plain forms Excel and openpyxl write (a reference, a style, a
    type, a value or an inline text without markup or entities; every byte of the sheet checked
    by expat, the XML around the rows by ElementTree's parser; a row over `_ROW_BYTES` not taken): ~4× cheaper than an element per node. At the first row it does not take
    it stops, and the sheet is read again by the parser, its rows already yielded skipped.
    `verified`: every byte of the sheet already went through expat (`_sheet_survey`), so the
    plain reading does not feed them to it again."""
    done = 0
    try:
        for values in _sheet_rows(book, sheet, _plain_cells(book, sheet, verified)):
            yield values
            done += 1
        return
    except _NotPlain:
        pass
    for number, values in enumerate(_sheet_rows(book, sheet, _parsed_cells(book, sheet))):
        if number >= done:
            yield values


class _NotPlain(Exception):
    """A row `_plain_cells` does not take: the sheet is read by the parser (`_parsed_cells`)."""


def _typing(book, sheet) -> Callable[[str, int, object], object]:
    """`typed(kind, style, text)`: a cell's value as openpyxl types it (`_sheet_values`)."""
    from openpyxl.utils.datetime import from_excel, from_ISO8601  # lazy: start-up (NumPy, openpyxl)
    from openpyxl.worksheet._reader import _cast_number  # lazy: start-up (NumPy, openpyxl)

    strings = sheet._shared_strings
    epoch, dates, spans = book.epoch, book._date_formats, book._timedelta_formats

    def typed(kind: str, style: int, value):
        if kind == "n":
            value = _cast_number(value)
            if style in dates:
                try:
                    value = from_excel(value, epoch, timedelta=style in spans)
                except (OverflowError, ValueError):
                    value = "#VALUE!"  # what openpyxl makes of a date out of range
        elif kind == "s":
            value = strings[int(value)]
        elif kind == "b":
            value = bool(int(value))
        elif kind == "d":
            value = from_ISO8601(value)
        return value
    return typed


def _column_finder() -> Callable[[str], int]:
    """A cell reference's column, as openpyxl reads it (each reference's letters remembered)."""
    from openpyxl.utils.cell import coordinate_to_tuple  # lazy: start-up (NumPy, openpyxl)

    columns: dict[str, int] = {}  # a reference's letters -> its column

    def column_of(coordinate: str) -> int:
        letters = coordinate.rstrip(_DIGITS)
        column = columns.get(letters) if letters != coordinate else None
        if column is None:  # anything but plain letters and digits: openpyxl's own reading
            column = coordinate_to_tuple(coordinate)[1]
            if len(columns) < 16384 and letters.isascii() and letters.isalpha() and \
                    coordinate[len(letters):].isdigit():
                columns[letters] = column
        return column
    return column_of


def _parsed_cells(book, sheet) -> Iterator[tuple[str | None, list[tuple[int, object]]]]:
    """(the row's `r`, [(column, value)]) of each row of the sheet, by openpyxl's XML parser."""
    from openpyxl.cell.text import Text  # lazy: start-up (NumPy, openpyxl)
    from openpyxl.xml.constants import SHEET_MAIN_NS  # lazy: start-up (NumPy, openpyxl)
    from openpyxl.xml.functions import iterparse  # lazy: start-up (NumPy, openpyxl)

    row_tag, value_tag, inline_tag, text_tag = (f"{{{SHEET_MAIN_NS}}}{n}" for n in ("row", "v", "is", "t"))
    typed, column_of = _typing(book, sheet), _column_finder()

    def cells_of(element) -> list[tuple[int, object]]:
        column = 0
        cells = []
        for cell in element:
            kind = cell.get("t", "n")
            coordinate = cell.get("r")
            style = cell.get("s", 0)
            if style:
                style = int(style)
            value = None if kind == "inlineStr" else (cell.findtext(value_tag, None) or None)
            column = column_of(coordinate) if coordinate else column + 1
            if value is not None:
                value = typed(kind, style, value)
            elif kind == "inlineStr":
                child = cell.find(inline_tag)
                if child is not None:
                    only = child[0] if len(child) == 1 else None
                    value = (only.text or "") if only is not None and only.tag == text_tag and not len(only) \
                        and not only.attrib.keys() - {"{http://www.w3.org/XML/1998/namespace}space"} \
                        else Text.from_tree(child).content
            cells.append((column, value))
        return cells

    with sheet._get_source() as source:
        for _, element in iterparse(source):
            if element.tag == row_tag:
                found = element.get("r"), cells_of(element)
                element.clear()
                yield found


# The plain forms of a row and of a cell (`_plain_cells`), as bytes of the sheet's XML. A text
# holds no markup, no entity but XML's five (&lt; &gt; &amp; &quot; &apos;), no character
# reference, no CR (a parser turns CR LF into LF) and no character XML forbids: anything else
# is read by the parser.
_PLAIN_ROW = re.compile(rb'<row((?:\s[^<>]*?)?)\s*(/?)>')  # its start tag: the body up to </row> found by bytes.find
# A row's attributes: each `name="value"` (a name with the prefix of a namespace declared on the
# sheet or its rows' parent, or none), its value without markup or entity, no name twice.
_ROW_ATTRIBUTE = rb'\s+(?:([A-Za-z_][A-Za-z0-9_.-]*):)?([A-Za-z_][A-Za-z0-9_.-]*)\s*=\s*"([^"<&]*)"'
_ROW_ATTRIBUTES = re.compile(rb'(?:' + _ROW_ATTRIBUTE + rb')*\s*')
_ROW_ATTRIBUTE_PARTS = re.compile(_ROW_ATTRIBUTE)
# Characters XML forbids that are valid UTF-8 (U+FFFE, U+FFFF): a parser refuses the file.
_NOT_XML = (b"\xef\xbf\xbe", b"\xef\xbf\xbf")
_PLAIN_TEXT = rb'[^<&\x00-\x08\x0b-\x1f]*(?:&(?:lt|gt|amp|quot|apos);[^<&\x00-\x08\x0b-\x1f]*)*'
_PLAIN_CELL = re.compile(rb'<c r="([A-Z]{1,3})[0-9]+"(?: s="([0-9]+)")?(?: t="(s|n|b|str|e|inlineStr|d)")?'
                         rb'(?: ?/>|>(?:<f>' + _PLAIN_TEXT + rb'</f>)?'
                         rb'(?:<v>(' + _PLAIN_TEXT + rb')</v>|(<is><t(?: xml:space="preserve")?>)('
                         + _PLAIN_TEXT + rb')</t></is>)?</c>)')
_PLAIN_CELLS = re.compile(rb'(?:' + _PLAIN_CELL.pattern + rb')*')
_SPACE = re.compile(rb'\s*')
_ENCODING = re.compile(rb'encoding\s*=\s*["\']([^"\']*)["\']')
_SHEET_BYTES = 1 << 20  # read at a time
_ROW_BYTES = 4 << 20  # a row (or what is not a row) longer than this: read by the parser (a row of
# 47 cells of MAX_CELL_CHARS each is under 2 MiB); keeps the plain reading linear in the sheet's size


def _plain_cells(book, sheet, verified: bool = False) -> Iterator[tuple[str | None, list[tuple[int, object]]]]:
    """What `_parsed_cells` yields, taken from the XML's bytes while every row and cell has a
    plain form (`_PLAIN_ROW`, `_PLAIN_CELL`); raises _NotPlain at the first that has not (or is
    longer than `_ROW_BYTES`), or when the sheet's XML is not a UTF-8 SpreadsheetML sheet whose
    rows are in `<sheetData>`. Every byte read is fed to expat as it is read (a damaged file is
    refused as the parser refuses it, rows included: only the building of elements is skipped),
    and the XML around the rows goes through ElementTree's parser (`verified`: the sheet's bytes
    were all fed to expat already, `_sheet_survey`; they are not fed again)."""
    from xml.etree.ElementTree import XMLPullParser

    from openpyxl.xml.constants import SHEET_MAIN_NS  # lazy: start-up (NumPy, openpyxl)

    typed, column_finder = _typing(book, sheet), _column_finder()
    columns: dict[bytes, int] = {}  # a reference's letters -> its column

    def column_of(letters: bytes) -> int:
        column = columns.get(letters)
        if column is None:
            column = columns[letters] = column_finder(letters.decode() + "1")
        return column

    column_of.known = columns  # type: ignore[attr-defined]  # read by `_plain_row` first
    check = (lambda chunk, final=False: None) if verified else _expat_checker()

    def read(size: int = -1) -> bytes:
        chunk = source.read(size)
        check(chunk)
        return chunk

    with sheet._get_source() as source:
        data = b""
        while b"<sheetData>" not in data:
            chunk = read(_SHEET_BYTES)
            if not chunk or len(data) > 4 * _SHEET_BYTES:
                raise _NotPlain
            data += chunk
        cut = data.index(b"<sheetData>") + len(b"<sheetData>")
        head, buffer = data[:cut], bytearray(data[cut:])
        declared = _ENCODING.search(head.split(b"?>", 1)[0]) if head.startswith(b"<?xml") else None
        if b"<!" in head or not head.startswith((b"<?xml", b"<worksheet")) or \
                (declared is not None and declared.group(1).lower() not in (b"utf-8", b"utf8")):
            raise _NotPlain  # a DOCTYPE, a comment, a byte-order mark, another encoding
        checker = XMLPullParser(events=("start", "end", "start-ns"))
        checker.feed(head)
        opened: list[tuple[str, list[str]]] = []  # the elements open at <sheetData>, each with its prefixes
        declared: list[str] = []
        for event, item in checker.read_events():
            if event == "start-ns":
                declared.append(item[0])
            elif event == "start":
                opened.append((item.tag, declared))
                declared = []
            else:
                opened.pop()
        if [tag for tag, _ in opened] != [f"{{{SHEET_MAIN_NS}}}worksheet", f"{{{SHEET_MAIN_NS}}}sheetData"]:
            raise _NotPlain
        prefixes = {b"xml", *(prefix.encode() for _, some in opened for prefix in some if prefix)}
        position, ended, searched = 0, False, 0  # searched: where the pending row's </row> may be
        while True:
            position = _SPACE.match(buffer, position).end()
            row = _PLAIN_ROW.match(buffer, position)
            if row is not None:
                if row.group(2):  # <row …/>
                    yield _plain_row(row.group(1), b"", typed, column_of, prefixes)
                    position, searched = row.end(), 0
                    continue
                end = buffer.find(b"</row>", max(row.end(), searched))
                if end >= 0:
                    yield _plain_row(row.group(1), bytes(buffer[row.end():end]), typed, column_of, prefixes)
                    position, searched = end + len(b"</row>"), 0
                    continue
                if ended:
                    raise _NotPlain  # no </row>
            else:
                if buffer.startswith(b"</sheetData>", position):
                    checker.feed(bytes(buffer[position:]) + (b"" if ended else read()))
                    checker.close()  # the rest of the sheet, well formed as a parser reads it
                    check(b"", final=True)  # the whole sheet, rows included
                    return
                if ended or buffer.find(b">", position) >= 0:
                    raise _NotPlain  # a row of another form (or no </sheetData>)
            if len(buffer) - position > _ROW_BYTES:
                raise _NotPlain  # a row too long to be read on: the parser's reading is linear
            # a row cut by the last read: read on, its </row> looked for in the new bytes only
            searched = max(len(buffer) - position - len(b"</row>"), 0) if row is not None else 0
            chunk = read(_SHEET_BYTES)
            ended = not chunk
            del buffer[:position]
            buffer += chunk
            position = 0


def _plain_row(attributes: bytes, body: bytes, typed, column_of, prefixes: set[bytes]
               ) -> tuple[str | None, list[tuple[int, object]]]:
    number = None
    if attributes:
        if _ROW_ATTRIBUTES.fullmatch(attributes) is None:
            raise _NotPlain
        names = set()
        for prefix, name, value in _ROW_ATTRIBUTE_PARTS.findall(attributes):
            if (prefix and prefix not in prefixes) or prefix == b"xmlns" or (not prefix and name == b"xmlns") \
                    or name in names:
                raise _NotPlain  # an undeclared prefix, a namespace of its own, a name twice
            names.add(name)
            if name == b"r" and not prefix:
                if not value.isdigit():
                    raise _NotPlain
                number = value.decode()
    if body and (b"]]>" in body or _NOT_XML[0] in body or _NOT_XML[1] in body
                 or _PLAIN_CELLS.fullmatch(body) is None):
        raise _NotPlain  # a cell of another form
    cells = []
    append, known = cells.append, column_of.known.get
    try:
        # groups: the reference's letters, the style, the type, <v>'s text, an inline text's <is><t>, its text
        for letters, style, kind, value, inline, text in _PLAIN_CELL.findall(body):
            column = known(letters) or column_of(letters)
            if kind == b"inlineStr":
                append((column, (_xml_text(text) if b"&" in text else text.decode()) if inline else None))
            elif value:
                append((column, typed(_KINDS[kind], int(style) if style else 0,
                                      _xml_text(value) if b"&" in value else value.decode())))
            else:
                append((column, None))
    except UnicodeDecodeError:
        raise _NotPlain from None
    return number, cells


_KINDS = {b"": "n", **{kind.encode(): kind for kind in ("s", "n", "b", "str", "e", "d")}}


def _xml_text(raw: bytes) -> str:
    """A plain text's characters (`_PLAIN_TEXT`): UTF-8, XML's five entities replaced."""
    text = raw.decode()
    if "&" in text:
        text = text.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", '"').replace("&apos;", "'") \
            .replace("&amp;", "&")
    return text


def _sheet_rows(book, sheet, cells: Iterator[tuple[str | None, list[tuple[int, object]]]]
                ) -> Iterator[tuple | list]:
    """The sheet's rows (`_sheet_values`) from each row's `r` and cells (`_plain_cells`,
    `_parsed_cells`): numbered, missing rows filled in, cut at the sheet's dimension — as
    openpyxl's read-only reader cuts them, but a value past the dimension (a sheet whose
    `<dimension>` says it is smaller than it is) refuses the file as damaged instead of being
    left out unsaid (SheetPastDimension, raised when its row is reached)."""
    max_col, max_row = sheet.max_column, sheet.max_row
    empty_row = (None,) * max_col if max_col is not None else []

    def values_of(cells: list[tuple[int, object]]) -> tuple:
        if not cells and not max_col:
            return ()
        width = max_col or cells[-1][0]
        row = [None] * width
        for column, value in cells:
            if 1 <= column <= width:
                row[column - 1] = value
            elif value is not None:
                raise SheetPastDimension(f"a value in column {column}, past the sheet's {width}")
        return tuple(row)

    counter, index, number = 1, 1, 0
    for found, row_cells in cells:
        if found is not None:
            try:
                number = int(found)
            except ValueError:
                as_float = float(found)
                if not as_float.is_integer():
                    raise ValueError(f"{found} is not a valid row number") from None
                number = int(as_float)
        else:
            number += 1
        index = number
        if max_row is not None and index > max_row:
            if any(value is not None for _, value in row_cells):
                raise SheetPastDimension(f"a value in row {index}, past the sheet's {max_row}")
            continue  # (an empty row element past the dimension: nothing left out)
        for _ in range(counter, index):  # rows missing from the sheet
            counter += 1
            yield empty_row
        if counter <= index:
            yield values_of(row_cells)
            counter += 1
    if max_row is not None and max_row < index:
        for _ in range(counter, max_row + 1):
            yield empty_row


class SheetPastDimension(ValueError):
    """A sheet holds a value past the size its `<dimension>` declares (`_sheet_rows`)."""


def _printable(value):
    return _BAD_BYTE.sub("\ufffd", value) if isinstance(value, str) else value


def _cell_problems(headers: list[str], cells: list[str]) -> list[tuple[str, Message]]:
    if len(cells) <= len(headers) and (not cells or max(map(len, cells)) <= MAX_CELL_CHARS):
        joined = "".join(cells)  # most rows: one look at the whole row finds nothing to say
        if "\x00" not in joined and not _BAD_BYTE.search(joined):
            return []
    problems = []
    extra = [c for c in cells[len(headers):] if c.strip()]
    if extra:
        problems.append(("row", EXTRA_CELLS.format(cells=len(cells), headers=len(headers))))
    for header, cell in zip(headers, cells):
        column = _printable(header) or "?"
        if len(cell) > MAX_CELL_CHARS:
            problems.append((header, CELL_TOO_LONG.format(column=column, limit=MAX_CELL_CHARS)))
        elif _BAD_BYTE.search(cell):
            problems.append((header, BAD_BYTES.format(column=column)))
        elif "\x00" in cell:
            problems.append((header, NUL_CHAR.format(column=column)))
    return problems


def read_rows(path: Path) -> tuple[list[str], list[tuple[int, dict[str, str]]], RowProblems]:
    """(headers, [(row number, {header: cell})], {row number: [(field, problem)]}); raises
    ImportFileUnreadable (changes nothing) when the file as a whole cannot be read. A row that
    cannot be read faithfully (bad bytes, NUL, an oversize cell, extra cells, merged cells) is
    listed in the problems, never imported with a changed value. The whole file is read before
    it answers (`row_stream` hands the rows out while an XLSX sheet is read)."""
    headers, _, _, rows = row_stream(path, streamed=False)
    records, problems = [], {}
    for number, row, found in rows:
        records.append((number, row))
        if found:
            problems[number] = found
    return headers, records, problems


# (row number, {header: cell}, [(field, problem)] — empty for a row read faithfully)
StreamedRow = tuple[int, dict[str, str], list[tuple[str, Message]]]


def row_stream(path: Path, *, streamed: bool = True) -> tuple[list[str], int, bool, Iterator[StreamedRow]]:
    """(headers, rows, whether `rows` is exact, each row) of the file, as `read_rows` reads them. Everything that refuses
    the file as a whole is decided before it returns (ImportFileUnreadable, nothing handed out):
    the drive's refusals, the encoding, a CSV's quoting anywhere in it, the row limit, the header
    (missing or unknown columns, merged cells in it), an XLSX file that is not a well-formed
    workbook (every byte of its sheet through expat) — so a file that cannot be read changes
    nothing. A CSV file is parsed whole first (~1/20 of checking its rows); `rows` is exact.

    `streamed` (the helper process) and an XLSX file: its rows are read while they are handed
    out (the sheet's reading is ~1/6 of the helper's work a row: reading it whole first kept the
    importing process waiting ~10 s at 100,000 rows); `rows` is then an upper bound, its row
    elements after the header (the exact count is the rows handed out). A cell openpyxl cannot
    type or a row number that is not one — a damaged but well-formed sheet — is found only when
    its row is read: the rows raise ImportFileUnreadable there, after the rows before it
    (docs/import.md: the import stops; the batches saved before stay). `streamed=False`: the
    whole sheet is read first, every refusal before any row (`read_rows`, small files)."""
    path = Path(path)
    # The file usually comes from a USB stick: read the hostile way (a regular file, never a
    # link, a FIFO or a device; at most 50 MB, checked before reading).
    item = drive.read_file(path, MAX_FILE_BYTES)
    if not item.ok:
        reason = item.reason()
        raise _unreadable(reason)
    raw = item.data or b""
    merged: list[tuple[str, int, int]] = []
    stream = None
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        stream = _xlsx_stream(raw) if streamed else None
        if stream is None:
            read, merged = _read_xlsx(raw)
    else:
        read = _read_csv(path, raw)
    if stream is None:
        if not read:  # (only rows that hold a value, at most MAX_ROWS + 1: _within_limit)
            raise _unreadable(Message("the file is empty."))
        (header_number, header), total, rest = read[0], len(read) - 1, iter(read[1:])
        exact = True
    else:
        elements, merged, rows = stream
        rest = rows  # (only rows that hold a value: _within_limit)
        first = next(rest, None)
        if first is None:
            raise _unreadable(Message("the file is empty."))
        (header_number, header), total = first, elements - 1
        exact = False
    for ref, first_row, last_row in merged:
        if first_row <= header_number <= last_row:
            raise _unreadable(Message("merged cells in the header row ({ref}).").format(ref=ref))
    headers = [h.strip() for h in header]
    missing = [c for c in required_columns() if c not in headers]
    unknown = [_printable(h) for h in headers if h and not known_column(h)]
    if missing or unknown:
        detail = ", ".join(missing + unknown)
        raise _unreadable(Message("missing or unknown columns: {detail}").format(detail=detail))
    return headers, total, exact, _rows_of(headers, rest, merged)


def _rows_of(headers: list[str], rows: Iterator[tuple[int, list[str]]], merged: list[tuple[str, int, int]]
             ) -> Iterator[StreamedRow]:
    width, named = len(headers), all(headers)
    strip = str.strip
    for number, cells in rows:
        found = _cell_problems(headers, cells)
        if merged:
            found += [("row", MERGED.format(ref=ref)) for ref, first, last in merged if first <= number <= last]
        if named and len(cells) == width:  # most rows: every header named, a cell for each
            yield number, dict(zip(headers, map(strip, cells))), found
        else:
            yield number, {h: (cells[i].strip() if i < len(cells) else "") for i, h in enumerate(headers) if h}, found


_DEP, _NAME, _CATEGORY, _FIELD, _REQUIRED = range(5)


@lru_cache(maxsize=64)
def _column_plan(keys: tuple[str, ...]) -> tuple[tuple[int, str | int, str], ...]:
    """Where each column of a file's header goes (`row_to_beneficiary`), worked out once per
    header rather than once per row: (what, where, name) per column, in the header's order."""
    plan = []
    for key in keys:
        dep = _DEPENDANT.fullmatch(key)
        if dep:
            plan.append((_DEP, int(dep.group(1)), dep.group(2)))
        elif key.startswith("name."):
            plan.append((_NAME, key, key[5:]))
        elif key.startswith(CATEGORY_PREFIX):
            plan.append((_CATEGORY, key, key[len(CATEGORY_PREFIX):]))
        elif key in BENEFICIARY_FIELDS and BENEFICIARY_FIELDS[key].required and key not in DEFAULTED_COLUMNS:
            plan.append((_REQUIRED, key, key))
        else:
            plan.append((_FIELD, key, key))
    return tuple(plan)


def row_to_beneficiary(row: dict[str, str], office_code: str) -> Beneficiary:
    """Raw text values; the domain validator cleans and checks them."""
    b = Beneficiary(office_code=office_code)
    name, deps = {}, defaultdict(dict)
    for (what, where, short), value in zip(_column_plan(tuple(row)), row.values()):
        if what == _DEP:
            deps[where][short] = value
        elif what == _NAME:
            name[short] = value
        elif what == _CATEGORY:
            if value:
                b.category_fields[short] = value
        elif value or what == _REQUIRED:
            setattr(b, short, value)
    b.name = ArabicName(**name)
    for _, values in sorted(deps.items()):
        if any(values.values()):
            d = Dependant(name=ArabicName(**{k[5:]: v for k, v in values.items() if k.startswith("name.")}))
            for k, v in values.items():
                if not k.startswith("name.") and v:
                    setattr(d, k, v)
            b.dependants.append(d)
    return b


IMPORT_BATCH = 500  # rows per transaction: the single writer is never held for long
# `fundclient import` (a command of its own, no window to keep lively): rows per batch (checked
# together, then written as one transaction while the next batch is checked) and the writer's
# cache. A commit writes every page its rows touched in the indexes filled in no order (the
# duplicate keys', the names' ends and heads, the record ids', the national numbers') — at
# 40,000 rows in the office a batch of 2,000 touched most of them: the fewer commits, the fewer
# pages written a row (docs/performance.md: 2,000 → 8,000 rows a batch).
CLI_BATCH = 8_000
CLI_WRITER_CACHE_KIB = 256_000
# ... written CLI_PIECE rows at a time, and committed early when a save of another process waits
# for the writer (`BeneficiaryRepository.add_many(piece=…)`, `Store.writer_wanted`): a clerk's
# save waits for the piece under way and one commit, never for the whole batch — where a waiting
# save can say so (`oslock.can_announce`; not on Windows: there the batches stay at RAMP_BATCH,
# `cli_batch`).
CLI_PIECE = 250
# From this size on, the file is read and its rows checked in a helper process while this one
# writes (a few hundred rows are checked here: a helper costs ~1 s to start).
HELPER_FROM_BYTES = 256 * 1024
_CHUNK = 250  # checked rows handed over from the helper at a time
# Chunks the helper may run ahead by: two of the command's batches, so that it never waits on a
# full queue while this process checks and saves one (~5 KB a row handed over: ~80 MB, held
# pickled in the helper's queue).
_AHEAD = 2 * CLI_BATCH // _CHUNK


def _row_outcomes(rows: Iterator[StreamedRow], *, scheme: str | None, office_code: str, reference: ReferenceData):
    """(row number, national number as written, the valid record or its [(field, problem)]) of
    every row (`row_stream`), in the file's order, checked against `reference` (the office's
    lists in use)."""
    for number, row, unreadable in rows:
        national = row.get("national_number", "")
        if unreadable:
            yield number, national, unreadable
            continue
        try:
            # (the record is made here for this call: normalised in place, no copy)
            yield number, national, ensure_valid_beneficiary(row_to_beneficiary(row, office_code), scheme=scheme,
                                                             reference=reference, in_place=True)
        except ValidationFailed as failed:
            yield number, national, list(failed.problems.items())


def _made(record: Beneficiary, office_code: str, by: str) -> tuple | None:
    """In a helper process: what the importing process would compute for a valid row — the
    duplicate check's keys (`duplicate_candidates.record_keys`) and the record's rows without
    card numbers (`rows.unnumbered_rows`, created by `by`) — or None for a record the
    importing process must see itself (a photo exception: its approval is stamped there)."""
    if record.photo_exception is not None:
        return None
    ready_for_import(record, office_code)
    record.created_by = record.created_by or by
    record.updated_by = by
    # `record_keys(record)`, its lookup keys packed (`duplicate_keys.packed_lookup_keys`): two byte
    # strings that unpickle without an object per key — the (key, weight) pairs cost the importing
    # process ~20 µs a row to unpickle, most of it the collector walking their ~180 tuples, and
    # 2.5 KB a row; the check reads them packed (`duplicate_candidates.FiledKeys`, `lookup_mapping`)
    filed = (_filed_keys(record), *(_filed_keys(d) for d in record.dependants))
    keys = (form_numbers(record), packed_lookup_keys(record), filed)
    return office_code, by, keys, unnumbered_rows(record, filed)


# A damaged row found after rows were handed over (`row_stream`): the import stops there.
LATE_DAMAGE = Message("{detail} The damage comes after row {row}: the rows up to it were imported (or refused) as "
                      "usual, nothing after it. Fix the file and import it again: the rows already imported are "
                      "skipped.")


def _filed_keys(person) -> tuple[int, ...]:
    """`person_stored_keys(person)` — the keys a write files for a holder or a dependant — by
    `stored_keys_of`: the same keys (tests/core/test_duplicate_keys.py) without its memo of whole
    four-part names, which an import's people miss (~3 a row, nearly every one a new name:
    ~34 µs a row of which ~20 the missed memo's profile; the parts' sounds stay remembered)."""
    name, born = person.name, person.date_of_birth
    return stored_keys_of(name.first, name.father, name.grandfather, name.family,
                          born if isinstance(born, date) else None)


def _check_in_helper(path: str, scheme: str | None, office_code: str, reference: dict, out,
                     by: str | None = None) -> None:
    """In a helper process: the file read and every row checked against `reference` (its JSON
    shape, `ReferenceData.to_dict`) — the office's lists the importing process uses (a spawned
    process starts with the bundled ones) — handed over in chunks while it is read
    (`row_stream`): ("unreadable", Message) or ("rows", count, whether exact — for an XLSX file
    an upper bound), then ("chunk", [outcomes]) …, then ("end", rows handed over), then None. A damaged
    row of a sheet read as a stream sends ("unreadable", LATE_DAMAGE) after the rows before it,
    instead of the end. With `by` (who imports), each valid row's outcome carries a fourth
    item, `_made`: its keys and rows made here."""
    try:
        reference = ReferenceData.from_dict(reference)
        use_reference(reference)  # anything else read in this process reads the same lists
        try:
            _, total, exact, rows = row_stream(Path(path))
        except ImportFileUnreadable as unreadable:
            out.put(("unreadable", unreadable.detail))
            return
        out.put(("rows", total, exact))
        _quiet_collector()
        chunk, handed, last = [], 0, 0
        try:
            for outcome in _row_outcomes(rows, scheme=scheme, office_code=office_code, reference=reference):
                if by is not None and isinstance(outcome[2], Beneficiary):
                    outcome = (*outcome, _made(outcome[2], office_code, by))
                chunk.append(outcome)
                last = outcome[0]
                if len(chunk) >= _CHUNK:
                    out.put(("chunk", chunk))
                    handed += len(chunk)
                    chunk = []
        except ImportFileUnreadable as unreadable:  # a damaged row of a sheet read as a stream
            if chunk:
                out.put(("chunk", chunk))
            out.put(("unreadable", LATE_DAMAGE.format(detail=unreadable.detail, row=last) if last
                     else unreadable.detail))  # no row handed over: the file refused whole
            return
        if chunk:
            out.put(("chunk", chunk))
            handed += len(chunk)
        out.put(("end", handed))
    finally:
        out.put(None)


# The helper's cyclic garbage collector: its first generation collected every HELPER_GC_YOUNG new
# containers instead of Python's 700 (a row makes ~70: a collection every ten rows).
HELPER_GC_YOUNG = 20_000


def _quiet_collector() -> None:
    """In a helper process, once the file is read: what it holds for the whole run (the file's
    rows, the reference lists, the modules) set aside from the cyclic collector (`gc.freeze`:
    still freed by their reference counts), and young containers collected less often — the
    collector walked those rows again and again, ~65 µs a row (`tests/core/test_import_helper.py`
    checks the helper's answers; docs/performance.md has the figure)."""
    import gc

    gc.collect()
    gc.freeze()
    young, *older = gc.get_threshold()
    gc.set_threshold(max(young, HELPER_GC_YOUNG), *older)


class CheckedRows:
    """A file's rows, read and checked as the form checks a record (`_row_outcomes`): here, or —
    a large file, `helper` None — in a helper process that reads and checks the next rows while
    this process saves the last ones (the single writer stays this process's connection).
    Rows are checked against `reference`, by default the set in use when this is made
    (`domain.reference.default_reference`: the office's lists once login installed them) — so
    make it after the office's reference is installed, or pass it. Made before anything is
    written (the CLI before asking for the password): raises ImportFileUnreadable, changing
    nothing, for a file that cannot be read; HelperStopped when the helper process dies. `total`:
    the rows — exact when `known`; an XLSX file read by a helper is handed over while it is read
    and `total` is then an upper bound (its row elements) until the last row has been handed
    over, when it becomes the count. Iterating gives (row number, national number as written, the valid record or its
    [(field, problem)]); `close()` stops a helper that is still reading (a cancelled import)."""

    def __init__(self, path: Path, *, scheme: str | None = None, office_code: str = "",
                 helper: bool | None = None, reference: ReferenceData | None = None,
                 by: str | None = None) -> None:
        path = Path(path)
        # A helper told who imports also makes each valid row's duplicate keys and rows
        # (`_made`): row number -> them, taken by the import (`made`).
        self._made: dict[int, tuple | None] = {}
        reference = reference or default_reference()
        if helper is None:
            try:
                helper = path.stat().st_size >= HELPER_FROM_BYTES
            except OSError:
                helper = False  # read_rows says why, the hostile way
        self._process = None
        if not helper:
            _, self.total, self.known, rows = row_stream(path, streamed=False)  # read whole: every refusal first
            self._outcomes = _row_outcomes(rows, scheme=scheme, office_code=office_code, reference=reference)
            return
        import multiprocessing  # lazy: only a large import starts a helper

        context = multiprocessing.get_context("spawn")  # never fork a process holding DB connections
        self._queue = context.Queue(maxsize=_AHEAD)
        self._process = context.Process(target=_check_in_helper, daemon=True,
                                        args=(str(path), scheme, office_code, reference.to_dict(), self._queue,
                                              by))
        self._process.start()
        try:
            first = self._next()
            if first is None:
                raise HelperStopped(HelperStopped.IMPORT_BEFORE_ROWS)
            if first[0] == "unreadable":
                raise _unreadable(first[1])
            self.total, self.known = first[1], first[2]  # an XLSX file: a bound until the last row
        except BaseException:
            self.close()
            raise
        self._outcomes = self._from_helper()

    def _next(self):
        import queue

        while True:
            try:
                return self._queue.get(timeout=1.0)
            except queue.Empty:
                if not self._process.is_alive():  # died without its end mark (killed, failed to start)
                    try:
                        return self._queue.get(timeout=0.5)
                    except queue.Empty:
                        return None

    def _from_helper(self):
        done, end = 0, None
        while True:
            item = self._next()
            if item is None:
                break
            if item[0] == "end":
                end = item[1]
                continue
            if item[0] == "unreadable":  # a damaged row, after the rows before it
                self.close()
                raise _unreadable(item[1])
            done += len(item[1])
            for outcome in item[1]:
                if len(outcome) == 4:
                    self._made[outcome[0]] = outcome[3]
                    outcome = outcome[:3]
                yield outcome
        self.close()
        if end is None or end != done:
            raise HelperStopped(HelperStopped.IMPORT_AFTER_ROWS.format(done=done, total=self.total))
        self.total, self.known = done, True

    def __iter__(self):
        return self._outcomes

    def made(self, number: int, office_code: str, by: str) -> tuple | None:
        """(keys, rows) the helper made for row `number` (see `_made`) when made for this
        office and importer, else None (the importing process makes them). The keys are
        `record_keys`' with the lookup keys still packed (`duplicate_keys.packed_lookup_keys`;
        `duplicate_candidates.lookup_mapping` makes them key -> weight, `FiledKeys` reads them
        as they are)."""
        made = self._made.pop(number, None)
        if made is None or made[0] != office_code or made[1] != by:
            return None
        return made[2], made[3]

    def close(self) -> None:
        process, self._process = self._process, None
        if process is None:
            return
        process.join(timeout=0.2 if not process.is_alive() else 0)
        if process.is_alive():
            process.terminate()
        process.join(timeout=5)
        self._queue.close()
        self._queue.cancel_join_thread()


def import_file(store: "Store", path: Path, *, by: str, report_path: Path | None = None,
                scheme: str | None = None, office_code: str = "",
                save: Callable[[Beneficiary], object] | None = None,
                save_many: Callable[[list[Beneficiary], list], list] | None = None,
                batch_size: int = IMPORT_BATCH,
                progress: Callable[[int, int], None] | None = None,
                cancelled: Callable[[], bool] | None = None, write_report: bool = True,
                checked: CheckedRows | None = None, writer_cache_kib: int | None = None,
                check_many: Callable[..., object] | None = None,
                save_checked: Callable[[object], None] | None = None) -> ImportResult:
    """`check_many(records, made, earlier, after_reads)` and `save_checked(batch)` are how the app
    registers a batch of good rows (services.registration: every check of the form, then one
    transaction per batch): the checked batch's `outcome` says, per record, the record to save
    or the FundError that refuses its row; a batch is saved on a thread of its own while the
    next one is checked, against the store and the batch not saved yet (`earlier`) — the saving
    starts when `check_many` calls `after_reads`. Else `save_many(records, made)` registers a batch at a time
    and gets back, per record, the saved record or the FundError that
    refuses its row; `made`: per record, its duplicate keys and rows made by the helper
    process (`CheckedRows.made`) or None. Without either, `save` registers one row at a time (default: a plain add).
    services.registration.register_many (duplicate check, card numbers, one transaction per
    batch, sealing for HQ) and gets back, per record, the saved record or the FundError that
    refuses its row; `made`: per record, its duplicate keys and rows made by the helper
    process (`CheckedRows.made`) or None. Without it, `save` registers one row at a time (default: a plain add).
    `progress(rows done, rows)` after every batch. `cancelled()` is asked after every batch:
    when it says True the import stops there — the batches saved so far stay — and the
    result says `cancelled`. `write_report=False`: no report file (the app offers to save the
    refused rows where the person chooses, `write_report_file`). `checked`: the file's rows
    already being read and checked (`CheckedRows` of this path, scheme and office), else
    they are read here (a large file by a helper process). `writer_cache_kib`: the writer's
    page cache during the import (a command of its own: `fundclient import`), put back after."""
    if save_many is None and check_many is None:
        one = save or (lambda b: store.beneficiaries.add(b, by=by, action="import"))

        def save_many(batch: list[Beneficiary], made: list) -> list:
            out = []
            for record in batch:
                try:
                    one(record)
                    out.append(record)
                except FundError as refused:
                    out.append(refused)
            return out

    if checked is None:
        # raises before anything is written
        checked = CheckedRows(path, scheme=scheme, office_code=office_code, by=by)
    try:
        with _writer_cache(store, writer_cache_kib):
            return _import_checked(store, path, checked, by=by, office_code=office_code, report_path=report_path,
                                   save_many=save_many, batch_size=batch_size, progress=progress,
                                   cancelled=cancelled, write_report=write_report, check_many=check_many,
                                   save_checked=save_checked)
    finally:
        checked.close()


# `fundclient import` (a process of its own): the interpreter's full collections postponed for the
# import (`few_full_collections`). Each one walks every object alive — a batch's 2,000 records,
# their ~180 lookup keys a row, the batch before, the candidates read — and batches of thousands
# of new objects brought one every ~800 rows: ~0.2 ms a row of this process's CPU at 30,000
# rows (docs/performance.md). Young objects are still collected as usual, and a full collection
# still comes every ~60,000 rows: garbage in cycles that only it frees (a refusal's traceback held
# a whole batch check: 3.3 GB at 100,000 rows with none — `registration._kept` breaks that one,
# and `test_a_checked_batch_is_freed_by_reference_counts_alone` keeps it broken) stays bounded.
# (Every 100: with batches of 8,000 a full collection every ~6,700 rows took ~0.23 s of CPU each,
# 0.035 ms a row at 60,000 rows.)
CLI_FULL_COLLECTION_EVERY = 1_000  # collections of the middle generation (the interpreter's: 10)


@contextmanager
def few_full_collections(every: int = CLI_FULL_COLLECTION_EVERY) -> Iterator[None]:
    """The interpreter's full collections at most once per `every` collections of its middle
    generation meanwhile (the youngest two as set), the thresholds put back after. For a process
    that does nothing else meanwhile: the thresholds are the whole process's."""
    import gc

    before = gc.get_threshold()
    gc.set_threshold(before[0], before[1], max(before[2], every))
    try:
        yield
    finally:
        gc.set_threshold(*before)


@contextmanager
def _writer_cache(store: "Store", kib: int | None) -> Iterator[None]:
    """The writer's page cache at `kib` meanwhile. Each batch files ~50 duplicate keys a row at
    random places of the keys' index: once the index outgrows the usual cache (~25,000 rows),
    every insert read its page back and decrypted it again (the import's CPU a row grew with the
    office; docs/performance.md)."""
    if kib is None:
        yield
        return
    from fundclient.storage.engine import CACHE_KIB  # lazy: start-up (SQLCipher)

    with store.writer_connection() as conn:
        conn.exec_driver_sql(f"PRAGMA cache_size = -{int(kib)}")
    try:
        yield
    finally:
        with store.writer_connection() as conn:
            conn.exec_driver_sql(f"PRAGMA cache_size = -{CACHE_KIB}")


# Batches larger than this (`fundclient import`'s CLI_BATCH) start at it and double up to their
# size, and end in batches of a third of the rows left, down to it (`batch_rows`): the first
# check starts once RAMP_BATCH rows are in instead of a whole batch, and the last batches' saves —
# which no check overlaps — are short. The app's import page (200) is not changed.
RAMP_BATCH = 2_000


def cli_batch() -> int:
    """`fundclient import`'s batch: CLI_BATCH where a waiting save is seen by the import
    (`oslock.can_announce`: it commits early for it, `add_many(piece=…)`), else RAMP_BATCH — on
    Windows nobody announces, and a clerk's save waits for the whole batch under way (review
    finding 3)."""
    return CLI_BATCH if oslock.can_announce() else min(CLI_BATCH, RAMP_BATCH)


def batch_rows(batch_size: int, batches: int, left: int) -> int:
    """The valid rows of an import's next batch, `batches` batches checked and about `left` rows
    of the file left (see RAMP_BATCH)."""
    if batch_size <= RAMP_BATCH:
        return batch_size
    return max(RAMP_BATCH, min(batch_size, RAMP_BATCH << min(batches, 8), left // 3))


def _import_checked(store: "Store", path: Path, checked: CheckedRows, *, by: str, office_code: str,
                    report_path: Path | None, save_many: Callable[[list[Beneficiary], list], list], batch_size: int,
                    progress: Callable[[int, int], None] | None, cancelled: Callable[[], bool] | None,
                    write_report: bool, check_many: Callable[..., object] | None = None,
                    save_checked: Callable[[object], None] | None = None) -> ImportResult:
    # `checked.total`: exact, or — an XLSX file handed over while its helper reads it — an upper
    # bound until its last row is handed over: read afresh for each progress and at the end.
    result = ImportResult(rows=checked.total)
    seen: set[str] = set()  # national numbers of this file's rows already handled
    pending: list[tuple[int, str, Beneficiary]] = []
    saving = _Saving(save_checked) if check_many is not None else None
    last = None  # the batch checked last, not saved yet (`check_many`): saved while the next is checked

    def check_and_save(records: list[Beneficiary], made: list) -> list:
        nonlocal last
        if saving is None:
            return save_many(records, made) if records else []
        saving.join()  # every batch before `last` is in the store
        before, last = last, None

        def start() -> None:
            if before is not None:
                saving.start(before)

        if not records:
            start()
            return []
        last = check_many(records, made, before, start)
        return last.outcome

    def save_last() -> None:
        nonlocal last
        if saving is not None:
            saving.join()
            if last is not None:
                saving.start(last)
                last = None
                saving.join()

    def flush() -> None:
        present = store.beneficiaries.national_numbers_present([b.national_number for _, _, b in pending])
        todo, made = [], []
        for number, national, clean in pending:
            ready = checked.made(number, office_code, by)
            if clean.national_number in present or clean.national_number in seen:
                result.already_present += 1
                result.problems.append(ImportProblem(number, national, "already_present", "national_number",
                                                     ALREADY_THERE))
            else:
                seen.add(clean.national_number)
                todo.append((number, national, clean))
                made.append(ready)
        outcomes = check_and_save([clean for _, _, clean in todo], made)
        for (number, national, _), outcome in zip(todo, outcomes):
            if isinstance(outcome, FundError):
                result.rejected += 1
                field = "card_number" if isinstance(outcome, CardNumberTaken) else outcome.code
                if isinstance(outcome, ValidationFailed):
                    for key, message in outcome.problems.items():
                        result.problems.append(ImportProblem(number, national, "rejected", key, message))
                else:
                    result.problems.append(ImportProblem(number, national, "rejected", field, outcome.message))
            else:
                result.imported += 1
            if outcome.__class__.__name__ == "DuplicateFound":
                result.duplicates += 1
        pending.clear()

    damaged: list[ImportFileUnreadable] = []

    def handed_over():
        """`checked`'s rows; a damaged row found after rows were handed over (`LATE_DAMAGE`) ends
        them, and is raised once the rows before it are saved."""
        try:
            yield from checked
        except ImportFileUnreadable as late:
            damaged.append(late)

    try:
        shown = 0  # rows the last progress said were done
        size, batches = batch_rows(batch_size, 0, checked.total), 0
        for done, (number, national, outcome) in enumerate(handed_over(), start=1):
            if isinstance(outcome, Beneficiary):
                pending.append((number, national, outcome))
            else:
                result.rejected += 1
                for key, message in outcome:
                    result.problems.append(ImportProblem(number, national, "rejected", key, message))
            flushed = False
            if len(pending) >= size or (done == checked.total and pending):
                flush()
                batches += 1
                size, flushed = batch_rows(batch_size, batches, checked.total - done), True
            result.done = done
            if progress is not None and ((flushed if batch_size > RAMP_BATCH else done % batch_size == 0)
                                         or done == checked.total):
                progress(done, max(checked.total, done))
                shown = done
            if not pending and done < checked.total and cancelled is not None and cancelled():
                result.cancelled = True
                break
        if pending:  # the last rows, when the total was an upper bound until the end
            flush()
        # The file's rows; an XLSX file read by a helper and stopped before its end (cancelled,
        # or damaged part-way) has no count but its upper bound (blank rows counted): the rows read.
        result.rows = checked.total if checked.known else result.done
        if progress is not None and not result.cancelled and not damaged and shown != result.done:
            progress(result.done, result.rows)
        save_last()  # a stopped import keeps every batch it checked: stopped between two batches
    except BaseException:
        if saving is not None:
            saving.join(quiet=True)  # never left writing behind the caller's back
        raise
    # A file damaged part-way (`LATE_DAMAGE`): the rows before the damage were imported or
    # refused — reported and audited as any import's, then the damage raised (review finding 4).
    if write_report:
        result.report_path = write_report_file(
            result, Path(report_path) if report_path else Path(path).with_name(Path(path).stem + "-report.csv"))
    stopped = {"cancelled_at_row": result.done} if result.cancelled else {}
    if damaged:
        stopped = {"stopped_at_row": result.done}
    store.audit_event(by, "import", rows=result.rows, imported=result.imported,
                      already_present=result.already_present, rejected=result.rejected, **stopped)
    if damaged:
        damaged[0].result = result
        raise damaged[0]
    return result


class _Saving:
    """One checked batch saved at a time on a thread of its own (`save_checked`), while the
    importing thread checks the next batch; `join` waits for it and raises what it raised."""

    def __init__(self, save: Callable[[object], None]) -> None:
        self._save = save
        self._thread: threading.Thread | None = None
        self._error: BaseException | None = None

    def start(self, batch: object) -> None:
        self.join()

        def run() -> None:
            try:
                self._save(batch)
            except BaseException as exc:  # noqa: BLE001 - raised again by join, in the importing thread
                self._error = exc

        self._thread = threading.Thread(target=run, name="import-save")
        self._thread.start()

    def join(self, *, quiet: bool = False) -> None:
        thread, self._thread = self._thread, None
        if thread is not None:
            thread.join()
        error, self._error = self._error, None
        if error is not None and not quiet:
            raise error


def write_report_file(result: ImportResult, path: Path) -> Path:
    """The report CSV (REPORT_HEADERS): one line per problem or skipped row."""
    with open(path, "w", encoding="utf-8-sig", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(REPORT_HEADERS)
        # Cells repeated from the file may be formulas or hold undecodable bytes.
        writer.writerows(safe_row(_printable(v) for v in problem) for problem in result.problems)
    return Path(path)


@dataclass
class Preview:
    """What a file holds before anything is imported (the app's check step)."""

    rows: int = 0
    valid: int = 0
    problems: list[tuple] = field(default_factory=list)  # as ImportResult.problems ("rejected")


def preview_file(path: Path, *, scheme: str | None = None, office_code: str = "",
                 progress: Callable[[int, int], None] | None = None,
                 cancelled: Callable[[], bool] | None = None, every: int = IMPORT_BATCH) -> Preview:
    """Read and check every row as the import will (raises ImportFileUnreadable like it);
    nothing is written. Row-level problems name the row and the field."""
    _, rows, unreadable_rows = read_rows(path)
    preview = Preview(rows=len(rows))
    for done, (number, row) in enumerate(rows, start=1):
        national = row.get("national_number", "")
        problems = list(unreadable_rows.get(number, ()))
        if not problems:
            try:
                ensure_valid_beneficiary(row_to_beneficiary(row, office_code), scheme=scheme)
            except ValidationFailed as failed:
                problems = list(failed.problems.items())
        if problems:
            preview.problems += [ImportProblem(number, national, "rejected", key, m) for key, m in problems]
        else:
            preview.valid += 1
        if done % every == 0 or done == len(rows):
            if progress is not None:
                progress(done, len(rows))
            if cancelled is not None and cancelled():
                break
    return preview
