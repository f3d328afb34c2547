"""Capture thread: frames delivered, clean stop, unplug/replug recovery without a crash."""

from __future__ import annotations

import threading
import time

import cv2
import pytest

import camera_scenes as cs
from fundclient.camera import messages
from fundclient.camera.sources import DeviceSource, FileSource
from fundclient.camera.worker import CaptureWorker, LatestOnlyWorker
from waiting import wait_for

FAST_BACKOFF = (0.05, 0.1, 0.2)


@pytest.fixture
def folder(tmp_path):
    cv2.imwrite(str(tmp_path / "a.jpg"), cs.scene())
    return tmp_path


def test_frames_flow_and_stop_releases_the_source(folder):
    frames, statuses = [], []
    source = FileSource(folder, fps=60)
    worker = CaptureWorker(source, frames.append, statuses.append)
    worker.start()
    assert wait_for(lambda: len(frames) >= 5)
    assert statuses[0].state == "live" and statuses[0].resolution == (640, 480)
    worker.stop()
    assert not worker.running
    assert statuses[-1].state == "stopped"
    count = len(frames)
    time.sleep(0.1)
    assert len(frames) == count  # nothing after stop
    assert source._images == []  # released


def test_unplugged_camera_reports_and_recovers(folder):
    frames, statuses = [], []
    source = cs.FlakySource(FileSource(folder, fps=60), fail_after=5, down_for=0.5)
    worker = CaptureWorker(source, frames.append, statuses.append, backoff=FAST_BACKOFF)
    worker.start()
    try:
        assert wait_for(lambda: len(frames) >= 15, timeout=6)
    finally:
        worker.stop()
    states = [s.state for s in statuses]
    assert states[:3] == ["live", "lost", "live"], states
    lost = statuses[1]
    assert lost.message == messages.CAMERA_LOST and lost.message.ar  # bilingual, clear
    assert statuses[2].message == messages.CAMERA_BACK
    assert source.opens >= 3  # it kept trying to reopen while unplugged...
    assert source.opens < 40  # ...with backoff, not in a busy loop


def test_missing_device_keeps_retrying_without_crashing():
    statuses = []
    worker = CaptureWorker(DeviceSource(63), lambda frame: None, statuses.append, backoff=FAST_BACKOFF)
    worker.start()
    assert wait_for(lambda: statuses and statuses[0].state == "lost")
    assert statuses[0].code in {"camera_missing", "camera_busy"}
    assert statuses[0].message.ar and statuses[0].message.en
    time.sleep(0.3)
    assert worker.running and len([s for s in statuses if s.state == "lost"]) == 1  # said once
    worker.stop()
    assert not worker.running


def test_a_failing_consumer_does_not_kill_the_camera(folder):
    calls = []

    def consumer(frame):
        calls.append(1)
        raise ValueError("consumer bug")

    worker = CaptureWorker(FileSource(folder, fps=100), consumer)
    worker.start()
    assert wait_for(lambda: len(calls) >= 5)
    assert worker.running
    worker.stop()


def test_latest_only_worker_skips_stale_items():
    done = []
    gate = threading.Event()

    def slow(item):
        gate.wait(1)
        return item * 10

    worker = LatestOnlyWorker(slow, lambda item, result: done.append((item, result)))
    worker.start()
    for item in range(1, 50):
        worker.submit(item)
        time.sleep(0.001)
    gate.set()
    assert wait_for(lambda: done and done[-1][0] == 49)
    worker.stop()
    assert len(done) < 10  # most frames were dropped, not queued
    assert all(result == item * 10 for item, result in done)


def _aged(name: str, seconds_ago: float) -> tuple[str, float]:
    return name, time.monotonic() - seconds_ago


FRESH = (lambda item: time.monotonic() - item[1], 0.05)


def test_the_checks_never_start_on_a_frame_gone_stale_while_a_fresh_one_is_coming():
    done = []
    worker = LatestOnlyWorker(lambda item: item, lambda item, result: done.append(item[0]),
                              fresh=(*FRESH, 5.0))
    worker.submit(_aged("read a second ago", 1.0))  # waited behind a long check
    worker.start()
    try:
        time.sleep(0.3)
        assert done == []  # not checked: the next frame is awaited
        worker.submit(_aged("just read", 0.0))
        assert wait_for(lambda: done)
    finally:
        worker.stop()
    assert done == ["just read"] and worker.stale_skipped == 1


def test_a_stale_frame_is_still_checked_when_the_camera_gives_no_newer_one():
    done = []
    worker = LatestOnlyWorker(lambda item: item, lambda item, result: done.append(item[0]),
                              fresh=(*FRESH, 0.1))
    worker.submit(_aged("the last frame before a stall", 1.0))
    worker.start()
    try:
        assert wait_for(lambda: done)
    finally:
        worker.stop()
    assert done == ["the last frame before a stall"] and worker.stale_skipped == 0
