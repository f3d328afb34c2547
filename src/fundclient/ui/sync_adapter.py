"""Qt face of the headless sync package: signals for the status bar and the sync screen.

The sync engine (`sync.engine.run_sync`) is plain Python and blocks; here it runs on its
own thread (not the DB writer thread: it moves only sealed files and can take minutes),
and every callback is turned into a queued signal so widgets update on the main thread.
`for_session` starts the sync engineer's SyncScheduler (probing with
backoff) and "Send now" asks it, so the schedule and the button never run two syncs at once.
"""

from __future__ import annotations

import copy
import logging
import threading
from pathlib import Path

from PySide6.QtCore import QObject, Signal

from fundclient.ui.errors import log_unexpected
from fundclient.ui.ops import CollectionOp, OpsHub, QueryOp
from fundclient.sync.history import SyncHistory

log = logging.getLogger(__name__)


class SyncAdapter(QObject):
    pendingChanged = Signal(object)  # int | None: records waiting to be sent
    lastSuccessChanged = Signal(object)  # datetime | None
    onlineChanged = Signal(object)  # bool | None
    progressChanged = Signal(object)  # sync.engine.Progress
    runningChanged = Signal(bool)
    finished = Signal(object)  # sync.engine.SyncSummary

    def __init__(self, data_dir: Path, settings, store=None, scheduler=None,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.data_dir = Path(data_dir)
        self.settings = settings
        self.store = store
        self.scheduler = scheduler
        self.running = False
        self.last_summary = None
        self.session = None  # set by for_session: HQ's answers are written into its store
        self._stop = threading.Event()
        self._hub = OpsHub.instance()  # on the GUI thread: worker callbacks come back through it

    @classmethod
    def for_session(cls, session, *, start_scheduler: bool = True) -> "SyncAdapter":
        """The adapter for a logged-in session, with the sync engineer's SyncScheduler running
        (probe backoff, "send now"; the nightly sync is the OS task's) unless `start_scheduler` is False."""
        adapter = cls(session.data_dir, session.settings, getattr(session, "store", None),
                      getattr(session, "sync_scheduler", None))
        adapter.session = session
        if adapter.scheduler is None and start_scheduler:
            from fundclient.sync.scheduler import SyncScheduler  # lazy: start-up (cryptography, NumPy, requests)

            adapter.scheduler = SyncScheduler(session.data_dir, session.settings,
                                              on_progress=adapter._progress_from_worker,
                                              on_finished=adapter._finished_from_worker)
            adapter.scheduler.start()
        return adapter

    def shutdown(self) -> None:
        """Stop the scheduler (sign-out, exit); an upload in progress stops between batches."""
        self._stop.set()
        if self.scheduler is not None and hasattr(self.scheduler, "stop"):
            self.scheduler.stop(timeout=5)

    # -- callbacks from the scheduler's thread ------------------------------------------
    def _progress_from_worker(self, progress) -> None:
        self.progressChanged.emit(copy.copy(progress))  # queued to the GUI thread

    def _finished_from_worker(self, summary) -> None:
        self._hub.on_main_thread(lambda: self._finished(summary))

    # -- reading state (cheap, but files and DB: off the GUI thread) ----------------------
    def read_state(self) -> dict:
        pending, attention = None, []
        if self.store is not None:
            try:
                pending = self.store.beneficiaries.pending_sync_count()
                attention = self.store.beneficiaries.needing_attention()
            except Exception:  # a closed store at sign-out: show "—"
                log.debug("pending count unavailable", exc_info=True)
        history = SyncHistory(self.data_dir)
        entries = history.entries()
        online = None
        if entries:
            online = entries[-1].get("status") in ("ok", "partial")
        return {"pending": pending, "last_success": history.last_success(), "online": online,
                "entries": entries, "last_error": history.last_error(),
                "quarantined": self.quarantined(), "attention": attention}

    def quarantined(self) -> list:
        from fundclient.sync.outbox import Outbox  # lazy: start-up (cryptography)

        try:
            return list(Outbox(self.data_dir, self.settings).quarantined())
        except Exception:
            log.debug("outbox unreadable", exc_info=True)
            return []

    def refresh(self, on_state=None) -> None:
        def work():
            return self.read_state()

        def done(state):
            self.pendingChanged.emit(state["pending"])
            self.lastSuccessChanged.emit(state["last_success"])
            self.onlineChanged.emit(state["online"])
            if on_state is not None:
                on_state(state)

        QueryOp(parent=None, op=work, success=done).failure(
            lambda exc: log.warning("sync state unreadable: %s", type(exc).__name__)).run_in_background()

    # -- sending -------------------------------------------------------------------------
    def sync_now(self) -> bool:
        """Start one sync run; False when one is already running."""
        if self.running:
            return False
        self.running = True
        self._stop.clear()
        self.runningChanged.emit(True)
        if self.scheduler is not None and hasattr(self.scheduler, "sync_now"):
            self.scheduler.sync_now()  # runs on the scheduler's thread; finished comes back
            return True
        threading.Thread(target=self._run, args=(self._hub,), name="fund-sync", daemon=True).start()
        return True

    def stop(self) -> None:
        self._stop.set()

    def _run(self, hub: OpsHub) -> None:
        from fundclient.sync.engine import run_sync  # lazy: start-up (cryptography, NumPy, requests)

        summary = None
        try:
            summary = run_sync(self.data_dir, settings=self.settings,
                               progress=self._progress_from_worker, stop=self._stop)
        except Exception as exc:
            log_unexpected(exc, "sync run failed")
        hub.on_main_thread(lambda: self._finished(summary))

    def _finished(self, summary) -> None:
        self.running = False
        self.last_summary = summary
        self.runningChanged.emit(False)
        self.finished.emit(summary)
        self.apply_answers()
        self.refresh()

    def apply_answers(self) -> None:
        """Write HQ's per-record answers (accepted / duplicate / rejected) into the DB now, on
        the writer thread; the broadcast Changes refresh the record view and the sync screen."""
        if self.session is None or not hasattr(self.session, "store"):
            return
        from fundclient.services.sealing import apply_hq_results  # lazy: start-up (13 more modules)

        session = self.session
        CollectionOp(parent=None, op=lambda: apply_hq_results(session)).run_in_background()
