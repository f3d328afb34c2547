"""One mechanism for "only one at a time, across processes": an OS file lock (the `filelock`
library: flock on Linux, LockFileEx on Windows). The kernel releases it when the holder dies,
even by kill -9, so a lock never needs cleaning up.

Used for the sync run (`sync/runlock.py`), the batch sequence (`sync/device.py`) and the
device key's creation; card numbers come from the encrypted DB (`BEGIN IMMEDIATE`).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from filelock import FileLock, Timeout

# Waiting for the batch sequence never takes more than a few fsyncs; a minute means a hung
# process holds the lock, and the caller gets a typed error instead of waiting for ever.
DEFAULT_WAIT_SECONDS = 60.0


@contextmanager
def exclusive(path: Path, *, wait: float | None = DEFAULT_WAIT_SECONDS) -> Iterator[bool]:
    """Hold the OS lock on `path` (created 0600 if missing). Yields True when held; with
    `wait=0`, yields False at once when another process or thread holds it. When the wait
    runs out, raises `TimeoutError`."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    # thread_local=False + one instance per call: threads of one process exclude each other
    # through the OS lock too (flock locks are per open file description).
    lock = FileLock(path, timeout=-1 if wait is None else wait, mode=0o600, thread_local=False)
    try:
        lock.acquire(poll_interval=0.005)
    except Timeout:
        if wait == 0:
            yield False
            return
        raise TimeoutError(str(path)) from None
    try:
        yield True
    finally:
        lock.release()
