"""The preview's frames, scaled to the preview's size in the capture thread, in three reused
buffers (issue #18: a 2-core office PC, a day-long session).

Scaling a 640x480 frame while painting cost the GUI thread ~5 ms a frame (RGB copy, QImage
copy, smooth scaling: 7 % of a core at 15 fps); here it is one `cv2.resize` into a buffer
that already exists (~1 ms, off the GUI thread), and the GUI draws it pixel for pixel.
No buffer is allocated per frame, so a day of preview does not churn the allocator.

Triple buffering, one writer (the capture thread) and one reader (the GUI thread): the
writer fills a buffer that is neither the one the GUI is showing nor the newest one waiting;
`take()` hands the GUI the newest. No Qt here (camera/ is below ui/).
"""

from __future__ import annotations

import threading

import numpy as np

from fundclient.camera.opencv import cv2

BUFFERS = 3


def fitted(frame_size: tuple[int, int], box: tuple[int, int]) -> tuple[int, int]:
    """(width, height) of a frame of `frame_size` scaled to fit `box`, aspect kept."""
    fw, fh = frame_size
    bw, bh = box
    scale = min(bw / fw, bh / fh)
    return max(1, round(fw * scale)), max(1, round(fh * scale))


class DisplayFrames:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._buffers: list[np.ndarray | None] = [None] * BUFFERS
        self._latest: int | None = None  # newest filled buffer, not yet taken
        self._shown: int | None = None  # the buffer the GUI is showing
        self.box: tuple[int, int] | None = None  # the preview's size in pixels (GUI sets it)
        self.allocations = 0  # buffers created (tests: stays small over many frames)
        self.frame_width = 0  # width of the camera frame the newest buffer was scaled from

    def put(self, frame: np.ndarray) -> bool:
        """Scale `frame` into a free buffer (capture thread). True when no frame was waiting
        for the GUI before, i.e. a paint should be asked for."""
        height, width = frame.shape[:2]
        box = self.box or (width, height)
        size = fitted((width, height), box)
        with self._lock:
            index = next(i for i in range(BUFFERS) if i not in (self._latest, self._shown))
        shape = (size[1], size[0]) + frame.shape[2:]
        buffer = self._buffers[index]
        if buffer is None or buffer.shape != shape or buffer.dtype != frame.dtype:
            buffer = self._buffers[index] = np.empty(shape, frame.dtype)
            self.allocations += 1
        if size == (width, height):
            np.copyto(buffer, frame)
        else:  # INTER_AREA only when shrinking a lot (1280x720 into a small preview)
            shrink = size[0] < width / 2
            cv2.resize(frame, size, dst=buffer,
                       interpolation=cv2.INTER_AREA if shrink else cv2.INTER_LINEAR)
        with self._lock:
            was_waiting = self._latest is not None
            self._latest = index
            self.frame_width = width
        return not was_waiting

    def take(self) -> np.ndarray | None:
        """The newest scaled frame (GUI thread); it stays untouched until the next take()."""
        with self._lock:
            if self._latest is None:
                return None
            self._shown, self._latest = self._latest, None
            return self._buffers[self._shown]

    def clear(self) -> None:
        """Forget the frames (the camera stopped); the buffers are kept for the next start."""
        with self._lock:
            self._latest = None
