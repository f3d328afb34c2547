"""Office data made again after an update, at the store's opening: the one mechanism for every
such upgrade — the duplicate check's keys by a new rule (`storage.duplicate_rule`), the names by
their ends' sound (`storage.name_ends_fill`, migration 0010), the drop of tables a migration took
out of use (`storage.retired_drop`, migration 0013) — so that none runs inside a migration (no progress, no resume, one transaction for a million records).

An upgrade (`SlicedUpgrade`) says whether it is needed (one small read at every opening) and
does its work in steps the driver (`run`) strings together:

- under an OS lock (`LOCK_FILE`): a second process opening the store waits, then finds it done;
- `begin` (one write transaction): the work set aside and noted, or the note of an interrupted
  run read back — returns the next holder id; from here to the end the writer has a large page
  cache and does not flush each commit (`CACHE_KIB`'s note);
- the holders in slices of ids [start, end): each made (`slices`: read side, in helper
  processes if the upgrade wants) and written with its note moved on in ONE write transaction
  (`write`) — killed at any point (power cut, kill -9), the next opening goes on from the note;
- `finish`: the last steps in transactions of their own (staged rows filed in key order — the
  `Stages` below —, the note dropped).

Progress is told to whoever opens the store (`storage.upgrade_progress`: the sign-in window, the
CLI's line): N of M holders while slicing (`HOLDERS`; or rows, `SPACE`, for the drop of retired
tables, `storage.retired_drop`), then the last step (`LAST`).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from fundclient import oslock
from fundclient.storage import upgrade_progress
from fundclient.storage.engine import CACHE_KIB as STORE_CACHE_KIB

if TYPE_CHECKING:
    from fundclient.storage.store import Store

LOCK_FILE = ".rekey.lock"  # (its first user's name: an office mid-upgrade keeps the same lock)
CACHE_KIB = 256_000  # the writer's page cache while upgrading (back to the store's at the end)
# While upgrading, the writer's commits are not flushed to the disk one by one (WAL and
# synchronous NORMAL: flushed at each checkpoint): a power cut may undo the last slices, never
# half of one — each slice and the note of where the upgrade got to are one transaction, so the
# next opening goes on from the last slice kept. The re-keying at 100,000 records, quiet machine:
# 10.9 s wall with a flush per commit, 8.4 s without. Back to FULL at the end (as
# storage.engine.raw_connect sets it), also when it stops on an error.
HOLDERS, LAST, SPACE = upgrade_progress.HOLDERS, upgrade_progress.LAST, upgrade_progress.SPACE


class SlicedUpgrade:
    """One upgrade of the office's data at its opening, in slices of holders (see the module)."""

    slice = 5000  # holders (with their dependants) per write transaction
    stage = HOLDERS  # what the progress counts (`upgrade_progress`): holders, or rows freed (SPACE)
    last_step = True  # `finish` has work of its own, told as the last step (LAST)
    # The writer's turn held from `begin` to the end (`Store.writer_held`): no other process writes
    # between the slices (each still its own transaction) — for an upgrade whose later slices rely
    # on what it read at its start (a bulk build's end, `storage.bulk_build`).
    holds_writer = False

    def needed(self, raw) -> bool:
        raise NotImplementedError

    def extent(self, raw, first: int) -> tuple[int, int]:
        """(done, total) in the units `write` counts, at the start (holders: those before `first`, all)."""
        total = raw.execute("SELECT count(*) FROM beneficiaries").fetchone()[0]
        done = raw.execute("SELECT count(*) FROM beneficiaries WHERE id < ?", (first,)).fetchone()[0]
        return done, total

    def begin(self, raw) -> int:
        """In a write transaction: the work set aside and noted (or an interrupted run's note read
        back); the next holder id to do."""
        raise NotImplementedError

    def slices(self, store: Store, first: int, top: int) -> Iterator[Any]:
        """Each slice from `first` to `top`, made on the read side, in order; `write` gets each."""
        for start in range(first, top, self.slice):
            yield start, min(top, start + self.slice)

    def write(self, raw, part) -> tuple[int, int]:
        """In a write transaction: one slice written and the note moved on; (holders written, the
        next holder id)."""
        raise NotImplementedError

    def finish(self, store: Store) -> None:
        """The last steps, in write transactions of their own; the note dropped last."""
        raise NotImplementedError

    def after_slice(self, next_id: int) -> None:
        """Test hook: after each slice written."""

    def cleanup(self, store: Store) -> None:
        """After the run, finished or not (e.g. the writer's page cache set back)."""


