"""Skip the checks on frames that have not changed (issue #18: a 2-core office PC).

`ChangeGate.changed(frame)` is called for every live frame in the capture thread; it costs a
40x30 thumbnail (~0.1 ms at 640x480). When the scene is the same as the last checked frame
the last verdict still holds, so the widget reuses it instead of running the face checks
again (tens of ms). Thresholds in `Thresholds.skip_change_below` / `recheck_after`.
"""

from __future__ import annotations

import time

import numpy as np

from fundclient.camera.opencv import cv2
from fundclient.camera.thresholds import THRESHOLDS, Thresholds

THUMB = (40, 30)


class ChangeGate:
    def __init__(self, thresholds: Thresholds = THRESHOLDS, clock=time.monotonic):
        self.t = thresholds
        self._clock = clock
        self.reset()

    def reset(self) -> None:
        self._thumb: np.ndarray | None = None
        self._at = 0.0
        self.skipped = 0
        self.checked = 0

    def difference(self, frame: np.ndarray) -> float:
        """Mean grey-level difference from the last checked frame (inf when there is none)."""
        thumb = self._thumbnail(frame)
        if self._thumb is None or thumb.shape != self._thumb.shape:
            return float("inf")
        return float(cv2.absdiff(thumb, self._thumb).mean())

    def changed(self, frame: np.ndarray) -> bool:
        """True: check this frame (and remember it as the last checked one). False: skip it."""
        thumb = self._thumbnail(frame)
        now = self._clock()
        if (self._thumb is not None and thumb.shape == self._thumb.shape
                and now - self._at < self.t.recheck_after
                and float(cv2.absdiff(thumb, self._thumb).mean()) < self.t.skip_change_below):
            self.skipped += 1
            return False
        self._thumb, self._at = thumb, now
        self.checked += 1
        return True

    @staticmethod
    def _thumbnail(frame: np.ndarray) -> np.ndarray:
        small = cv2.resize(frame, THUMB, interpolation=cv2.INTER_AREA)
        return small if small.ndim == 2 else cv2.cvtColor(small, cv2.COLOR_BGR2GRAY)
