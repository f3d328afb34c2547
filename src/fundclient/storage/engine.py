"""Engines over one SQLCipher file: a single writer and a small pool of readers.

The UI runs every write on one worker thread and reads on another; SQLite in WAL mode lets
readers see the last commit while a write is in progress. Writes take `BEGIN IMMEDIATE` so
a transaction never fails half-way on a lock upgrade; each call gets its own connection
from the pool (no connection is shared between threads at the same time).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import sqlcipher3

from fundclient.storage.errors import DatabaseUnreadable

BUSY_TIMEOUT_MS = 15_000
CACHE_KIB = 32_000  # per connection; the 1M-record benchmark fits its indexes
# The office GUI caps what SQLite holds for all its connections together (`limit_memory`): with
# 32 MB per connection, the writer and the readers of a day at 1 M records grew the process past
# 250 MB (benchmarks/soak_day.py, docs/performance.md). Through the day, 8 MB: the day soak's
# peaks came with SQLite at its cap and the camera running (16 MB peaked at 251 MB over an hour);
# searches at 1 M cost within their spread of 16 MB (benchmarks/search_memory_cap.py). From Sign
# in until the window's pages exist, 16 MB: the first reads after sign-in, with 8, lengthened the
# GUI's longest gap (benchmarks/signin_bench.py). CLI commands keep per-connection caches.
GUI_MEMORY_MIB = 8
GUI_SIGN_IN_MEMORY_MIB = 16
_settled_mib: int | None = None  # the cap `settle_memory` sets, once the GUI has settled


def limit_memory(mib: int, *, once_settled: int | None = None) -> None:
    """Cap the memory SQLite (SQLCipher) uses in this process, every connection together
    (`PRAGMA soft_heap_limit`, process-wide): past it, a connection's page cache reuses its
    least recently used pages instead of growing. 0 removes the cap. `once_settled`: the cap
    `settle_memory()` sets later (the GUI: once its pages exist after sign-in)."""
    global _settled_mib
    _settled_mib = once_settled
    conn = sqlcipher3.dbapi2.connect(":memory:")
    try:
        conn.execute(f"PRAGMA soft_heap_limit = {int(mib) * 1024 * 1024}")
    finally:
        conn.close()


def settle_memory() -> bool:
    """Set the cap `limit_memory(..., once_settled=N)` left for later; True when there was one
    (then none: a second call does nothing)."""
    global _settled_mib
    mib, _settled_mib = _settled_mib, None
    if mib is None:
        return False
    limit_memory(mib)
    return True



def key_pragma(key: bytes) -> str:
    return f"PRAGMA key = \"x'{key.hex()}'\""


# The writer's own checkpoint, a backstop only: 1 GiB of 4 KiB pages (the checkpointer copies
# the WAL half a second after each write; a day of saves never comes near this, nor the WAL a
# backup's snapshot holds back — ~25,000 pages during a 30 s backup at 1 M with saves and a sync,
# which the first save after it would otherwise copy back inside its commit).
BACKSTOP_PAGES = 262_144


def raw_connect(path: Path, key: bytes, *, autocheckpoint: bool = True):
    """A sqlcipher3 connection with the key applied and our pragmas; isolation handled by us.
    `autocheckpoint=False`: its commits leave the WAL to the store's checkpointer, on a thread
    of its own (storage/checkpoints.py); only a WAL of BACKSTOP_PAGES — the checkpointer dead
    or starved of the disk — is checkpointed by a commit, so the WAL never grows without bound."""
    conn = sqlcipher3.dbapi2.connect(str(path), check_same_thread=False, isolation_level=None,
                                     timeout=BUSY_TIMEOUT_MS / 1000)
    conn.execute(key_pragma(key))
    try:
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
    except sqlcipher3.dbapi2.DatabaseError as exc:
        conn.close()
        raise DatabaseUnreadable("wrong key or not a database") from exc
    conn.execute("PRAGMA foreign_keys = ON")
    conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    conn.execute("PRAGMA journal_mode = WAL")
    # FULL: a commit survives a power cut (frequent in the branch offices), not only a crash.
    conn.execute("PRAGMA synchronous = FULL")
    conn.execute(f"PRAGMA cache_size = -{CACHE_KIB}")
    conn.execute("PRAGMA temp_store = MEMORY")
    # Plaintext must not reach temp files or freed pages either.
    conn.execute("PRAGMA secure_delete = ON")
    if not autocheckpoint:
        conn.execute(f"PRAGMA wal_autocheckpoint = {BACKSTOP_PAGES}")
    return conn


class ResultError(LookupError):
    """`scalar_one()` found no row or more than one."""


class Result:
    """What a statement returned: the DB-API cursor, with the few helpers the repositories use."""

    __slots__ = ("_cursor",)

    def __init__(self, cursor) -> None:
        self._cursor = cursor

    @property
    def rowcount(self) -> int:
        return self._cursor.rowcount

    @property
    def lastrowid(self):
        return self._cursor.lastrowid

    def __iter__(self):
        return iter(self._cursor)

    def fetchone(self):
        return self._cursor.fetchone()

    def fetchmany(self, size: int):
        return self._cursor.fetchmany(size)

    def fetchall(self) -> list:
        return self._cursor.fetchall()

    all = fetchall

    def first(self):
        """The first row or None; the rest is dropped."""
        try:
            return self._cursor.fetchone()
        finally:
            self._cursor.close()

    def scalar(self):
        row = self.first()
        return None if row is None else row[0]

    def scalar_one(self):
        rows = self._cursor.fetchmany(2)
        self._cursor.close()
        if len(rows) != 1:
            raise ResultError(f"expected one row, got {len(rows) or 'none'}")
        return rows[0][0]


class Connection:
    """One pooled SQLCipher connection for the length of a `with` block. `exec_driver_sql` runs
    one statement (parameters: a tuple or dict; a list of them runs it once per item);
    `driver_connection` is the sqlcipher3 connection itself (the hot paths use its cursors)."""

    __slots__ = ("driver_connection",)

    def __init__(self, raw) -> None:
        self.driver_connection = raw

    @property
    def connection(self) -> "Connection":  # `conn.connection.driver_connection`, as the callers read it
        return self

    dbapi_connection = property(lambda self: self.driver_connection)

    @property
    def in_transaction(self) -> bool:
        return self.driver_connection.in_transaction

    def exec_driver_sql(self, sql: str, parameters=None) -> Result:
        cursor = self.driver_connection.cursor()
        if parameters is None:
            cursor.execute(sql)
        elif isinstance(parameters, list):
            if len(parameters) > 1:
                cursor.executemany(sql, parameters)
            else:
                cursor.execute(sql, *parameters)
        else:
            cursor.execute(sql, parameters)
        return Result(cursor)


# Called with each sqlcipher3 connection as it is handed out (tests: the query log of
# tests/core/test_query_plans.py sets SQLite's trace callback there).
CHECKOUT_HOOKS: list[Callable[[object], None]] = []


class Engine:
    """A small pool of keyed connections to one file: at most `size` kept open when idle, up to
    `overflow` more while busy, the most recently used handed out first (its page cache holds
    the pages the next search — the next keystroke — reads again). `connect()` and `begin()` run
    `begin_sql` first (a deferred BEGIN takes its snapshot at the first read, so a block's reads
    are consistent); `begin()` commits at the end of the block (rolls back on an exception). A
    connection going back to the pool is rolled back if still in a transaction; one that fails
    meanwhile is closed, not reused.

    Why not SQLAlchemy's engine: the store runs only SQL text through the DB-API, and importing
    SQLAlchemy costs ~0.2–0.3 s of every process that logs in (#11 item 5,
    docs/decisions/store-without-sqlalchemy-engine.md). Alembic still migrates through
    SQLAlchemy (storage/migrate.py), imported only when a migration runs."""

    def __init__(self, creator: Callable[[], object], begin_sql: str, size: int, *, overflow: int = 2,
                 timeout: float = 60.0) -> None:
        self.creator = creator
        self.begin_sql = begin_sql
        self.size, self.overflow, self.timeout = size, overflow, timeout
        self._idle: list = []
        self._open = 0
        self._generation = 0
        self._cond = threading.Condition()

    def _checkout(self):
        deadline = time.monotonic() + self.timeout
        with self._cond:
            while not self._idle and self._open >= self.size + self.overflow:
                left = deadline - time.monotonic()
                if left <= 0:
                    raise TimeoutError(f"no database connection free within {self.timeout:g} s")
                self._cond.wait(left)
            raw = self._idle.pop() if self._idle else None
            if raw is None:
                self._open += 1
            generation = self._generation
        if raw is None:
            try:
                raw = self.creator()
            except BaseException:
                with self._cond:
                    self._open -= 1
                    self._cond.notify()
                raise
        for hook in CHECKOUT_HOOKS:
            hook(raw)
        return raw, generation

    def _checkin(self, raw, generation: int) -> None:
        keep = True
        try:
            if raw.in_transaction:
                raw.rollback()
        except Exception:  # noqa: BLE001 - a broken connection is dropped, not reused
            keep = False
        with self._cond:
            keep = keep and generation == self._generation and len(self._idle) < self.size
            if keep:
                self._idle.append(raw)
            else:
                self._open -= 1
            self._cond.notify()
        if not keep:
            _close_quietly(raw)

    @contextmanager
    def connect(self) -> Iterator[Connection]:
        raw, generation = self._checkout()
        try:
            raw.execute(self.begin_sql)
            yield Connection(raw)
        finally:
            self._checkin(raw, generation)

    @contextmanager
    def begin(self) -> Iterator[Connection]:
        raw, generation = self._checkout()
        try:
            raw.execute(self.begin_sql)
            try:
                yield Connection(raw)
            except BaseException:
                if raw.in_transaction:
                    raw.rollback()
                raise
            raw.execute("COMMIT")
        finally:
            self._checkin(raw, generation)

    def dispose(self) -> None:
        """Close the idle connections; the ones in use are closed when they come back."""
        with self._cond:
            idle, self._idle = self._idle, []
            self._open -= len(idle)
            self._generation += 1
            self._cond.notify_all()
        for raw in idle:
            _close_quietly(raw)


def _close_quietly(raw) -> None:
    try:
        raw.close()
    except Exception:  # noqa: BLE001 - closing a broken connection
        pass


class Engines:
    """`writer` (BEGIN IMMEDIATE, one connection; its commits never checkpoint the WAL — the
    store's checkpointer does, storage/checkpoints.py) and `reader` (BEGIN, snapshot reads)."""

    def __init__(self, path: Path, key: bytes) -> None:
        self.path = Path(path)
        self.writer = Engine(lambda: raw_connect(self.path, key, autocheckpoint=False), "BEGIN IMMEDIATE", 1)
        self.reader = Engine(lambda: raw_connect(self.path, key), "BEGIN", 3)

    def dispose(self) -> None:
        self.writer.dispose()
        self.reader.dispose()
