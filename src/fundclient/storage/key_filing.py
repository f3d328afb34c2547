"""A save's duplicate keys moved from the small table into the big one, when the writer is idle
(migrations 0012, 0013: a save files its ~10 keys in `duplicate_keys_new`, not in the ~10 M-row
`duplicate_keys`, where each would land on a random leaf — ~10 pages read, decrypted, encrypted
and written at the save's commit at 1 M; rule 2's ~54 keys cost ~100 read and ~120 written).

After each write the store wakes the filer's thread (`wrote()`); once no write has come for
QUIET seconds it moves the small table's keys in steps of STEP keys — each step one write
transaction under the writer's turn, in key order (neighbouring keys share leaves).
Before each step it looks again: a write waiting or running in this process (`Store.writes`)
or one less than QUIET seconds ago sends it back to waiting, so a save waits at most for one
step (figures: benchmarks/backup_bench.py prints the steps' longest). The thread runs at normal
priority: it holds the writer's lock, and a lowered thread holding it would keep a save waiting
on a busy core (fundclient/threadprio.py). `close()` stops it between steps; keys not moved yet
stay where they are (the duplicate check reads both tables) and are moved at a later idle time.

Once the keys are moved the same thread, under the same rule (QUIET seconds, no write waiting,
one short transaction a step), merges the name indexes' segments (`tidy`: the store's
`storage.name_merging.merge_step`, which no save does any more: migration 0015) until a step
finds nothing to merge; `merges` holds those steps' times.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

from fundclient.storage.after_writes import AfterWrites

log = logging.getLogger(__name__)

QUIET = 1.0  # seconds without a write before the filer moves keys
STEP = 50  # keys per transaction: ~5 saves' (rule 2: one save's, at 1 M ~6 ms CPU, ~25 ms wall)
DUPLICATE_KEYS_NEW = "duplicate_keys_new"  # migration 0012


def file_keys(raw, limit: int = STEP) -> int:
    """Move up to `limit` keys of the small table into `duplicate_keys`, in key order, inside the
    caller's write transaction on `raw` (a sqlcipher3 connection). Returns how many were moved."""
    rows = raw.execute(f"SELECT key, person FROM {DUPLICATE_KEYS_NEW} ORDER BY key, person LIMIT ?",
                       (limit,)).fetchall()
    if rows:
        raw.executemany("INSERT OR IGNORE INTO duplicate_keys (key, person) VALUES (?, ?)", rows)
        raw.executemany(f"DELETE FROM {DUPLICATE_KEYS_NEW} WHERE key = ? AND person = ?", rows)
    return len(rows)


class KeyFiler(AfterWrites):
    """`wrote()` after each commit; `close()` when the store closes. `step()` runs one step
    (a write transaction of the store's, returning the keys moved); `busy()` is True while a
    write of this process waits for or holds the writer."""

    def __init__(self, step: Callable[[], int], busy: Callable[[], bool], *, quiet: float | None = None,
                 tidy: Callable[[], bool] | None = None, name: str = "key-filing") -> None:
        super().__init__(name)
        self._step = step
        self._busy = busy
        self._tidy = tidy
        self.quiet = QUIET if quiet is None else quiet
        self._last_write = 0.0
        self._writes = 0
        self._keys_left = True  # until a step finds fewer than STEP keys with no write meanwhile
        self.steps: list[tuple[float, float, int]] = []  # (wall s, CPU s, keys) of each step (figures, tests)
        self.merges: list[tuple[float, float, bool]] = []  # (wall s, CPU s, merged) of each `tidy` step

    def _noted(self) -> None:
        self._last_write = time.monotonic()
        self._writes += 1
        self._keys_left = True

    def idle(self) -> bool:
        """No keys left to move nor name index segments to merge as far as this filer knows (tests, figures)."""
        with self._cond:
            return not self._pending

    def _quiet_now(self) -> bool:
        """Under the condition: QUIET seconds since the last write and none running; else waits."""
        left = self._last_write + self.quiet - time.monotonic()
        if left > 0:
            self._cond.wait(left)
            return False
        if self._busy():
            self._cond.wait(self.quiet / 10)
            return False
        return True

    def _run(self) -> None:
        while True:
            with self._cond:
                while not self._closed and not (self._pending and self._quiet_now()):
                    if not self._pending:
                        self._cond.wait()
                if self._closed:
                    return
                writes = self._writes
            if self._keys_left or self._tidy is None:
                self._file_keys(writes)
            else:
                self._merge(writes)

    def _file_keys(self, writes: int) -> None:
        try:
            wall, cpu = time.perf_counter(), time.thread_time()
            moved = self._step()
            self.steps.append((time.perf_counter() - wall, time.thread_time() - cpu, moved))
        except Exception as exc:  # noqa: BLE001 - the disk refused or the store closed: the next write wakes us
            log.warning("duplicate keys not moved: %s", type(exc).__name__)
            moved = -1
        if moved < STEP:
            with self._cond:
                # All moved — unless a write came during the step (it filed keys again).
                if moved < 0:
                    self._pending = False
                elif self._writes == writes:
                    self._keys_left = False
                    if self._tidy is None:
                        self._pending = False

    def _merge(self, writes: int) -> None:
        try:
            wall, cpu = time.perf_counter(), time.thread_time()
            merged = self._tidy()
            self.merges.append((time.perf_counter() - wall, time.thread_time() - cpu, merged))
        except Exception as exc:  # noqa: BLE001 - as above: the next write wakes us
            log.warning("name indexes not merged: %s", type(exc).__name__)
            merged = None
        if not merged:
            with self._cond:
                if merged is None or self._writes == writes:  # nothing left, unless a write came meanwhile
                    self._pending = False
