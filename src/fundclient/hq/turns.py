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

Bounded: a turn waits at most `TURN_WAIT_SECONDS` (N cut mid-way and not resent: N+1 then goes
first, its transaction alone — N, resent later, sees N+1's people instead), a device has at most
one request waiting per server process (an honest office has one batch ahead; a second goes at
once, as without the header) and a process at most `MAX_WAITING`.
"""

from __future__ import annotations

import logging
import threading
import time

from sqlalchemy import bindparam, select
from sqlalchemy.engine import Engine

from fundclient.hq.db import Lean, uploads

log = logging.getLogger(__name__)

TURN_HEADER = "Fundclient-After"  # on the request that completes an upload: the device's batch before it
TURNS_HEADER = "Fundclient-Turns"  # on HQ's tus answers: this HQ keeps a device's turn
TURNS_KEPT = "after"
TURN_WAIT_SECONDS = 30.0  # under the office's read timeout (sync/http.py: 90 s)
MAX_WAITING = 16  # requests waiting for their turn in one server process (a thread each)
_FIRST_LOOK, _LONGEST_LOOK = 0.002, 0.02  # seconds between looks at the database, doubling

_IN_PROGRESS = Lean(select(uploads.c.batch_id).where(uploads.c.batch_id == bindparam("a"),
                                                     uploads.c.device_id == bindparam("d")))


class DeviceTurns:
    def __init__(self, engine: Engine, wait_seconds: float = TURN_WAIT_SECONDS) -> None:
        self.engine, self.wait_seconds = engine, wait_seconds
        self._lock = threading.Lock()
        self._waiting: set[str] = set()  # devices with a request waiting in this process
        self.waited = 0  # turns that had to wait (operations and tests)

    @property
    def waiting(self) -> int:
        """Requests waiting for their turn now, in this process."""
        return len(self._waiting)

    def in_progress(self, after: str, device_id: str) -> bool:
        """The device's batch `after` is still being uploaded or ingested."""
        with self.engine.connect() as conn:
            return bool(_IN_PROGRESS.rows(conn, {"a": after, "d": device_id}))

    def wait(self, after: str, device_id: str) -> None:
        """Return once the device's batch `after` is no longer in progress at HQ (ingested,
        refused or gone), or after `wait_seconds`; at once when this device already has a
        request waiting in this process or the process has `MAX_WAITING`."""
        if not self.in_progress(after, device_id):
            return
        with self._lock:
            if device_id in self._waiting or len(self._waiting) >= MAX_WAITING:
                log.warning("turn not kept: device=%s after=%s (%d waiting)", device_id, after, len(self._waiting))
                return
            self._waiting.add(device_id)
            self.waited += 1
        try:
            deadline = time.monotonic() + self.wait_seconds
            pause = _FIRST_LOOK
            while time.monotonic() < deadline:
                time.sleep(pause)
                if not self.in_progress(after, device_id):
                    return
                pause = min(2 * pause, _LONGEST_LOOK)
            log.warning("turn waited %.0f s for batch=%s of device=%s: going on", self.wait_seconds, after,
                        device_id)
        finally:
            with self._lock:
                self._waiting.discard(device_id)
