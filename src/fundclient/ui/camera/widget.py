"""The camera screen's behaviour: live preview, checks, auto/manual capture, review, accept.

Threads: `CaptureWorker` reads frames, `LatestOnlyWorker` runs the face checks on the newest
frame; both report through `_Bridge` signals, so the GUI thread only paints and decides.
The preview gets every frame, scaled to its size in the capture thread
(`camera.display.DisplayFrames`, at most one waiting); the checks skip frames that have not
changed (`ChangeGate`) and run as often as `CheckPacer` allows for this machine and the
GUI's lateness, never on the GUI thread. A manual capture or file import analyses one frame
synchronously (about 10 ms).
"""

from __future__ import annotations

import logging
import threading
import time
from collections import deque
from pathlib import Path
from typing import NamedTuple

import numpy as np
from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal, Slot
from PySide6.QtWidgets import QFileDialog, QInputDialog, QWidget

from fundclient import catalogue
from fundclient import allocator
from fundclient.camera import messages
from fundclient.camera.analysis import FaceAnalyser, Verdict
from fundclient.camera.autocapture import SteadyGate
from fundclient.camera.change import ChangeGate
from fundclient.camera.display import DisplayFrames
from fundclient.camera.document import make_document
from fundclient.camera.pacing import CheckPacer
from fundclient.camera.photo import decode_photo, make_portrait
from fundclient.camera.sources import (CameraInfo, FrameSource, list_cameras, open_source,
                                       read_image, remember_camera)
from fundclient.camera.thresholds import THRESHOLDS, Thresholds
from fundclient.camera.worker import CameraStatus, CaptureWorker, LatestOnlyWorker
from fundclient.domain.records import Photo
from fundclient.errors import FundError
from fundclient.ui.camera import layout as words
from fundclient.ui.camera.layout import CameraLayout
from fundclient.ui.i18n import current_language

log = logging.getLogger(__name__)
STARTING_TIMEOUT_MS = 6000


class LiveVerdict(NamedTuple):
    """A live frame's verdict on its way to the GUI thread."""

    frame: np.ndarray
    verdict: Verdict
    read_at: float  # time.monotonic() when the capture thread got the frame
    sent_at: float  # when it was handed to the GUI thread
    checked: bool  # False: the scene had not changed, the last verdict was reused
    started_at: float = 0.0  # when its check began (checked verdicts)


class _Bridge(QObject):
    """Carries worker-thread callbacks to the GUI thread (queued signal connections)."""

    frame = Signal(float)  # when the paint was asked for
    verdict = Signal(object)  # LiveVerdict
    status = Signal(object)  # CameraStatus
    cameras = Signal(object)  # list[CameraInfo], from the listing thread


