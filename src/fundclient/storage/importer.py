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
import re
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Callable

from fundclient import oslock
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
from fundclient.storage.sheet_reader import MERGED, RowProblems, _cell_problems, _printable, _unreadable, file_rows

if TYPE_CHECKING:
    from fundclient.storage.store import Store

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
    header_number, header, total, exact, rest, merged = file_rows(path, streamed=streamed)
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


_NAME_PARTS = ("first", "father", "grandfather", "family")


@lru_cache(maxsize=64)
def _column_plan(keys: tuple[str, ...]) -> tuple:
    """Where each column of a file's header goes (`row_to_beneficiary`), worked out once per
    header rather than once per row, as the positions of the row's values: (the holder's fields
    as (position, attribute, whether set when empty — a required field the file must fill),
    the positions of the name's four parts (None: no such column), the category's fields as
    (position, its key), and per dependant's number in order (the positions of its name's
    parts, its other fields as (position, attribute), all its positions))."""
    holder, name, category, dependants = [], dict.fromkeys(_NAME_PARTS), [], {}
    for at, key in enumerate(keys):
        dep = _DEPENDANT.fullmatch(key)
        if dep:
            parts, others, every = dependants.setdefault(int(dep.group(1)), (dict.fromkeys(_NAME_PARTS), [], []))
            short = dep.group(2)
            if short.startswith("name."):
                parts[short[5:]] = at
            else:
                others.append((at, short))
            every.append(at)
        elif key.startswith("name."):
            name[key[5:]] = at
        elif key.startswith(CATEGORY_PREFIX):
            category.append((at, key[len(CATEGORY_PREFIX):]))
        else:
            holder.append((at, key, key in BENEFICIARY_FIELDS and BENEFICIARY_FIELDS[key].required
                           and key not in DEFAULTED_COLUMNS))
    return (tuple(holder), tuple(name.values()), tuple(category),
            tuple((tuple(parts.values()), tuple(others), tuple(every))
                  for _, (parts, others, every) in sorted(dependants.items())))


def row_to_beneficiary(row: dict[str, str], office_code: str) -> Beneficiary:
    """Raw text values; the domain validator cleans and checks them. A field whose cell is empty
    keeps the record's default (a required one is set empty: the validator names it); a
    dependant is made when one of its cells is not empty (tests/core/test_import_rows.py: what
    the column-by-column reading makes)."""
    holder, name, category, dependants = _column_plan(tuple(row))
    values = tuple(row.values())
    b = Beneficiary(office_code=office_code)
    for at, key, required in holder:
        value = values[at]
        if value or required:
            setattr(b, key, value)
    b.name = ArabicName(*["" if at is None else values[at] for at in name])
    if category:
        fields = b.category_fields
        for at, key in category:
            value = values[at]
            if value:
                fields[key] = value
    if dependants:
        take = values.__getitem__
        for parts, others, every in dependants:
            if any(map(take, every)):
                d = Dependant(name=ArabicName(*["" if at is None else values[at] for at in parts]))
                for at, key in others:
                    value = values[at]
                    if value:
                        setattr(d, key, value)
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
# ... written CLI_PIECE rows at a time, giving way to a save of another process that waits for
# the writer (`Store.writer_wanted`; how and what a save waits for:
# `BeneficiaryRepository.add_many(piece=…)`), never keeping it for the whole batch — where a waiting
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
# A helper told to share (`fundclient import`: `CheckedRows(share=True)`) leaves a valid row's keys
# and rows (`_made`, ~40 % of its work a row) to the importing process for as long as that process
# has waited for rows: it adds up the time it waited on an empty pipe (`CheckedRows._wait`) in a
# shared value, and the helper leaves it a chunk's `_made` — which it makes as it takes the rows
# (`CheckedRows._from_helper`) — whenever that waiting exceeds what the helper has left it so far
# (by its own measure of `_made`'s cost). Early in an import (its checks cheap while the office is
# small) and for an XLSX file (the sheet's reading makes the helper the slower one) the waiting
# core does that work; once the importing process is the slower one it stops waiting and the
# helper makes them again (docs/performance.md, "The timeline"). The same function either side:
# the same keys and rows. At most SHARE_AHEAD seconds of waiting are owed (a long wait long ago —
# the helper's start — does not load the importing process later).
SHARE_AHEAD = 0.25


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


# The helper's scheduling priority, below the importing process's (`os.nice`; none on Windows):
# the importing process — its main thread checking, its save thread writing — is the slower one
# for most of an import, and while its threads wait for a core the helper ran ahead and then ended
# long before it, leaving one core idle for the tail (docs/performance.md, "The timeline"). Lower,
# the helper takes what the importing process leaves; when it falls behind, the importing process
# waits for rows and takes its share of the keys and rows (SHARE_AHEAD).
HELPER_NICE = 10


