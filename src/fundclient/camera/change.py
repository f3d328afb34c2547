"""Skip the checks on frames that have not changed (issue #18: a 2-core office PC).

`ChangeGate.changed(frame)` is called for every live frame in the capture thread; it costs a
40x30 thumbnail (~0.1 ms at 640x480). When the scene is the same as the last checked frame
the last verdict still holds, so the widget reuses it instead of running the face checks
again (tens of ms). Thresholds in `Thresholds.skip_change_below` / `recheck_after`.
"""

from __future__ import annotations

import threading
import time

import numpy as np

from fundclient.camera.opencv import cv2
from fundclient.camera.thresholds import THRESHOLDS, Thresholds

THUMB = (40, 30)


class ChangeGate:
    """Used from two threads (capture: `unchanged`; analysis: `unchanged`, `remember`)."""

    def __init__(self, thresholds: Thresholds = THRESHOLDS, clock=time.monotonic):
        self.t = thresholds
        self._clock = clock
        self._lock = threading.Lock()
        self.reset()

    def reset(self) -> None:
        with self._lock:
            self._thumb: np.ndarray | None = None
            self._at = 0.0
            self.skipped = 0
            self.checked = 0

    def difference(self, frame: np.ndarray) -> float:
        """Mean grey-level difference from the last checked frame (inf when there is none)."""
        thumb = self._thumbnail(frame)
        last = self._thumb
        if last is None or thumb.shape != last.shape:
            return float("inf")
        return float(cv2.absdiff(thumb, last).mean())

    def unchanged(self, frame: np.ndarray) -> bool:
        """True (counted as skipped): the same scene as the last checked frame, checked less
        than `recheck_after` ago, so its verdict still holds. Remembers nothing."""
        thumb = self._thumbnail(frame)
        with self._lock:
            last, at = self._thumb, self._at
        same = (last is not None and thumb.shape == last.shape
                and self._clock() - at < self.t.recheck_after
                and float(cv2.absdiff(thumb, last).mean()) < self.t.skip_change_below)
        if same:
            with self._lock:
                self.skipped += 1
        return same

    def remember(self, frame: np.ndarray) -> None:
        """`frame` is being checked: later frames are compared with it."""
        thumb = self._thumbnail(frame)
        with self._lock:
            self._thumb, self._at = thumb, self._clock()
            self.checked += 1

    def changed(self, frame: np.ndarray) -> bool:
        """True: check this frame (and remember it as the last checked one). False: skip it."""
        if self.unchanged(frame):
            return False
        self.remember(frame)
        return True

    @staticmethod
    def _thumbnail(frame: np.ndarray) -> np.ndarray:
        small = cv2.resize(frame, THUMB, interpolation=cv2.INTER_AREA)
        return small if small.ndim == 2 else cv2.cvtColor(small, cv2.COLOR_BGR2GRAY)
