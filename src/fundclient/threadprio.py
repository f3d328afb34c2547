"""Background work behind the clerk's (issue #11 item 2: a save during a backup and a sync
waits < 100 ms on a 2-core PC).

The daily backup's copy runs on a thread of its own at a mildly lowered priority (`run_low`),
so a save competing with it for a core, or for the disk, goes first:

- Linux: the thread's nice value LOW_NICE (5; on a busy core the scheduler gives it about a
  quarter of a normal thread's share, never none) and the idle I/O class (`ioprio_set`;
  honoured by the mq-deadline and BFQ disk schedulers: the thread's reads and the writes it
  flushes itself go after everyone else's).
- Windows: `THREAD_MODE_BACKGROUND_BEGIN` (lower CPU, I/O and memory priority, the thread only).
- macOS: the thread's `PRIO_DARWIN_BG`.

Not lower than that, and no SCHED_IDLE: a lowered thread that holds Python's lock (the GIL),
or a file lock, must still get a core when another process wants it, or every normal thread
waits for it (a review measured 85 ms p95 for a 1 ms sleep on the main thread beside a
SCHED_IDLE thread on a busy core). The lower its nice value, the longer a normal thread waits
for a GIL it holds: the same measurement on a quiet 2-core window gave p95 3 ms beside a
normal-priority thread, 6–7 ms beside one at nice 5, 15–17 ms at nice 10 — hence 5. For the
same reason work that takes the writer's turn — the
sync (sync.engine.run_sync) and sealing (services.sealing.seal_pending) — is not lowered at all:
it runs on its caller's thread at the caller's priority, briefly, between saves.

Lowering a thread's priority cannot be undone without privileges, so `run_low` runs the work
on a new thread of its own and waits for it: the caller's thread keeps its priority. When the
wait is interrupted (Ctrl+C reaches only the main thread, or any other exception), `run_low`
sets the work's `stop` event, waits for the work to end, and only then re-raises: the caller's
clean-up never runs while the work still uses what it is about to close or remove.

The OS's priority does not reach Python's own lock (the GIL): a thread that wants it asks the
holder to let go and waits up to the interpreter's switch interval (5 ms) for it — at every
hand-over; a save hands the GIL over at each SQLite call and fsync. While background work runs
(`switch_often`: the backup's copy, a sync run), the switch interval is BUSY_SWITCH_INTERVAL
(1 ms): a save waits at most that long each time for a background thread's Python code (one
A/B run at 1 M during a backup and a sync: save p95 19.3 ms at 1 ms against 37.6 ms at 5 ms;
a few more switches cost the background work well under 1 %).
"""

from __future__ import annotations

import logging
import os
import platform
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TypeVar

log = logging.getLogger(__name__)

T = TypeVar("T")

LOW_NICE = 5  # review finding 3: at most 10; 5 keeps a normal thread's wait for its GIL short
BUSY_SWITCH_INTERVAL = 0.001
_running = 0
_saved_interval = 0.0
_interval_lock = threading.Lock()
# CPU seconds used by `run_low` work, by its name ("backup"): for benchmarks' figures.
cpu_seconds: dict[str, float] = {}
_cpu_lock = threading.Lock()
_IOPRIO_SET = {"x86_64": 251, "amd64": 251, "aarch64": 30, "arm64": 30, "i386": 289, "i686": 289}
_IOPRIO_WHO_PROCESS = 1  # with a thread id: that thread only
_IOPRIO_CLASS_IDLE = 3
_IOPRIO_CLASS_SHIFT = 13
_THREAD_MODE_BACKGROUND_BEGIN = 0x00010000  # winbase.h
_PRIO_DARWIN_THREAD, _PRIO_DARWIN_BG = 3, 0x1000


