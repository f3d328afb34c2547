"""Widgets and words of the camera screen; no behaviour (that is widget.py).

Words are bilingual `Message`s chosen by the UI language, like the hints from
`fundclient.camera.messages`, so the camera has one source for both languages.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (QComboBox, QHBoxLayout, QLabel, QPushButton, QSizePolicy,
                               QVBoxLayout, QWidget)

from fundclient.camera.analysis import (BACKLIGHT, EXPOSURE, FACE_COUNT, FRONTAL, POSITION,
                                        SHARPNESS, SIZE)
from fundclient.camera.thresholds import THRESHOLDS, Thresholds
from fundclient.errors import Message
from fundclient.ui.camera.preview import PreviewView
from fundclient.ui.flow_layout import FlowLayout

CAPTURE = Message("Take photo")
RETAKE = Message("Retake")
ACCEPT = Message("Use this photo")
IMPORT = Message("Import from file…")
OVERRIDE = Message("Supervisor override…")
OVERRIDE_PROMPT = Message("Why is this photo accepted although a check failed?")
OVERRIDE_SET = Message("Supervisor override: {reason}")
DOCUMENT_MODE = Message("Scan a document")
PORTRAIT_MODE = Message("Portrait")
CAMERA = Message("Camera:")
IMPORT_TITLE = Message("Choose a picture")
IMPORT_FILTER = Message("Pictures (*.jpg *.jpeg *.png *.bmp *.webp)")
REVIEW = Message("Check the photo, then use it or retake it")
REVIEW_FAILED = Message("The photo did not pass every check: retake it or ask for a photo exception")
DOCUMENT_HINT = Message("Lay the document on a dark surface in view, then press Take photo")
ACCEPTED = Message("Photo accepted. You can retake it if you wish")
STARTING = Message("Starting the camera…")
CAMERA_SILENT = Message("The camera does not answer. Check that it is plugged in, or choose another one")
USE_IMPORT = Message("You can import the photo from a file (a scanned or passport photo).")
CHECK_LABELS = {
    FACE_COUNT: Message("One face"),
    SIZE: Message("Distance"),
    POSITION: Message("Inside the oval"),
    EXPOSURE: Message("Light"),
    BACKLIGHT: Message("Light from the front"),
    SHARPNESS: Message("Sharpness"),
    FRONTAL: Message("Facing the camera"),
}


class CameraLayout:
    """Builds the child widgets on `host` and keeps references to them."""

    def __init__(self, host: QWidget, thresholds: Thresholds = THRESHOLDS):
        self.preview = PreviewView(host, thresholds)
        self.preview.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)

        self.camera_label = QLabel(host)
        self.camera_choice = QComboBox(host)
        self.mode_choice = QComboBox(host)
        top = QHBoxLayout()
        top.addWidget(self.camera_label)
        top.addWidget(self.camera_choice, 1)
        top.addWidget(self.mode_choice)

        self.hint = QLabel(host)  # the one sentence that matters now, large
        self.hint.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.hint.setWordWrap(True)
        font = self.hint.font()
        font.setPointSizeF(font.pointSizeF() * 1.3)
        font.setBold(True)
        self.hint.setFont(font)
        self.checklist = QLabel(host)  # ✓/✗ per check, small
        self.checklist.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.checklist.setTextFormat(Qt.TextFormat.RichText)
        # English words are longer: the line wraps between checks (never inside one), so
        # no check is cut off at 1024 or 1366 px.
        self.checklist.setWordWrap(True)
        self.status = QLabel(host)  # camera lost / back, override reason
        self.status.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.status.setWordWrap(True)
        self.status.setStyleSheet("color: #a40000;")
        self.status.setVisible(False)  # shown only with something to say (widget._set_status_text)

        self.capture = QPushButton(host)
        self.retake = QPushButton(host)
        self.accept = QPushButton(host)
        self.import_file = QPushButton(host)
        self.override = QPushButton(host)
        self.accept.setDefault(True)
        # One row; a second line when the words do not fit the panel (French at 1024 px).
        self.buttons = QWidget(host)
        buttons = FlowLayout(self.buttons, spacing=4, justify=True)
        for button in (self.capture, self.retake, self.accept, self.import_file, self.override):
            button.setMinimumHeight(34)
            buttons.addWidget(button)

        column = QVBoxLayout(host)
        column.setContentsMargins(4, 4, 4, 4)
        column.setSpacing(4)
        column.addLayout(top)
        column.addWidget(self.preview, 1)
        column.addWidget(self.hint)
        column.addWidget(self.checklist)
        column.addWidget(self.status)
        column.addWidget(self.buttons)

    def retranslate(self, language: str) -> None:
        text = lambda message: message.in_language(language)  # noqa: E731
        self.camera_label.setText(text(CAMERA))
        self.capture.setText(text(CAPTURE))
        self.retake.setText(text(RETAKE))
        self.accept.setText(text(ACCEPT))
        self.import_file.setText(text(IMPORT))
        self.override.setText(text(OVERRIDE))
        current = self.mode_choice.currentIndex()
        self.mode_choice.blockSignals(True)
        self.mode_choice.clear()
        self.mode_choice.addItem(text(PORTRAIT_MODE), "portrait")
        self.mode_choice.addItem(text(DOCUMENT_MODE), "document")
        self.mode_choice.setCurrentIndex(max(0, current))
        self.mode_choice.blockSignals(False)

    def show_checks(self, verdict, language: str) -> None:
        """One line of ✓/✗ marks, green/red, in the order of CHECK_LABELS."""
        self.checklist.setVisible(verdict is not None)
        if verdict is None:
            self.checklist.setText("")
            return
        parts = []
        for check in verdict.checks:
            label = CHECK_LABELS.get(check.name)
            if label is None:
                continue
            colour, mark = ("#1b6e20", "✓") if check.passed else ("#a40000", "✗")
            parts.append(f'<span style="color:{colour}; white-space:nowrap">'  # one check, one piece
                         f'{mark} {label.in_language(language)}</span>')
        self.checklist.setText("&nbsp;&nbsp; ".join(parts))
