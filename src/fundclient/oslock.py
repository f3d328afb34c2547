"""One mechanism for "only one at a time, across processes": an OS file lock (flock on Linux,
LockFileEx on Windows). The kernel releases it when the holder dies, even by kill -9, so a lock
never needs cleaning up.

Used for every write transaction of the store (`Store._writer_turn`), the sync run
(`sync/runlock.py`), the batch sequence (`sync/device.py`) and the device key's creation; card
numbers come from the encrypted DB (`BEGIN IMMEDIATE`).

Where the OS has `flock` (Linux, macOS) the lock is that one system call on the lock file, made
here; elsewhere (Windows), and on a file system that refuses `flock`, it is the `filelock`
library's, imported only then. The library's import costs ~30 ms of CPU at every start, and the
first write of every command takes this lock (#11 item 5;
docs/decisions/oslock-flock-without-filelock-import.md). Both take the same kernel lock on the
same file, so processes of either kind exclude each other.
"""

from __future__ import annotations

import errno
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

try:
    import fcntl
except ImportError:  # Windows: filelock's LockFileEx
    fcntl = None  # type: ignore[assignment]

# Waiting for the batch sequence never takes more than a few fsyncs; a minute means a hung
# process holds the lock, and the caller gets a typed error instead of waiting for ever.
DEFAULT_WAIT_SECONDS = 60.0
POLL_SECONDS = 0.005  # a waiter tries again this often (SQLite's own busy handler: up to 100 ms)
_HELD_BY_ANOTHER = frozenset({errno.EACCES, errno.EAGAIN, errno.EWOULDBLOCK})


@contextmanager
def exclusive(path: Path, *, wait: float | None = DEFAULT_WAIT_SECONDS, announce: bool = False) -> Iterator[bool]:
    """Hold the OS lock on `path` (created 0600 if missing). Yields True when held; with
    `wait=0`, yields False at once when another process or thread holds it. When the wait
    runs out, raises `TimeoutError`. `announce`: while waiting, say so to the holder
    (`wanted(path)` is True meanwhile) — a long holder that asks (an import) lets it in."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    if fcntl is None:
        with _library_lock(path, wait) as held:
            yield held
        return
    # One open file description per call: threads of one process exclude each other through
    # the OS lock too (flock locks belong to the open file description).
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    announced = -1
    try:
        deadline = None if wait is None else time.monotonic() + wait
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except OSError as exc:
                if exc.errno not in _HELD_BY_ANOTHER:  # a file system without flock: the library's way
                    os.close(fd)
                    fd = -1
                    with _library_lock(path, wait) as held:
                        yield held
                    return
            if wait == 0:
                yield False
                return
            if deadline is not None and time.monotonic() >= deadline:
                raise TimeoutError(str(path))
            if announce and announced < 0:
                announced = _announce(path)
            time.sleep(POLL_SECONDS)
        if announced >= 0:  # held: no longer waiting
            os.close(announced)
            announced = -1
        try:
            yield True
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        if announced >= 0:
            os.close(announced)
        if fd >= 0:
            os.close(fd)


def _wanted_path(path: Path) -> Path:
    return path.with_name(path.name + ".wanted")


def _announce(path: Path) -> int:
    """A waiter's shared lock on the companion file of `path` (`wanted` sees it), held until
    the descriptor returned is closed; -1 when it cannot be taken (then nobody is told)."""
    try:
        fd = os.open(_wanted_path(path), os.O_RDWR | os.O_CREAT, 0o600)
    except OSError:
        return -1
    try:
        fcntl.flock(fd, fcntl.LOCK_SH)  # a `wanted` probe holds it exclusively for a moment only
    except OSError:
        os.close(fd)
        return -1
    return fd


def can_announce() -> bool:
    """Whether a waiter's `announce` can reach the holder (`wanted`): only where the OS has
    `flock` (Linux, macOS). On Windows nobody announces and `wanted` is always False — a long
    holder (an import) must keep its transactions short there instead."""
    return fcntl is not None


def wanted(path: Path) -> bool:
    """Whether another process or thread is waiting for the lock on `path` with `announce`
    (`exclusive`): its shared lock on the companion file makes this probe's exclusive one fail.
    False where the OS has no `flock` (nobody announces there)."""
    if fcntl is None:
        return False
    try:
        fd = os.open(_wanted_path(Path(path)), os.O_RDWR | os.O_CREAT, 0o600)
    except OSError:
        return False
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError as exc:
        return exc.errno in _HELD_BY_ANOTHER
    else:
        fcntl.flock(fd, fcntl.LOCK_UN)
        return False
    finally:
        os.close(fd)


@contextmanager
def _library_lock(path: Path, wait: float | None) -> Iterator[bool]:
    """The same lock by the `filelock` library (LockFileEx on Windows; a soft lock where the file
    system has no flock)."""
    from filelock import FileLock, Timeout  # lazy: start-up (~30 ms; only where flock is missing)

    # thread_local=False + one instance per call: threads of one process exclude each other
    # through the OS lock too.
    lock = FileLock(path, timeout=-1 if wait is None else wait, mode=0o600, thread_local=False)
    try:
        lock.acquire(poll_interval=POLL_SECONDS)
    except Timeout:
        if wait == 0:
            yield False
            return
        raise TimeoutError(str(path)) from None
    try:
        yield True
    finally:
        lock.release()
