"""The reading of an import's file (`fundclient import FILE`, storage.importer): a CSV or XLSX
file's rows as text cells, the file refused as a whole (ImportFileUnreadable) when it cannot be
read, and what makes a single row unreadable (`_cell_problems`). An XLSX sheet is read through
openpyxl's reader with a sheet class of our own (`_load_book`), its rows from the XML's bytes
while they have a plain form (`_plain_cells`), every byte checked by expat; read as a stream
(`_xlsx_stream`), the sheet is first looked through in one pass (`_sheet_survey`). What the
rows mean (the header's columns, the records) is storage.importer's.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
from collections.abc import Iterable, Iterator
from functools import lru_cache
from pathlib import Path
from sys import getsizeof
from typing import Callable

from fundclient import drive
from fundclient.errors import Message
from fundclient.storage.errors import ImportFileUnreadable

MAX_FILE_BYTES = 50 * 1024 * 1024
MAX_CELL_CHARS = 10_000
MAX_ROWS = 200_000
SHEET_MAX_ROWS = 1_048_576  # the last row a worksheet can have (Excel)


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


def _xlsx_book(raw: bytes):
    """The workbook (`_load_book`), refused as damaged when it cannot be loaded."""
    try:
        book = _load_book(raw)
        book.worksheets[0]
        return book
    except Exception as exc:  # noqa: BLE001 - any parser failure on an untrusted file
        raise _damaged(exc) from None


def _read_xlsx(raw: bytes, book) -> tuple[list[tuple[int, list[str]]], list[tuple[str, int, int]]]:
    try:
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


def _xlsx_stream(raw: bytes, book) -> tuple[int, list[tuple[str, int, int]], Iterator[tuple[int, list[str]]]] | None:
    """The sheet's rows as `_read_xlsx` reads them, but handed out while the sheet is read:
    (its row elements — at least its rows that hold a value —, its merged ranges, the rows).
    Before it returns, the whole sheet has been looked through (`_sheet_survey`: every byte
    through expat, so a sheet that is not well formed is refused here, as the whole reading
    refuses it, before any row is handed out; merged ranges found). What only a row's reading
    can find — a cell openpyxl cannot type (a number that is not one, a shared text that is not
    there), a row number that is not one — is raised by the rows as ImportFileUnreadable when
    that row is reached. None when the sheet cannot be bounded so (more row elements than
    MAX_ROWS + 1, or not UTF-8): the caller reads it whole first (`_read_xlsx`, `book` left open)."""
    try:
        sheet = book.worksheets[0]
        survey = _sheet_survey(raw, sheet, MAX_ROWS + 1)
        if survey is None:
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
# Its start tag (the body up to </row> found by bytes.find): `<row`, then what is up to `>` in ONE
# greedy run — no quantifier that may take what the next one takes (a lazy run before a run of
# spaces backtracked in the square of a padded tag's length: review 2026-12-01 finding 1); its
# attributes and whether it ends with `/` are taken from the run by `_tag_parts`.
_PLAIN_ROW = re.compile(rb'<row(?=\s|/?>)([^<>]*)>')
# A row's attributes: each `name="value"` (a name with the prefix of a namespace declared on the
# sheet or its rows' parent, or none), its value without markup or entity, no name twice.
_ROW_ATTRIBUTE = rb'\s+(?:([A-Za-z_][A-Za-z0-9_.-]*):)?([A-Za-z_][A-Za-z0-9_.-]*)\s*=\s*"([^"<&]*)"'
_ROW_ATTRIBUTES = re.compile(rb'(?:' + _ROW_ATTRIBUTE + rb')*+\s*')  # (possessive: an attribute's \s+ and the \s* after)
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


def _tag_parts(inside):
    """A row start tag's inside (`_PLAIN_ROW`'s or `_ROW_TAG`'s group, bytes or text) as (its
    attributes, the whitespace after them left out; whether the tag ends with `/`: `<row …/>`)."""
    closed = inside.endswith(b"/" if isinstance(inside, bytes) else "/")
    if closed:
        inside = inside[:-1]
    return (inside.rstrip() if isinstance(inside, bytes) else inside.rstrip(" \t\r\n")), closed


def _sheet_head(read: Callable[[int], bytes]) -> tuple[object, set[bytes], bytes]:
    """(ElementTree's parser fed the sheet's XML up to and with `<sheetData>`, the namespace
    prefixes declared on the elements open there, the bytes read after it) — raises _NotPlain
    when the sheet's XML is not a UTF-8 SpreadsheetML sheet whose rows are in `<sheetData>`
    (a DOCTYPE, a comment, a byte-order mark, another encoding, no `<sheetData>` in its first
    4 MiB). `read(size)`: the sheet's next bytes."""
    from xml.etree.ElementTree import XMLPullParser

    from openpyxl.xml.constants import SHEET_MAIN_NS  # lazy: start-up (NumPy, openpyxl)

    data = b""
    while b"<sheetData>" not in data:
        chunk = read(_SHEET_BYTES)
        if not chunk or len(data) > 4 * _SHEET_BYTES:
            raise _NotPlain
        data += chunk
    cut = data.index(b"<sheetData>") + len(b"<sheetData>")
    head = data[:cut]
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
    return checker, prefixes, data[cut:]


