"""Run work off the GUI thread and bring the result back to it (the Anki "ops" pattern).

Two kinds of work:

* `QueryOp` – reads (search, record view, reports). Runs on a small thread pool, so a
  slow search never freezes the window. Results are delivered on the main thread.
* `CollectionOp` – every database write (register, edit, set status, settings...). All of
  them go through ONE single-thread executor, so two writes never race each other and
  SQLite never sees two writers from this process. The op returns a
  `fundclient.services.changes.Changes`; on success it is broadcast through
  `OpsHub.instance().changed(changes, initiator)` and the main window forwards it to every
  screen's `on_changes(changes, initiator)` so screens refresh from what changed.

Failures: a `FundError` becomes a message box in the UI language (see `ui/errors.py`) unless
the caller gave `.failure(fn)`; anything else is logged with its traceback and shown as a
generic, translated error (the clerk never sees a Python traceback).

Usage::

    QueryOp(parent=self, op=lambda: store.beneficiaries.search(text, 50),
            success=self.show_results).failure(self.show_inline_error).run_in_background()

    CollectionOp(parent=self, op=lambda: registration.register(session, record),
                 success=lambda changes: self.saved(changes.result)).run_in_background()

Long work: `.with_progress(text)` shows a progress dialog after a short delay; the op may
report determinate progress through `op_instance.progress.update(done, total, text)` from
the worker thread (thread-safe).
"""

from __future__ import annotations

import logging
import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Callable, Generic, TypeVar

import shiboken6
from PySide6.QtCore import QCoreApplication, QObject, Qt, QTimer, Signal, Slot
from PySide6.QtWidgets import QProgressDialog, QWidget

from fundclient.errors import FundError

log = logging.getLogger(__name__)

T = TypeVar("T")

# Reads run side by side (SQLite WAL readers); three so one slow read (a file import,
# a big report) never queues the search box behind it.
_READ_POOL = ThreadPoolExecutor(max_workers=3, thread_name_prefix="fund-query")
# Exactly one writer thread for the whole process.
_WRITE_POOL = ThreadPoolExecutor(max_workers=1, thread_name_prefix="fund-write")
# Draft autosaves write their encrypted journal files (storage/draft_journal.py) on a thread of
# their own: never queued behind a long write (#18 item 4).
_DRAFT_POOL = ThreadPoolExecutor(max_workers=1, thread_name_prefix="fund-draft")
PROGRESS_DELAY_MS = 400


class _MainThreadCall(QObject):
    """Emitting `call` from any thread runs the callable on the main (GUI) thread."""

    call = Signal(object)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.call.connect(self._run, Qt.ConnectionType.QueuedConnection)

    @Slot(object)
    def _run(self, fn: Callable[[], None]) -> None:
        fn()


class OpsHub(QObject):
    """Process-wide signals about operations (one instance, created on the main thread)."""

    # (Changes, initiator) after a CollectionOp succeeded.
    changed = Signal(object, object)
    # Number of ops currently running (for a busy indicator in the status bar).
    busy = Signal(int)

    _instance: "OpsHub | None" = None

    def __init__(self) -> None:
        super().__init__()
        self._main_call = _MainThreadCall(self)
        self._running = 0
        self._lock = threading.Lock()

    @classmethod
    def instance(cls) -> "OpsHub":
        if cls._instance is None or not shiboken6.isValid(cls._instance):
            hub = OpsHub()
            app = QCoreApplication.instance()
            if app is not None and hub.thread() is not app.thread():
                # First used from a worker thread: its queued calls must run on the GUI thread.
                hub.moveToThread(app.thread())
            cls._instance = hub
        return cls._instance

    def on_main_thread(self, fn: Callable[[], None]) -> None:
        self._main_call.call.emit(fn)

    def _started(self) -> None:
        with self._lock:
            self._running += 1
            count = self._running
        self.busy.emit(count)

    def _finished(self) -> None:
        with self._lock:
            self._running = max(0, self._running - 1)
            count = self._running
        self.busy.emit(count)

    @property
    def running(self) -> int:
        return self._running


class Progress(QObject):
    """Thread-safe progress reporting from inside an op: `update(done, total, text)`."""

    updated = Signal(int, int, str)

    def __init__(self) -> None:
        super().__init__()
        self.cancelled = False  # set on the main thread when the user presses Cancel

    def update(self, done: int, total: int = 0, text: str = "") -> None:
        self.updated.emit(int(done), int(total), text)


