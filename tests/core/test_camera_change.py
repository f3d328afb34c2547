"""Skipping the checks on unchanged frames, and OpenCV pinned to one thread (issue #18)."""

from __future__ import annotations

import os
import subprocess
import sys

import numpy as np

import camera_scenes as cs
from fundclient.camera.change import ChangeGate
from fundclient.camera.thresholds import THRESHOLDS


class Clock:
    def __init__(self):
        self.now = 0.0

    def __call__(self):
        return self.now


def webcam_noise(frame: np.ndarray, seed: int, sigma: float = 3.0) -> np.ndarray:
    noise = np.random.default_rng(seed).normal(0, sigma, frame.shape)
    return np.clip(frame.astype(np.float32) + noise, 0, 255).astype(np.uint8)


def test_a_still_person_is_checked_once_then_again_after_a_second():
    clock = Clock()
    gate = ChangeGate(clock=clock)
    frame = cs.scene()
    assert gate.changed(webcam_noise(frame, 0))  # the first frame is always checked
    for seed in range(1, 15):  # 1 s of a 15 fps webcam: sensor noise only
        clock.now += 1 / 15
        if clock.now < THRESHOLDS.recheck_after:
            assert not gate.changed(webcam_noise(frame, seed))
    clock.now = THRESHOLDS.recheck_after + 0.01
    assert gate.changed(webcam_noise(frame, 99))  # light may drift: checked again
    assert gate.skipped >= 13 and gate.checked == 2


def test_movement_light_and_a_second_person_are_checked():
    clock = Clock()
    gate = ChangeGate(clock=clock)
    assert gate.changed(cs.scene())
    for other in (cs.scene(cx=0.52), cs.darkened(cs.scene(), 0.8), cs.two_faces()):
        clock.now += 0.05
        assert gate.difference(other) >= THRESHOLDS.skip_change_below
        assert gate.changed(other)


def test_slow_drift_is_measured_from_the_last_checked_frame():
    clock = Clock()
    gate = ChangeGate(clock=clock)
    gate.changed(cs.scene(cx=0.50))
    results = []
    for step in range(1, 9):  # the person leans 0.25 % of the width per frame
        clock.now += 1 / 15
        results.append(gate.changed(cs.scene(cx=0.50 + 0.0025 * step)))
    assert any(results)  # the small moves add up against the last checked frame


def test_the_camera_package_pins_opencv_to_one_thread():
    code = ("import cv2; cv2.setNumThreads(4); import fundclient.camera.analysis; "
            "print(cv2.getNumThreads())")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         env={**os.environ}, check=True).stdout.strip()
    assert out == "1"
