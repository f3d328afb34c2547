"""Background threads: one reads frames from a source, one analyses the newest frame.

Plain `threading` (no Qt): a loop with a stop Event that hands each frame to a callback.
The Qt widget wraps the callbacks in signals. A camera that fails is closed and reopened
with growing waits, so unplugging it gives a status message, never a crash or a freeze.
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass
from typing import Any, Callable

import numpy as np

from fundclient.camera import messages
from fundclient.camera.pacing import CheckPacer
from fundclient.camera.priority import raise_current_thread
from fundclient.camera.sources import FrameSource
from fundclient.errors import CameraError, Message

log = logging.getLogger(__name__)

# Seconds to wait before each reopen attempt; the last value repeats.
REOPEN_BACKOFF = (0.5, 1.0, 2.0, 4.0, 5.0)


@dataclass(frozen=True)
class CameraStatus:
    state: str  # "live" (frames flowing) | "lost" (failing, retrying) | "stopped"
    message: Message | None = None
    resolution: tuple[int, int] | None = None
    code: str = ""


class CaptureWorker:
    """Reads `source` in a daemon thread and calls on_frame(frame) for every frame.

    on_status(CameraStatus) is called on each change of state only (live → lost → live...),
    from the worker thread. stop() ends the loop and releases the camera.
    raise_priority: the thread asks for a priority above normal (camera/priority.py).
    """

    def __init__(self, source: FrameSource, on_frame: Callable[[np.ndarray], None],
                 on_status: Callable[[CameraStatus], None] | None = None,
                 backoff: tuple[float, ...] = REOPEN_BACKOFF, raise_priority: bool = False):
        self.source = source
        self._raise_priority = raise_priority
        self.priority_raised = False
        self._on_frame = on_frame
        self._on_status = on_status or (lambda status: None)
        self._backoff = backoff
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.status = CameraStatus("stopped")
        self.frames_read = 0

    def start(self) -> None:
        if self._thread and self._thread.is_alive():
            return
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, name="camera-capture", daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 3.0) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout)
            if self._thread.is_alive():  # a driver stuck in read(): leave the daemon behind
                log.warning("camera thread did not stop within %.1f s", timeout)
            self._thread = None
        self._close_source()
        self._set_status(CameraStatus("stopped"))

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def _run(self) -> None:
        if self._raise_priority:
            self.priority_raised = raise_current_thread()
        attempt = 0
        opened = False
        next_due = time.monotonic()
        while not self._stop.is_set():
            if not opened:
                try:
                    self.source.open()
                except Exception as exc:  # noqa: BLE001 - any driver fault means "retry later"
                    self._report_failure(exc)
                    self._stop.wait(self._backoff[min(attempt, len(self._backoff) - 1)])
                    attempt += 1
                    continue
                opened = True
                next_due = time.monotonic()
            try:
                frame = self.source.read()
            except Exception as exc:  # noqa: BLE001
                self._report_failure(exc)
                self._close_source()
                opened = False
                self._stop.wait(self._backoff[min(attempt, len(self._backoff) - 1)])
                attempt += 1
                continue
            attempt = 0  # only a frame proves the camera is back
            if self.status.state != "live":
                was_lost = self.status.state == "lost"
                self._set_status(CameraStatus("live", messages.CAMERA_BACK if was_lost else None,
                                              self.source.resolution))
            self.frames_read += 1
            try:
                self._on_frame(frame)
            except Exception:  # a consumer bug must not kill the camera
                log.exception("frame consumer failed")
            interval = self.source.frame_interval
            if interval > 0:  # file sources: play at their own rate, not as fast as possible
                next_due = max(next_due + interval, time.monotonic() - interval)
                self._stop.wait(max(0.0, next_due - time.monotonic()))

    def _report_failure(self, exc: Exception) -> None:
        if isinstance(exc, CameraError):
            status = CameraStatus("lost", exc.message, code=exc.code)
        else:
            log.warning("camera fault: %s", exc)
            status = CameraStatus("lost", messages.CAMERA_LOST, code="camera_lost")
        if self.status.state != "lost":  # said once per outage, until frames flow again
            self._set_status(status)

    def _set_status(self, status: CameraStatus) -> None:
        self.status = status
        try:
            self._on_status(status)
        except Exception:
            log.exception("status consumer failed")

    def _close_source(self) -> None:
        try:
            self.source.close()
        except Exception:  # noqa: BLE001 - releasing a vanished device may raise; it is gone anyway
            log.debug("closing the camera source failed", exc_info=True)


class LatestOnlyWorker:
    """Runs `work(item)` in its own thread on the newest submitted item, dropping older ones.

    Used for the face checks: the preview gets every frame, the checks get the newest frame
    whenever they are free, so a slow check never delays the picture. With a `pacer`
    (camera/pacing.py) it also waits until the pacer allows the next run. raise_priority:
    the thread asks for a priority above normal (camera/priority.py).

    fresh: (age, within, wait) - `age(item)` is how long ago the item was made (seconds); an
    item older than `within` when its turn comes is not worked on while a newer one may come:
    the worker waits up to `wait` seconds for the next submission and takes that instead
    (stale items are never worked on while fresh ones are on their way).
    """

    def __init__(self, work: Callable[[Any], Any], on_result: Callable[[Any, Any], None],
                 name: str = "camera-analysis", pacer: CheckPacer | None = None,
                 raise_priority: bool = False,
                 fresh: tuple[Callable[[Any], float], float, float] | None = None):
        self._work = work
        self._fresh = fresh
        self.stale_skipped = 0  # items replaced by a fresher one while waiting for it
        self._raise_priority = raise_priority
        self.priority_raised = False
        self._on_result = on_result
        self._name = name
        self._pacer = pacer
        self._item: Any = None
        self._busy = False  # an item is being worked on
        self._has_item = threading.Condition()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.items_done = 0

    @property
    def has_work(self) -> bool:
        """An item waits or is being worked on (its result is still to come)."""
        return self._busy or self._item is not None

    def start(self) -> None:
        if self._thread and self._thread.is_alive():
            return
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, name=self._name, daemon=True)
        self._thread.start()

    def submit(self, item: Any) -> None:
        with self._has_item:
            self._item = item
            self._has_item.notify()

    def stop(self, timeout: float = 3.0) -> None:
        self._stop.set()
        with self._has_item:
            self._has_item.notify()
        if self._thread is not None:
            self._thread.join(timeout)
            self._thread = None

    def _run(self) -> None:
        if self._raise_priority:
            self.priority_raised = raise_current_thread()
        while not self._stop.is_set():
            with self._has_item:
                while self._item is None and not self._stop.is_set():
                    self._has_item.wait(0.5)
            # Paced: wait until the pacer allows the next run; newer items replace the
            # waiting one meanwhile, so the newest is taken (never a queue).
            delay = self._pacer.delay() if self._pacer is not None else 0.0
            if delay > 0 and self._stop.wait(delay):
                break
            with self._has_item:
                if self._fresh is not None:
                    self._wait_for_fresh()
                item, self._item = self._item, None
                self._busy = item is not None
            if item is None:
                continue
            try:
                result = self._work(item)  # the work tells the pacer what it cost
                self.items_done += 1
                self._on_result(item, result)
            except Exception:
                log.exception("%s failed on one item", self._name)
            finally:
                self._busy = False

    def _wait_for_fresh(self) -> None:
        """(Holding the condition.) The waiting item is stale: wait for the next one, a little."""
        age, within, wait = self._fresh
        stale = self._item
        if stale is None or age(stale) <= within:
            return
        self._has_item.wait_for(lambda: self._item is not stale or self._stop.is_set(), timeout=wait)
        if self._item is not stale and self._item is not None:
            self.stale_skipped += 1
