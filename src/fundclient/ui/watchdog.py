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
        self.max_gap_cpu_ms = 0.0  # the GUI thread's own CPU time in the longest gap
        self.ticks = 0
        self._last = time.perf_counter()
        self._last_cpu = time.thread_time()

    def start(self) -> None:
        self.reset()
        self.timer.start()

    def stop(self) -> None:
        self.timer.stop()

    def _tick(self) -> None:
        now, cpu = time.perf_counter(), time.thread_time()
        gap = (now - self._last) * 1000
        gap_cpu = (cpu - self._last_cpu) * 1000
        self._last, self._last_cpu = now, cpu
        self.ticks += 1
        if gap > self.max_gap_ms:
            self.max_gap_ms = gap
            self.max_gap_cpu_ms = gap_cpu
        if gap > self.warn_ms:
            log.warning("GUI thread was blocked for %.0f ms", gap)
