"""Background work behind the clerk's (issue #11 item 2: a save during a backup and a sync
waits < 100 ms on a 2-core PC).

The daily backup and the sync run on threads of their own; at the OS's normal priority they
take a core each, and the clerk's save then waits for a core (and for the disk) behind them.
So their threads ask the OS for the lowest priority: the save gets the core, and the disk,
first; the background work uses whatever is left — on an idle PC, all of it.

- Linux: the thread's nice value 19 and the SCHED_IDLE policy (a thread is a task; lowering is
  always allowed: it runs on a core nothing else wants, and a thread of normal priority waking
  up takes the core from it at once) and the idle I/O class (`ioprio_set`; honoured by the mq-deadline and BFQ disk schedulers: the
  thread's reads and the writes it flushes itself go after everyone else's).
- Windows: `THREAD_MODE_BACKGROUND_BEGIN` (lower CPU, I/O and memory priority, the thread only).
- macOS: the thread's `PRIO_DARWIN_BG`.

Lowering a thread's priority cannot be undone without privileges, so `run_low` runs the work
on a new thread of its own and waits for it: the caller's thread keeps its priority.

The OS's priority does not reach Python's own lock (the GIL): a thread that wants it asks the
holder to let go and waits up to the interpreter's switch interval (5 ms) for it — at every
hand-over; a save hands the GIL over at each SQLite call and fsync. While background work runs
here, the switch interval is BUSY_SWITCH_INTERVAL (1 ms): a save waits at most that long each
time for a background thread's Python code (a few more switches cost the background work
well under 1 %).
"""

from __future__ import annotations

import logging
import os
import platform
import sys
import threading
import time
from collections.abc import Callable
from typing import TypeVar

log = logging.getLogger(__name__)

T = TypeVar("T")

LOW_NICE = 19
BUSY_SWITCH_INTERVAL = 0.001
_running = 0
_saved_interval = 0.0
_interval_lock = threading.Lock()
# CPU seconds used by `run_low` work, by its name ("backup", "sync"): for benchmarks' figures.
cpu_seconds: dict[str, float] = {}
_cpu_lock = threading.Lock()
_IOPRIO_SET = {"x86_64": 251, "amd64": 251, "aarch64": 30, "arm64": 30, "i386": 289, "i686": 289}
_IOPRIO_WHO_PROCESS = 1  # with a thread id: that thread only
_IOPRIO_CLASS_IDLE = 3
_IOPRIO_CLASS_SHIFT = 13
_THREAD_MODE_BACKGROUND_BEGIN = 0x00010000  # winbase.h
_PRIO_DARWIN_THREAD, _PRIO_DARWIN_BG = 3, 0x1000


def lower_current_thread() -> bool:
    """Ask the OS to run the calling thread after every other (CPU and disk). True when it
    agreed (at least for the CPU); a refusal leaves the thread as it was."""
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
            _idle_cpu(tid)
            _idle_io(tid)
            return True
    except (OSError, AttributeError, ValueError) as exc:
        log.debug("background thread priority left as it is: %s", exc)
    return False


def _idle_cpu(tid: int) -> bool:
    """SCHED_IDLE: the thread runs only on a core nothing else wants, and a thread of normal
    priority that wakes up (a save back from its fsync) takes the core from it at once."""
    try:
        os.sched_setscheduler(tid, os.SCHED_IDLE, os.sched_param(0))
        return True
    except (OSError, AttributeError):
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


def _switch_often(start: bool) -> None:
    """The GIL's switch interval BUSY_SWITCH_INTERVAL while any `run_low` work runs."""
    global _running, _saved_interval
    with _interval_lock:
        if start:
            if not _running:
                _saved_interval = sys.getswitchinterval()
                sys.setswitchinterval(min(_saved_interval, BUSY_SWITCH_INTERVAL))
            _running += 1
        else:
            _running -= 1
            if not _running:
                sys.setswitchinterval(_saved_interval)


def run_low(work: Callable[..., T], *args, name: str = "background", **kwargs) -> T:
    """`work(*args, **kwargs)` on a new thread at the lowest priority; waits for it and returns
    its result or raises its exception. The calling thread's priority does not change."""
    result: dict = {}

    def body() -> None:
        lower_current_thread()
        _switch_often(True)
        try:
            result["value"] = work(*args, **kwargs)
        except BaseException as exc:  # noqa: BLE001 - handed back to the caller as it is
            result["error"] = exc
        finally:
            _switch_often(False)
            with _cpu_lock:
                cpu_seconds[name] = cpu_seconds.get(name, 0.0) + time.thread_time()

    thread = threading.Thread(target=body, name=f"{name} (low priority)", daemon=True)
    thread.start()
    thread.join()
    if "error" in result:
        raise result["error"]
    return result["value"]
