"""A bulk build into an empty office (`storage.bulk.bulk_load`, `bulk_generate`): the record
tables' secondary indexes made once at the end instead of row by row, the writer's page cache
and the name indexes' (FTS5) in-memory buffer larger for the build's length.

Why: at 1,000,000 records every batch inserted keys spread over the whole of each secondary
index (national numbers, mobiles, creation dates, …), so each batch rewrote most of their
pages (read back and decrypted when the 32 MB page cache no longer held them, encrypted and
written to the WAL at each commit): the writer's CPU per record grew from ~166 µs for the first
100,000 records to ~325 µs at 300,000 (docs/performance.md). `CREATE INDEX` over the finished
table sorts once instead.

Set aside: every index of the derived tables (none today: `duplicate_keys` is clustered by its
primary key since migration 0013 and has no index of its own; the build's catch-up files each
batch's keys in key order), and the non-unique indexes of `beneficiaries` and `dependants`
(their unique ones are constraints: they stay and keep checking every row).
The indexes of `revisions` stay: their keys follow the insertion order (saved_at) or are the
primary key's, or they hold nothing new (the attention partial index), and making them at the
end would read every record's JSON again. Only when the office holds no record yet (making an
index again over an office's existing rows would cost more than it saves). Their SQL is kept
in the table `bulk_build_pending` in the same transaction that drops them, so a build killed
half-way (power cut, kill -9) leaves a note the next opening of the store acts on
(`finish_interrupted`, called by `Store`): the indexes are made again before anyone searches.
The name search's narrow tables (`name_ends`, `name_heads`) are set aside too: their triggers
dropped with the indexes (so no batch's catch-up files a row there: at 1,000,000 records that cost
~50 µs a record and their pages in every commit) and each table filled once at the end from every
holder's and dependant's row, in its key order (`search_keys.NAME_TABLES_FILL`), before the
triggers are made again. Meanwhile they stay empty, never half-filled, and the search asks the FTS
indexes alone (the same answers, only slower). `duplicate_keys` is not: the duplicate check has
no other way to find a person, so each batch still files its keys.
The FTS indexes are not set aside: each committed batch is searchable by name.
A build holds an OS lock (`BUILD_LOCK_FILE`) from start to finish: an opening of the store by
another process while it runs (the GUI beside a CLI build) leaves it alone, and a second build
waits. The note is made on an office with records too (with no index in it), so the FTS
buffer's size, kept in the FTS config table, is put back after a build killed there as well.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

from fundclient import oslock
from fundclient.storage import opening_upgrade, upgrade_progress
from fundclient.storage.engine import BACKSTOP_PAGES, CACHE_KIB, raw_connect
from fundclient.storage.files import db_path
from fundclient.storage.opening_upgrade import SlicedUpgrade
from fundclient.storage.search_keys import (NAME_TABLES_FILL, NAME_TABLES_ROWS, NAME_TABLES_TRIGGERS,
                                            NAME_TABLES_TRIGGERS_OF, name_table_fill)

if TYPE_CHECKING:
    from fundclient.storage.store import Store

PENDING_TABLE = "bulk_build_pending"
BUILD_LOCK_FILE = ".bulk-build.lock"
RECORD_TABLES = ("beneficiaries", "dependants")
# Tables only a build's catch-up fills (`storage.bulk._CATCH_UP`), whose every index — unique
# ones too — can wait for the end: the duplicate check's keys (a WITHOUT ROWID table since
# migration 0013: no index to set aside, its primary key is the table).
DERIVED_TABLES = ("duplicate_keys",)
FTS_TABLES = ("names_fts", "dependant_names_fts")
# The writer's page cache during a build (per connection, KiB): the pages a batch touches in the
# tables filled in no order (the unique indexes of record ids, revisions' and dependants' keys,
# `duplicate_keys`, `name_ends`, `name_heads`: ~550 MB at 1,000,000 records) and the FTS
# indexes stay decrypted in memory instead of being read back, and a batch of
# `bulk.BUILD_BATCH` records is written at its commit, not spilled half-way. Back to CACHE_KIB at the end.
BUILD_CACHE_KIB = 1_000_000
# FTS5's buffer of pending index entries (its 'hashsize' option, bytes): flushed as a new segment
# when full and at each commit. FTS5's default is 1 MiB; a batch of 20,000 records overflows it
# many times, each flush a segment that the automatic merges then read and write again.
BUILD_FTS_HASHSIZE = 64 * 1024 * 1024
FTS_DEFAULT_HASHSIZE = 1024 * 1024
# The store's writer checkpoints only as a backstop (`engine.BACKSTOP_PAGES`: a clerk's save must not copy
# the WAL back; the store's checkpointer thread does, `storage/checkpoints.py`). A build writes
# without pause, so that thread's PASSIVE checkpoints never found the WAL free to start again:
# it grew to the whole store (6.4 GB at 1 M records) while the thread took a core. During a
# build the writer checkpoints after its commits, as SQLite does by default (pages).
BUILD_AUTOCHECKPOINT = 1000
# A name table's fill in `bulk_build_pending`: this before the table's name (never a name in the
# schema: `Ending` runs it as a step of its own).
FILL = "fill "
# The end's `CREATE INDEX` statements sort every row of their tables: by then the helper
# processes have stopped, so SQLite's sorter may take a second core (`PRAGMA threads`; 0 is the
# store's setting, the sorter on the writer's thread alone).
BUILD_SORT_THREADS = 2
# The name tables' rows at the end (`_Made`): the schema name of the in-memory database they are
# made in, the sort's memory on that connection (KiB), and a fill's weight in the progress told
# (rows' worth: an index counts its table's rows, a fill this many times every person's).
MADE = "made"
# The name tables' rows made on threads of their own (`_Made`) at the end of a build (its process
# is a build's: its memory may hold the two tables, ~0.8 GB each at 1 M records), or by the writer
# in its step: at an opening (the sign-in window's process, its memory capped once signed in —
# docs/performance.md "Memory over a day"), or with this False.
MADE_APART = True
MADE_APART_AT_OPENING = False
MADE_CACHE_KIB = 256_000
# The name tables' rows made one table after the other on their threads (the second starts when the
# first's are made): one sort's memory at a time — in a 1 M build, ~0.8 GB less at the end's peak (3.13
# GB with both at once) — while the writer's index steps take the end's first ~20 s either way.
MADE_ONE_AT_A_TIME = True
FILL_WEIGHT = 3

# Test hook: called with the count of `Ending`'s steps done after each one is committed.
after_slice: Callable[[int], None] | None = None


def _pending(raw) -> bool:
    return raw.execute("SELECT EXISTS (SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?)",
                       (PENDING_TABLE,)).fetchone()[0] == 1


def _set_aside(raw) -> list[tuple[str, str]]:
    """(name, SQL) of what is made again at the end, in that order: the non-unique indexes of the
    record tables and every index of the derived tables, in the order they were made; the name
    tables' fills (`FILL` + table: no such name in the schema, so always run); their triggers."""
    tables = (*RECORD_TABLES, *DERIVED_TABLES)
    indexes = raw.execute(
        "SELECT name, tbl_name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL"
        f" AND tbl_name IN ({', '.join('?' * len(tables))}) ORDER BY rowid", tables).fetchall()
    unique = {name for table in RECORD_TABLES
              for _, name, is_unique, *_ in raw.execute(f"PRAGMA index_list({table})").fetchall() if is_unique}
    triggers = raw.execute(f"SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND name IN"
                           f" ({', '.join('?' * len(NAME_TABLES_TRIGGERS))}) ORDER BY rowid", NAME_TABLES_TRIGGERS
                           ).fetchall()
    present = {table for (table,) in raw.execute(
        f"SELECT name FROM sqlite_master WHERE type = 'table' AND name IN ({', '.join('?' * len(NAME_TABLES_FILL))})",
        tuple(NAME_TABLES_FILL)).fetchall()}
    return ([(name, sql) for name, _, sql in indexes if name not in unique]
            + [(FILL + table, sql) for table, sql in NAME_TABLES_FILL.items() if table in present] + triggers)


