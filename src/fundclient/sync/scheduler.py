"""Headless sync scheduler of the running app (plain threading; the Qt UI wraps it with signals).

- sync_now(): a run right away (the "send now" button).
- When the last run found HQ unreachable (or failed) and batches are pending, probe with
  exponential backoff + jitter; the moment HQ answers the signed probe, sync.
The nightly sync is not the app's: it has one schedule, the OS task (`fundclient sync` at
nightly.NIGHTLY_SYNC_TIME, installed by the installers), which also runs with the app closed.
A run of each at once cannot collide: one sync per data dir (sync/runlock.py).
Every run is recorded in DATA_DIR/sync/history.jsonl (SyncHistory).
"""

from __future__ import annotations

import logging
import random
import threading
from pathlib import Path
from typing import Callable

from fundclient.config import Settings
from fundclient.errors import Message
from fundclient.sync.device import Device
from fundclient.sync.engine import Progress, SyncSummary, run_sync
from fundclient.sync.history import SyncHistory, is_stale
from fundclient.sync.http import TransportOptions, make_session
from fundclient.sync.outbox import Outbox
from fundclient.sync.probe import probe

log = logging.getLogger(__name__)

UNEXPECTED = Message("Sending failed because of an unexpected error. It will be tried again later.")


class SyncScheduler:
    def __init__(self, data_dir: Path, settings: Settings | None = None, *,
                 options: TransportOptions = TransportOptions(),
                 on_progress: Callable[[Progress], None] | None = None,
                 on_finished: Callable[[SyncSummary], None] | None = None,
                 probe_backoff: tuple[float, float] = (30.0, 1800.0)) -> None:
        self.data_dir = Path(data_dir)
        self.settings = settings or Settings.load(self.data_dir)
        self.options = options
        self.on_progress = on_progress or (lambda p: None)
        self.on_finished = on_finished or (lambda s: None)
        self.probe_backoff = probe_backoff
        self.history = SyncHistory(self.data_dir)
        self.last_summary: SyncSummary | None = None
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._now_requested = False
        self._run_lock = threading.Lock()
        self._done = threading.Condition()
        self._runs = 0
        self._thread: threading.Thread | None = None
        self._next_probe_delay = probe_backoff[0]

    # --- public API --------------------------------------------------------------
    def start(self) -> None:
        if self._thread is None:
            self._thread = threading.Thread(target=self._loop, name="sync-scheduler", daemon=True)
            self._thread.start()

    def stop(self, timeout: float = 10) -> None:
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout)

    def sync_now(self, wait: bool = False, timeout: float | None = None) -> SyncSummary | None:
        """Ask for a run now; with wait=True block until it finished and return its summary."""
        if self._thread is None:  # not started: run inline
            return self._run()
        with self._done:
            target = self._runs + 1
            self._now_requested = True
            self._wake.set()
            if wait:
                self._done.wait_for(lambda: self._runs >= target, timeout)
        return self.last_summary if wait else None

    @property
    def running(self) -> bool:
        return self._run_lock.locked()

    def pending_count(self) -> int:
        return len(Outbox(self.data_dir, self.settings).pending())

    def last_success_age_days(self) -> float | None:
        return self.history.last_success_age_days()

    def is_stale(self) -> bool:
        return is_stale(self.history, self.settings.stale_sync_warning_days)

    def last_error(self) -> Message | None:
        error = self.history.last_error()
        return Message.fixed(ar=error['ar'], en=error['en']) if error else None

    # --- loop --------------------------------------------------------------------
    def _run(self) -> SyncSummary:
        with self._run_lock:
            try:
                summary = run_sync(self.data_dir, settings=self.settings, options=self.options,
                                   progress=self.on_progress, stop=self._stop)
            except Exception as exc:  # noqa: BLE001 - "send now" must never stay stuck
                log.error("sync run failed: %s", type(exc).__name__)
                summary = SyncSummary(status="error", error={"code": "internal", "ar": UNEXPECTED.ar,
                                                             "en": UNEXPECTED.en})
        self.last_summary = summary
        with self._done:
            self._runs += 1
            self._done.notify_all()
        self._next_probe_delay = self.probe_backoff[0] if summary.status == "ok" else self._next_probe_delay
        self.on_finished(summary)
        return summary

    def _loop(self) -> None:
        while not self._stop.is_set():
            self._wake.wait(self._sleep_seconds())
            self._wake.clear()
            if self._stop.is_set():
                return
            try:
                self._tick()
            except Exception:  # noqa: BLE001  the scheduler must outlive any single failure
                log.exception("sync scheduler tick failed")

    def _sleep_seconds(self) -> float:
        return random.uniform(0.5, 1.0) * self._next_probe_delay

    def _tick(self) -> None:
        if self._now_requested:
            self._now_requested = False
            self._run()
            return
        last = self.last_summary
        if last is not None and last.status != "ok" and self.pending_count() > 0:
            if self._hq_answers():
                self._run()
            else:
                self._backoff()

    def _hq_answers(self) -> bool:
        try:
            device = Device.load(self.data_dir)
        except Exception:  # noqa: BLE001  not enrolled yet: nothing to probe
            return False
        return probe(make_session(self.settings), self.settings.hq_url or device.hq_url, device, self.options)

    def _backoff(self) -> None:
        self._next_probe_delay = min(self.probe_backoff[1], self._next_probe_delay * 2)