def lower_current_thread() -> bool:
    """Ask the OS to give the calling thread a smaller share of a busy core and the disk after
    everyone else. True when it agreed (at least for the CPU); a refusal leaves the thread as it
    was."""
    try:
        if sys.platform == "win32":
            import ctypes

            kernel32 = ctypes.windll.kernel32  # type: ignore[attr-defined]
            return bool(kernel32.SetThreadPriority(kernel32.GetCurrentThread(), _THREAD_MODE_BACKGROUND_BEGIN))
        if sys.platform == "darwin":
            os.setpriority(_PRIO_DARWIN_THREAD, 0, _PRIO_DARWIN_BG)
            return True
        if sys.platform.startswith("linux"):
            tid = threading.get_native_id()
            os.setpriority(os.PRIO_PROCESS, tid, max(LOW_NICE, os.getpriority(os.PRIO_PROCESS, tid)))
            _idle_io(tid)
            return True
    except (OSError, AttributeError, ValueError) as exc:
        log.debug("background thread priority left as it is: %s", exc)
    return False


def _idle_io(tid: int) -> bool:
    number = _IOPRIO_SET.get(platform.machine().lower())
    if number is None:
        return False
    import ctypes

    libc = ctypes.CDLL(None, use_errno=True)
    value = _IOPRIO_CLASS_IDLE << _IOPRIO_CLASS_SHIFT
    return libc.syscall(number, _IOPRIO_WHO_PROCESS, tid, value) == 0


def current_thread_nice() -> int:
    """The calling thread's nice value (Linux; 0 elsewhere): for tests and figures."""
    if sys.platform.startswith("linux"):
        return os.getpriority(os.PRIO_PROCESS, threading.get_native_id())
    return 0


@contextmanager
def switch_often() -> Iterator[None]:
    """The GIL's switch interval BUSY_SWITCH_INTERVAL while any background work runs (nested
    and concurrent uses counted; the interpreter's own value comes back after the last)."""
    global _running, _saved_interval
    with _interval_lock:
        if not _running:
            _saved_interval = sys.getswitchinterval()
            sys.setswitchinterval(min(_saved_interval, BUSY_SWITCH_INTERVAL))
        _running += 1
    try:
        yield
    finally:
        with _interval_lock:
            _running -= 1
            if not _running:
                sys.setswitchinterval(_saved_interval)


def run_low(work: Callable[..., T], *args, name: str = "background", stop: threading.Event | None = None,
            **kwargs) -> T:
    """`work(*args, **kwargs)` on a new thread at a lowered priority; waits for it and returns
    its result or raises its exception. The calling thread's priority does not change.

    `stop` is the work's own stop event (it checks it between steps): when the wait is
    interrupted (KeyboardInterrupt, or any exception raised in this thread meanwhile), it is
    set, the work is waited for until it has ended, and then the interruption is raised."""
    result: dict = {}
    finished = threading.Event()

    def body() -> None:
        lower_current_thread()
        try:
            with switch_often():
                result["value"] = work(*args, **kwargs)
        except BaseException as exc:  # noqa: BLE001 - handed back to the caller as it is
            result["error"] = exc
        finally:
            with _cpu_lock:
                cpu_seconds[name] = cpu_seconds.get(name, 0.0) + time.thread_time()
            finished.set()

    thread = threading.Thread(target=body, name=f"{name} (low priority)", daemon=True)
    try:
        thread.start()  # an interruption may come while start() waits for the thread to begin
        finished.wait()
        thread.join()
    except BaseException as exc:
        if isinstance(exc, RuntimeError) and thread.ident is None and not finished.is_set():
            raise  # "can't start new thread": no work runs, nothing to wait for
        if stop is not None:
            stop.set()
        _wait_to_the_end(thread, finished)
        raise
    if "error" in result:
        raise result["error"]
    return result["value"]


def _wait_to_the_end(thread: threading.Thread, finished: threading.Event) -> None:
    """Wait for the work to end, whatever interrupts the wait meanwhile (a second Ctrl+C):
    it stops within one step once its stop event is set."""
    while True:
        try:
            finished.wait()
            thread.join()
            return
        except BaseException:  # noqa: BLE001 - the first interruption is the one raised
            continue
