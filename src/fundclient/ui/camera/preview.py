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


def wrap_qimage(frame: np.ndarray) -> QImage:
    """BGR or grey numpy image → QImage *sharing* its pixels: keep `frame` alive and
    unchanged while the QImage is used."""
    height, width = frame.shape[:2]
    kind = QImage.Format.Format_Grayscale8 if frame.ndim == 2 else QImage.Format.Format_BGR888
    return QImage(frame.data, width, height, frame.strides[0], kind)


def to_qimage(frame: np.ndarray) -> QImage:
    """BGR or grey numpy image → QImage that owns its pixels."""
    return wrap_qimage(np.ascontiguousarray(frame)).copy()


class PreviewView(QWidget):
    def __init__(self, parent=None, thresholds: Thresholds = THRESHOLDS):
        super().__init__(parent)
        self.t = thresholds
        self.setMinimumSize(240, 120)  # fits a 768-px-high screen with the buttons below
        self._image: QImage | None = None
        self._pixels: np.ndarray | None = None  # the live buffer _image shares (camera.display)
        self._frame_width = 0  # width of the camera frame a live image was scaled from
        self.on_resize = None  # called with box() when the size changes (the widget's DisplayFrames)
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

    def box(self) -> tuple[int, int]:
        """The picture area in device pixels: what live frames are scaled to."""
        ratio = self.devicePixelRatioF()
        return max(1, round(self.width() * ratio)), max(1, round(self.height() * ratio))

    def resizeEvent(self, event) -> None:  # noqa: N802 - Qt name
        super().resizeEvent(event)
        if self.on_resize is not None:
            self.on_resize(self.box())

    def show_live(self, scaled: np.ndarray, frame_width: int) -> None:
        """A live frame already scaled to box() (camera.display.DisplayFrames) from a frame
        `frame_width` pixels wide: shared, not copied, and drawn pixel for pixel. The caller
        keeps the buffer unchanged until the next show_live."""
        image = wrap_qimage(scaled)
        image.setDevicePixelRatio(self.devicePixelRatioF())
        self._image, self._pixels, self._live = image, scaled, True
        self._frame_width = frame_width
        self.update()

    def show_still(self, image: np.ndarray) -> None:
        """A captured photo or document: no oval, no face box."""
        self._image, self._pixels, self._live = to_qimage(image), None, False
        self._frame_width = 0
        self._face, self._progress = None, 0.0
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
        size = self._image.deviceIndependentSize()
        iw, ih = size.width(), size.height()
        scale = min(self.width() / iw, self.height() / ih)
        if self._pixels is not None and abs(scale - 1) < 0.02:  # scaled already: pixel for pixel
            scale = 1.0
            target = QRectF(round((self.width() - iw) / 2), round((self.height() - ih) / 2), iw, ih)
            painter.drawImage(target.topLeft(), self._image)
        else:
            painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
            target = QRectF((self.width() - iw * scale) / 2, (self.height() - ih * scale) / 2,
                            iw * scale, ih * scale)
            painter.drawImage(target, self._image)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        scale = target.width() / (self._frame_width or iw)  # frame pixels (face, crop) -> view
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
