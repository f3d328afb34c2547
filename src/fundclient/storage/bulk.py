"""Fast bulk load (the import, HQ seed data, benchmarks): executemany in short transactions.

Same rows as a normal save (`storage.rows`), one audit entry per batch
instead of one per record. Inside each batch's transaction the per-row triggers that keep
the name indexes (FTS5) and the counters in step are set aside and their work is done once
for the whole batch (one `INSERT … SELECT` into each FTS index, one counter update), then the
triggers are put back from their own stored SQL — all in the same transaction, so another
connection never sees a schema without them and a crash rolls everything back together.
"""

from __future__ import annotations

import contextlib
import pickle

from collections.abc import Callable, Iterable, Iterator, Sequence
from itertools import islice
from pathlib import Path
from typing import TYPE_CHECKING

import orjson

from fundclient.domain.records import Beneficiary, Photo, utc_now
from fundclient.errors import Message
from fundclient.storage import bulk_build
from fundclient.storage.errors import HelperStopped, ImportFileUnreadable
from fundclient.storage.rows import (INSERT_BLOB, INSERT_CURRENT, INSERT_DEPENDANT, INSERT_REVISION, blob_kinds,
                                     current_row, dependant_rows, revision_row)
from fundclient.storage.search_keys import NAME_ENDS_CATCH_UP, NAME_HEADS_CATCH_UP

if TYPE_CHECKING:
    from fundclient.storage.store import Store

def _each_key(column: str) -> str:
    """The keys of `column` (comma-separated integers, `storage.rows.person_keys`) as rows, as
    migration 0013's triggers read them."""
    return f"json_each('[' || {column} || ']')"


# Per-row trigger -> the same work for every row of the batch at once. :first_holder and
# :first_dependant are the first rowids the batch wrote; the counts are the batch's rows.
_CATCH_UP = {
    "beneficiaries_fts_ai": "INSERT INTO names_fts (rowid, name_norm, name_phon, name_pairs)"
                            " SELECT id, name_norm, name_phon, name_pairs FROM beneficiaries WHERE id >= :first_holder",
    "dependants_fts_ai": "INSERT INTO dependant_names_fts (rowid, name_norm, name_phon, name_pairs)"
                         " SELECT id, name_norm, name_phon, name_pairs FROM dependants WHERE id >= :first_dependant",
    "counters_records_ai": "UPDATE counters SET value = value + :holders WHERE name = 'records'",
    "counters_dependants_ai": "UPDATE counters SET value = value + :dependants WHERE name = 'dependants'",
    "counters_revisions_ai": "UPDATE counters SET value = value + :holders WHERE name IN ('revisions', 'pending_sync')",
    # The duplicate check's keys (migration 0013): each row's `dup_keys` filed at once, in key
    # order (the batch's ~10 keys a record meet the table's leaves in order, not at random).
    # Straight into the big table (a save's go to the small one first, `storage.key_filing`).
    "duplicate_keys_holders_ai": "INSERT OR IGNORE INTO duplicate_keys (key, person) SELECT j.value, t.id"
                                 f" FROM beneficiaries t, {_each_key('t.dup_keys')} j"
                                 " WHERE t.id >= :first_holder AND t.dup_keys != '' ORDER BY 1, 2",
    "duplicate_keys_dependants_ai": "INSERT OR IGNORE INTO duplicate_keys (key, person) SELECT j.value, -t.id"
                                    f" FROM dependants t, {_each_key('t.dup_keys')} j"
                                    " WHERE t.id >= :first_dependant AND t.dup_keys != '' ORDER BY 1, 2",
    # The names by their ends' sound (migration 0010), and by their first two words' (0014).
    **NAME_ENDS_CATCH_UP,
    **NAME_HEADS_CATCH_UP,
}
# The names' vocabulary (migration 0006): the batch's new words, in the order the per-row
# triggers would have added them (holders, then dependants), so they get the same ids.
_WORD_TRIGGERS = ("name_words_holders_ai", "name_words_dependants_ai")
_INSERT_WORD = "INSERT OR IGNORE INTO name_words (word) VALUES (?)"

