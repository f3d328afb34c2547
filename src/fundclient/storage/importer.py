"""`fundclient import FILE`: beneficiaries from CSV or XLSX, one row per beneficiary.

Headers are the domain's field keys (`domain.fields`: national_number, name.first, ...,
category_fields.<key>, dependants[N].<key>). The whole file is read and checked first; a
file that cannot be read changes nothing. Then every valid row is saved in its own
transaction (a row is atomic); rows whose national number is already in the DB are
skipped, so a re-run after an interruption imports only what is missing.
"""

from __future__ import annotations

import csv
import io
import re
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Callable

from fundclient.domain.fields import BENEFICIARY_FIELDS, CATEGORY_PREFIX, DEPENDANT_FIELDS
from fundclient.domain.records import ArabicName, Beneficiary, Dependant
from fundclient.domain.validation import ensure_valid_beneficiary
from fundclient.errors import FundError, Message, ValidationFailed
from fundclient.storage.errors import CardNumberTaken, ImportFileUnreadable

if TYPE_CHECKING:
    from fundclient.storage.store import Store

MAX_FILE_BYTES = 50 * 1024 * 1024
MAX_CELL_CHARS = 10_000
MAX_ROWS = 200_000
_DEPENDANT = re.compile(r"dependants\[(\d+)\]\.(.+)")
REPORT_HEADERS = ("row", "national_number", "result", "field", "reason_ar", "reason_en")
ALREADY_THERE = Message("مسجل مسبقاً بنفس الرقم الوطني (لم يُستورد مرة ثانية)",
                        "Already registered with this national number (not imported again)")


@dataclass
class ImportResult:
    rows: int = 0
    imported: int = 0
    already_present: int = 0
    rejected: int = 0
    report_path: Path | None = None
    problems: list[tuple] = field(default_factory=list)


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


def _unreadable(ar: str, en: str) -> ImportFileUnreadable:
    return ImportFileUnreadable(ar, en)


def _decode(raw: bytes) -> str:
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        return raw.decode("utf-16")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return raw.decode("cp1256")  # Arabic Windows, what older Excel saves as "CSV"
    except UnicodeDecodeError:
        raise _unreadable("ترميز الملف غير معروف؛ احفظه بترميز UTF-8.",
                          "unknown text encoding; save the file as UTF-8.") from None


def _read_csv(path: Path) -> list[tuple[int, list[str]]]:
    text = _decode(path.read_bytes())
    if "\x00" in text:
        raise _unreadable("الملف ليس ملف نص CSV.", "the file is not a CSV text file.")
    csv.field_size_limit(MAX_CELL_CHARS * 4)
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    try:
        return [(i + 1, row) for i, row in enumerate(csv.reader(io.StringIO(text), dialect))]
    except csv.Error as exc:
        raise _unreadable("خلية كبيرة جداً أو سطر غير مكتمل.", f"a cell is too large or a line is broken ({exc}).") from None


def _read_xlsx(path: Path) -> list[tuple[int, list[str]]]:
    from openpyxl import load_workbook

    try:
        book = load_workbook(path, read_only=True, data_only=True)
        sheet = book.worksheets[0]
        rows = []
        for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
            rows.append((number, ["" if v is None else (v.isoformat()[:10] if hasattr(v, "isoformat") else str(v))
                                  for v in values]))
            if len(rows) > MAX_ROWS + 1:
                break
        book.close()
        return rows
    except ImportFileUnreadable:
        raise
    except Exception as exc:  # noqa: BLE001 - any parser failure on an untrusted file
        raise _unreadable("ملف Excel تالف أو غير مكتمل.", f"the Excel file is damaged or truncated ({type(exc).__name__}).") from None


