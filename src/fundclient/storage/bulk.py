"""Fast bulk load (the import, HQ seed data, benchmarks): executemany in short transactions.

Same rows as a normal save (`storage.rows`), one audit entry per batch
instead of one per record. Inside each batch's transaction the per-row triggers that keep
the name indexes (FTS5) and the counters in step are set aside and their work is done once
for the whole batch (one `INSERT … SELECT` into each FTS index, one counter update), then the
triggers are put back from their own stored SQL — all in the same transaction, so another
connection never sees a schema without them and a crash rolls everything back together.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from itertools import islice
from typing import TYPE_CHECKING

from fundclient.domain.records import Beneficiary, Photo, utc_now
from fundclient.storage.rows import (INSERT_BLOB, INSERT_CURRENT, INSERT_DEPENDANT, INSERT_REVISION, blob_kinds,
                                     current_row, dependant_rows, revision_row)

if TYPE_CHECKING:
    from fundclient.storage.store import Store

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
}
# The names' vocabulary (migration 0006): the batch's new words, in the order the per-row
# triggers would have added them (holders, then dependants), so they get the same ids.
_WORD_TRIGGERS = ("name_words_holders_ai", "name_words_dependants_ai")
_INSERT_WORD = "INSERT OR IGNORE INTO name_words (word) VALUES (?)"

DEFAULT_BATCH = 20_000


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
    set_aside = (*_CATCH_UP, *_WORD_TRIGGERS)
    triggers = dict(cursor.execute(
        "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND name IN"
        f" ({', '.join('?' * len(set_aside))})", set_aside).fetchall())
    params = {
        "first_holder": cursor.execute("SELECT coalesce(max(id), 0) + 1 FROM beneficiaries").fetchone()[0],
        "first_dependant": cursor.execute("SELECT coalesce(max(id), 0) + 1 FROM dependants").fetchone()[0],
        "holders": len(holders),
        "dependants": len(dependants),
    }
    for name in triggers:
        cursor.execute(f"DROP TRIGGER {name}")
    cursor.executemany(INSERT_CURRENT, holders)
    cursor.executemany(INSERT_REVISION, revisions)
    cursor.executemany(INSERT_DEPENDANT, dependants)
    for name, sql in triggers.items():
        if name in _CATCH_UP:
            cursor.execute(_CATCH_UP[name], params)
    # name_norm (index 4 of both row kinds): words of letters and digits one space apart,
    # what the triggers split.
    words = dict.fromkeys(w for trigger, rows in zip(_WORD_TRIGGERS, (holders, dependants)) if trigger in triggers
                          for row in rows for w in row[4].split())
    if words:
        cursor.executemany(_INSERT_WORD, [(w,) for w in words])
    for sql in triggers.values():
        cursor.execute(sql)


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


def _produce(rows, sizes: list[int], seed: int | str, options: dict, by: str) -> None:
    """In a helper process: a synthetic stream, turned into rows a batch (of each size) at a time."""
    from fundclient.domain.synthetic import SyntheticGenerator  # lazy: only a bulk build's helpers need it

    try:
        generator = SyntheticGenerator(seed, **options)
        for size in sizes:
            rows.put(record_rows([generator.next() for _ in range(size)], by, utc_now().isoformat()))
    finally:
        rows.put(None)


def bulk_generate(store: "Store", count: int, *, seed: int = 0, by: str, batch_size: int = 5_000,
                  helpers: int = 1, progress: Callable[[int], None] | None = None, **options) -> int:
    """A synthetic office built by `helpers` helper processes that make the rows (generation,
    JSON, search keys) while this process writes: the single writer stays this process's one
    connection. With one helper, the records of `bulk_add(store, iter_generate(count, seed,
    **options))`; with more, those of `synthetic.iter_generate_streams(count, seed,
    streams=helpers, batch_size=batch_size, **options)` (independently seeded streams, a batch
    from each in turn — what a benchmark regenerates to know its records). A helper that dies
    is reported (RuntimeError), never waited for. Returns the count."""
    import multiprocessing
    import queue

    from fundclient.domain.synthetic import stream_batches, stream_seed  # lazy: only a bulk build needs the synthetic streams

    if helpers < 1:
        raise ValueError("helpers")
    context = multiprocessing.get_context("spawn")  # never fork a process holding DB connections
    queues, processes = [], []
    for k in range(helpers):
        rows = context.Queue(maxsize=2)
        sizes = stream_batches(count, batch_size, helpers, k)
        process = context.Process(target=_produce, daemon=True,
                                  args=(rows, sizes, seed if helpers == 1 else stream_seed(seed, k), options, by))
        process.start()
        queues.append(rows)
        processes.append(process)
    total = 0

    def next_batch(k: int):
        while True:
            try:
                return queues[k].get(timeout=1.0)
            except queue.Empty:
                if not processes[k].is_alive():  # died without its end mark (killed, failed to start)
                    return None

    try:
        for number in range((count + batch_size - 1) // batch_size):
            batch = next_batch(number % helpers)
            if batch is None:
                break
            holders = len(batch[0])
            with store.write(by, "import", bulk=True, rows=holders) as tx:
                insert_rows(tx.conn.connection.driver_connection.cursor(), *batch)
            total += holders
            if progress is not None:
                progress(total)
    finally:
        for process in processes:
            process.join(timeout=60 if total == count else 1)
            if process.is_alive():
                process.terminate()
                process.join(timeout=5)
    if total != count or any(p.exitcode not in (0, None) for p in processes):
        raise RuntimeError(f"bulk_generate: a helper process stopped after {total} of {count} records")
    return total
