"""Tables a migration took out of use, dropped at the store's opening in slices, with progress,
resumable after a kill — not inside the migration.

Why not `DROP TABLE` in the migration: SQLite frees a table by reading every page of it and of
its indexes. Migration 0013 dropped rule 2's duplicate keys that way — ~48 M rows, ~4.5 GB at a
million records: 109 s inside Alembic's one transaction before the sign-in window could show
anything, all of it done again after a kill (review finding 1).

Instead a migration *retires* a table (`retire`, in its own transaction, costs a few page
writes): the table is renamed `retired_NNN`, and each of its indexes becomes a table of its own,
`retired_NNN` too — an index's b-tree is, page for page, the b-tree of a WITHOUT ROWID table
whose primary key is the index's columns and the rowid, so only its row in `sqlite_master` is
rewritten (`PRAGMA writable_schema`, the schema's version moved on so every connection reads it
again; `tests/core/test_retired_drop.py` checks `PRAGMA integrity_check` after it). Each is
noted in `retired_pending` with an estimate of its rows (its largest rowid).

At the opening, first of the opening's upgrades (`storage.opening_upgrade`: its lock, its
progress told to the sign-in window and the CLI's line, stage `SPACE`) — so that the upgrades
after it (the names' fills, the re-keying) write into the pages it frees instead of growing the
file — `RetiredDrop` empties each retired table in slices of `SLICE_ROWS` rows in the order of
its own b-tree (the slice's last key read, then `DELETE … WHERE (<its key>) <= (that key)`, one
write transaction with its note each); the rows left under a slice are dropped with the table. Why the indexes are split off first: rows deleted in rowid order have
their index entries spread over the whole index (the keys are hashes), so every slice would
rewrite most of the index's pages; each b-tree emptied in its own order reads and frees each
page once. Killed at any point, the next opening goes on from what the last committed slice
left. The freed pages are not zeroed (`secure_delete` FAST while dropping, as 0013 did: the
retired rows are derived from live rows of the same encrypted file); they stay in the file for
the next writes (docs/decisions/retired-tables-dropped-at-the-opening.md: why no VACUUM).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING

from fundclient.storage import upgrade_progress
from fundclient.storage.errors import IndexNotRetirable
from fundclient.storage.opening_upgrade import SlicedUpgrade

if TYPE_CHECKING:
    from fundclient.storage.store import Store

PENDING_TABLE = "retired_pending"
PREFIX = "retired_"
SLICE_ROWS = 100_000  # rows removed per write transaction (~1,000 pages of 4 KiB of rule 2's keys)
NOTE = (f"CREATE TABLE IF NOT EXISTS {PENDING_TABLE} (name TEXT PRIMARY KEY, key TEXT NOT NULL,"
        " total INTEGER NOT NULL, done INTEGER NOT NULL DEFAULT 0, dropped INTEGER NOT NULL DEFAULT 0)")

# Test hook: called after each slice is written (the tests hold or kill the drop half-way).
after_slice: Callable[[int], None] | None = None


def _quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _exists(execute, name: str) -> bool:
    return bool(execute("SELECT EXISTS (SELECT 1 FROM sqlite_master WHERE name = ?)", (name,)).fetchone()[0])


def _free_name(execute) -> str:
    taken = {row[0] for row in execute("SELECT name FROM sqlite_master WHERE name LIKE ?", (PREFIX + "%",)).fetchall()}
    number = 0
    while f"{PREFIX}{number:03d}" in taken:
        number += 1
    return f"{PREFIX}{number:03d}"


def retire(execute: Callable, table: str) -> list[str]:
    """Inside a migration's transaction (`execute(sql, params=())` returns a cursor): `table` and
    each of its indexes turned into retired tables, noted for `RetiredDrop`. Nothing if the table
    does not exist, and an empty table is dropped at once. Triggers on it or naming it must be
    dropped before. Returns the retired names. Raises `IndexNotRetirable` for an index not on
    plain ascending columns (a migration's error, its tests catch it)."""
    if not _exists(execute, table):
        return []
    rows = execute(f"SELECT coalesce(max(rowid), 0) FROM {_quoted(table)}").fetchone()[0]
    if rows == 0:  # empty (a new office's): its pages are its root pages, dropped at once
        execute(f"DROP TABLE {_quoted(table)}")
        return []
    execute(NOTE)
    indexes = execute("SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = ? AND sql IS NOT NULL"
                      " ORDER BY name", (table,)).fetchall()
    columns = {name: i for i, name in enumerate(row[1] for row in execute(f"PRAGMA table_info({_quoted(table)})"))}
    retired = []
    if indexes:
        version = execute("PRAGMA schema_version").fetchone()[0]
        execute("PRAGMA writable_schema = ON")
        try:
            for index, _sql in indexes:
                # (seqno, cid, name, desc, collation, key) of each column the index sorts by
                info = [row for row in execute(f"PRAGMA index_xinfo({_quoted(index)})").fetchall() if row[5]]
                parts = [row[2] for row in info]
                if any(part not in columns for part in parts) or any(row[3] or row[4] != "BINARY" for row in info):
                    # on an expression, descending or another collation: not the b-tree of the table below
                    raise IndexNotRetirable(index)
                name = _free_name(execute)
                names = [f"c{i}" for i in range(len(parts))] + ["rid"]
                definition = (f"CREATE TABLE {name} ({', '.join(names)}, PRIMARY KEY ({', '.join(names)}))"
                              " WITHOUT ROWID")
                execute("UPDATE sqlite_master SET type = 'table', name = ?, tbl_name = ?, sql = ? WHERE type = 'index'"
                        " AND name = ?", (name, name, definition, index))
                execute(f"INSERT INTO {PENDING_TABLE} (name, key, total) VALUES (?, ?, ?)",
                        (name, ", ".join(names), rows))
                retired.append(name)
        finally:
            execute("PRAGMA writable_schema = OFF")
        execute(f"PRAGMA schema_version = {version + 1}")  # every connection reads the schema again
    name = _free_name(execute)
    execute(f"ALTER TABLE {_quoted(table)} RENAME TO {name}")
    execute(f"INSERT INTO {PENDING_TABLE} (name, key, total) VALUES (?, 'rowid', ?)", (name, rows))
    return [name, *retired]


def drop_here(execute: Callable) -> None:
    """Every retired table dropped at once, in the caller's transaction (a migration's downgrade,
    a small store)."""
    if not _exists(execute, PENDING_TABLE):
        return
    for (name,) in execute(f"SELECT name FROM {PENDING_TABLE} WHERE NOT dropped").fetchall():
        execute(f"DROP TABLE IF EXISTS {_quoted(name)}")
    execute(f"DROP TABLE {PENDING_TABLE}")


class RetiredDrop(SlicedUpgrade):
    """The retired tables emptied in slices and dropped (see the module), as one of the opening's
    upgrades: counted in rows, told as `upgrade_progress.SPACE`."""

    stage = upgrade_progress.SPACE
    last_step = False  # a table dropped when empty is one page: nothing is left for a last step

    def __init__(self) -> None:
        self.left = True

    def needed(self, raw) -> bool:
        return _exists(raw.execute, PENDING_TABLE)

    def begin(self, raw) -> int:
        self.left = True
        raw.execute("PRAGMA secure_delete = FAST")  # until `cleanup` (see the module)
        return 0

    def extent(self, raw, first: int) -> tuple[int, int]:
        done, total = raw.execute(f"SELECT coalesce(sum(CASE WHEN dropped THEN max(done, total) ELSE done END), 0),"
                                  f" coalesce(sum(max(done, total)), 0) FROM {PENDING_TABLE}").fetchone()
        return done, total

    def slices(self, store: Store, first: int, top: int) -> Iterator[None]:
        while self.left:
            yield None

    def write(self, raw, part) -> tuple[int, int]:
        row = raw.execute(f"SELECT name, key, total, done FROM {PENDING_TABLE} WHERE NOT dropped ORDER BY name"
                          " LIMIT 1").fetchone()
        if row is None:  # every one dropped: the note goes with the last
            raw.execute(f"DROP TABLE {PENDING_TABLE}")
            self.left = False
            return 0, 0
        name, key, total, done = row
        table = _quoted(name)
        # The slice's last key (reading it reads the very pages the DELETE then frees), then one
        # range DELETE up to it, in one pass along the b-tree — ~2 x less CPU than DELETE … LIMIT,
        # which collects the keys first and then seeks each (200,000-record office, 100,000 rows
        # a slice, under run-test: 0.08 against 0.18 s of CPU for the index's b-tree).
        last = raw.execute(f"SELECT {key} FROM {table} ORDER BY {key} LIMIT 1 OFFSET ?", (SLICE_ROWS - 1,)).fetchone()
        if last is not None:
            removed = raw.execute(f"DELETE FROM {table} WHERE ({key}) <= ({', '.join('?' * len(last))})", last).rowcount
            raw.execute(f"UPDATE {PENDING_TABLE} SET done = done + ? WHERE name = ?", (removed, name))
            return removed, 0
        # The last slice: fewer rows left than a slice. Dropped with them (the table's pages walked
        # once, as a DROP does), the note moved on in the same transaction.
        raw.execute(f"DROP TABLE {table}")
        raw.execute(f"UPDATE {PENDING_TABLE} SET dropped = 1 WHERE name = ?", (name,))
        # counted as its estimate once dropped (`extent`; rows <= the largest rowid): the bar ends full
        return total - done, 0

    def finish(self, store: Store) -> None:
        """Nothing left: the last slice dropped the note."""

    def cleanup(self, store: Store) -> None:
        with store.writer_connection() as conn:
            conn.driver_connection.execute("PRAGMA secure_delete = ON")  # the store's (storage.engine.raw_connect)

    def after_slice(self, next_id: int) -> None:
        if after_slice is not None:
            after_slice(next_id)
