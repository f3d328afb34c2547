"""Measure whether the GUI thread keeps turning: a timer ticks every few ms and records the
longest gap between ticks. Used by the freeze test and benchmark, and in the app (debug
logging) to catch any slow work that slipped onto the GUI thread.

With `sample_stacks=True` a small thread also samples the GUI thread's Python stack every few
ms, so the longest gap comes with where the GUI thread was during it (`max_gap_stacks`: the
innermost frames seen most often) — what to move off the GUI thread next."""

from __future__ import annotations

import collections
import faulthandler
import logging
import re
import tempfile
import threading
import time

from PySide6.QtCore import QObject, Qt, QTimer

log = logging.getLogger(__name__)

_FRAME = re.compile(r'  File "(?P<file>.*)", line (?P<line>\d+) in (?P<name>.*)$')


class _StackSampler:
    """Samples one thread's Python stack every `interval_s` into a ring buffer of
    (perf_counter, frames) — frames as (file, line, function) tuples, outermost first."""

    def __init__(self, thread_id: int, interval_s: float = 0.004, keep: int = 4096) -> None:
        self.thread_id = thread_id
        self.interval_s = interval_s
        self.samples: collections.deque[tuple[float, tuple[tuple[str, int, str], ...]]] = collections.deque(
            maxlen=keep)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="gui-stack-sampler", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=1)

    def _run(self) -> None:
        # faulthandler reads the frames in C without touching them (it is made for signal
        # handlers); walking another running thread's frames from Python (sys._current_frames
        # + traceback) crashed CPython 3.11 here.
        header = f"Thread 0x{self.thread_id:016x}"
        with tempfile.TemporaryFile("w+", encoding="utf-8", errors="replace") as out:
            while not self._stop.wait(self.interval_s):
                out.seek(0)
                out.truncate()
                faulthandler.dump_traceback(out, all_threads=True)
                at = time.perf_counter()
                out.seek(0)
                stack = self._parse(out.read(), header)
                if stack:
                    self.samples.append((at, stack))

    @staticmethod
    def _parse(dump: str, header: str) -> tuple[tuple[str, int, str], ...]:
        frames: list[tuple[str, int, str]] = []
        inside = False
        for line in dump.splitlines():
            if line.startswith(("Thread 0x", "Current thread 0x")):
                if inside:
                    break
                inside = line.split(" (", 1)[0].endswith(header)
            elif inside and line.startswith("  File "):
                match = _FRAME.match(line)
                if match:
                    frames.append((match["file"], int(match["line"]), match["name"]))
        return tuple(reversed(frames))  # outermost first

    def between(self, began: float, ended: float) -> list[tuple[tuple[str, int, str], ...]]:
        return [stack for at, stack in list(self.samples) if began <= at <= ended]


def summarize_stacks(stacks: list[tuple[tuple[str, int, str], ...]], top: int = 8, depth: int = 6) -> list[str]:
    """The `top` most frequent stacks (the innermost frame, then the `depth` innermost frames
    of the app's own code), each as 'N/M samples: f (file:line) < g (file:line) …'."""
    if not stacks:
        return []

    def short(frame: tuple[str, int, str]) -> str:
        filename, line, name = frame
        for marker in ("/fundclient/", "/site-packages/", "/benchmarks/", "/tests/"):
            if marker in filename:
                filename = filename.split(marker, 1)[1]
                break
        return f"{name} ({filename}:{line})"

    def key(stack: tuple[tuple[str, int, str], ...]) -> tuple[str, ...]:
        own = [f for f in stack if "/fundclient/" in f[0]][-depth:]
        if stack and (not own or own[-1] != stack[-1]):
            own.append(stack[-1])  # where it actually was (a library), after the app's own frames
        return tuple(short(f) for f in reversed(own))

    counts = collections.Counter(key(stack) for stack in stacks)
    return [f"{n}/{len(stacks)} samples: " + " < ".join(frames) for frames, n in counts.most_common(top)]


class EventLoopWatch(QObject):
    def __init__(self, interval_ms: int = 20, warn_ms: float = 500.0, parent: QObject | None = None,
                 *, sample_stacks: bool = False) -> None:
        super().__init__(parent)
        self.interval_ms = interval_ms
        self.warn_ms = warn_ms
        self.sample_stacks = sample_stacks
        self._sampler: _StackSampler | None = None
        self.timer = QTimer(self)
        self.timer.setTimerType(Qt.TimerType.PreciseTimer)
        self.timer.setInterval(interval_ms)
        self.timer.timeout.connect(self._tick)
        self.reset()

    def reset(self) -> None:
        self.max_gap_ms = 0.0
        self.max_gap_cpu_ms = 0.0  # the GUI thread's own CPU time in the longest gap
        self.max_gap_stacks: list[tuple[tuple[str, int, str], ...]] = []  # with sample_stacks
        self.ticks = 0
        self._last = time.perf_counter()
        self._last_cpu = time.thread_time()

    def start(self) -> None:
        self.reset()
        if self.sample_stacks and self._sampler is None:
            self._sampler = _StackSampler(threading.get_ident())
            self._sampler.start()
        self.timer.start()

    def stop(self) -> None:
        self.timer.stop()
        if self._sampler is not None:
            self._sampler.stop()
            self._sampler = None

    def max_gap_summary(self, top: int = 8, depth: int = 6) -> list[str]:
        """Where the GUI thread was during the longest gap (needs sample_stacks=True)."""
        return summarize_stacks(self.max_gap_stacks, top, depth)

    def _tick(self) -> None:
        now, cpu = time.perf_counter(), time.thread_time()
        gap = (now - self._last) * 1000
        gap_cpu = (cpu - self._last_cpu) * 1000
        began = self._last
        self._last, self._last_cpu = now, cpu
        self.ticks += 1
        if gap > self.max_gap_ms:
            self.max_gap_ms = gap
            self.max_gap_cpu_ms = gap_cpu
            if self._sampler is not None:
                self.max_gap_stacks = self._sampler.between(began, now)
        if gap > self.warn_ms:
            log.warning("GUI thread was blocked for %.0f ms", gap)