class _Op(Generic[T]):
    _pool: ThreadPoolExecutor = _READ_POOL

    def __init__(self, *, parent: QWidget | None, op: Callable[[], T],
                 success: Callable[[T], Any] | None = None) -> None:
        self._parent = parent
        self._op = op
        self._success = success
        self._failure: Callable[[BaseException], Any] | None = None
        self._progress_text: str | None = None
        self._cancellable = False
        self._dialog: QProgressDialog | None = None
        self.progress = Progress()
        self.done = False

    def failure(self, fn: Callable[[BaseException], Any]) -> "_Op[T]":
        """Handle errors yourself (e.g. inline under a field) instead of a message box."""
        self._failure = fn
        return self

    def with_progress(self, text: str | None = None, *, cancellable: bool = False) -> "_Op[T]":
        self._progress_text = text if text is not None else QCoreApplication.translate("ops", "Please wait…")
        self._cancellable = cancellable
        return self

    def run_in_background(self) -> "_Op[T]":
        hub = OpsHub.instance()
        hub._started()
        if self._progress_text is not None:
            QTimer.singleShot(PROGRESS_DELAY_MS, self._maybe_show_progress)
        self._pool.submit(self._work, hub)
        return self

    # -- worker thread -------------------------------------------------------------------
    def _work(self, hub: OpsHub) -> None:
        try:
            result = self._op()
        except BaseException as exc:  # noqa: BLE001 - delivered to the GUI, never lost
            # Bind now: Python unbinds `exc` when the except block ends.
            hub.on_main_thread(lambda error=exc: self._finish(hub, None, error))
        else:
            hub.on_main_thread(lambda: self._finish(hub, result, None))

    # -- main thread ---------------------------------------------------------------------
    def _parent_alive(self) -> bool:
        return self._parent is None or shiboken6.isValid(self._parent)

    def _finish(self, hub: OpsHub, result: Any, exc: BaseException | None) -> None:
        self.done = True
        hub._finished()
        self._close_progress()
        if not self._parent_alive():
            # The screen was closed while we worked: nobody to tell, but keep errors in the log.
            if exc is not None and not isinstance(exc, FundError):
                from fundclient.ui.errors import log_unexpected  # lazy: start-up (platformdirs)
                log_unexpected(exc, "op failed after its screen closed")
            return
        if exc is not None:
            self._deliver_failure(exc)
            return
        try:
            self._deliver_success(hub, result)
        except Exception as callback_exc:  # a bug in a success handler: logged, shown generic
            from fundclient.ui.errors import show_error  # lazy: start-up (platformdirs)
            show_error(self._parent, callback_exc)

    def _deliver_success(self, hub: OpsHub, result: Any) -> None:
        if self._success is not None:
            self._success(result)

    def _deliver_failure(self, exc: BaseException) -> None:
        from fundclient.ui.errors import show_error  # lazy: start-up (platformdirs)
        if self._failure is not None:
            try:
                self._failure(exc)
            except Exception as handler_exc:
                show_error(self._parent, handler_exc)
            return
        show_error(self._parent, exc)

    def _maybe_show_progress(self) -> None:
        if self.done or not self._parent_alive():
            return
        dialog = QProgressDialog(self._progress_text or "", None, 0, 0, self._parent)
        dialog.setWindowTitle(QCoreApplication.translate("ops", "Working"))
        dialog.setWindowModality(Qt.WindowModality.WindowModal)
        dialog.setMinimumDuration(0)
        if self._cancellable:
            dialog.setCancelButtonText(QCoreApplication.translate("ops", "Cancel"))
            dialog.canceled.connect(self._on_cancel)
        self.progress.updated.connect(self._on_progress)
        dialog.show()
        self._dialog = dialog

    def _on_cancel(self) -> None:
        self.progress.cancelled = True

    def _on_progress(self, done: int, total: int, text: str) -> None:
        if self._dialog is None:
            return
        self._dialog.setMaximum(max(total, 0))
        self._dialog.setValue(done if total else 0)
        if text:
            self._dialog.setLabelText(text)

    def _close_progress(self) -> None:
        if self._dialog is not None and shiboken6.isValid(self._dialog):
            self._dialog.close()
            self._dialog.deleteLater()
        self._dialog = None


class QueryOp(_Op[T]):
    """Read-only work off the GUI thread; `success(result)` runs on the main thread."""

    _pool = _READ_POOL


class CollectionOp(_Op[Any]):
    """A write: runs on the single writer thread; the op must return a `Changes`.

    `success(changes)` runs on the main thread, then the changes are broadcast through
    `OpsHub.instance().changed(changes, initiator)` (initiator = the parent widget) so
    every screen refreshes from them.
    """

    _pool = _WRITE_POOL

    def _deliver_success(self, hub: OpsHub, result: Any) -> None:
        if self._success is not None:
            self._success(result)
        if result is not None:
            hub.changed.emit(result, self._parent)


class DraftOp(CollectionOp):
    """A draft autosave (or its removal) in the drafts' journal: like a CollectionOp, but on the
    drafts' own thread, so it never waits for the writer's queue."""

    _pool = _DRAFT_POOL


def wait_for_writes(timeout: float = 10.0) -> None:
    """Block until every queued write and draft has run (used at shutdown and by tests)."""
    _DRAFT_POOL.submit(lambda: None).result(timeout=timeout)
    _WRITE_POOL.submit(lambda: None).result(timeout=timeout)


# Long work that writes in short transactions of its own (a spreadsheet import): a thread of its
# own, so neither the single writer's queue (a clerk's save) nor the readers wait for it.
_LONG_POOL = ThreadPoolExecutor(max_workers=1, thread_name_prefix="fund-long")


class LongOp(CollectionOp):
    """Like a CollectionOp (returns a `Changes`, broadcast on success), but on the long-work
    thread: each of its writes takes the writer for one short transaction, and the writer
    thread's queue goes on between them. Its work asks `progress.cancelled` between batches;
    sign-out and quit set it (`stop_long_work`)."""

    _pool = _LONG_POOL
    _running: "set[LongOp]" = set()

    def run_in_background(self) -> "LongOp":
        LongOp._running.add(self)
        return super().run_in_background()

    def _work(self, hub: OpsHub) -> None:
        try:
            super()._work(hub)
        finally:
            LongOp._running.discard(self)


def stop_long_work(timeout: float = 60.0) -> None:
    """Ask every long op to stop after the batch it is saving, and wait until it has (sign-out
    and quit: an import must not go on writing under the name of someone who left)."""
    for op in list(LongOp._running):
        op.progress.cancelled = True
    _LONG_POOL.submit(lambda: None).result(timeout=timeout)