def _plain_cells(book, sheet, verified: bool = False) -> Iterator[tuple[str | None, list[tuple[int, object]]]]:
    """What `_parsed_cells` yields, taken from the XML's bytes while every row and cell has a
    plain form (`_PLAIN_ROW`, `_PLAIN_CELL`); raises _NotPlain at the first that has not (or is
    longer than `_ROW_BYTES`), or when the sheet's XML is not a UTF-8 SpreadsheetML sheet whose
    rows are in `<sheetData>`. Every byte read is fed to expat as it is read (a damaged file is
    refused as the parser refuses it, rows included: only the building of elements is skipped),
    and the XML around the rows goes through ElementTree's parser (`verified`: the sheet's bytes
    were all fed to expat already, `_sheet_survey`; they are not fed again)."""
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
        checker, prefixes, rest = _sheet_head(read)
        buffer = bytearray(rest)
        position, ended, searched = 0, False, 0  # searched: where the pending row's </row> may be
        while True:
            position = _SPACE.match(buffer, position).end()
            row = _PLAIN_ROW.match(buffer, position)
            if row is not None:
                attributes, closed = _tag_parts(row.group(1))
                if closed:  # <row …/>
                    yield _plain_row(attributes, b"", typed, column_of, prefixes)
                    position, searched = row.end(), 0
                    continue
                end = buffer.find(b"</row>", max(row.end(), searched))
                if end >= 0:
                    yield _plain_row(attributes, bytes(buffer[row.end():end]), typed, column_of, prefixes)
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


def _row_number(attributes: bytes, prefixes: set[bytes]) -> str | None:
    """A plain row start tag's `r` (its digits), None without one; raises _NotPlain for
    attributes of another form (`_ROW_ATTRIBUTE`: a name with the prefix of a namespace declared
    on the sheet or its rows' parent, or none; a value without markup or entity; no name twice)."""
    number = None
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
    return number


def _plain_row(attributes: bytes, body: bytes, typed, column_of, prefixes: set[bytes]
               ) -> tuple[str | None, list[tuple[int, object]]]:
    number = _row_number(attributes, prefixes) if attributes else None
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


# The held reading (`_held_rows`): the sheet's rows read once, as text, and held until they are
# handed out — the same rows as `_within_limit(_as_text(_sheet_values(…)))` — when every row and
# cell has a plain form. Its patterns read the XML as text (decoded as UTF-8 chunk by chunk; a
# byte that is not UTF-8, U+FFFE or U+FFFF: not taken); XML's own whitespace only.
_ROW_TAG = re.compile(r'<row(?=[ \t\r\n]|/?>)([^<>]*)>')  # as `_PLAIN_ROW`: one greedy run (`_tag_parts`)
# The usual start tag's attributes: its number first, then any others (Excel's spans, x14ac:dyDescent…)
_ROW_R = re.compile(r' r="([0-9]{1,9})"((?:[ \t\r\n][^<>]*)?)')
_BETWEEN_ROWS = re.compile(r'[ \t\r\n]*')
_TEXT = r'[^<&\x00-\x08\x0b-\x1f]*(?:&(?:lt|gt|amp|quot|apos);[^<&\x00-\x08\x0b-\x1f]*)*'  # `_PLAIN_TEXT`
# The usual cell of a sheet written with inline strings (openpyxl's write-only mode, the
# benchmark's files, many exporters): (the reference's letters, its text — None for an empty cell).
_INLINE_CELL = re.compile(r'<c r="([A-Z]{1,3})[0-9]+" t="inlineStr"(?: ?/>|><is><t(?: xml:space="preserve")?>('
                          + _TEXT + r')</t></is></c>)')
# The usual cell Excel writes: (the letters, the style, the type, <v>'s text — None when empty).
_VALUED_CELL = re.compile(r'<c r="([A-Z]{1,3})[0-9]+"(?: s="([0-9]+)")?(?: t="(s|n|b|str|e|d)")?(?: ?/>|><v>('
                          + _TEXT + r')</v></c>)')
