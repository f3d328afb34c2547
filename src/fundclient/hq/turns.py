"""A device's turn at ingest: its next batch is ingested only after the one before it (#11 item 7).

An office keeps its next batch in flight while HQ ingests the current one (sync/upload.py
`Pipeline`): batch N+1's bytes cross the link, and HQ checks its signature, decrypts, decodes
and types it, while batch N is being ingested. But N+1's HQ-wide duplicate check must see N's
people — a sound-alike pair split across two consecutive batches of one device would otherwise
be read by both before either commits, and both accepted — and the device's answers must come
in the order it sealed its batches. So the request that completes N+1 names N
(`Fundclient-After: <N's batch id>`), and HQ starts N+1's transaction only once N's upload is no
longer in progress: its `uploads` row goes in N's own commit (hq/ingest.py), or when N is
refused (`UploadStore.finish`) or swept. The row is in the database, so the turn holds across
threads, server processes and nodes alike.

The office names a batch only when that batch's upload has a row at HQ (created by its own
request, never a creation that brought its whole body) and only to an HQ that says it keeps
turns (`Fundclient-Turns: after` on its tus answers): an HQ before this ignores the header, and
the office then sends one batch at a time, as before.

How it waits: on PostgreSQL N's transaction deletes N's upload row as its first statement
(hq/ingest.py), so the row stays locked until N commits; N+1 asks for the row `FOR KEY SHARE`,
which waits on that lock and answers the moment N commits — no polling, no delay. Only when N's
transaction has not begun yet (N still being opened, or cut) does N+1 look again, after 2 ms,
4 ms, … at most 20 ms. SQLite has no row locks: there N+1 looks that way until the row is gone.

Never alongside (review finding 1 of 2026-11-30): when HQ cannot keep the turn — N still in
progress after `TURN_WAIT_SECONDS` (N's transaction outlasts it, or N was cut mid-way and not
resent yet), this device already has a request waiting in this process, the process has
`MAX_WAITING` waiting (each holds a thread and, on PostgreSQL, a pooled connection; a
lock_timeout counts as N in progress) — `wait` raises `TurnNotKept` and N+1 is NOT ingested:
HQ answers 503 `turn_busy` with `Retry-After` (hq/app.py) and keeps N+1's upload whole, so the
office's next try is an empty PATCH (sync/upload.py `Pipeline` sends it as soon as N is
answered). N+1's HQ-wide duplicate check therefore never runs while N may be in progress: a
sound-alike pair split across them is always flagged (before, HQ went on and ingested N+1
alongside N, and both were accepted).
"""

from __future__ import annotations

import logging
import threading
import time

from sqlalchemy import bindparam, select
from sqlalchemy.engine import Engine
from sqlalchemy.exc import OperationalError

from fundclient.hq.db import Lean, uploads
# The protocol's names, defined once with the office's side (review finding 2): TURN_HEADER on the
# request that completes an upload (the device's batch before it), TURNS_HEADER: TURNS_KEPT on
# HQ's tus answers (this HQ keeps a device's turn), TURN_BUSY_CODE when it cannot keep one
from fundclient.sync.upload import TURN_BUSY_CODE, TURN_HEADER, TURNS_HEADER, TURNS_KEPT  # noqa: F401

log = logging.getLogger(__name__)

TURN_WAIT_SECONDS = 30.0  # under the office's read timeout (sync/http.py: 90 s)
MAX_WAITING = 8  # requests waiting for their turn in one server process (hq/db.py: a pool of 8 + 10)
RETRY_AFTER_SECONDS = 1  # the 503 `turn_busy` answer's Retry-After
_FIRST_LOOK, _LONGEST_LOOK = 0.002, 0.02  # seconds between looks at the database, doubling

_IN_PROGRESS = select(uploads.c.batch_id).where(uploads.c.batch_id == bindparam("a"),
                                               uploads.c.device_id == bindparam("d"))
_LOOK = Lean(_IN_PROGRESS)
# (PostgreSQL: waits while the batch's own transaction holds the row — it deletes it first)
_LOOK_OR_WAIT = Lean(_IN_PROGRESS.with_for_update(read=True, key_share=True))


class TurnNotKept(Exception):
    """The device's batch before may still be in progress and this request cannot wait for it:
    the batch is not ingested now (HQ answers 503 `turn_busy`, hq/app.py)."""

    code = TURN_BUSY_CODE


class DeviceTurns:
    def __init__(self, engine: Engine, wait_seconds: float = TURN_WAIT_SECONDS) -> None:
        self.engine, self.wait_seconds = engine, wait_seconds
        self._postgres = engine.dialect.name == "postgresql"
        self._lock = threading.Lock()
        self._waiting: set[str] = set()  # devices with a request waiting in this process
        self.taken = 0  # turns taken: requests that named the device's batch before (operations and tests)
        self.not_kept = 0  # requests answered `turn_busy` (TurnNotKept)

    @property
    def waiting(self) -> int:
        """Requests waiting for their turn now, in this process."""
        return len(self._waiting)

    def _in_progress(self, after: str, device_id: str, seconds: float) -> bool:
        """The device's batch `after` is still being uploaded or ingested (on PostgreSQL, waits
        up to `seconds` while its transaction runs, then looks)."""
        if not self._postgres:
            with self.engine.connect() as conn:
                return bool(_LOOK.rows(conn, {"a": after, "d": device_id}))
        try:
            with self.engine.begin() as conn:
                conn.exec_driver_sql(f"SET LOCAL lock_timeout = {max(1, int(seconds * 1000))}")
                return bool(_LOOK_OR_WAIT.rows(conn, {"a": after, "d": device_id}))
        except OperationalError:  # (lock_timeout: the batch's transaction outlasted the turn's bound)
            return True

    def wait(self, after: str, device_id: str) -> None:
        """Return once the device's batch `after` is no longer in progress at HQ (ingested,
        refused or gone); raise TurnNotKept after `wait_seconds`, and at once when this device
        already has a request waiting in this process or the process has `MAX_WAITING`."""
        with self._lock:
            if device_id in self._waiting or len(self._waiting) >= MAX_WAITING:
                self.not_kept += 1
                log.warning("turn not kept: device=%s after=%s (%d waiting): answered turn_busy", device_id, after,
                            len(self._waiting))
                raise TurnNotKept(after)
            self._waiting.add(device_id)
            self.taken += 1
        try:
            deadline = time.monotonic() + self.wait_seconds
            pause = _FIRST_LOOK
            while (left := deadline - time.monotonic()) > 0:
                if not self._in_progress(after, device_id, left):
                    return
                time.sleep(min(pause, max(0.0, deadline - time.monotonic())))
                pause = min(2 * pause, _LONGEST_LOOK)
            with self._lock:
                self.not_kept += 1
            log.warning("turn waited %.0f s for batch=%s of device=%s: answered turn_busy", self.wait_seconds, after,
                        device_id)
            raise TurnNotKept(after)
        finally:
            with self._lock:
                self._waiting.discard(device_id)
