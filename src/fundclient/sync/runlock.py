"""One sync run at a time per data dir, across processes (the OS-scheduled `fundclient sync`
and the app's SyncScheduler may wake together): the OS file lock of `fundclient.oslock`."""

from __future__ import annotations

from contextlib import contextmanager
from pathlib import Path

from fundclient.oslock import exclusive


@contextmanager
def sync_lock(data_dir: Path):
    """Yields True when this process holds the lock, False when another run is going on."""
    with exclusive(Path(data_dir) / "sync" / "run.lock", wait=0) as mine:
        yield mine
