"""Background work behind the clerk's (fundclient/threadprio.py, issue #11 item 2): the backup,
the sync and bulk sealing run on threads of their own at the lowest priority; the thread that
asked keeps its own."""

from __future__ import annotations

import os
import sys
import threading

import pytest

from fundclient import threadprio
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
def test_the_work_runs_at_nice_19_with_idle_io_and_the_caller_keeps_its_priority():
    before = threadprio.current_thread_nice()
    nice, io_class, policy = threadprio.run_low(lambda: (threadprio.current_thread_nice(), _io_class(),
                                                         os.sched_getscheduler(threading.get_native_id())), name="t")
    assert nice == 19 and policy == os.SCHED_IDLE
    assert os.sched_getscheduler(threading.get_native_id()) != os.SCHED_IDLE
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


@linux
def test_a_sync_run_goes_on_a_low_priority_thread(data_dir, monkeypatch):
    seen = []

    def fake_run(*args):  # the run itself is the sync tests'; here only where it runs
        seen.append((threading.current_thread(), threadprio.current_thread_nice()))

    monkeypatch.setattr(engine, "_run", fake_run)
    engine.run_sync(data_dir)
    assert seen and seen[0][0] is not threading.current_thread() and seen[0][1] == 19


def test_while_background_work_runs_the_gil_is_handed_over_every_millisecond():
    before = sys.getswitchinterval()
    inner = threadprio.run_low(lambda: threadprio.run_low(sys.getswitchinterval, name="t2"), name="t")
    assert inner == pytest.approx(threadprio.BUSY_SWITCH_INTERVAL)
    assert sys.getswitchinterval() == pytest.approx(before)
