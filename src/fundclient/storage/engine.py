"""Engines over one SQLCipher file: a single writer and a small pool of readers.

The UI runs every write on one worker thread and reads on another; SQLite in WAL mode lets
readers see the last commit while a write is in progress. Writes take `BEGIN IMMEDIATE` so
a transaction never fails half-way on a lock upgrade; each call gets its own connection
from the pool (no connection is shared between threads at the same time).
"""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa
import sqlcipher3
from sqlalchemy import event
from sqlalchemy.pool import QueuePool

from fundclient.storage.errors import DatabaseUnreadable

BUSY_TIMEOUT_MS = 15_000
CACHE_KIB = 32_000  # per connection; the 1M-record benchmark fits its indexes
# The office GUI caps what SQLite holds for all its connections together (`limit_memory`): with
# 32 MB per connection, the writer and the readers of a day at 1 M records grew the process past
# 250 MB (benchmarks/soak_day.py, docs/performance.md). 16 MB: searches at 1 M cost the same CPU
# as with 32 (benchmarks/search_memory_cap.py). CLI commands keep per-connection caches.
GUI_MEMORY_MIB = 16


def limit_memory(mib: int) -> None:
    """Cap the memory SQLite (SQLCipher) uses in this process, every connection together
    (`PRAGMA soft_heap_limit`, process-wide): past it, a connection's page cache reuses its
    least recently used pages instead of growing. 0 removes the cap."""
    conn = sqlcipher3.dbapi2.connect(":memory:")
    try:
        conn.execute(f"PRAGMA soft_heap_limit = {int(mib) * 1024 * 1024}")
    finally:
        conn.close()



def key_pragma(key: bytes) -> str:
    return f"PRAGMA key = \"x'{key.hex()}'\""


def raw_connect(path: Path, key: bytes):
    """A sqlcipher3 connection with the key applied and our pragmas; isolation handled by us."""
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
    return conn


def _make(path: Path, key: bytes, begin_sql: str, size: int) -> sa.Engine:
    engine = sa.create_engine("sqlite://", creator=lambda: raw_connect(path, key),
                              module=sqlcipher3.dbapi2, poolclass=QueuePool, pool_size=size,
                              max_overflow=2, pool_timeout=60,
                              # The connection used last first: its page cache holds the pages
                              # the next search (the next keystroke) reads again.
                              pool_use_lifo=True)

    @event.listens_for(engine, "begin")
    def _begin(conn):  # pragma: no cover - exercised by every write
        conn.exec_driver_sql(begin_sql)

    return engine


class Engines:
    """`writer` (BEGIN IMMEDIATE, one connection) and `reader` (BEGIN, snapshot reads)."""

    def __init__(self, path: Path, key: bytes) -> None:
        self.path = Path(path)
        self.writer = _make(self.path, key, "BEGIN IMMEDIATE", 1)
        self.reader = _make(self.path, key, "BEGIN", 3)

    def dispose(self) -> None:
        self.writer.dispose()
        self.reader.dispose()
