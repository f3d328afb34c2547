"""The event-loop watch (ui/watchdog.py): the longest gap of the GUI event loop, and with
`sample_stacks` where the GUI thread was during it — what benchmarks/signin_bench.py --stacks
prints to find the work to move off the GUI thread (#18 item 3)."""

from __future__ import annotations

import time

import pytest
from PySide6.QtCore import QEventLoop, QTimer

from fundclient.ui.watchdog import EventLoopWatch

pytestmark = pytest.mark.qt


def _blocks_the_gui_thread_for_a_while() -> None:
    began = time.perf_counter()
    while time.perf_counter() - began < 0.3:
        sum(range(2000))


def _run_events(ms: int) -> None:
    loop = QEventLoop()
    QTimer.singleShot(ms, loop.quit)
    loop.exec()


def test_the_longest_gap_names_the_function_that_held_the_gui_thread(gui_app):
    watch = EventLoopWatch(10, warn_ms=10_000, sample_stacks=True)
    watch.start()
    _run_events(50)
    QTimer.singleShot(0, _blocks_the_gui_thread_for_a_while)
    _run_events(400)
    watch.stop()
    assert watch.max_gap_ms >= 300
    summary = watch.max_gap_summary()
    assert summary and "_blocks_the_gui_thread_for_a_while (ui/test_watchdog.py:" in summary[0], summary
    assert all(stack[-1][2] for stack in watch.max_gap_stacks)  # innermost frame last, named


def test_without_sampling_no_thread_is_started_and_no_stacks_are_kept(gui_app):
    import threading

    watch = EventLoopWatch(10, warn_ms=10_000)
    watch.start()
    assert not any(t.name == "gui-stack-sampler" for t in threading.enumerate())
    QTimer.singleShot(0, _blocks_the_gui_thread_for_a_while)
    _run_events(400)
    watch.stop()
    assert watch.max_gap_ms >= 300 and watch.max_gap_stacks == [] and watch.max_gap_summary() == []