def run(store: Store, upgrade: SlicedUpgrade) -> bool:
    """The upgrade done if it is needed (or was interrupted). True if it was."""
    with store.read() as conn:
        if not upgrade.needed(conn.driver_connection):
            return False
    with oslock.exclusive(store.data_dir / LOCK_FILE, wait=None):
        with store.read() as conn:
            if not upgrade.needed(conn.driver_connection):  # another process did it meanwhile
                return False
        _run(store, upgrade)
    return True


def _synchronous(raw, level: str) -> None:
    """PRAGMA synchronous on the writer's connection, which takes it only between transactions:
    called first in a write transaction (nothing written yet), it ends it, sets the level and
    begins the next (the caller holds the writer's OS lock throughout)."""
    raw.execute("COMMIT")
    raw.execute(f"PRAGMA synchronous = {level}")
    raw.execute("BEGIN IMMEDIATE")


def _run(store: Store, upgrade: SlicedUpgrade) -> None:
    if upgrade.holds_writer:
        with store.writer_held(wait=None):
            _run_slices(store, upgrade)
    else:
        _run_slices(store, upgrade)


def _run_slices(store: Store, upgrade: SlicedUpgrade) -> None:
    try:
        with store.writer_connection() as conn:
            raw = conn.driver_connection
            _synchronous(raw, "NORMAL")  # until the end (see CACHE_KIB's note)
            raw.execute(f"PRAGMA cache_size = -{CACHE_KIB}")
            first = upgrade.begin(raw)
            top = raw.execute("SELECT coalesce(max(id), 0) + 1 FROM beneficiaries").fetchone()[0]
            done, total = upgrade.extent(raw, first)
        upgrade_progress.report(upgrade.stage, done, total)
        for part in upgrade.slices(store, first, top):
            with store.writer_connection() as conn:
                written, end = upgrade.write(conn.driver_connection, part)
            done += written
            upgrade_progress.report(upgrade.stage, min(done, total), total)
            upgrade.after_slice(end)
        if upgrade.last_step:
            upgrade_progress.report(LAST, total, total)
        upgrade.finish(store)
    finally:
        with store.writer_connection() as conn:
            _synchronous(conn.driver_connection, "FULL")  # the store's (storage.engine.raw_connect)
            conn.driver_connection.execute(f"PRAGMA cache_size = -{STORE_CACHE_KIB}")
        upgrade.cleanup(store)


class Stages:
    """Rows staged by key range while slicing, each stage filed into its table in key order at
    the end (one transaction each, the stage dropped with it): the table grows at its end (no
    page split per row, every page written once) and a stage's sort holds one range, not every
    row — SQLite's temporary files stay in memory, plaintext must not reach the disk."""

    def __init__(self, prefix: str, columns: str, target: str, order: str) -> None:
        self.prefix, self.columns, self.target, self.order = prefix, columns, target, order

    def name(self, bucket: int) -> str:
        return f"{self.prefix}_{bucket:03d}"

    def make(self, raw, count: int, definition: str) -> None:
        """`count` stages, each `CREATE TABLE <stage> (<definition>)`."""
        for bucket in range(count):
            raw.execute(f"CREATE TABLE {self.name(bucket)} ({definition})")

    def exists(self, raw, bucket: int) -> bool:
        return bool(raw.execute("SELECT EXISTS (SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?)",
                                (self.name(bucket),)).fetchone()[0])

    def file(self, raw, bucket: int, verb: str = "INSERT") -> None:
        """One stage filed in key order and dropped (nothing if it was filed already)."""
        if self.exists(raw, bucket):
            raw.execute(f"{verb} INTO {self.target} ({self.columns}) SELECT {self.columns} FROM {self.name(bucket)}"
                        f" ORDER BY {self.order}")
            raw.execute(f"DROP TABLE {self.name(bucket)}")
