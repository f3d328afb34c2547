"""Camera test scenes built from the one real photograph in tests/data (see its README).

Imported by tests/core/test_camera_*.py, tests/ui/test_camera_widget.py and
benchmarks/camera_bench.py; tests/ is on sys.path because tests/conftest.py lives there.
"""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np

DATA = Path(__file__).parent / "data"
ASTRONAUT = DATA / "astronaut.jpg"
# Haar face box of astronaut.jpg (x, y, w, h), measured once; scenes are placed from it.
ASTRONAUT_FACE = (177, 66, 95, 95)


def astronaut() -> np.ndarray:
    image = cv2.imread(str(ASTRONAUT))
    assert image is not None, ASTRONAUT
    return image


def scene(face_height: float = 0.30, cx: float = 0.5, cy: float = 0.46,
          size: tuple[int, int] = (640, 480), image: np.ndarray | None = None,
          face: tuple[int, int, int, int] = ASTRONAUT_FACE) -> np.ndarray:
    """A webcam-like frame with the portrait scaled so its face box is `face_height` of the
    frame height and centred at (cx, cy) (fractions of the frame). Areas outside the
    photograph repeat its edge pixels (the grey studio backdrop above the head)."""
    src = astronaut() if image is None else image
    width, height = size
    fx, fy, fw, fh = face
    scale = face_height * height / fh
    # affine map: photo face centre -> wanted frame point
    m = np.float32([[scale, 0, cx * width - scale * (fx + fw / 2)],
                    [0, scale, cy * height - scale * (fy + fh / 2)]])
    return cv2.warpAffine(src, m, (width, height), flags=cv2.INTER_AREA if scale < 1 else cv2.INTER_LINEAR,
                          borderMode=cv2.BORDER_REPLICATE)


def darkened(frame: np.ndarray, gain: float = 0.22) -> np.ndarray:
    return np.clip(frame.astype(np.float32) * gain, 0, 255).astype(np.uint8)


def blurred(frame: np.ndarray, sigma: float = 4.0) -> np.ndarray:
    return cv2.GaussianBlur(frame, (0, 0), sigma)