class CameraWidget(QWidget):
    """Live camera with checks; emits `photoAccepted(Photo)` when the clerk accepts a photo.

    source_spec: "" / "0" / "1" (webcam index), a video, folder or image path (demo mode,
    tests, machines without a webcam). Or pass a ready `source` (any FrameSource).
    allow_override: the signed-in user may accept a photo that failed a check, with a reason.
    data_dir: when given, choosing another camera is remembered in Settings.camera.
    auto_capture: take the photo by itself once every check passes on steady frames.
    """

    photoAccepted = Signal(object)  # fundclient.domain.records.Photo
    statusChanged = Signal(object)  # fundclient.camera.worker.CameraStatus
    verdictChanged = Signal(object)  # fundclient.camera.analysis.Verdict (live checks)

    def __init__(self, source_spec: str = "", *, source: FrameSource | None = None,
                 language: str | None = None, allow_override: bool = False,
                 cameras: list[CameraInfo] | None = None, data_dir: Path | None = None,
                 thresholds: Thresholds = THRESHOLDS, auto_capture: bool = True,
                 auto_start: bool = True, parent=None):
        super().__init__(parent)
        self.language = language or current_language()
        self.allow_override = allow_override
        self.photo_buttons = True  # False: a camera test (the wizard's) shows no Take/Retake
        self.data_dir = data_dir
        self.thresholds = thresholds
        self.auto_capture = auto_capture
        self.ui = CameraLayout(self, thresholds)
        self.gate = SteadyGate(thresholds)
        self._bridge = _Bridge(self)
        self._bridge.frame.connect(self._paint_latest_frame, Qt.ConnectionType.QueuedConnection)
        self._bridge.verdict.connect(self._on_verdict, Qt.ConnectionType.QueuedConnection)
        self._bridge.status.connect(self._on_status, Qt.ConnectionType.QueuedConnection)
        self._still_analyser = FaceAnalyser(thresholds)  # GUI-thread one-offs (capture, import)
        self.change_gate = ChangeGate(thresholds)  # skips the checks on unchanged frames
        self.pacer = CheckPacer(thresholds)  # how often the checks may run on this PC
        self.display = DisplayFrames()  # the preview's frames, scaled in the capture thread
        self.ui.preview.on_resize = self._preview_resized
        self._live_verdict: Verdict | None = None  # of the last checked live frame
        self._live_analyser: FaceAnalyser | None = None
        # Frame read -> its verdict shown, in seconds, for checked frames (the benchmark's
        # "verdict latency"; bounded: the newest 600).
        self.verdict_latency: deque[float] = deque(maxlen=600)
        # The same frames' latency in parts: (waiting for the check, the check, reaching the GUI).
        self.verdict_timing: deque[tuple[float, float, float]] = deque(maxlen=600)
        self.frames_painted = 0
        self._lock = threading.Lock()
        self._latest: np.ndarray | None = None
        self._capture: CaptureWorker | None = None
        self._analysis: LatestOnlyWorker | None = None
        self._source_spec = source_spec
        self._resume_on_show = False
        self._source = source
        self._given_source = source  # a FrameSource object passed in, not a spec
        self.mode = "portrait"
        self.state = "live"  # or "review"
        self.last_verdict: Verdict | None = None
        self._review_frame: np.ndarray | None = None
        self._review_verdict: Verdict | None = None
        self.photo: Photo | None = None  # the photo under review
        self.override_reason = ""
        # A photo exception granted for this registration (set by the photo step): any
        # captured or imported photo may then be used, and carries this text.
        self.exception_reason = ""
        self._clear_status = QTimer(self, singleShot=True, interval=4000)
        self._clear_status.timeout.connect(lambda: self._set_status_text(self._override_text()))
        # "Starting the camera…" must not stay forever: a driver that neither gives a frame
        # nor fails (Windows probing a missing index) is reported after a few seconds.
        self._start_watch = QTimer(self, singleShot=True, interval=STARTING_TIMEOUT_MS)
        self._start_watch.timeout.connect(self._start_timed_out)
        self.camera_live = False  # a frame has arrived since start()
        self._import_until_live = False

        self.ui.capture.clicked.connect(self.capture)
        self.ui.retake.clicked.connect(self.retake)
        self.ui.accept.clicked.connect(self.accept)
        self.ui.import_file.clicked.connect(lambda: self.import_file())
        self.ui.override.clicked.connect(lambda: self.request_override())
        self.ui.mode_choice.currentIndexChanged.connect(self._mode_changed)
        self._fill_cameras(cameras)
        self.ui.camera_choice.activated.connect(self._camera_chosen)
        self.retranslate()
        self._update_buttons()
        if auto_start:
            self.start()

    # --- camera lifecycle ----------------------------------------------------------------
    def start(self) -> None:
        """Open the source (in the worker thread) and start the checks."""
        self.stop()
        source = self._source
        if source is None:
            try:
                source = open_source(self._source_spec)
            except FundError as exc:
                self._show_status(exc.message)
                return
        self._source = source
        self.change_gate.reset()
        self._live_verdict = None
        self._live_analyser = FaceAnalyser(self.thresholds, track=True)
        self.display.box = self.ui.preview.box()
        fresh = (lambda item: time.monotonic() - item[1], self.thresholds.fresh_within, self.thresholds.fresh_wait)
        self._analysis = LatestOnlyWorker(self._check_in_worker, self._analysed_in_worker,
                                          pacer=self.pacer, raise_priority=True, fresh=fresh)
        self._capture = CaptureWorker(source, self._on_frame_in_worker, self._bridge.status.emit,
                                      raise_priority=True)
        self._analysis.start()
        self._capture.start()
        self.camera_live = False
        if self.state == "live":  # a photo under review (or accepted) keeps its own words
            self.ui.hint.setText(words.STARTING.in_language(self.language))
            self.ui.preview.set_message(words.STARTING.in_language(self.language))
        self._start_watch.start()
        self._update_buttons()

    def stop(self) -> None:
        """Stop both threads and release the camera (safe to call twice)."""
        self._start_watch.stop()
        was_running = self._capture is not None
        if self._capture is not None:
            self._capture.stop()
            self._capture = None
        if self._analysis is not None:
            self._analysis.stop()
            self._analysis = None
        self.display.clear()
        if was_running:  # the frames' memory goes back to the system, not kept by malloc
            allocator.trim()

    @property
    def camera_open(self) -> bool:
        """The capture thread is running (the camera is held)."""
        return self._capture is not None and self._capture.running

    def set_source(self, spec: str) -> None:
        """Switch camera (or file source); remembered when the widget has a data_dir."""
        self._source_spec, self._source = spec, None
        if self.data_dir is not None:
            remember_camera(self.data_dir, spec)
        self.retake()
        self.start()

    def closeEvent(self, event) -> None:  # noqa: N802 - Qt name
        self.stop()
        super().closeEvent(event)

    def hideEvent(self, event) -> None:  # noqa: N802 - Qt name
        # Another screen is shown or the window is minimised: free the webcam (its light
        # goes off, other programs may use it, no CPU is spent on it) and come back when
        # this screen is shown again.
        self._resume_on_show = self._capture is not None or self._resume_on_show
        self.stop()
        super().hideEvent(event)

    def showEvent(self, event) -> None:  # noqa: N802 - Qt name
        super().showEvent(event)
        if self._resume_on_show and self._capture is None:
            self._resume_on_show = False
            self.start()

    # --- worker thread side --------------------------------------------------------------
    def _on_frame_in_worker(self, frame: np.ndarray) -> None:
        read_at = time.monotonic()
        with self._lock:
            self._latest = frame
        live = self.state == "live"
        # At most one paint waiting: a busy GUI drops frames, never lags behind.
        if live and self.display.put(frame):
            self._bridge.frame.emit(read_at)
        analysis = self._analysis
        if live and self.mode == "portrait" and analysis is not None:
            verdict = self._live_verdict
            if verdict is not None and not analysis.has_work and self.change_gate.unchanged(frame):
                # The same scene as the last checked frame: its verdict still holds.
                self._bridge.verdict.emit(LiveVerdict(frame, verdict, read_at, time.monotonic(), False))
            else:  # checked when the pacer allows; a newer frame replaces it meanwhile
                analysis.submit((frame, read_at))

    def _check_in_worker(self, item: tuple[np.ndarray, float]) -> tuple[Verdict | None, bool, float]:
        frame, _read_at = item
        started = time.monotonic()
        verdict = self._live_verdict
        if verdict is not None and self.change_gate.unchanged(frame):
            return verdict, False, started  # it waited behind a check of the same scene
        cpu = time.thread_time()
        self.change_gate.remember(frame)
        analyser = self._live_analyser
        verdict: Verdict | None = analyser.analyse(frame, defer_full_scan=True)
        if analyser.full_scan_due:
            # The face was found where it was: the person sees this verdict now, and the
            # whole-frame scan due (a second person?) runs after it, on the same frame.
            self._analysed_in_worker(item, (verdict, True, started))
            verdict = None if analyser.second_look(frame, verdict) else analyser.analyse(frame)
        self.pacer.done(started, time.thread_time() - cpu)
        return verdict, True, started

    def _analysed_in_worker(self, item: tuple[np.ndarray, float],
                            result: tuple[Verdict | None, bool, float]) -> None:
        (frame, read_at), (verdict, checked, started) = item, result
        if verdict is None:  # the second look agreed with the verdict already sent
            return
        if checked:
            self._live_verdict = verdict
        self._bridge.verdict.emit(LiveVerdict(frame, verdict, read_at, time.monotonic(), checked, started))

    def _preview_resized(self, box: tuple[int, int]) -> None:
        self.display.box = box

    # --- GUI thread side -----------------------------------------------------------------
    @Slot(float)
    def _paint_latest_frame(self, asked_at: float) -> None:
        scaled = self.display.take()
        self.pacer.gui_late(time.monotonic() - asked_at)
        if scaled is not None and self.state == "live":
            self.ui.preview.show_live(scaled, self.display.frame_width)
            self.frames_painted += 1

    @Slot(object)
    def _on_verdict(self, live: LiveVerdict) -> None:
        now = time.monotonic()
        self.pacer.gui_late(now - live.sent_at)
        if self.state != "live":
            return
        frame, verdict = live.frame, live.verdict
        if live.checked:
            self.verdict_latency.append(now - live.read_at)
            self.verdict_timing.append((live.started_at - live.read_at, live.sent_at - live.started_at,
                                        now - live.sent_at))
        self.last_verdict = verdict
        self.verdictChanged.emit(verdict)
        if self.mode == "document":
            return
        fired = self.gate.update(verdict)
        self.ui.preview.set_overlay(verdict.face, verdict.ok, self.gate.progress, crop=verdict.crop)
        self.ui.show_checks(verdict, self.language)
        hint = verdict.hints[0] if verdict.hints else messages.ALL_GOOD
        self.ui.hint.setText(hint.in_language(self.language))
        if fired and self.auto_capture:
            self._enter_review(frame, verdict)

    @Slot(object)
    def _on_status(self, status: CameraStatus) -> None:
        if self._capture is None and status.state != "stopped":
            return  # a late report from a worker already stopped
        status_line = True
        if status.state == "live":
            self._start_watch.stop()
            self.camera_live = True
            self.ui.preview.set_message("")
            if self.ui.hint.text() == words.STARTING.in_language(self.language):
                self.ui.hint.setText(self._live_hint())  # the camera has started: say so
            if self._import_until_live and self.ui.import_file.hasFocus():
                self.ui.capture.setEnabled(True)
                self.ui.capture.setFocus()
            self._import_until_live = False
        elif status.state == "lost" and status.message is not None:
            self._start_watch.stop()
            no_picture = not self.camera_live or self.ui.preview.has_no_picture()
            if no_picture and self.state == "live":
                # No picture at all: the reason is THE message of the screen, in the big
                # line and on the dark preview, with what to do instead (not repeated below).
                self._no_camera(status.message)
                status_line = False
            self.camera_live = False
        self.statusChanged.emit(status)
        self.ui.preview.set_dimmed(status.state == "lost")
        if status.message is not None and status_line:
            self._show_status(status.message)
            if status.state == "live":  # "camera is back": clear after a moment
                self._clear_status.start()
        self._update_buttons()

    def _no_camera(self, message) -> None:
        if self.state != "live":  # a photo under review keeps its own words
            return
        text = message.in_language(self.language)
        self.ui.hint.setText(text)
        self.ui.preview.set_message(text + "\n\n" + words.USE_IMPORT.in_language(self.language))

    def _start_timed_out(self) -> None:
        if self._capture is not None and not self.camera_live:
            self._no_camera(words.CAMERA_SILENT)

    # --- actions ---------------------------------------------------------------------------
    def capture(self) -> None:
        """Manual capture of the newest frame (portrait or document, by mode)."""
        with self._lock:
            frame = self._latest
        if frame is None:
            return
        self._enter_review(frame, None)

    def import_file(self, path: str | Path | None = None) -> bool:
        """Use a picture file instead of the camera (asks with a file dialog if no path)."""
        if path is None:
            path, _ = QFileDialog.getOpenFileName(self, words.IMPORT_TITLE.in_language(self.language), "",
                                                  words.IMPORT_FILTER.in_language(self.language))
            if not path:
                return False
        try:
            frame = read_image(Path(path))
        except FundError as exc:
            self._show_status(exc.message)
            return False
        self._enter_review(frame, None, still=True)  # judged by ID-photo rules if already a crop
        if self.isVisible():  # the keyboard goes on to Use this photo (or Retake)
            self.first_control().setFocus()
        return True

    def retake(self) -> None:
        self._live_verdict = None  # check the next frame afresh
        self.state = "live"
        self.photo = None
        self._review_frame = self._review_verdict = None
        self.override_reason = ""
        self.gate.reset()
        self._set_status_text("")
        self._update_buttons()

    def request_override(self, reason: str | None = None) -> bool:
        """Supervisor accepts a photo that failed a check; the reason is stored with it."""
        if not self.allow_override:
            return False
        if reason is None:
            reason, ok = QInputDialog.getText(self, words.OVERRIDE.in_language(self.language),
                                              words.OVERRIDE_PROMPT.in_language(self.language))
            if not ok:
                return False
        reason = reason.strip()
        if not reason:
            return False
        self.override_reason = reason
        if self.state == "live":
            self.capture()
        elif self._review_frame is not None:
            self._build_photo()
        self._set_status_text(self._override_text())
        self._update_buttons()
        return True

    def set_exception(self, reason: str) -> None:
        """A supervisor-approved photo exception ("" to drop it): a photo that failed a check
        may be used and is stored with this reason."""
        self.exception_reason = reason.strip()
        if self.state == "review" and self._review_frame is not None:
            self._build_photo()
        self._set_status_text(self._override_text())
        self._update_buttons()

    def accept(self) -> None:
        if self.can_accept():
            self.ui.hint.setText(words.ACCEPTED.in_language(self.language))
            self.photoAccepted.emit(self.photo)

    def first_control(self) -> QWidget:
        """Where the keyboard starts: Use this photo when one waits, Retake after a failed
        one, Take photo while the camera gives pictures, otherwise Import from file."""
        if self.state == "review":
            return self.ui.accept if self.can_accept() else self.ui.retake
        if self.ui.capture.isEnabled():
            return self.ui.capture
        self._import_until_live = True  # moved on to Take photo when the first picture comes
        return self.ui.import_file

    def can_accept(self) -> bool:
        if self.state != "review" or self.photo is None:
            return False
        if self.photo.kind == "document" or self.override_reason or self.exception_reason:
            return True
        return self._review_verdict is not None and self._review_verdict.ok

    # --- review ----------------------------------------------------------------------------
    def _enter_review(self, frame: np.ndarray, verdict: Verdict | None, still: bool = False) -> None:
        self.state = "review"
        self._review_frame = frame
        if self.mode == "portrait" and verdict is None:
            verdict = self._still_analyser.analyse(frame, still=still)
        self._review_verdict = verdict
        self._build_photo()
        if verdict is not None:
            self.ui.show_checks(verdict, self.language)
        self._update_buttons()

    def _build_photo(self) -> None:
        frame, verdict = self._review_frame, self._review_verdict
        try:
            if self.mode == "document":
                self.photo = make_document(frame)
            else:
                self.photo = make_portrait(frame, verdict, self.override_reason or self.exception_reason)
        except FundError as exc:  # no face and no override: show the frame and why
            self.photo = None
            self.ui.preview.show_still(frame)
            self.ui.hint.setText(exc.message.in_language(self.language))
            return
        self.ui.preview.show_still(decode_photo(self.photo))
        passed = self.mode == "document" or (verdict is not None and verdict.ok)
        excused = bool(self.override_reason or self.exception_reason)
        text = (words.REVIEW if passed or excused else words.REVIEW_FAILED).in_language(self.language)
        if not passed and verdict is not None and verdict.hints:  # say what is wrong first
            text = verdict.hints[0].in_language(self.language) + "\n" + text
        self.ui.hint.setText(text)

    # --- small helpers ---------------------------------------------------------------------
    def _update_buttons(self) -> None:
        live = self.state == "live"
        # Take and Retake share one place (width is scarce at 1024 px): one shows at a time,
        # and the keyboard focus moves from the one that hides to the one that shows.
        had_focus = self.ui.capture.hasFocus() or self.ui.retake.hasFocus()
        has_picture = self.camera_live or self._latest is not None  # lost: the last frame still counts
        self.ui.capture.setEnabled(live and has_picture)
        self.ui.retake.setEnabled(not live)
        self.ui.accept.setEnabled(self.can_accept())
        self.ui.override.setVisible(self.allow_override)
        self.ui.override.setEnabled(self.allow_override and self.mode == "portrait")
        (self.ui.capture if live else self.ui.retake).setVisible(self.photo_buttons)  # the new one first, then focus
        if had_focus:
            self.first_control().setFocus()
        self.ui.capture.setVisible(live and self.photo_buttons)
        self.ui.retake.setVisible(not live and self.photo_buttons)

    def _live_hint(self) -> str:
        """The big line while the camera gives pictures, until the next verdict replaces it."""
        if self.mode == "document":
            return words.DOCUMENT_HINT.in_language(self.language)
        verdict = self.last_verdict
        hint = verdict.hints[0] if verdict is not None and verdict.hints else messages.ALL_GOOD
        return hint.in_language(self.language) if verdict is not None else ""

    def _mode_changed(self) -> None:
        self.mode = self.ui.mode_choice.currentData() or "portrait"
        self.retake()
        self.ui.preview.set_overlay(None, False, 0.0, show_oval=self.mode == "portrait")
        self.ui.show_checks(None, self.language)
        if self.mode == "document":
            self.ui.hint.setText(words.DOCUMENT_HINT.in_language(self.language))

    def _fill_cameras(self, cameras: list[CameraInfo] | None) -> None:
        """Fill the camera choice. Without a given list, the machine is asked in a thread:
        on Windows that probes devices and can take seconds."""
        if cameras is None:
            self._bridge.cameras.connect(self._show_cameras, Qt.ConnectionType.QueuedConnection)
            threading.Thread(target=self._list_cameras_in_thread, name="camera-list", daemon=True).start()
            cameras = []
        self._show_cameras(cameras)

    def _list_cameras_in_thread(self) -> None:
        try:
            found = list_cameras()
        except Exception:  # noqa: BLE001 - a listing failure must not block the screen
            log.warning("listing cameras failed", exc_info=True)
            return
        try:
            self._bridge.cameras.emit(found)
        except RuntimeError:  # the widget was closed meanwhile
            pass

    @Slot(object)
    def _show_cameras(self, cameras: list[CameraInfo]) -> None:
        choice = self.ui.camera_choice
        choice.blockSignals(True)
        choice.clear()
        for camera in cameras:
            choice.addItem(camera.name, camera.spec)
        if self._given_source is not None and self._source is self._given_source:
            choice.addItem(self._given_source.description, None)
            choice.setCurrentIndex(choice.count() - 1)
        else:
            if choice.findData(self._source_spec) < 0:
                choice.addItem(self._source_spec or "0", self._source_spec)
            choice.setCurrentIndex(choice.findData(self._source_spec))
        choice.blockSignals(False)

    def _camera_chosen(self, index: int) -> None:
        spec = self.ui.camera_choice.itemData(index)
        if spec is not None and spec != self._source_spec:
            self.set_source(spec)

    def _show_status(self, message) -> None:
        self._set_status_text(message.in_language(self.language))

    def _set_status_text(self, text: str) -> None:
        self.ui.status.setText(text)
        self.ui.status.setVisible(bool(text))  # no empty line eating the screen's height

    def _override_text(self) -> str:
        if self.override_reason:
            return words.OVERRIDE_SET.format(reason=self.override_reason).in_language(self.language)
        return ""  # an exception is shown by its owner (the registration photo step)

    def retranslate(self) -> None:
        self.setLayoutDirection(Qt.LayoutDirection.RightToLeft if catalogue.is_rtl(self.language)
                                else Qt.LayoutDirection.LeftToRight)
        self.ui.retranslate(self.language)
        self.ui.show_checks(self.last_verdict if self.state == "live" else self._review_verdict, self.language)

    def changeEvent(self, event) -> None:  # noqa: N802 - Qt name
        if event.type() == QEvent.Type.LanguageChange:
            self.language = current_language()
            self.retranslate()
        super().changeEvent(event)
