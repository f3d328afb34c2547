"""Where frames come from: a USB webcam, or a video / folder / image standing in for one.

Every source has the same small interface (`FrameSource`): open(), read() -> BGR frame,
close(), plus `description`, `resolution` and `frame_interval` (how long the worker waits
between reads; 0 for a webcam, whose read() blocks until the next frame). Failures are
`CameraError`s with a bilingual message, never a bare OpenCV False.
"""

from __future__ import annotations

import glob
import os
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from fundclient.camera.opencv import cv2
import numpy as np

from fundclient.camera import messages
from fundclient.config import Settings
from fundclient.errors import CameraError

IMAGE_SUFFIXES = {".jpg", ".jpeg", ".png", ".bmp", ".webp", ".tif", ".tiff"}
# Asked for first, then the fall-backs; whatever the camera then delivers is reported.
WANTED_RESOLUTIONS = ((1280, 720), (640, 480))
# Big still images (phone photos) are shrunk to this long side when a folder stands in for a
# camera, so the checks run at webcam cost.
MAX_FILE_FRAME_SIDE = 1280


class FrameSource(Protocol):
    description: str
    resolution: tuple[int, int] | None
    frame_interval: float

    def open(self) -> None: ...

    def read(self) -> np.ndarray: ...

    def close(self) -> None: ...


@dataclass(frozen=True)
class CameraInfo:
    spec: str  # what open_source() takes and Settings.camera stores
    name: str


def open_source(spec: str) -> FrameSource:
    """"" or "0"/"1"… → webcam by index; a folder, image or video path → file source.

    The source is returned unopened: the worker opens it (and reopens it after a fault).
    """
    spec = (spec or "").strip()
    if spec == "" or spec.isdigit():
        return DeviceSource(int(spec or 0))
    path = Path(spec).expanduser()
    if not path.exists():
        raise CameraError(messages.SOURCE_NOT_FOUND.format(path=str(path)), code="camera_source")
    return FileSource(path)


def list_cameras(max_probe: int = 4) -> list[CameraInfo]:
    """The webcams this machine shows. Linux reads sysfs (instant, with names); elsewhere
    the first `max_probe` indices are tried, which can take a second each on Windows."""
    if sys.platform.startswith("linux") and os.path.isdir("/sys/class/video4linux"):
        found = []
        for node in sorted(glob.glob("/sys/class/video4linux/video*"),
                           key=lambda p: int(p.rsplit("video", 1)[1])):
            # A webcam exposes a capture node (index 0) and metadata nodes; keep captures.
            if _read_text(Path(node) / "index", "0") != "0":
                continue
            number = node.rsplit("video", 1)[1]
            found.append(CameraInfo(number, _read_text(Path(node) / "name", f"Camera {number}")))
        return found
    found = []
    for index in range(max_probe):
        cap = cv2.VideoCapture(index, _backend())
        try:
            if cap.isOpened():
                found.append(CameraInfo(str(index), f"Camera {index}"))
        finally:
            cap.release()
    return found


def remember_camera(data_dir: Path, spec: str) -> None:
    """Store the office's camera choice (Settings.camera) so the next start uses it."""
    settings = Settings.load(data_dir)
    if settings.camera != spec:
        settings.camera = spec
        settings.save(data_dir)


class DeviceSource:
    """A webcam through OpenCV, with resolution negotiation and a clear error when it fails."""

    frame_interval = 0.0

    def __init__(self, index: int, wanted: tuple[tuple[int, int], ...] = WANTED_RESOLUTIONS):
        self.index = index
        self.wanted = wanted
        self.description = f"camera {index}"
        self.resolution: tuple[int, int] | None = None
        self._cap: cv2.VideoCapture | None = None

    def open(self) -> None:
        self.close()
        cap = cv2.VideoCapture(self.index, _backend())
        if not cap.isOpened():
            cap.release()
            raise CameraError(messages.CAMERA_NOT_FOUND.format(name=self.index), code="camera_missing")
        obtained = negotiate_resolution(cap, self.wanted)
        if obtained is None:
            cap.release()
            raise CameraError(messages.CAMERA_BUSY.format(name=self.index), code="camera_busy")
        self._cap, self.resolution = cap, obtained

    def read(self) -> np.ndarray:
        if self._cap is None:
            raise CameraError(messages.CAMERA_LOST, code="camera_lost")
        ok, frame = self._cap.read()
        if not ok or frame is None or frame.size == 0:
            raise CameraError(messages.CAMERA_LOST, code="camera_lost")
        return frame

    def close(self) -> None:
        if self._cap is not None:
            self._cap.release()
            self._cap = None