DEFAULT_BATCH = 20_000
# A build from a list (`bulk_load`): batches of this many records, one transaction each (with a
# 1 GB writer cache, `bulk_build.BUILD_CACHE_KIB`). Each commit rewrites every page a batch
# touched in the tables filled in no order (the unique indexes of record ids, `duplicate_keys`,
# `name_ends`, `name_heads` — most of their pages once they are large) and flushes the FTS
# indexes a segment at a time: with batches of 20,000 and a 256 MB cache the writer's CPU per
# record grew from ~185 µs at 100,000 records to ~275 µs at 400,000 (pages written and read
# back); with 100,000 and 1 GB it is ~186 µs a record over 400,000 (docs/performance.md).
BUILD_BATCH = 100_000
# At most this many parts wait in a helper's queue (rows made, not yet written), each already
# pickled (`_made`: ~2.6 KB a record, ≤ 260 MB in all): enough to keep the helper busy through a
# batch's commit (a 100,000-record commit takes seconds; with 20 parts the helper stopped for
# it and the writer then waited for the helper), bounded in memory whatever the batch size.
QUEUED_PARTS = 50


def _made(rows: tuple) -> bytes:
    """A part's rows as a helper queues them: pickled at once (a part waiting in the queue holds
    its bytes, not ~3× as much in Python objects); the writer's `next_part` unpickles them."""
    return pickle.dumps(rows, protocol=pickle.HIGHEST_PROTOCOL)


def record_rows(batch: Sequence[Beneficiary], by: str, saved_at: str) -> tuple[list, list, list]:
    """The rows of new records (revision 1): beneficiaries, revisions, dependants — the
    Python half of a bulk insert (JSON of each revision, search keys), runnable anywhere."""
    return ([current_row(b) for b in batch], [revision_row(b, by, saved_at) for b in batch],
            [row for b in batch for row in dependant_rows(b)])


def insert_batch(cursor, batch: Sequence[Beneficiary], *, by: str,
                 photos: dict[str, Sequence[Photo]] | None = None) -> None:
    """Insert new records (revision 1, sync state pending) on the writer's DB-API cursor,
    inside the caller's write transaction."""
    insert_rows(cursor, *record_rows(batch, by, utc_now().isoformat()))
    if photos:
        import json

        cursor.executemany(INSERT_BLOB, [(b.record_id, b.revision, kind, p.mime, json.dumps(p.quality),
                                          p.override_reason, p.data)
                                         for b in batch for kind, p in zip(blob_kinds(photos.get(b.record_id, ())),
                                                                           photos.get(b.record_id, ()))])


def insert_rows(cursor, holders: Sequence[tuple], revisions: Sequence[tuple], dependants: Sequence[tuple]) -> None:
    """`record_rows`' rows into the tables, the triggers' work done once for the batch."""
    batch = RowsWriter(cursor)
    batch.add(holders, revisions, dependants)
    batch.finish()


def rows_words(holders: Sequence[tuple], dependants: Sequence[tuple]) -> tuple[list[str], list[str]]:
    """The words of the holders' and of the dependants' names, each list in order without
    repeats. name_norm (index 4 of both row kinds): words of letters and digits one space
    apart, what the `name_words` triggers split."""
    return tuple(list(dict.fromkeys(w for row in rows for w in row[4].split())) for rows in (holders, dependants))