# Any plain cell (`_PLAIN_CELL`): the letters, the style, the type, <v>'s text, <is><t>, its text.
_ANY_CELL = re.compile(_PLAIN_CELL.pattern.decode())
_FORBIDDEN = re.compile(r'[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]')  # characters XML forbids
_COLUMNS = [""] + [a for a in "ABCDEFGHIJKLMNOPQRSTUVWXYZ"] + [a + b for a in "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
                                                                for b in "ABCDEFGHIJKLMNOPQRSTUVWXYZ"]
_CELLS_APART = "\x1f"  # between a held row's cells: XML forbids it, so no cell's text holds it
HELD_BYTES = 100 << 20  # the held rows' text at most, in the bytes its strings take (sys.getsizeof:
# 1, 2 or 4 a character by the widest one a row holds): a sheet with more is read as a stream;
# the reading stops before it reads the sheet whole once the part read says the rest will not fit


class _NotHeld(Exception):
    """The held reading does not take the sheet (`_held_rows`): it is read as before."""


def _held_rows(book, sheet) -> tuple[list[tuple[int, str]], list[tuple[str, int, int]]] | None:
    """([(row number, its cells' texts joined by _CELLS_APART)], merged ranges) of the sheet's
    rows that hold a value — what `_within_limit(_as_text(…) for … in enumerate(_sheet_values(…)))`
    yields, read in ONE pass, and the merged ranges `_merged_ranges` finds — or None when this
    reading does not take the sheet, which is then read as before (`_xlsx_stream`, `_read_xlsx`:
    they answer for the file, its refusals included). Taken: a UTF-8 SpreadsheetML sheet whose
    every row and cell has a plain form (`_PLAIN_ROW`, `_PLAIN_CELL`; well formed by those forms
    alone, the XML around the rows through ElementTree's parser), every cell typed as openpyxl
    types it, no row past the sheet's `<dimension>` or its last possible row, no value past its
    width, no more than MAX_ROWS + 1 rows and HELD_BYTES of text. Anything else —
    including anything damaged — is left to the reading as before, so this reading never changes
    an answer: it only saves the survey's second pass (`_sheet_survey`: every byte through
    expat) and reads each row ~3× cheaper (tests/core/test_import_held_rows.py)."""
    try:
        return _held(book, sheet)
    except Exception:  # noqa: BLE001 - _NotHeld, or a damage the reading as before answers for
        return None


