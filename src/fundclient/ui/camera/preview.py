"""The live picture: the frame, the guide oval, the face box and the steady-progress ring.

Painting only: it is given a BGR numpy frame (or a finished photo) and draws it scaled to
fit. The oval comes from `camera.thresholds` and shows where to sit; the dashed rectangle is the
ID photo the checks would cut from this frame (`Verdict.crop`).
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QImage, QPainter, QPen
from PySide6.QtWidgets import QWidget

from fundclient.camera.thresholds import THRESHOLDS, Thresholds

GOOD = QColor("#2e9e3a")
BAD = QColor("#e0a020")


def to_qimage(frame: np.ndarray) -> QImage:
    """BGR or grey numpy image → QImage that owns its pixels."""
    if frame.ndim == 2:
        height, width = frame.shape
        return QImage(frame.data, width, height, frame.strides[0], QImage.Format.Format_Grayscale8).copy()
    height, width = frame.shape[:2]
    rgb = np.ascontiguousarray(frame[..., ::-1])
    return QImage(rgb.data, width, height, rgb.strides[0], QImage.Format.Format_RGB888).copy()


class PreviewView(QWidget):
    def __init__(self, parent=None, thresholds: Thresholds = THRESHOLDS):
        super().__init__(parent)
        self.t = thresholds
        self.setMinimumSize(240, 120)  # fits a 768-px-high screen with the buttons below
        self._image: QImage | None = None
        self._live = True
        self._face = None
        self._crop = None
        self._show_oval = True
        self._face_ok = False
        self._progress = 0.0
        self._dimmed = False
        self._message = ""

    def set_message(self, text: str) -> None:
        """Words painted on the dark preview while there is no picture (starting, no camera)."""
        self._message = text
        self.update()

    def has_no_picture(self) -> bool:
        return self._image is None

    def show_frame(self, frame: np.ndarray) -> None:
        self._image, self._live = to_qimage(frame), True
        self.update()

    def show_still(self, image: np.ndarray) -> None:
        """A captured photo or document: no oval, no face box."""
        self._image, self._live, self._face, self._progress = to_qimage(image), False, None, 0.0
        self.update()

    def set_overlay(self, face, ok: bool, progress: float, show_oval: bool = True, crop=None) -> None:
        self._face, self._face_ok, self._progress = face, ok, progress
        self._crop = crop if face is not None else None
        self._show_oval = show_oval
        self.update()

    def set_dimmed(self, dimmed: bool) -> None:  # camera lost: grey out the last frame
        self._dimmed = dimmed
        self.update()

    def paintEvent(self, event) -> None:  # noqa: N802 - Qt name
        painter = QPainter(self)
        painter.fillRect(self.rect(), QColor("#202020"))
        if self._image is None:
            if self._message:
                painter.setPen(QColor("#f0f0f0"))
                painter.drawText(self.rect().adjusted(12, 12, -12, -12),
                                 int(Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap), self._message)
            return
        painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        iw, ih = self._image.width(), self._image.height()
        scale = min(self.width() / iw, self.height() / ih)
        target = QRectF((self.width() - iw * scale) / 2, (self.height() - ih * scale) / 2, iw * scale, ih * scale)
        painter.drawImage(target, self._image)
        if self._dimmed:
            painter.fillRect(target, QColor(0, 0, 0, 150))
        if not self._live or not self._show_oval:
            return
        colour = GOOD if self._face_ok else BAD
        # The guide oval, where the head should be.
        centre = QPointF(target.left() + self.t.guide_cx * target.width(),
                         target.top() + self.t.guide_cy * target.height())
        painter.setPen(QPen(colour, 3, Qt.PenStyle.DashLine if not self._face_ok else Qt.PenStyle.SolidLine))
        painter.drawEllipse(centre, self.t.guide_rx * target.width(), self.t.guide_ry * target.height())
        if self._face is not None:
            x, y, w, h = self._face
            painter.setPen(QPen(colour, 2))
            painter.drawRect(QRectF(target.left() + x * scale, target.top() + y * scale, w * scale, h * scale))
        if self._crop is not None:  # the ID photo that would be taken now (camera/framing.py)
            x, y, w, h = self._crop
            painter.setPen(QPen(QColor(255, 255, 255, 170), 1, Qt.PenStyle.DashLine))
            painter.drawRect(QRectF(target.left() + x * scale, target.top() + y * scale, w * scale, h * scale))
        if self._progress > 0:  # the steady countdown before auto-capture
            radius = 18
            ring = QRectF(target.right() - 2.5 * radius, target.top() + 0.5 * radius, 2 * radius, 2 * radius)
            painter.setPen(QPen(QColor(255, 255, 255, 110), 5))
            painter.drawEllipse(ring)
            painter.setPen(QPen(GOOD, 5))
            painter.drawArc(ring, 90 * 16, int(-360 * 16 * self._progress))