class RowsWriter:
    """One batch's rows added in parts inside the caller's write transaction (`add`, as a
    helper hands them over), the triggers' work done once at the end (`finish`): the same rows,
    index contents, counters and names' words (same ids) as `insert_rows` of the whole batch.
    `catch_up` does that work for the rows added so far, in the transaction (an import's
    pieces, `BeneficiaryRepository.add_many`): then the rows and indexes are those of
    `insert_rows` of each run of rows between two catch-ups."""

    def __init__(self, cursor) -> None:
        self.cursor = cursor
        set_aside = (*_CATCH_UP, *_WORD_TRIGGERS)
        self.triggers = dict(cursor.execute(
            "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND name IN"
            f" ({', '.join('?' * len(set_aside))})", set_aside).fetchall())
        self.params = {
            "first_holder": cursor.execute("SELECT coalesce(max(id), 0) + 1 FROM beneficiaries").fetchone()[0],
            "first_dependant": cursor.execute("SELECT coalesce(max(id), 0) + 1 FROM dependants").fetchone()[0],
            "holders": 0,
            "dependants": 0,
        }
        # The words the per-row triggers would add, in their order: the batch's holders', then its dependants'.
        self.words: tuple[dict, dict] = ({}, {})
        self._holders = 0  # added in all (`holders`)
        for name in self.triggers:
            cursor.execute(f"DROP TRIGGER {name}")

    def add(self, holders: Sequence[tuple], revisions: Sequence[tuple], dependants: Sequence[tuple],
            words: tuple[list[str], list[str]] | None = None) -> None:
        """`words`: `rows_words(holders, dependants)` when made elsewhere (a helper process)."""
        self.cursor.executemany(INSERT_CURRENT, holders)
        self.cursor.executemany(INSERT_REVISION, revisions)
        self.cursor.executemany(INSERT_DEPENDANT, dependants)
        self.params["holders"] += len(holders)
        self.params["dependants"] += len(dependants)
        self._holders += len(holders)
        for trigger, new, seen in zip(_WORD_TRIGGERS, words or rows_words(holders, dependants), self.words):
            if trigger in self.triggers:
                seen.update(dict.fromkeys(new))

    @property
    def holders(self) -> int:
        """The holders added in all."""
        return self._holders

    def catch_up(self, between: Callable[[], None] | None = None) -> None:
        """The set-aside triggers' work for the rows added since the last catch-up. `between()`
        is called before each of its statements (an import's check for a waiting save, which
        may raise to roll the transaction back: `BeneficiaryRepository.add_many`)."""
        params = self.params
        if not (params["holders"] or params["dependants"]):
            return
        for name in self.triggers:
            if name in _CATCH_UP:
                if between is not None:
                    between()
                self.cursor.execute(_CATCH_UP[name], params)
        words = dict.fromkeys([*self.words[0], *self.words[1]])
        if words:
            self.cursor.executemany(_INSERT_WORD, [(w,) for w in words])
        self.words = ({}, {})
        params["first_holder"] += params["holders"]  # (row ids given in order from the first)
        params["first_dependant"] += params["dependants"]
        params["holders"] = params["dependants"] = 0

    def finish(self, between: Callable[[], None] | None = None) -> None:
        self.catch_up(between)
        for sql in self.triggers.values():
            self.cursor.execute(sql)


def bulk_add(store: "Store", records: Iterable[Beneficiary], *, by: str, batch_size: int = DEFAULT_BATCH,
             action: str = "import", progress: Callable[[int], None] | None = None) -> int:
    """Insert new records in batches; each batch is one transaction with one audit entry.
    `progress(count so far)` after each batch. Returns the count."""
    total = 0
    iterator = iter(records)
    while batch := list(islice(iterator, batch_size)):
        with store.write(by, action, bulk=True, rows=len(batch)) as tx:
            insert_batch(tx.conn.connection.driver_connection.cursor(), batch, by=by)
        total += len(batch)
        if progress is not None:
            progress(total)
    return total


# A helper process's cyclic garbage collector (`gc.set_threshold`): a helper makes ~100 objects a
# record, none of them in a cycle (records, tuples, strings — freed by their counts), and keeps
# only its memos; with Python's default (a young collection every 700 objects made) the
# collector took ~10-15 % of a helper's CPU (docs/performance.md). Collections stay on, rarer.
# The writer's process uses the same while it writes a build (its parts' rows unpickled: tuples
# and strings; ~6 % of its thread's CPU), its own thresholds put back after.
HELPER_GC_THRESHOLD = (50_000, 20, 100)


def _helper_started() -> None:
    import gc

    gc.set_threshold(*HELPER_GC_THRESHOLD)


@contextlib.contextmanager
def _rarer_collections() -> Iterator[None]:
    """The writer's process collects garbage as a helper does (`HELPER_GC_THRESHOLD`) while it writes a build."""
    import gc

    before = gc.get_threshold()
    gc.set_threshold(*HELPER_GC_THRESHOLD)
    try:
        yield
    finally:
        gc.set_threshold(*before)