def negotiate_resolution(cap, wanted: tuple[tuple[int, int], ...]) -> tuple[int, int] | None:
    """Ask for each wanted size in turn; keep the first the camera really delivers.

    Drivers accept any set() and silently deliver something else, so the truth is the shape
    of a frame read back. If no size is honoured, keep whatever the camera gives; None when
    it gives no frame at all (busy or broken).
    """
    last_shape = None
    for width, height in wanted:
        cap.set(cv2.CAP_PROP_FRAME_WIDTH, width)
        cap.set(cv2.CAP_PROP_FRAME_HEIGHT, height)
        ok, frame = cap.read()
        if not ok or frame is None:
            continue
        last_shape = (frame.shape[1], frame.shape[0])
        if last_shape == (width, height):
            return last_shape
    return last_shape


class FileSource:
    """A video file, a folder of images or one image, looped forever like a live camera."""

    def __init__(self, path: Path, fps: float | None = None):
        self.path = Path(path)
        self.description = str(self.path)
        self.resolution: tuple[int, int] | None = None
        self.frame_interval = 1.0 / (fps or 15.0)
        self._fps_given = fps is not None
        self._video: cv2.VideoCapture | None = None
        self._images: list[np.ndarray] = []
        self._next = 0

    def open(self) -> None:
        self.close()
        if not self.path.exists():
            raise CameraError(messages.SOURCE_NOT_FOUND.format(path=str(self.path)), code="camera_source")
        if self.path.is_dir() or self.path.suffix.lower() in IMAGE_SUFFIXES:
            self._images = _load_images(self.path)
            first = self._images[0]
        else:
            video = cv2.VideoCapture(str(self.path))
            ok, first = video.read() if video.isOpened() else (False, None)
            if not ok:
                video.release()
                raise CameraError(messages.IMAGE_UNREADABLE.format(path=str(self.path)), code="camera_source")
            video.set(cv2.CAP_PROP_POS_FRAMES, 0)
            fps = video.get(cv2.CAP_PROP_FPS)
            if not self._fps_given and 1 <= fps <= 120:
                self.frame_interval = 1.0 / fps
            self._video = video
        self.resolution = (first.shape[1], first.shape[0])
        self._next = 0

    def read(self) -> np.ndarray:
        if self._images:
            frame = self._images[self._next % len(self._images)]
            self._next += 1
            return frame.copy()
        if self._video is None:
            raise CameraError(messages.CAMERA_LOST, code="camera_lost")
        ok, frame = self._video.read()
        if not ok:  # end of the video: loop
            self._video.set(cv2.CAP_PROP_POS_FRAMES, 0)
            ok, frame = self._video.read()
        if not ok or frame is None:
            raise CameraError(messages.CAMERA_LOST, code="camera_lost")
        return frame

    def close(self) -> None:
        if self._video is not None:
            self._video.release()
            self._video = None
        self._images = []


def read_image(path: Path) -> np.ndarray:
    """Decode an image file to BGR (handles non-ASCII paths, which cv2.imread does not on
    Windows), shrunk to MAX_FILE_FRAME_SIDE."""
    try:
        raw = np.fromfile(str(path), dtype=np.uint8)
    except OSError:
        raw = np.empty(0, np.uint8)
    image = cv2.imdecode(raw, cv2.IMREAD_COLOR) if raw.size else None
    if image is None:
        raise CameraError(messages.IMAGE_UNREADABLE.format(path=str(path)), code="camera_source")
    long_side = max(image.shape[:2])
    if long_side > MAX_FILE_FRAME_SIDE:
        scale = MAX_FILE_FRAME_SIDE / long_side
        image = cv2.resize(image, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
    return image


def _load_images(path: Path) -> list[np.ndarray]:
    files = [path] if path.is_file() else sorted(
        p for p in path.iterdir() if p.suffix.lower() in IMAGE_SUFFIXES)
    if not files:
        raise CameraError(messages.SOURCE_EMPTY.format(path=str(path)), code="camera_source")
    return [read_image(p) for p in files]


def _backend() -> int:
    # DirectShow opens fast and honours size requests on Windows; V4L2 directly on Linux.
    if sys.platform == "win32":
        return cv2.CAP_DSHOW
    if sys.platform.startswith("linux"):
        return cv2.CAP_V4L2
    return cv2.CAP_ANY


def _read_text(path: Path, default: str) -> str:
    try:
        return path.read_text(encoding="utf-8", errors="replace").strip() or default
    except OSError:
        return default
