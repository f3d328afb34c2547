"""Measure whether the GUI thread keeps turning: a timer ticks every few ms and records the
longest gap between ticks. Used by the freeze test and benchmark, and in the app (debug
logging) to catch any slow work that slipped onto the GUI thread."""

from __future__ import annotations

import logging
import time

from PySide6.QtCore import QObject, Qt, QTimer

log = logging.getLogger(__name__)


class EventLoopWatch(QObject):
    def __init__(self, interval_ms: int = 20, warn_ms: float = 500.0, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.interval_ms = interval_ms
        self.warn_ms = warn_ms
        self.timer = QTimer(self)
        self.timer.setTimerType(Qt.TimerType.PreciseTimer)
        self.timer.setInterval(interval_ms)
        self.timer.timeout.connect(self._tick)
        self.reset()

    def reset(self) -> None:
        self.max_gap_ms = 0.0
        self.ticks = 0
        self._last = time.perf_counter()

    def start(self) -> None:
        self.reset()
        self.timer.start()

    def stop(self) -> None:
        self.timer.stop()

    def _tick(self) -> None:
        now = time.perf_counter()
        gap = (now - self._last) * 1000
        self._last = now
        self.ticks += 1
        if gap > self.max_gap_ms:
            self.max_gap_ms = gap
        if gap > self.warn_ms:
            log.warning("GUI thread was blocked for %.0f ms", gap)