def read_rows(path: Path) -> tuple[list[str], list[tuple[int, dict[str, str]]]]:
    """(headers, [(row number, {header: cell})]); raises ImportFileUnreadable, changes nothing."""
    path = Path(path)
    try:
        size = path.stat().st_size
    except OSError:
        raise _unreadable("الملف غير موجود.", "the file does not exist.") from None
    if size > MAX_FILE_BYTES:
        raise _unreadable("الملف كبير جداً (أكثر من 50 ميغابايت).", "the file is larger than 50 MB.")
    rows = _read_xlsx(path) if path.suffix.lower() in (".xlsx", ".xlsm") else _read_csv(path)
    rows = [(n, r) for n, r in rows if any(c.strip() for c in r)]
    if not rows:
        raise _unreadable("الملف فارغ.", "the file is empty.")
    if len(rows) > MAX_ROWS + 1:
        raise _unreadable(f"عدد الأسطر أكبر من {MAX_ROWS}.", f"more than {MAX_ROWS} rows.")
    headers = [h.strip() for h in rows[0][1]]
    missing = [c for c in required_columns() if c not in headers]
    unknown = [h for h in headers if h and not known_column(h)]
    if missing or unknown:
        detail = ", ".join(missing + unknown)
        raise _unreadable(f"أعمدة ناقصة أو غير معروفة: {detail}", f"missing or unknown columns: {detail}")
    records = []
    for number, cells in rows[1:]:
        if any(len(c) > MAX_CELL_CHARS for c in cells):
            raise _unreadable(f"خلية كبيرة جداً في السطر {number}.", f"a cell in row {number} is too large.")
        records.append((number, {h: (cells[i].strip() if i < len(cells) else "") for i, h in enumerate(headers) if h}))
    return headers, records


def row_to_beneficiary(row: dict[str, str], office_code: str) -> Beneficiary:
    """Raw text values; the domain validator cleans and checks them."""
    b = Beneficiary(office_code=office_code)
    name, deps = {}, defaultdict(dict)
    for key, value in row.items():
        dep = _DEPENDANT.fullmatch(key)
        if dep:
            deps[int(dep.group(1))][dep.group(2)] = value
        elif key.startswith("name."):
            name[key[5:]] = value
        elif key.startswith(CATEGORY_PREFIX):
            if value:
                b.category_fields[key[len(CATEGORY_PREFIX):]] = value
        elif value or (BENEFICIARY_FIELDS[key].required and key not in DEFAULTED_COLUMNS):
            setattr(b, key, value)
    b.name = ArabicName(**name)
    for _, values in sorted(deps.items()):
        if any(values.values()):
            d = Dependant(name=ArabicName(**{k[5:]: v for k, v in values.items() if k.startswith("name.")}))
            for k, v in values.items():
                if not k.startswith("name.") and v:
                    setattr(d, k, v)
            b.dependants.append(d)
    return b


def import_file(store: "Store", path: Path, *, by: str, report_path: Path | None = None,
                scheme: str | None = None, office_code: str = "",
                save: Callable[[Beneficiary], object] | None = None) -> ImportResult:
    """`save` is how a good row is registered: the app passes services.registration.register
    (card numbers, duplicate check, sealing for HQ); a FundError it raises rejects the row."""
    save = save or (lambda b: store.beneficiaries.add(b, by=by, action="import"))
    _, rows = read_rows(path)  # raises before anything is written
    result = ImportResult(rows=len(rows))
    for number, row in rows:
        national = row.get("national_number", "")
        try:
            clean = ensure_valid_beneficiary(row_to_beneficiary(row, office_code), scheme=scheme)
        except ValidationFailed as failed:
            result.rejected += 1
            for key, message in failed.problems.items():
                result.problems.append((number, national, "rejected", key, message.ar, message.en))
            continue
        if store.beneficiaries.by_national_number(clean.national_number, include_dependants=False):
            result.already_present += 1
            result.problems.append((number, national, "already_present", "national_number",
                                    ALREADY_THERE.ar, ALREADY_THERE.en))
            continue
        try:
            save(clean)
        except FundError as refused:
            result.rejected += 1
            field = "card_number" if isinstance(refused, CardNumberTaken) else refused.code
            result.problems.append((number, national, "rejected", field, refused.message.ar, refused.message.en))
            continue
        result.imported += 1
    result.report_path = Path(report_path) if report_path else Path(path).with_name(Path(path).stem + "-report.csv")
    with open(result.report_path, "w", encoding="utf-8-sig", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(REPORT_HEADERS)
        writer.writerows(result.problems)
    store.audit_event(by, "import", rows=result.rows, imported=result.imported,
                      already_present=result.already_present, rejected=result.rejected)
    return result