def start(store: "Store") -> bool:
    """Before a build's first batch: when the office holds no record, its secondary indexes set
    aside (noted in `bulk_build_pending`, same transaction); in any case the writer's cache and
    the FTS buffer enlarged, the writer checkpointing after its commits — `finish` puts everything back. True when indexes were set aside."""
    with store.writer_connection() as conn:
        raw = conn.driver_connection
        raw.execute(f"PRAGMA cache_size = -{BUILD_CACHE_KIB}")
        raw.execute(f"PRAGMA wal_autocheckpoint = {BUILD_AUTOCHECKPOINT}")
        for fts in FTS_TABLES:
            raw.execute(f"INSERT INTO {fts} ({fts}, rank) VALUES ('hashsize', ?)", (BUILD_FTS_HASHSIZE,))
        if _pending(raw):  # a build killed before its end that no opening finished: finish() makes them
            return True
        empty = not raw.execute("SELECT EXISTS (SELECT 1 FROM beneficiaries) OR EXISTS (SELECT 1 FROM dependants)"
                                ).fetchone()[0]
        indexes = _set_aside(raw) if empty else []
        # the note even with no index in it: a build killed here still gets its FTS buffer put back
        raw.execute(f"CREATE TABLE {PENDING_TABLE} (name TEXT NOT NULL, sql TEXT NOT NULL)")
        raw.executemany(f"INSERT INTO {PENDING_TABLE} (name, sql) VALUES (?, ?)", indexes)
        for name, sql in indexes:
            if sql.startswith("CREATE TRIGGER"):
                raw.execute(f'DROP TRIGGER "{name}"')
            elif not name.startswith(FILL):
                raw.execute(f'DROP INDEX "{name}"')
    return empty


