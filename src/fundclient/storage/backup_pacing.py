"""A save goes before the backup (issue #11 item 2): the store counts the writes waiting for or
holding the writer (`Store.write`, `Store.writer_connection`), and the backup, between two
steps, waits until there are none — at most MAX_YIELD_SECONDS, so a long run of writes (an
import) slows a backup down but never stops it. Kept apart from storage/backup.py, which the
store imports only when a backup runs (start-up)."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager

MAX_YIELD_SECONDS = 0.2


class WriteActivity:
    """How many writes of this process are waiting for or holding the writer right now."""

    def __init__(self) -> None:
        self._changed = threading.Condition()
        self._count = 0
        self.yields = 0  # how many times a backup step waited for a write (tests, figures)

    @contextmanager
    def busy(self) -> Iterator[None]:
        with self._changed:
            self._count += 1
        try:
            yield
        finally:
            with self._changed:
                self._count -= 1
                if not self._count:
                    self._changed.notify_all()

    def active(self) -> bool:
        return self._count > 0

    def wait_idle(self, timeout: float | None = None) -> bool:
        """Until no write is waiting or running (True), or `timeout` seconds (False; default
        MAX_YIELD_SECONDS, read at each call)."""
        timeout = MAX_YIELD_SECONDS if timeout is None else timeout
        with self._changed:
            if not self._count:
                return True
            self.yields += 1
            return self._changed.wait_for(lambda: not self._count, timeout)
