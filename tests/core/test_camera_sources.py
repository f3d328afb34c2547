"""Frame sources: webcam spec parsing, resolution negotiation, video / folder / image files."""

from __future__ import annotations

import json

import cv2
import numpy as np
import pytest

import camera_scenes as cs
from fundclient.camera.sources import (DeviceSource, FileSource, negotiate_resolution, open_source,
                                       remember_camera)
from fundclient.config import Settings
from fundclient.errors import CameraError


def test_spec_selects_webcam_by_index():
    assert isinstance(open_source(""), DeviceSource) and open_source("").index == 0
    assert open_source("0").index == 0
    assert open_source(" 1 ").index == 1


def test_missing_path_is_a_bilingual_camera_error(tmp_path):
    with pytest.raises(CameraError) as error:
        open_source(str(tmp_path / "nothing.mp4"))
    assert "nothing.mp4" in error.value.message.ar and "not found" in error.value.message.en


def test_absent_webcam_fails_clearly_on_open():
    source = DeviceSource(63)  # no machine has 64 cameras
    with pytest.raises(CameraError) as error:
        source.open()
    assert error.value.code in {"camera_missing", "camera_busy"}
    with pytest.raises(CameraError):
        source.read()
    source.close()


class ScriptedCamera:
    """A camera driver that accepts every size request but only delivers `supported`
    (what cheap webcams do); `broken` delivers no frame at all."""

    def __init__(self, supported, broken=False):
        self.supported, self.broken = supported, broken
        self.asked = (640, 480)

    def set(self, prop, value):
        width, height = self.asked
        self.asked = (int(value), height) if prop == cv2.CAP_PROP_FRAME_WIDTH else (width, int(value))
        return True

    def read(self):
        if self.broken:
            return False, None
        size = self.asked if self.asked in self.supported else self.supported[0]
        return True, np.zeros((size[1], size[0], 3), np.uint8)


def test_resolution_negotiation_asks_720p_then_falls_back():
    assert negotiate_resolution(ScriptedCamera([(1280, 720), (640, 480)]), ((1280, 720), (640, 480))) == (1280, 720)
    assert negotiate_resolution(ScriptedCamera([(640, 480)]), ((1280, 720), (640, 480))) == (640, 480)
    # honours none of them: report what it really gives
    assert negotiate_resolution(ScriptedCamera([(352, 288)]), ((1280, 720), (640, 480))) == (352, 288)
    assert negotiate_resolution(ScriptedCamera([(640, 480)], broken=True), ((1280, 720),)) is None


def test_folder_source_loops_in_name_order(tmp_path):
    for i, gain in enumerate((0.5, 1.0, 0.8)):
        cv2.imwrite(str(tmp_path / f"frame_{i}.png"), cs.darkened(cs.scene(), gain))
    (tmp_path / "notes.txt").write_text("not a picture")
    source = open_source(str(tmp_path))
    source.open()
    assert source.resolution == (640, 480) and source.frame_interval > 0
    means = [round(float(source.read().mean())) for _ in range(7)]
    assert means[:3] == means[3:6] and means[6] == means[0]
    assert means[0] < means[2] < means[1]
    source.close()


def test_single_image_source_and_big_images_are_shrunk(tmp_path):
    big = cv2.resize(cs.scene(), (2560, 1920))
    path = tmp_path / "صورة.jpg"  # Arabic file names must work (Windows clerks use them)
    cv2.imencode(".jpg", big)[1].tofile(str(path))
    source = open_source(str(path))
    source.open()
    assert source.read().shape == (960, 1280, 3)
    assert source.read().shape == (960, 1280, 3)


def test_empty_folder_is_an_error(tmp_path):
    source = open_source(str(tmp_path))
    with pytest.raises(CameraError):
        source.open()


def test_video_source_loops_and_reports_its_rate(tmp_path):
    path = tmp_path / "clip.avi"
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"MJPG"), 10, (640, 480))
    assert writer.isOpened()
    for shift in range(6):
        writer.write(cs.scene(cx=0.44 + 0.02 * shift))
    writer.release()
    source = open_source(str(path))
    assert isinstance(source, FileSource)
    source.open()
    assert source.resolution == (640, 480)
    assert source.frame_interval == pytest.approx(0.1, rel=0.05)
    frames = [source.read() for _ in range(14)]  # more than the clip holds
    assert all(f.shape == (480, 640, 3) for f in frames)
    assert np.abs(frames[0].astype(int) - frames[6].astype(int)).mean() < 2  # looped to the start
    source.close()


def test_camera_choice_is_remembered_in_settings(data_dir):
    remember_camera(data_dir, "1")
    assert Settings.load(data_dir).camera == "1"
    assert json.loads((data_dir / "settings.json").read_text(encoding="utf-8"))["camera"] == "1"
    remember_camera(data_dir, "/media/demo/video.mp4")
    assert Settings.load(data_dir).camera == "/media/demo/video.mp4"