def _produce(rows, sizes: list[int], seed: int | str, options: dict, by: str) -> None:
    """In a helper process: a synthetic stream, turned into rows a batch (of each size) at a time."""
    from fundclient.domain.synthetic import SyntheticGenerator  # lazy: only a bulk build's helpers need it

    _helper_started()
    try:
        generator = SyntheticGenerator(seed, **options)
        for size in sizes:
            made = record_rows([generator.next() for _ in range(size)], by, utc_now().isoformat())
            rows.put(_made((*made, rows_words(made[0], made[2]))))
    finally:
        rows.put(None)


class _BadLine(tuple):
    """What a helper sends instead of a batch's rows: (line number, why), a line of the list
    that is not a record."""


def read_list_line(line: bytes) -> Beneficiary:
    """One line of a legacy list (JSON Lines, one record per line in the stored form,
    `records_json`): typed and checked as a stored record is read (ValueError, TypeError or
    KeyError for anything else)."""
    data = orjson.loads(line)
    if not isinstance(data, dict):
        raise TypeError("not an object")
    return Beneficiary.from_dict(data, transient=True)  # dropped once its rows are made


def write_list(path: Path, records: Iterable[Beneficiary]) -> int:
    """A legacy list in the form `bulk_load` reads (tests, benchmarks): one record per line."""
    count = 0
    with open(path, "wb") as out:
        for record in records:
            out.write(orjson.dumps(record) + b"\n")
            count += 1
    return count


# A helper hands the writer a batch in parts of about this many lines, so that the writer
# starts on a batch's first part while the helper makes the next (a transaction per part
# would cost the writer more: each commit flushes the FTS indexes and syncs the WAL).
PART_LINES = 2_000