def two_faces(size: tuple[int, int] = (640, 480)) -> np.ndarray:
    """The portrait and its mirror image side by side, as if two people sat together."""
    src = astronaut()
    pair = np.hstack([src, cv2.flip(src, 1)])
    width, height = size
    scaled = cv2.resize(pair, (width, width * pair.shape[0] // pair.shape[1]), interpolation=cv2.INTER_AREA)
    top = (height - scaled.shape[0]) // 3
    return cv2.copyMakeBorder(scaled, top, height - scaled.shape[0] - top, 0, 0, cv2.BORDER_REFLECT_101)


def no_face(size: tuple[int, int] = (640, 480)) -> np.ndarray:
    """The right-hand part of the photograph (shuttle model, helmet), no face in it."""
    src = astronaut()[0:512, 300:512]
    return cv2.resize(src, size, interpolation=cv2.INTER_LINEAR)


def noise(size: tuple[int, int] = (640, 480), seed: int = 7) -> np.ndarray:
    return np.random.default_rng(seed).integers(0, 256, (size[1], size[0], 3), dtype=np.uint8)


def backlit(frame: np.ndarray, face_height: float = 0.30, cx: float = 0.5, cy: float = 0.46) -> np.ndarray:
    """A window behind the person: the camera's auto-exposure leaves the person dark while
    everything around the head and body is near white."""
    height, width = frame.shape[:2]
    person = np.zeros((height, width), np.uint8)
    fh = face_height * height
    cv2.ellipse(person, (int(cx * width), int(cy * height)), (int(0.62 * fh), int(0.85 * fh)), 0, 0, 360, 255, -1)
    cv2.rectangle(person, (int(cx * width - 1.3 * fh), int(cy * height + 0.6 * fh)), (int(cx * width + 1.3 * fh), height), 255, -1)
    person = cv2.GaussianBlur(person, (0, 0), 6).astype(np.float32)[..., None] / 255
    dim = frame.astype(np.float32) * 0.5
    window = 0.25 * frame.astype(np.float32) + 0.75 * 250
    return np.clip(person * dim + (1 - person) * window, 0, 255).astype(np.uint8)


def rotated(frame: np.ndarray, degrees: float, cx: float = 0.5, cy: float = 0.46) -> np.ndarray:
    height, width = frame.shape[:2]
    m = cv2.getRotationMatrix2D((cx * width, cy * height), degrees, 1.0)
    return cv2.warpAffine(frame, m, (width, height), borderMode=cv2.BORDER_REPLICATE)


def document_scene(size: tuple[int, int] = (1280, 720)) -> tuple[np.ndarray, np.ndarray]:
    """A white ID-card-like sheet with printed lines, tilted in perspective on a dark desk.
    Returns (frame, the four corners used, tl-tr-br-bl)."""
    card = np.full((540, 856, 3), 245, np.uint8)
    cv2.rectangle(card, (30, 30), (250, 310), (90, 120, 160), -1)  # the holder's photo
    for i, y in enumerate(range(60, 500, 48)):
        cv2.putText(card, f"LINE {i} 1234567890 ABCDEF", (280, y), cv2.FONT_HERSHEY_SIMPLEX, 0.9, (20, 20, 20), 2)
    width, height = size
    rng = np.random.default_rng(3)
    desk = rng.normal(70, 12, (height, width, 3)).clip(0, 255).astype(np.uint8)
    desk = cv2.GaussianBlur(desk, (0, 0), 3)
    corners = np.float32([[300, 120], [1010, 170], [960, 640], [250, 590]])
    m = cv2.getPerspectiveTransform(np.float32([[0, 0], [855, 0], [855, 539], [0, 539]]), corners)
    warped = cv2.warpPerspective(card, m, (width, height))
    mask = cv2.warpPerspective(np.full(card.shape[:2], 255, np.uint8), m, (width, height))
    frame = desk.copy()
    frame[mask > 0] = warped[mask > 0]
    return frame, corners


class FlakySource:
    """Wraps a real source and behaves like a webcam that is unplugged after `fail_after`
    frames and plugged back `down_for` seconds later: reads fail, then opens fail, until
    the time is up. Used by the worker and widget "camera unplugged" tests."""

    def __init__(self, inner, fail_after: int, down_for: float):
        import time

        self._time = time.monotonic
        self.inner = inner
        self.fail_after = fail_after
        self.down_for = down_for
        self.reads = 0
        self.opens = 0
        self.unplugged_at: float | None = None
        self.description = "flaky " + inner.description
        self.frame_interval = inner.frame_interval

    @property
    def resolution(self):
        return self.inner.resolution

    def _down(self) -> bool:
        return self.unplugged_at is not None and self._time() - self.unplugged_at < self.down_for

    def open(self) -> None:
        from fundclient.camera import messages
        from fundclient.errors import CameraError

        self.opens += 1
        if self._down():
            raise CameraError(messages.CAMERA_NOT_FOUND.format(name="flaky"), code="camera_missing")
        self.inner.open()

    def read(self):
        from fundclient.camera import messages
        from fundclient.errors import CameraError

        self.reads += 1
        if self.unplugged_at is None and self.reads > self.fail_after:
            self.unplugged_at = self._time()
        if self._down():
            raise CameraError(messages.CAMERA_LOST, code="camera_lost")
        return self.inner.read()

    def close(self) -> None:
        self.inner.close()


def id_photo(head_share: float = 0.78, shift_x: float = 0.0, crown_margin: float = 0.08,
             size: tuple[int, int] = (413, 531), image: np.ndarray | None = None,
             face: tuple[int, int, int, int] = ASTRONAUT_FACE) -> np.ndarray:
    """A passport-style photo (35x45 mm at 300 dpi by default) cut from the photograph:
    the head (crown to chin, estimated like camera/framing.py) is `head_share` of the
    height, `crown_margin` of it above the crown, the face moved `shift_x` of the width
    from the middle (positive: towards the right edge). Edges beyond the photograph repeat
    its edge pixels, like a studio backdrop."""
    from fundclient.camera.framing import head_span

    src = astronaut() if image is None else image
    crown, chin = head_span(face)
    crop_h = (chin - crown) / head_share
    crop_w = crop_h * size[0] / size[1]
    top = crown - crown_margin * crop_h
    left = face[0] + face[2] / 2 - crop_w / 2 - shift_x * crop_w
    pad = int(max(crop_h, crop_w))
    padded = cv2.copyMakeBorder(src, pad, pad, pad, pad, cv2.BORDER_REPLICATE)
    region = padded[int(top) + pad: int(top + crop_h) + pad, int(left) + pad: int(left + crop_w) + pad]
    return cv2.resize(region, size, interpolation=cv2.INTER_AREA if crop_h > size[1] else cv2.INTER_CUBIC)