def _held(book, sheet) -> tuple[list[tuple[int, str]], list[tuple[str, int, int]]]:
    from openpyxl.utils.cell import range_boundaries  # lazy: start-up (NumPy, openpyxl)
    from openpyxl.xml.constants import SHEET_MAIN_NS  # lazy: start-up (NumPy, openpyxl)

    strings = sheet._shared_strings
    if any(_CELLS_APART in text for text in strings if type(text) is str):
        raise _NotHeld
    typed, column_finder = _typing(book, sheet), _column_finder()
    max_col, max_row = sheet.max_column, sheet.max_row
    dates, date_texts = book._date_formats, {}  # (style, value) -> a date's text, as typed

    class Columns(dict):
        def __missing__(self, letters: str) -> int:
            column = self[letters] = column_finder(letters + "1")
            return column

    column = Columns().__getitem__

    def as_text(value) -> str:  # `_as_text`'s, for one value
        return value if type(value) is str else "" if value is None else \
            (value.isoformat()[:10] if hasattr(value, "isoformat") else str(value))

    def number_text(style: str, value: str) -> str:
        """A number cell's text: `as_text(typed("n", style, value))`, a date's remembered."""
        index = int(style) if style else 0
        if index in dates:
            key = (index, value)
            text = date_texts.get(key)
            if text is None:
                text = as_text(typed("n", index, value))
                if len(date_texts) < 1 << 16:
                    date_texts[key] = text
            return text
        return str(float(value)) if "." in value or "E" in value or "e" in value else str(int(value))

    def value_text(style: str, kind: str, value: str) -> str:
        """A cell's `<v>` as text: a shared string, a number by its style, or typed by its kind."""
        if "&" in value:
            value = _unescaped(value)
        if kind == "s":
            return as_text(strings[int(value)])
        if not kind or kind == "n":
            return number_text(style, value)
        return as_text(typed(kind, int(style) if style else 0, value))

    def placed(columns: list[int], texts) -> str:
        """The row's texts each in its column (`values_of`: a later cell of a column wins)."""
        width = max_col or columns[-1]
        if max(columns) > width:
            raise _NotHeld  # a cell past the sheet's width (a value there refuses the file)
        cells = [""] * width
        for index, text in zip(columns, texts):
            cells[index - 1] = text
        return _CELLS_APART.join(cells)

    def inline_row(body: str) -> str | None:
        """The usual row of inline strings (`_INLINE_CELL`), or None for a row of another form."""
        parts = _INLINE_CELL.split(body)
        if any(parts[::3]):
            return None
        letters, texts = parts[1::3], parts[2::3]
        count = len(texts)
        if letters == _COLUMNS[1:count + 1]:  # A, B, C, …: each in its column
            width = max_col or count
            if count > width:
                raise _NotHeld  # a cell past the sheet's width
            joined = _CELLS_APART.join([text or "" for text in texts])
            if width > count:
                joined += _CELLS_APART * (width - count)
            return _unescaped(joined) if "&" in joined else joined
        return placed(list(map(column, letters)),
                      [(_unescaped(text) if "&" in text else text) if text else "" for text in texts])

    def valued_row(body: str) -> str | None:
        """The usual row Excel writes (`_VALUED_CELL`: shared strings, numbers, dates by their
        style, no formula, no inline text), or None for a row of another form."""
        parts = _VALUED_CELL.split(body)
        if any(parts[::5]):
            return None
        texts = [value_text(style, kind, value) if value else ""
                 for style, kind, value in zip(parts[2::5], parts[3::5], parts[4::5])]
        return placed(list(map(column, parts[1::5])), texts)

    def any_row(body: str) -> str:
        """Any plain row (`_PLAIN_CELL`); raises _NotHeld for a row of another form."""
        parts = _ANY_CELL.split(body)
        if any(parts[::7]):
            raise _NotHeld  # a cell of another form
        texts = []
        for style, kind, value, inline, text in zip(parts[2::7], parts[3::7], parts[4::7], parts[5::7], parts[6::7]):
            if kind == "inlineStr":
                texts.append((_unescaped(text) if "&" in text else text) if inline else "")
            elif value:
                texts.append(value_text(style, kind, value))
            else:
                texts.append("")
        return placed(list(map(column, parts[1::7])), texts)

    forms = [inline_row, valued_row, any_row]  # the form that took the last row first

    def texts_of(body: str) -> str:
        """The row's cells as `_as_text(values_of(…))`, joined by _CELLS_APART; raises _NotHeld."""
        if not body:
            return _CELLS_APART * (max_col - 1) if max_col else ""
        if "]]>" in body:
            raise _NotHeld
        joined = forms[0](body)
        if joined is None:
            for form in forms[1:]:
                joined = form(body)
                if joined is not None:
                    forms.remove(form)
                    forms.insert(0, form)
                    break
        return joined

    rests: set[str] = set()  # a row start tag's attributes after its r="…", found plain
    held: list[tuple[int, str]] = []
    size, counter, number = 0, 1, 0  # size: the held texts' bytes (sys.getsizeof)
    try:  # the sheet's XML bytes (the zip member's size): how much of it a part read is
        whole = sheet.parent._archive.getinfo(sheet._worksheet_path).file_size
    except Exception:  # noqa: BLE001 - unknown: no early stop
        whole = 0
    decoder = codecs.getincrementaldecoder("utf-8")()
    with sheet._get_source() as source:
        checker, prefixes, rest = _sheet_head(source.read)
        buffer, position, ended, searched = decoder.decode(rest), 0, False, 0
        if "\ufffe" in buffer or "\uffff" in buffer:
            raise _NotHeld  # (the cells' texts exclude every other character XML forbids)
        while True:
            position = _BETWEEN_ROWS.match(buffer, position).end()
            row = _ROW_TAG.match(buffer, position)
            if row is not None:
                attributes, closed = _tag_parts(row.group(1))
                if closed:
                    body, position = "", row.end()
                else:
                    end = buffer.find("</row>", max(row.end(), searched))
                    if end < 0:
                        body = None
                    else:
                        body, position = buffer[row.end():end], end + len("</row>")
                if body is not None:
                    searched = 0
                    if not attributes:
                        number += 1
                    else:
                        plain = _ROW_R.fullmatch(attributes)
                        if plain is not None and plain.group(2) in rests:
                            number = int(plain.group(1))
                        else:
                            if _FORBIDDEN.search(attributes):
                                raise _NotHeld
                            found = _row_number(attributes.encode(), prefixes)  # _NotPlain: not taken
                            number = int(found) if found is not None else number + 1
                            if plain is not None and len(rests) < 64:
                                rests.add(plain.group(2))  # (the same attributes with another r: plain too)
                    if number > SHEET_MAX_ROWS or (max_row is not None and number > max_row):
                        raise _NotHeld
                    joined = texts_of(body)
                    if number < counter:
                        continue  # a row numbered before the last one: openpyxl leaves it out
                    counter = number + 1
                    if joined.strip():  # a value (`_CELLS_APART` is whitespace to str.strip)
                        held.append((number, joined))
                        size += getsizeof(joined)
                        if len(held) > MAX_ROWS + 1 or size > HELD_BYTES:
                            raise _NotHeld
                    continue
                if ended:
                    raise _NotHeld  # no </row>
            elif buffer.startswith("</sheetData>", position):
                merged = []
                cell = f"{{{SHEET_MAIN_NS}}}mergeCell"
                tail = buffer[position:].encode() + decoder.getstate()[0]  # (a character cut by the read)
                while True:
                    checker.feed(tail)  # the rest of the sheet, well formed as a parser reads it
                    for event, item in checker.read_events():
                        if event == "end":
                            if item.tag == cell and item.get("ref"):
                                _, first, _, last = range_boundaries(item.get("ref"))
                                merged.append((item.get("ref"), first, last))
                            item.clear()
                    if ended or not (tail := source.read(_SHEET_BYTES)):
                        break
                checker.close()
                return held, merged
            elif ended or buffer.find(">", position) >= 0:
                raise _NotHeld  # a row of another form (or no </sheetData>)
            if len(buffer) - position > _ROW_BYTES:
                raise _NotHeld  # a row too long
            searched = max(len(buffer) - position - len("</row>"), 0) if row is not None else 0
            read = source.tell() if whole else 0
            if read * 8 >= whole > 0 and size * whole > HELD_BYTES * read:
                raise _NotHeld  # an eighth read or more, and its rows at this rate would not fit
            chunk = source.read(_SHEET_BYTES)
            ended = not chunk
            more = decoder.decode(chunk, final=ended)
            if "\ufffe" in more or "\uffff" in more:
                raise _NotHeld
            buffer = buffer[position:] + more
            position = 0


