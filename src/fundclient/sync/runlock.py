"""One sync run at a time per data dir, across processes (the OS-scheduled `fundclient sync`
and the app's SyncScheduler may wake together). An OS file lock: released by the kernel if
the holder dies, even by kill -9, so it never needs cleaning up."""

from __future__ import annotations

import os
from contextlib import contextmanager
from pathlib import Path

try:
    import fcntl
except ImportError:  # Windows
    fcntl = None  # type: ignore[assignment]
    import msvcrt


@contextmanager
def sync_lock(data_dir: Path):
    """Yields True when this process holds the lock, False when another run is going on."""
    path = Path(data_dir) / "sync" / "run.lock"
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        try:
            if fcntl is not None:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            else:
                msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
        except OSError:
            yield False
            return
        yield True
    finally:
        os.close(fd)  # closing releases the lock
