"""Background work behind the clerk's (fundclient/threadprio.py, issue #11 item 2; review
finding 3): the backup's copy runs on a thread of its own at a mildly lowered priority (nice
5, idle I/O class, never SCHED_IDLE); the sync and sealing, which take the writer's turn, run
on their caller's thread at its priority; the thread that asked keeps its own. An interrupted
wait stops the work and waits for it before re-raising (review finding 4)."""

from __future__ import annotations

import os
import signal
import sys
import threading

import pytest

from fundclient import threadprio
from fundclient.services import sealing
from fundclient.sync import engine

linux = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the nice value is Linux's")


def test_run_low_runs_on_another_thread_and_hands_back_result_and_errors():
    caller = threading.current_thread()
    seen = []
    assert threadprio.run_low(lambda a, b=0: (seen.append(threading.current_thread()), a + b)[1], 2, b=3,
                              name="t") == 5
    assert seen and seen[0] is not caller and "low priority" in seen[0].name

    def fails():
        raise KeyError("x")

    with pytest.raises(KeyError):
        threadprio.run_low(fails, name="t")


@linux
def test_the_work_runs_at_nice_5_with_idle_io_never_sched_idle_and_the_caller_keeps_its_priority():
    before = threadprio.current_thread_nice()
    nice, io_class, policy = threadprio.run_low(lambda: (threadprio.current_thread_nice(), _io_class(),
                                                         os.sched_getscheduler(threading.get_native_id())), name="t")
    assert nice == max(threadprio.LOW_NICE, before) and 0 < threadprio.LOW_NICE <= 10
    assert policy == os.SCHED_OTHER  # SCHED_IDLE would starve it (and whoever waits for its GIL)
    assert io_class in (3, None)  # idle, where the kernel tells (None: no ioprio_get here)
    assert threadprio.current_thread_nice() == before
    assert threadprio.cpu_seconds["t"] >= 0


def _io_class():
    import ctypes
    import platform

    number = {"x86_64": 252, "aarch64": 31}.get(platform.machine())
    if number is None:
        return None
    value = ctypes.CDLL(None).syscall(number, 1, threading.get_native_id())
    return None if value < 0 else value >> 13


def test_a_sync_run_goes_on_the_callers_thread_at_its_priority(data_dir, monkeypatch):
    seen = []

    def fake_run(*args):  # the run itself is the sync tests'; here only where it runs
        seen.append((threading.current_thread(), threadprio.current_thread_nice(), sys.getswitchinterval()))

    monkeypatch.setattr(engine, "_run", fake_run)
    before = sys.getswitchinterval()
    engine.run_sync(data_dir)
    assert seen == [(threading.current_thread(), threadprio.current_thread_nice(),
                     pytest.approx(threadprio.BUSY_SWITCH_INTERVAL))]
    assert sys.getswitchinterval() == pytest.approx(before)


def test_sealing_is_not_moved_to_a_lowered_thread():
    assert "run_low" not in vars(sealing)


def test_while_background_work_runs_the_gil_is_handed_over_every_millisecond():
    before = sys.getswitchinterval()
    inner = threadprio.run_low(lambda: threadprio.run_low(sys.getswitchinterval, name="t2"), name="t")
    assert inner == pytest.approx(threadprio.BUSY_SWITCH_INTERVAL)
    assert sys.getswitchinterval() == pytest.approx(before)


@pytest.fixture
def interrupt_main():
    """`interrupt_main()` from any thread: SIGUSR1 to the main thread, whose handler raises
    KeyboardInterrupt there — as Ctrl+C does, in the middle of whatever the main thread waits in."""
    assert threading.current_thread() is threading.main_thread()

    def handler(signum, frame):
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGUSR1, handler)
    try:
        yield lambda: signal.pthread_kill(threading.main_thread().ident, signal.SIGUSR1)
    finally:
        signal.signal(signal.SIGUSR1, previous)


@linux
def test_an_interrupted_wait_stops_the_work_waits_for_it_then_raises(interrupt_main):
    """Ctrl+C reaches only the waiting thread: the work is told to stop and has ended before
    the interruption goes on (nothing the caller closes is still in use)."""
    stop, ended = threading.Event(), threading.Event()

    def work():
        interrupt_main()
        stopped = stop.wait(60)
        ended.set()
        return stopped

    with pytest.raises(KeyboardInterrupt):
        threadprio.run_low(work, name="t", stop=stop)
    assert stop.is_set() and ended.is_set()
    assert not [t for t in threading.enumerate() if t.name == "t (low priority)"]
