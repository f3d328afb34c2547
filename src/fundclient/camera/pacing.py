"""How often the live checks run: adapted to the machine (issue #18, a 2-core office PC).

The analysis thread asks `CheckPacer.delay()` before it takes the newest frame, and tells it
what each check cost (`done`). The checks then use about `Thresholds.check_cpu_share` of one
core whatever the PC: a fast PC checks up to 15 times a second, a slow or busy one less often.
The GUI thread reports how late it takes results (`gui_late`); a late GUI slows the checks
down further, so they never starve the window or the preview. Numbers: camera/thresholds.py.
No Qt, no OpenCV: tested with a fake clock (tests/core/test_camera_pacing.py).
"""

from __future__ import annotations

import threading
import time

from fundclient.camera.thresholds import THRESHOLDS, Thresholds

_SMOOTHING = 0.3  # weight of the newest check in the running cost


class CheckPacer:
    def __init__(self, thresholds: Thresholds = THRESHOLDS, clock=time.monotonic):
        self.t = thresholds
        self._clock = clock
        self._lock = threading.Lock()
        self.cost = 0.0  # running CPU seconds per check
        self.slowdown = 1.0  # >1 while the GUI is late
        self._next = 0.0  # when the next check may start

    @property
    def interval(self) -> float:
        """Seconds from the start of one check to the start of the next."""
        base = self.cost / self.t.check_cpu_share if self.cost else 0.0
        return min(self.t.max_check_interval,
                   max(self.t.min_check_interval, base * self.slowdown))

    def delay(self) -> float:
        """Seconds to wait before the next check may start (0: now)."""
        with self._lock:
            return max(0.0, self._next - self._clock())

    def done(self, started: float, cpu_seconds: float) -> None:
        """A check that began at `started` (this pacer's clock) used `cpu_seconds`."""
        with self._lock:
            cpu = max(0.0, cpu_seconds)
            self.cost = cpu if not self.cost else (1 - _SMOOTHING) * self.cost + _SMOOTHING * cpu
            self._next = started + self.interval

    def gui_late(self, seconds: float) -> None:
        """The GUI thread took a result `seconds` after it was sent."""
        with self._lock:
            if seconds > self.t.gui_late_after:
                self.slowdown = min(self.t.max_gui_slowdown, self.slowdown * 1.5)
            else:
                self.slowdown = max(1.0, self.slowdown * 0.9)

    @property
    def checks_per_second(self) -> float:
        return 1.0 / self.interval