@contextmanager
def building(store: "Store") -> Iterator[None]:
    """`start` … `finish` under the build's OS lock (a second build waits; an opening of the
    store meanwhile does not take this build for an interrupted one). `finish` also after an
    error: the batches written stay, with their indexes."""
    with oslock.exclusive(store.data_dir / BUILD_LOCK_FILE, wait=None):
        start(store)
        try:
            yield
        finally:
            finish(store)


def finish(store: "Store", *, apart: bool | None = None) -> None:
    """After a build (also when it stopped on an error), and at the opening of a store whose
    build was stopped before its end: what was set aside made again (`Ending`: the indexes and
    the name tables, step by step, each step its own transaction with its note — resumable; told
    to whoever listens, `upgrade_progress.BUILD`), the note removed; the FTS buffer and the
    writer's cache back to their usual sizes, the writer's checkpoints back to the store's
    checkpointer."""
    opening_upgrade.run(store, Ending(store, apart=MADE_APART if apart is None else apart))
    with store.writer_connection() as conn:
        raw = conn.driver_connection
        for fts in FTS_TABLES:
            raw.execute(f"INSERT INTO {fts} ({fts}, rank) VALUES ('hashsize', ?)", (FTS_DEFAULT_HASHSIZE,))
        raw.execute(f"PRAGMA cache_size = -{CACHE_KIB}")
        raw.execute(f"PRAGMA wal_autocheckpoint = {BACKSTOP_PAGES}")  # the store's writer (storage.engine.Engines)


class _Made:
    """One name table's rows, every holder's and dependant's in the table's order, made on a
    connection of its own in a thread of its own (the committed rows read, their keys computed
    and sorted by SQLite, in C, the interpreter's lock let go) into an in-memory database
    (`memdb`: no file, plaintext never on the disk; gone when its last connection closes) — while
    the writer makes the indexes. The writer then attaches it and files its rows as they are."""

    def __init__(self, store: "Store", table: str, after: "_Made | None" = None) -> None:
        self.table = table
        self.uri = _memory_uri(f"fundclient-bulk-end-{table}-{os.getpid()}-{id(self)}")
        self.in_memory = True  # False: the rows are the writer's to make (`wait` answers None)
        self.conn = None
        self.error: BaseException | None = None
        self.after = after  # made first (`MADE_ONE_AT_A_TIME`)
        self.thread = threading.Thread(target=self._make, args=(db_path(store.data_dir), store.db_key),
                                       name=f"bulk-end-{table}", daemon=True)
        self.thread.start()

    def _make(self, path, key: bytes) -> None:
        if self.after is not None:
            self.after.thread.join()  # its sort's memory freed before this one's
        try:
            self.conn = conn = raw_connect(path, key)
            conn.execute(f"PRAGMA cache_size = -{MADE_CACHE_KIB}")  # the sort's memory (SQLite's sorter: runs of this size)
            conn.execute(f"ATTACH DATABASE ? AS {MADE} KEY ''", (self.uri,))  # not encrypted: memory only
            if not _attached_in_memory(conn, MADE):
                self.in_memory = False  # a SQLite that reads no URI here: never plaintext on the disk
                return
            conn.execute(f"PRAGMA {MADE}.journal_mode = OFF")
            columns = NAME_TABLES_ROWS[self.table][0]
            conn.execute(f"CREATE TABLE {MADE}.{self.table} ({', '.join(columns)})")
            conn.execute(name_table_fill(self.table, MADE))  # one read transaction: the rows committed
            conn.execute("PRAGMA shrink_memory")  # this connection's page caches (~256 MB read), kept open for its rows
        except BaseException as exc:  # told to the writer's step (`wait`)
            self.error = exc

    def wait(self) -> str | None:
        """The in-memory database's URI once its rows are made (its thread's error raised); None
        when it could not be in memory — the writer makes the rows."""
        self.thread.join()
        if self.error is not None:
            raise self.error
        return self.uri if self.in_memory else None

    def close(self) -> None:
        self.thread.join()
        if self.conn is not None:
            self.conn.close()
            self.conn = None


