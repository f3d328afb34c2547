"""The photo step: hosts the camera widget (ui/camera/) and always offers "import from file"
(scanned photos brought by the family are common), plus optional document scans.

Image work (face check, crop, JPEG under 30 KB) runs in a QueryOp: it is CPU work, and a
5-megapixel scan on an office PC takes long enough to freeze the window otherwise.
"""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtCore import QCoreApplication, Qt, Signal
from PySide6.QtGui import QImage, QPixmap
from PySide6.QtWidgets import (QFileDialog, QFrame, QHBoxLayout, QLabel, QListWidget,
                               QListWidgetItem, QPushButton, QVBoxLayout, QWidget)

from fundclient.domain.photo_exception import PhotoException
from fundclient.domain.records import Photo
from fundclient.errors import CameraError, FundError
from fundclient.ui.i18n import current_language
from fundclient.ui.labels import photo_exception_text
from fundclient.ui.errors import error_text
from fundclient.ui.ops import QueryOp

log = logging.getLogger(__name__)
IMAGE_FILTER = "*.jpg *.jpeg *.png *.bmp *.tif *.tiff"


def _tr(text: str) -> str:
    return QCoreApplication.translate("RegistrationPhoto", text)


def portrait_from_file(path: str | Path, override_reason: str = "") -> Photo:
    """The ID photo from an image file: same checks (ID-photo rules for a picture that is
    already a crop), crop and size as the camera. A picture that fails a check is refused
    with its hint unless a photo exception (override_reason) allows it."""
    from fundclient.camera.analysis import FaceAnalyser  # lazy: start-up (OpenCV, NumPy)
    from fundclient.camera.photo import make_portrait  # lazy: start-up (OpenCV, NumPy)
    from fundclient.camera.sources import read_image  # lazy: start-up (OpenCV, NumPy)

    frame = read_image(Path(path))
    verdict = FaceAnalyser().analyse(frame, still=True)
    if not verdict.ok and not override_reason and verdict.face is not None:
        raise CameraError(verdict.hints[0], code="photo_check")
    return make_portrait(frame, verdict, override_reason)


def document_from_file(path: str | Path) -> Photo:
    from fundclient.camera.document import make_document  # lazy: start-up (OpenCV, NumPy)
    from fundclient.camera.sources import read_image  # lazy: start-up (OpenCV, NumPy)

    return make_document(read_image(Path(path)))


def _camera_widget(parent: QWidget, spec: str, allow_override: bool, data_dir
                   ) -> QWidget | None:
    """The camera engineer's widget (ui/camera/); None if it cannot be created."""
    try:
        from fundclient.ui.camera import CameraWidget  # lazy: start-up (OpenCV, NumPy)

        return CameraWidget(spec, allow_override=allow_override, data_dir=data_dir,
                            parent=parent)
    except Exception:  # no camera must never block registration (file import remains)
        log.exception("camera widget could not start")
        return None


