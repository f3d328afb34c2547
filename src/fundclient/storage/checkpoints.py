"""The WAL copied back into the DB file on a thread of its own, never inside a save (issue #11
item 2: a save during a backup waits < 100 ms).

SQLite's automatic checkpoint runs inside the commit that finds the WAL past
`wal_autocheckpoint` pages: every ~20th save at 1 M records copied 1000 pages into the DB file
and flushed it (7–16 ms of the save's own CPU, up to 100 ms of wall while a disk is busy), and
the first save after a backup copied everything the backup's read snapshot had held back
(`storage/backup.py` freezes the DB file for it): tens of MB, 126 ms of the save's CPU and
300–400 ms of wall at 1 M. The store's writer therefore never checkpoints
(`wal_autocheckpoint` only as a backstop at `engine.BACKSTOP_PAGES`, for a checkpointer dead or
starved of the disk; `storage.engine.Engines`); after each write the store wakes this
checkpointer, which waits DELAY seconds (the writes of that time go in one checkpoint) and runs
a PASSIVE checkpoint on its own connection — no lock a save takes: commits go on meanwhile.
While a backup's snapshot holds the DB file, the checkpoint copies nothing and is tried again
after the next write; the first one after the backup catches up, here.

The thread runs at the backup's lowered priority (`threadprio.lower_current_thread`: nice 5 and
the idle I/O class), so its writes and its flush of the DB file go after a save's. It holds no
lock a save needs (SQLite's checkpoint lock only; the backup's own checkpoint retries). It
starts with the first write and `close()` stops it: a checkpoint under way is interrupted
(`sqlite3_interrupt`; SQLite leaves the WAL and DB file consistent, the next one goes on) and
its connection closed, so closing the store leaves no thread or file open. A thread found dead
at a write is started again. `paused()` keeps checkpoints out while a backup freezes its
snapshot (`storage/backup.py`): one under way is interrupted, none starts until it ends —
otherwise the checkpoint lock could outlast every try of the freeze and send the backup to the
slow copy.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from fundclient import threadprio
from fundclient.storage.after_writes import AfterWrites

log = logging.getLogger(__name__)

DELAY = 0.5  # seconds from a write to its checkpoint: the writes of that time share one


class Checkpointer(AfterWrites):
    """`wrote()` after each commit; `close()` when the store closes. `connect()` makes the
    thread's own keyed connection (opened on the thread, closed by it)."""

    def __init__(self, connect: Callable[[], object], *, delay: float = DELAY, name: str = "checkpoints") -> None:
        super().__init__(name)
        self._connect = connect
        self.delay = delay
        self._conn = None  # the thread's connection, while it is open (close() interrupts it)
        self._turn = threading.Lock()  # held around each checkpoint; paused() takes it
        self._paused = 0
        self._running = False  # a checkpoint statement under way (paused() interrupts it)
        self.runs = 0  # checkpoints run (tests, figures)
        self.last: tuple[int, int] | None = None  # the last one's (frames in the WAL, frames in the DB file)

    def _closing(self) -> None:
        """A checkpoint under way is interrupted. Under the condition: the thread detaches its
        connection under it too, so this never interrupts a connection that is being closed."""
        if self._conn is not None:
            self._conn.interrupt()

    @contextmanager
    def paused(self) -> Iterator[None]:
        """No checkpoint runs inside: one under way is interrupted (SQLite leaves the WAL and the
        DB file consistent) and the next waits for the end; the writes meanwhile are
        checkpointed after it."""
        with self._cond:
            self._paused += 1
            if self._running and self._conn is not None:
                self._conn.interrupt()
        self._turn.acquire()
        try:
            yield
        finally:
            self._turn.release()
            with self._cond:
                self._paused -= 1
                self._pending = True
                self._cond.notify()

    def _run(self) -> None:
        threadprio.lower_current_thread()
        try:
            while self._wait():
                self._checkpoint()
        finally:
            with self._cond:
                conn, self._conn = self._conn, None
            if conn is not None:
                try:
                    conn.close()
                except Exception:  # noqa: BLE001 - a broken connection at close
                    pass

    def _wait(self) -> bool:
        """Until a write is pending and `delay` has passed since it woke us; False once closed."""
        with self._cond:
            while not self._pending and not self._closed:
                self._cond.wait()
            if self._closed:
                return False
            self._cond.wait_for(lambda: self._closed, self.delay)  # later writes join this checkpoint
            self._pending = False
            return not self._closed

    def _checkpoint(self) -> None:
        try:
            if self._conn is None:
                conn = self._connect()
                with self._cond:
                    if self._closed:
                        conn.close()
                        return
                    self._conn = conn
            with self._turn:
                with self._cond:
                    if self._paused or self._closed:
                        return  # paused() asks again for it at its end
                    self._running = True
                try:
                    busy, frames, copied = self._conn.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
                finally:
                    with self._cond:
                        self._running = False
            self.runs += 1
            if not busy:
                self.last = (frames, copied)
        except Exception as exc:  # noqa: BLE001 - interrupted at close or by paused(), or the disk refused: the next write tries again
            if not self._closed and not self._paused:
                log.warning("checkpoint failed: %s", type(exc).__name__)