def _memory_uri(name: str) -> str:
    """An in-memory database's URI (SQLite's `memdb`: shared by name within the process, no file)."""
    return f"file:/{name}?vfs=memdb"


def _attached_in_memory(conn, schema: str) -> bool:
    """Whether the database attached as `schema` has no file. A SQLite built or opened without URI
    names would take `file:/…?vfs=memdb` for a file's path (`_Made` then closes it: its caller
    makes the rows, and the file is removed, empty)."""
    files = {name: file for _, name, file in conn.execute("PRAGMA database_list")}
    if files.get(schema) == "":
        return True
    conn.execute(f"DETACH DATABASE {schema}")
    if files.get(schema):
        os.remove(files[schema])
    return False


class _Nothing:
    def close(self) -> None:
        pass


_NONE = _Nothing()


class Ending(SlicedUpgrade):
    """What a build set aside made again, in steps (one of the opening's upgrades,
    `storage.opening_upgrade`, as the build's own end): each index set aside, then each name
    table filled with its triggers made again — each step one write transaction that removes its
    note (`bulk_build_pending`'s row): killed at any point, the next opening does the steps left.
    The writer's turn is held from the first step to the last (`holds_writer`): no save comes
    between the rows the name tables are made from and their filing.

    In parallel at a build's end (`apart`; the helper processes have stopped by then, a core is
    free): the name tables' rows are made and sorted on connections of their own (`_Made`, a
    thread each) while the writer makes the indexes; the writer's fill step files them as they
    come, already in order. At an opening the writer makes them in its step (`MADE_APART_AT_OPENING`:
    the two tables in memory would be ~1.6 GB at 1 M records in the sign-in window's process).
    A table's rows are those of `search_keys.NAME_TABLES_FILL` run by the writer (the same SQL)."""

    stage = upgrade_progress.BUILD
    last_step = False  # the note dropped at the end: one small write
    holds_writer = True

    def __init__(self, store: "Store", *, apart: bool = True) -> None:
        self.store = store
        self.apart = apart  # the name tables' rows made on threads of their own (`MADE_APART`)
        self.steps: list[tuple[str, str, list[tuple[str, str]], int]] = []
        self.made: dict[str, _Made] = {}
        self.done = 0  # steps committed

    def needed(self, raw) -> bool:
        return _pending(raw)

    def begin(self, raw) -> int:
        """The steps left, from the note; the name tables' rows started on their threads."""
        raw.execute(f"PRAGMA cache_size = -{BUILD_CACHE_KIB}")  # the indexes' sorts in memory
        raw.execute(f"PRAGMA threads = {BUILD_SORT_THREADS}")
        counts = dict(raw.execute("SELECT name, value FROM counters WHERE name IN ('records', 'dependants')"))
        holders, dependants = counts.get("records", 0), counts.get("dependants", 0)
        notes = raw.execute(f"SELECT name, sql FROM {PENDING_TABLE} ORDER BY rowid").fetchall()
        fills = [name[len(FILL):] for name, _ in notes if name.startswith(FILL)]
        triggers = {name: sql for name, sql in notes if sql.startswith("CREATE TRIGGER")}
        self.steps = [("index", name, [(name, sql)], dependants if " ON dependants" in sql else holders)
                      for name, sql in notes if not name.startswith(FILL) and name not in triggers]
        self.steps += [("fill", table, [(t, triggers[t]) for t in NAME_TABLES_TRIGGERS_OF[table] if t in triggers],
                        FILL_WEIGHT * (holders + dependants)) for table in fills]
        self.made = {}
        for table in fills if self.apart else ():
            self.made[table] = _Made(self.store, table, after=next(reversed(self.made.values()), None)
                                     if MADE_ONE_AT_A_TIME else None)
        return 0

    def extent(self, raw, first: int) -> tuple[int, int]:
        return 0, sum(step[3] for step in self.steps)

    def slices(self, store: "Store", first: int, top: int) -> Iterator[tuple]:
        yield from self.steps

    def write(self, raw, part) -> tuple[int, int]:
        kind, name, made, weight = part
        self.done += 1
        if kind == "index":
            _make(raw, made)
            return weight, self.done
        uri = self.made[name].wait() if name in self.made else None
        if uri is None:  # made here, by the writer (not `apart`, or no in-memory database)
            self.made.pop(name, _NONE).close()
            raw.execute(NAME_TABLES_FILL[name])
            _make(raw, made)
            raw.execute(f"DELETE FROM {PENDING_TABLE} WHERE name = ?", (FILL + name,))
            return weight, self.done
        raw.execute("COMMIT")  # ATTACH outside a transaction (the writer's turn is held throughout)
        raw.execute(f"ATTACH DATABASE ? AS {MADE} KEY ''", (uri + "&mode=ro",))
        try:
            raw.execute("BEGIN IMMEDIATE")
            try:
                columns = ", ".join(NAME_TABLES_ROWS[name][0])
                raw.execute(f"INSERT OR REPLACE INTO main.{name} ({columns}) SELECT {columns} FROM {MADE}.{name}"
                            " ORDER BY rowid")  # made in the table's order
                _make(raw, made)
                raw.execute(f"DELETE FROM {PENDING_TABLE} WHERE name = ?", (FILL + name,))
                raw.execute("COMMIT")
            except BaseException:
                if raw.in_transaction:
                    raw.rollback()
                raise
        finally:
            raw.execute(f"DETACH DATABASE {MADE}")
            raw.execute("BEGIN IMMEDIATE")  # the transaction the caller began (empty)
        self.made.pop(name).close()  # its memory freed
        return weight, self.done

    def finish(self, store: "Store") -> None:
        with store.writer_connection() as conn:
            raw = conn.driver_connection
            _make(raw, raw.execute(f"SELECT name, sql FROM {PENDING_TABLE} ORDER BY rowid").fetchall())
            raw.execute(f"DROP TABLE {PENDING_TABLE}")

    def after_slice(self, next_id: int) -> None:
        if after_slice is not None:
            after_slice(next_id)

    def cleanup(self, store: "Store") -> None:
        for made in self.made.values():
            made.close()
        self.made = {}
        with store.writer_connection() as conn:
            conn.driver_connection.execute("PRAGMA threads = 0")


def _make(raw, notes) -> None:
    """Each noted (name, SQL) made again unless it is there, its note removed (the caller's transaction)."""
    for name, sql in notes:
        if not raw.execute("SELECT EXISTS (SELECT 1 FROM sqlite_master WHERE name = ?)", (name,)).fetchone()[0]:
            raw.execute(sql)
        raw.execute(f"DELETE FROM {PENDING_TABLE} WHERE name = ?", (name,))


def finish_interrupted(store: "Store") -> bool:
    """At the opening of a store: a build killed before its end (`bulk_build_pending` still
    there) finished — its indexes made, the FTS buffer back to its usual size. True if there
    was one. One read of the schema otherwise."""
    with store.read() as conn:
        if not _pending(conn.driver_connection):
            return False
    with oslock.exclusive(store.data_dir / BUILD_LOCK_FILE, wait=0) as held:
        if not held:  # the build is running in another process: its own finish will do it
            return False
        finish(store, apart=MADE_APART_AT_OPENING)
    return True
