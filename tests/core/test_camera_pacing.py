"""The live checks' rate adapted to the machine, the preview's reused buffers, and the
newest-only worker waiting for its pacer (issue #18 item 1). Fake clocks, no timing."""

from __future__ import annotations

import threading

import numpy as np

import camera_scenes as cs
from fundclient.camera.display import BUFFERS, DisplayFrames, fitted
from fundclient.camera.pacing import CheckPacer
from fundclient.camera.thresholds import THRESHOLDS
from fundclient.camera.worker import LatestOnlyWorker


class Clock:
    def __init__(self):
        self.now = 100.0

    def __call__(self):
        return self.now


def test_checks_use_their_share_of_a_core_whatever_the_pc():
    t = THRESHOLDS
    for cost in (0.010, 0.015, 0.030, 0.050):  # fast PC ... slow PC
        clock = Clock()
        pacer = CheckPacer(clock=clock)
        for _ in range(20):
            started = clock.now
            clock.now += cost
            pacer.done(started, cost)
            clock.now += pacer.delay()
        expected = min(t.max_check_interval, max(t.min_check_interval, cost / t.check_cpu_share))
        assert abs(pacer.interval - expected) < 1e-9
        assert cost / pacer.interval <= t.check_cpu_share + 1e-9  # never more than the share
    assert CheckPacer().interval == t.min_check_interval  # before the first check: at once


def test_a_slow_pc_checks_less_often_than_a_fast_one():
    fast, slow = CheckPacer(clock=Clock()), CheckPacer(clock=Clock())
    for _ in range(10):
        fast.done(0.0, 0.012)
        slow.done(0.0, 0.040)
    assert slow.checks_per_second < fast.checks_per_second
    assert fast.checks_per_second >= 1 / 0.12  # a quiet 2-core PC: about 8 checks a second


def test_the_next_check_waits_from_the_start_of_the_last():
    clock = Clock()
    pacer = CheckPacer(clock=clock)
    pacer.done(clock.now, 0.024)  # interval 0.2 s from this start
    clock.now += 0.024
    assert abs(pacer.delay() - (pacer.interval - 0.024)) < 1e-9
    clock.now += 1.0
    assert pacer.delay() == 0.0


def test_a_late_gui_slows_the_checks_down_and_they_recover():
    t = THRESHOLDS
    pacer = CheckPacer(clock=Clock())
    pacer.done(0.0, 0.015)
    normal = pacer.interval
    for _ in range(20):
        pacer.gui_late(0.3)  # the window is busy
    assert pacer.slowdown == t.max_gui_slowdown  # bounded
    assert pacer.interval > normal
    for _ in range(60):
        pacer.gui_late(0.005)  # keeping up again
    assert pacer.slowdown == 1.0 and pacer.interval == normal


def test_preview_frames_are_scaled_into_three_reused_buffers():
    display = DisplayFrames()
    display.box = (500, 400)
    frame = cs.scene()  # 640x480
    taken = []
    for n in range(200):
        asked = display.put(frame)
        assert asked == (n == 0 or taken[-1] is not None)  # one paint waiting at most
        taken.append(display.take() if n % 3 else None)  # the GUI misses some
    assert display.allocations <= BUFFERS
    shown = [t for t in taken if t is not None]
    assert {s.shape for s in shown} == {(375, 500, 3)}
    assert fitted((640, 480), (500, 400)) == (500, 375)
    assert display.frame_width == 640


def test_the_buffer_on_screen_is_never_written_and_the_newest_is_taken():
    display = DisplayFrames()
    frames = [np.full((48, 64, 3), level, np.uint8) for level in range(10, 250, 10)]
    display.put(frames[0])
    on_screen = display.take()
    assert on_screen[0, 0, 0] == 10
    for frame in frames[1:]:  # the GUI is busy: the capture thread keeps writing
        display.put(frame)
        assert on_screen[0, 0, 0] == 10  # what the GUI is painting stays put
    assert display.take()[0, 0, 0] == frames[-1][0, 0, 0]  # then the newest, not a queue
    assert display.take() is None


def test_a_resized_preview_gets_frames_at_its_new_size():
    display = DisplayFrames()
    display.box = (320, 240)
    display.put(cs.scene())
    assert display.take().shape == (240, 320, 3)
    display.box = (1000, 300)
    display.put(cs.scene())
    assert display.take().shape == (300, 400, 3)


class GatePacer:
    """A pacer whose wait the test ends: the worker is held as if resting."""

    def __init__(self):
        self.asked = threading.Event()
        self.release = threading.Event()

    def delay(self) -> float:
        self.asked.set()
        self.release.wait(10)
        return 0.0


def test_the_paced_worker_checks_only_the_newest_frame_after_its_rest():
    pacer = GatePacer()
    done = []
    finished = threading.Event()

    def on_result(item, result):
        done.append(item)
        finished.set()

    worker = LatestOnlyWorker(lambda item: item * 2, on_result, pacer=pacer)
    worker.start()
    try:
        worker.submit(1)
        assert pacer.asked.wait(10)  # resting, with frame 1 waiting
        assert worker.has_work
        for item in range(2, 30):  # frames keep coming: each replaces the waiting one
            worker.submit(item)
        pacer.release.set()
        assert finished.wait(10)
    finally:
        worker.stop()
    assert done == [29]
    assert not worker.has_work