def _parts(batch_size: int, part_lines: int = PART_LINES) -> list[int]:
    """The sizes of a batch's parts: as equal as can be, none above `part_lines`."""
    count = -(-batch_size // part_lines)
    return [batch_size // count + (1 if j < batch_size % count else 0) for j in range(count)]


def _list_parts(path: Path, sizes: list[int]):
    """(number, first line number, lines) of each part of each run of lines of the list,
    a batch's parts of `sizes` lines."""
    with open(path, "rb") as lines:
        number, first = 0, 1
        while chunk := list(islice(lines, sizes[number % len(sizes)])):
            yield number, first, chunk
            number, first = number + 1, first + len(chunk)


def _produce_from_list(rows, path: Path, sizes: list[int], helpers: int, k: int, by: str) -> None:
    """In a helper process: every `helpers`-th part of the list from the k-th (`_list_parts`),
    read, typed and turned into rows (`record_rows`)."""
    _helper_started()
    try:
        for number, first, chunk in _list_parts(path, sizes):
            if number % helpers != k:
                continue
            batch = []
            for line_number, line in enumerate(chunk, first):
                if not line.strip():
                    continue
                try:
                    batch.append(read_list_line(line))
                except (ValueError, TypeError, KeyError, AttributeError) as exc:
                    rows.put(_BadLine((line_number, type(exc).__name__)))
                    return
            made = record_rows(batch, by, utc_now().isoformat())
            rows.put(_made((*made, rows_words(made[0], made[2]))))
    finally:
        rows.put(None)


def _write_from_helpers(store: "Store", target, args: list[tuple], *, by: str, parts: int = 1,
                        progress: Callable[[int], None] | None) -> tuple[int, bool]:
    """Start a spawned helper process per `args` (`target(queue, *args)`, each putting parts
    of batches as rows, then None); write their parts taking one from each in turn until the
    one whose turn it is has no more, `parts` parts per transaction. The single writer stays
    this process's one connection. Returns (records written, whether every helper ended
    cleanly); a helper that dies is never waited for. `_BadLine` from a helper:
    `ImportFileUnreadable` naming the line (the transactions before stay written)."""
    import multiprocessing
    import queue

    context = multiprocessing.get_context("spawn")  # never fork a process holding DB connections
    queues, processes = [], []
    for extra in args:
        rows = context.Queue(maxsize=min(2 * parts, QUEUED_PARTS))
        process = context.Process(target=target, daemon=True, args=(rows, *extra))
        process.start()
        queues.append(rows)
        processes.append(process)
    total, number, ended, dead = 0, 0, False, False

    def next_part():
        """The next part's rows, or None at the end (`ended`) or when a helper died (`dead`)."""
        nonlocal number, ended, dead
        k = number % len(queues)
        while True:
            try:
                part = queues[k].get(timeout=1.0)
                break
            except queue.Empty:
                if not processes[k].is_alive():  # died without its end mark (killed, failed to start)
                    dead = True
                    return None
        if part is None:
            ended = True
        elif isinstance(part, _BadLine):
            raise ImportFileUnreadable(Message("line {line} of the list is not a record in the form this"
                                               " program stores.", context="bulk list").format(line=part[0]))
        else:
            number += 1
            part = pickle.loads(part)
        return part

    build = contextlib.ExitStack()
    try:
        build.enter_context(bulk_build.building(store))  # while the helpers start: an empty office's indexes set aside
        build.enter_context(_rarer_collections())
        part = next_part()
        while part is not None:
            with store.write(by, "import", bulk=True) as tx:
                batch = RowsWriter(tx.conn.connection.driver_connection.cursor())
                batch.add(*part)
                while number % parts and (part := next_part()) is not None:
                    batch.add(*part)
                batch.finish()
                tx.detail["rows"] = batch.holders
            total += batch.holders
            if progress is not None:
                progress(total)
            if part is not None:  # a whole batch written: the next one's first part
                part = next_part()
    finally:
        for process in processes:
            process.join(timeout=60 if ended else 1)
            if process.is_alive():
                process.terminate()
                process.join(timeout=5)
        build.close()  # finish, also after an error: the batches written stay, with their indexes; the cache as it was
    return total, ended and not dead and all(p.exitcode == 0 for p in processes)


def bulk_load(store: "Store", path: Path, *, by: str, batch_size: int = BUILD_BATCH, helpers: int = 1,
              progress: Callable[[int], None] | None = None, part_lines: int = PART_LINES) -> int:
    """Build from a legacy list (`path`: JSON Lines, one record per line in the stored form —
    `write_list`), `helpers` helper processes reading, typing and turning the lines into rows
    (`read_list_line`, `record_rows`) while this process writes: the records and rows of
    `bulk_add(store, records of the list, batch_size=batch_size)`, the triggers' work
    (FTS, counters, the names' vocabulary) done once per batch. Blank lines are skipped; a
    line that is not a record stops the build with `ImportFileUnreadable` naming it (the
    batches before it are written). Each batch is one transaction, handed over by the
    helpers in parts of at most `part_lines` lines. Returns the count."""
    if helpers < 1:
        raise ValueError("helpers")
    sizes = _parts(batch_size, part_lines)
    total, clean = _write_from_helpers(store, _produce_from_list,
                                       [(Path(path), sizes, helpers, k, by) for k in range(helpers)],
                                       by=by, parts=len(sizes), progress=progress)
    if not clean:
        raise HelperStopped(HelperStopped.BULK_STOPPED.format(done=total))
    return total


def bulk_generate(store: "Store", count: int, *, seed: int = 0, by: str, batch_size: int = 5_000,
                  helpers: int = 1, progress: Callable[[int], None] | None = None, **options) -> int:
    """A synthetic office built by `helpers` helper processes that make the rows (generation,
    JSON, search keys) while this process writes: the single writer stays this process's one
    connection. With one helper, the records of `bulk_add(store, iter_generate(count, seed,
    **options))`; with more, those of `synthetic.iter_generate_streams(count, seed,
    streams=helpers, batch_size=batch_size, **options)` (independently seeded streams, a batch
    from each in turn — what a benchmark regenerates to know its records). A helper that dies
    is reported (`HelperStopped`), never waited for. Returns the count."""
    from fundclient.domain.synthetic import stream_batches, stream_seed  # lazy: only a bulk build needs the synthetic streams

    if helpers < 1:
        raise ValueError("helpers")
    args = [(stream_batches(count, batch_size, helpers, k), seed if helpers == 1 else stream_seed(seed, k), options, by)
            for k in range(helpers)]
    total, clean = _write_from_helpers(store, _produce, args, by=by, progress=progress)
    if total != count or not clean:
        raise HelperStopped(HelperStopped.BULK_STOPPED_OF.format(done=total, total=count))
    return total