def _unescaped(text: str) -> str:
    """A plain text's XML entities (`_PLAIN_TEXT`: the five) replaced (`_xml_text`)."""
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", '"').replace("&apos;", "'") \
        .replace("&amp;", "&")


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


def _split(row: tuple[int, str]) -> tuple[int, list[str]]:
    return row[0], row[1].split(_CELLS_APART)


def _handed_out(rows: list[tuple[int, str]]) -> Iterator[tuple[int, list[str]]]:
    """The held rows after the header, as (row number, cells), each let go once handed out."""
    apart = _CELLS_APART
    for index in range(1, len(rows)):
        number, joined = rows[index]
        rows[index] = None  # type: ignore[call-overload]
        yield number, joined.split(apart)


def file_rows(path: Path, *, streamed: bool = True
              ) -> tuple[int, list[str], int, bool, Iterator[tuple[int, list[str]]], list[tuple[str, int, int]]]:
    """The reading half of `importer.row_stream` (whose docstring says what is refused before it
    returns and what a streamed sheet's rows may raise later): (the header row's number, its
    cells, the rows after it — exact, or an upper bound —, whether exact, those rows as (row
    number, cells), the sheet's merged ranges). A file that cannot be read, an empty one and
    one whose header row is merged are refused here (ImportFileUnreadable)."""
    path = Path(path)
    # The file usually comes from a USB stick: read the hostile way (a regular file, never a
    # link, a FIFO or a device; at most 50 MB, checked before reading).
    item = drive.read_file(path, MAX_FILE_BYTES)
    if not item.ok:
        reason = item.reason()
        raise _unreadable(reason)
    raw = item.data or b""
    merged: list[tuple[str, int, int]] = []
    stream = held = None
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        book = _xlsx_book(raw)
        held = _held_rows(book, book.worksheets[0])  # one pass, when the sheet has the plain form
        if held is not None:
            book.close()
            read, merged = held
        else:
            stream = _xlsx_stream(raw, book) if streamed else None
            if stream is None:
                read, merged = _read_xlsx(raw, book)
    else:
        read = _read_csv(path, raw)
    if stream is None:
        if not read:  # (only rows that hold a value, at most MAX_ROWS + 1: _within_limit)
            raise _unreadable(Message("the file is empty."))
        if held is not None:  # each row's cells joined: split as it is handed out
            (header_number, header), rest = _split(read[0]), _handed_out(read)
        else:
            (header_number, header), rest = read[0], iter(read[1:])
        total, exact = len(read) - 1, True
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
    return header_number, header, total, exact, rest, merged