def _lower_priority() -> None:
    import os

    try:
        os.nice(HELPER_NICE)
    except (AttributeError, OSError):  # Windows: no nice; a system that refuses it: as before
        pass


def _check_in_helper(path: str, scheme: str | None, office_code: str, reference: dict, out,
                     by: str | None = None, waited=None) -> None:
    """In a helper process: the file read and every row checked against `reference` (its JSON
    shape, `ReferenceData.to_dict`) — the office's lists the importing process uses (a spawned
    process starts with the bundled ones) — handed over in chunks while it is read
    (`row_stream`): ("unreadable", Message) or ("rows", count, whether exact — for an XLSX file
    an upper bound), then ("chunk", [outcomes]) …, then ("end", rows handed over), then None. A damaged
    row of a sheet read as a stream sends ("unreadable", LATE_DAMAGE) after the rows before it,
    instead of the end. With `by` (who imports), each valid row's outcome carries a fourth
    item, `_made`: its keys and rows made here — with `waited` (a shared double: the seconds the
    importing process has waited for rows), not for a chunk when the importing process has waited
    longer than the `_made` it was left took the helper (a chunk's rows without it: the importing
    process makes them; see SHARE_AHEAD)."""
    _lower_priority()
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
        make = by is not None
        left = 0.0  # the seconds of `_made` (by this process's measure) left to the importing process
        cost = 2e-4  # `_made`'s seconds a row here (a moving average of its thread CPU)
        try:
            for outcome in _row_outcomes(rows, scheme=scheme, office_code=office_code, reference=reference):
                if waited is not None and not chunk:  # decided for each chunk: who makes its rows' keys and rows
                    owed = waited.value - left
                    if owed > SHARE_AHEAD:
                        left, owed = waited.value - SHARE_AHEAD, SHARE_AHEAD
                    make = owed < cost * _CHUNK
                    if not make:
                        left += cost * _CHUNK
                if make and isinstance(outcome[2], Beneficiary):
                    began = time.thread_time() if waited is not None else 0.0
                    outcome = (*outcome, _made(outcome[2], office_code, by))
                    if waited is not None:
                        cost = 0.98 * cost + 0.02 * (time.thread_time() - began)
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
    [(field, problem)]); `close()` stops a helper that is still reading (a cancelled import).
    `share` (with `by`; `fundclient import`, a process with nothing else to do): the helper leaves
    the keys and rows of some chunks to this process, for as long as it has waited for rows
    (SHARE_AHEAD); it makes them as it takes the rows; `made_here` counts them."""

    def __init__(self, path: Path, *, scheme: str | None = None, office_code: str = "",
                 helper: bool | None = None, reference: ReferenceData | None = None,
                 by: str | None = None, share: bool = False) -> None:
        path = Path(path)
        # A helper told who imports also makes each valid row's duplicate keys and rows
        # (`_made`): row number -> them, taken by the import (`made`).
        self._made: dict[int, tuple | None] = {}
        self._office_code, self._by = office_code, by
        self._share = share and by is not None
        self.made_here = 0
        reference = reference or default_reference()
        if helper is None:
            try:
                helper = path.stat().st_size >= HELPER_FROM_BYTES
            except OSError:
                helper = False  # read_rows says why, the hostile way
        self._process = None
        self._waited = None
        if not helper:
            _, self.total, self.known, rows = row_stream(path, streamed=False)  # read whole: every refusal first
            self._outcomes = _row_outcomes(rows, scheme=scheme, office_code=office_code, reference=reference)
            return
        import multiprocessing  # lazy: only a large import starts a helper

        context = multiprocessing.get_context("spawn")  # never fork a process holding DB connections
        self._queue = context.Queue(maxsize=_AHEAD)
        # the seconds this process waited for rows, read by a sharing helper (SHARE_AHEAD)
        self._waited = context.RawValue("d", 0.0) if self._share else None
        self._process = context.Process(target=_check_in_helper, daemon=True,
                                        args=(str(path), scheme, office_code, reference.to_dict(), self._queue,
                                              by, self._waited))
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

    def _wait(self) -> None:
        """Until the helper's next item is in the pipe, adding the time waited to `_waited` (a
        sharing helper's measure of this process's spare time; its first message's wait — the
        helper starting — is not counted)."""
        poll = getattr(getattr(self._queue, "_reader", None), "poll", None)
        if poll is None or poll(0):
            return
        began = time.perf_counter()
        while not poll(1.0) and self._process is not None and self._process.is_alive():
            pass
        self._waited.value += time.perf_counter() - began

    def _from_helper(self):
        done, end = 0, None
        while True:
            if self._waited is not None:
                self._wait()
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
                elif self._share and isinstance(outcome[2], Beneficiary):  # left to this process
                    self._made[outcome[0]] = _made(outcome[2], self._office_code, self._by)
                    self.made_here += 1
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
    (`oslock.can_announce`: it gives way to it, `add_many(piece=…)`), else RAMP_BATCH — on
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