class PhotoStep(QWidget):
    photo_changed = Signal()
    scans_changed = Signal()
    exception_requested = Signal()  # the screen asks for the reason and the supervisor

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("photoStep")
        self._photo: Photo | None = None
        self.exception: PhotoException | None = None  # approved, for this registration
        self._scans: list[Photo] = []
        self._camera_started = False
        self.camera_spec = ""  # Settings.camera ("" = first webcam)
        self.data_dir = None
        self.camera_widget: QWidget | None = None
        self.changed = False
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        left = QVBoxLayout()
        self.camera_host = QFrame(self)
        self.camera_host.setObjectName("cameraHost")
        self.camera_host.setFrameShape(QFrame.Shape.StyledPanel)
        self.camera_host.setMinimumSize(300, 200)
        self.camera_layout = QVBoxLayout(self.camera_host)
        self.camera_layout.setContentsMargins(2, 2, 2, 2)
        self.camera_note = QLabel(self.camera_host)
        self.camera_note.setWordWrap(True)
        self.camera_note.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.camera_layout.addWidget(self.camera_note)
        left.addWidget(self.camera_host, 1)
        buttons = QHBoxLayout()
        self.import_button = QPushButton(self)
        self.import_button.setObjectName("importPhoto")
        self.import_button.clicked.connect(self.choose_photo_file)
        self.import_button.setAutoDefault(True)
        # Bedridden, a face covering, a broken camera: any clerk may ask; a supervisor
        # confirms (services.registration.authorise_override, purpose "photo").
        self.exception_button = QPushButton(self)
        self.exception_button.setObjectName("photoException")
        self.exception_button.setAutoDefault(True)
        self.exception_button.clicked.connect(self.exception_requested)
        # The approved exception, beside its button (one row: height is scarce at 768 px).
        self.exception_note = QLabel(self)
        self.exception_note.setObjectName("photoExceptionNote")
        self.exception_note.setWordWrap(True)
        self.exception_note.setStyleSheet("background:#fff4d6; color:#7a4f00; padding:3px 6px;"
                                          " border-radius:4px;")
        self.exception_note.setVisible(False)
        buttons.addWidget(self.import_button)
        buttons.addWidget(self.exception_button)
        buttons.addWidget(self.exception_note, 1)
        buttons.addStretch(0)
        left.addLayout(buttons)
        self.message = QLabel(self)
        self.message.setObjectName("photoMessage")
        self.message.setWordWrap(True)
        self.message.setVisible(False)  # shown with something to say (_say)
        left.addWidget(self.message)
        layout.addLayout(left, 1)
        right = QVBoxLayout()
        self.preview_title = QLabel(self)
        self.preview = QLabel(self)
        self.preview.setObjectName("photoPreview")
        self.preview.setFixedSize(148, 190)  # 25x32 mm at 150 dpi: the card's proportions
        self.preview.setFrameShape(QFrame.Shape.Box)
        self.preview.setAlignment(Qt.AlignmentFlag.AlignCenter)
        right.addWidget(self.preview_title)
        right.addWidget(self.preview, 0, Qt.AlignmentFlag.AlignHCenter)
        self.scans_title = QLabel(self)
        self.scans_list = QListWidget(self)
        self.scans_list.setObjectName("scansList")
        self.scans_list.setMaximumHeight(64)
        scan_buttons = QHBoxLayout()
        self.add_scan_button = QPushButton(self)
        self.add_scan_button.setObjectName("addScan")
        self.add_scan_button.clicked.connect(self.choose_scan_file)
        self.remove_scan_button = QPushButton(self)
        self.remove_scan_button.setObjectName("removeScan")
        self.remove_scan_button.clicked.connect(self.remove_selected_scan)
        scan_buttons.addWidget(self.add_scan_button)
        scan_buttons.addWidget(self.remove_scan_button)
        right.addWidget(self.scans_title)
        right.addWidget(self.scans_list)
        right.addLayout(scan_buttons)
        right.addStretch(1)
        layout.addLayout(right, 0)  # the camera gets the width; this column its minimum
        self.retranslate_ui()

    def hasHeightForWidth(self) -> bool:  # noqa: N802 - Qt name
        # Word-wrapped labels would make the scroll area size the step by their preferred
        # height (taller than a 768-px screen); the step fits its minimum instead, so the
        # camera's buttons and message stay in view (the preview shrinks, not the buttons).
        return False

    # ---------------------------------------------------------------- camera
    def start_camera(self) -> None:
        """Create the camera widget the first time the step is shown (opening a camera
        is slow and must not delay the form); later visits restart it."""
        if self._camera_started:
            if self.camera_widget is not None:
                self.camera_widget.start()
            return
        self._camera_started = True
        # A failed photo is used only through a photo exception (the button below), for
        # clerks and supervisors alike: no second override inside the camera.
        widget = _camera_widget(self.camera_host, self.camera_spec, False, self.data_dir)
        if widget is None:
            return
        self.camera_note.setVisible(False)
        # The camera widget has its own "import from file" (with its review step): one
        # button for the same thing is enough.
        self.import_button.setVisible(False)
        self.camera_layout.addWidget(widget)
        widget.photoAccepted.connect(self._camera_photo)
        self.camera_widget = widget
        if self.exception is not None:
            widget.set_exception(self.exception.describe(current_language()))

    def first_control(self) -> QWidget:
        """Where keyboard focus goes on entering the step: the camera's capture button, or
        the file import when there is no camera."""
        if self.camera_widget is not None:
            return self.camera_widget.first_control()
        return self.import_button

    def stop_camera(self) -> None:
        """Release the webcam when the clerk leaves the photo step."""
        if self.camera_widget is not None:
            self.camera_widget.stop()

    def _camera_photo(self, photo: Photo) -> None:
        if photo.kind == "document":
            self._scan_added(photo)
        else:
            self.set_photo(photo, from_camera=True)

    # ---------------------------------------------------------------- photo
    def photo(self) -> Photo | None:
        return self._photo

    def set_photo(self, photo: Photo | None, *, from_camera: bool = False) -> None:
        self._photo = photo
        if not from_camera and self.camera_widget is not None:
            # A new registration (None) or a stored record's photo: the camera's picture
            # under review belonged to the person before; it must not be offered again.
            self.camera_widget.retake()
        self.changed = True  # edit mode resets it after loading the stored photo
        if photo is not None and photo.kind == "portrait" and photo.quality.get("checks_passed") == 1.0 \
                and self.exception is not None:
            self.set_exception(None)  # a photo that passed every check needs no exception
        if photo is None:
            self.preview.setPixmap(QPixmap())
            self.preview.setText(_tr("No photo yet"))
        else:
            image = QImage.fromData(photo.data)
            self.preview.setPixmap(QPixmap.fromImage(image).scaled(
                self.preview.size(), Qt.AspectRatioMode.KeepAspectRatio,
                Qt.TransformationMode.SmoothTransformation))
            if self.camera_widget is None:  # the camera says it in its own big line
                self._say(_tr("Photo ready."), "color:#1b5e20;")
        self.photo_changed.emit()

    def choose_photo_file(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, _tr("Choose the photo"), "",
                                              _tr("Images") + f" ({IMAGE_FILTER})")
        if path:
            self.import_photo_file(path)

    def import_photo_file(self, path: str | Path, override_reason: str = "") -> QueryOp:
        """Programmatic import (tests, drag-and-drop): checks and crops like the camera; a
        photo exception lets a picture that fails a check through."""
        if not override_reason and self.exception is not None:
            override_reason = self.exception.describe(current_language())
        self._say(_tr("Checking the photo…"), "")
        return QueryOp(parent=self, op=lambda: portrait_from_file(path, override_reason),
                       success=self.set_photo).failure(self._photo_failed).run_in_background()

    def _photo_failed(self, exc: BaseException) -> None:
        if not isinstance(exc, FundError):
            log.error("photo import failed", exc_info=exc)
        self._say(error_text(exc), "color:#b00020;")

    def _say(self, text: str, style: str) -> None:
        self.message.setText(text)
        self.message.setStyleSheet(style)
        self.message.setVisible(bool(text))

    # ---------------------------------------------------------------- photo exception
    def set_exception(self, exception: PhotoException | None) -> None:
        """The approved exception of this registration (None: none). Shown under the camera;
        the camera then lets a photo that failed a check be used, carrying its reason."""
        self.exception = exception
        self.changed = True
        text = exception.describe(current_language()) if exception is not None else ""
        if self.camera_widget is not None:
            self.camera_widget.set_exception(text)
        self._show_exception()
        self.photo_changed.emit()

    def _show_exception(self) -> None:
        exception = self.exception
        self.exception_note.setVisible(exception is not None)
        if self._photo is None:  # the card's photo box shows what the card will print
            self.preview.setWordWrap(True)
            self.preview.setText(exception.short(current_language()) if exception is not None
                                 else _tr("No photo yet"))
        if exception is None:
            return
        self.exception_note.setText(photo_exception_text(exception))

    # ---------------------------------------------------------------- scans
    def scans(self) -> list[Photo]:
        return list(self._scans)

    def set_scans(self, scans: list[Photo]) -> None:
        self._scans = list(scans)
        self._refresh_scans()

    def choose_scan_file(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, _tr("Choose the scanned document"), "",
                                              _tr("Images") + f" ({IMAGE_FILTER})")
        if path:
            self.add_scan_file(path)

    def add_scan_file(self, path: str | Path) -> QueryOp:
        return QueryOp(parent=self, op=lambda: document_from_file(path),
                       success=self._scan_added).failure(self._photo_failed).run_in_background()

    def _scan_added(self, scan: Photo) -> None:
        self._scans.append(scan)
        self._refresh_scans()

    def remove_selected_scan(self) -> None:
        row = self.scans_list.currentRow()
        if 0 <= row < len(self._scans):
            del self._scans[row]
            self._refresh_scans()

    def _refresh_scans(self) -> None:
        self.scans_list.clear()
        for number, scan in enumerate(self._scans, start=1):
            item = QListWidgetItem(_tr("Document %1 (%2 KB)").replace("%1", str(number))
                                   .replace("%2", str(max(1, len(scan.data) // 1024))))
            self.scans_list.addItem(item)
        self.remove_scan_button.setEnabled(bool(self._scans))
        self.scans_changed.emit()

    def retranslate_ui(self) -> None:
        self.camera_note.setText(_tr("The camera is not available on this computer. "
                                     "Import the photo from a file (a scanned photo is fine)."))
        self.import_button.setText(_tr("Import photo from file…"))
        self.exception_button.setText(_tr("Photo exception…"))
        self._show_exception()
        self.preview_title.setText(_tr("Photo on the card"))
        self.scans_title.setText(_tr("Scanned documents (optional)"))
        self.add_scan_button.setText(_tr("Add document…"))
        self.remove_scan_button.setText(_tr("Remove"))
        if self._photo is None:
            self.preview.setText(_tr("No photo yet"))
        self._refresh_scans()
