"""Text in a box: shrink, then wrap, never cut (long Arabic names must print whole).

Qt's QTextLayout does the shaping and the bidi (Arabic right to left, digits and Latin inside
it); the same laid-out object is measured and drawn, so what the tests measure is what prints.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QFont, QPainter, QPaintDevice, QTextLayout, QTextOption

SHRINK_STEP = 0.25  # points
# Arabic fonts reserve room for stacked marks; lines of a wrapped name may sit a little closer.
LINE_SPACING = 0.92


@dataclass
class FittedText:
    text: str
    font: QFont
    layout: QTextLayout
    box_width: float
    line_widths: list[float]
    line_texts: list[str]
    height: float
    fits: bool  # False only if even the smallest size overflows the box's height

    @property
    def widest(self) -> float:
        return max(self.line_widths, default=0.0)


def _layout(text: str, font: QFont, width: float, device: QPaintDevice, rtl: bool, align: Qt.AlignmentFlag,
            wrap: bool) -> tuple[QTextLayout, list[float], list[str], float]:
    layout = QTextLayout(text, font, device)
    option = QTextOption(align | Qt.AlignmentFlag.AlignAbsolute)
    option.setTextDirection(Qt.LayoutDirection.RightToLeft if rtl else Qt.LayoutDirection.LeftToRight)
    option.setWrapMode(QTextOption.WrapMode.WordWrap if wrap else QTextOption.WrapMode.NoWrap)
    layout.setTextOption(option)
    layout.setCacheEnabled(True)
    widths, texts, y = [], [], 0.0
    layout.beginLayout()
    while True:
        line = layout.createLine()
        if not line.isValid():
            break
        line.setLineWidth(width)
        line.setPosition(QPointF(0, y))
        y += line.height() * (LINE_SPACING if y else 1.0)
        widths.append(line.naturalTextWidth())
        texts.append(text[line.textStart():line.textStart() + line.textLength()])
    layout.endLayout()
    return layout, widths, texts, y


def fit_text(text: str, font: QFont, box: QRectF, device: QPaintDevice, *, max_lines: int = 1,
             min_point: float = 4.0, rtl: bool = True,
             align: Qt.AlignmentFlag = Qt.AlignmentFlag.AlignRight, check_height: bool = True) -> FittedText:
    """Largest size ≤ font's size at which `text` fits `box` in at most `max_lines` lines.

    Below `min_point` it keeps the smallest size and lets the text take more lines, so nothing is
    ever cut; `fits` then tells whether it still fits the box's height.
    """
    font = QFont(font)
    size = font.pointSizeF()
    while True:
        font.setPointSizeF(size)
        layout, widths, texts, height = _layout(text, font, box.width(), device, rtl, align, max_lines > 1)
        fits_width = all(w <= box.width() + 0.01 for w in widths)
        fits = fits_width and len(widths) <= max_lines and (not check_height or height <= box.height() + 0.01)
        if fits or size - SHRINK_STEP < min_point:
            break
        size -= SHRINK_STEP
    if not fits:  # smallest size: wrap as much as needed (at words, else anywhere), never cut
        layout, widths, texts, height = _layout(text, font, box.width(), device, rtl, align, True)
        fits = all(w <= box.width() + 0.01 for w in widths) and (not check_height or height <= box.height() + 0.01)
    return FittedText(text, font, layout, box.width(), widths, texts, height, fits)


def draw_fitted(painter: QPainter, fitted: FittedText, box: QRectF,
                valign: Qt.AlignmentFlag = Qt.AlignmentFlag.AlignVCenter) -> None:
    if valign == Qt.AlignmentFlag.AlignTop:
        top = box.top()
    elif valign == Qt.AlignmentFlag.AlignBottom:
        top = box.bottom() - fitted.height
    else:
        top = box.top() + (box.height() - fitted.height) / 2
    fitted.layout.draw(painter, QPointF(box.left(), top))


def draw_text(painter: QPainter, text: str, font: QFont, box: QRectF, *, max_lines: int = 1,
              min_point: float = 4.0, rtl: bool = True, align: Qt.AlignmentFlag = Qt.AlignmentFlag.AlignRight,
              valign: Qt.AlignmentFlag = Qt.AlignmentFlag.AlignVCenter, check_height: bool = True) -> FittedText:
    """Fit and draw in one call; returns the fitted layout (for tests and for stacking boxes)."""
    fitted = fit_text(text, font, box, painter.device(), max_lines=max_lines, min_point=min_point, rtl=rtl,
                      align=align, check_height=check_height)
    draw_fitted(painter, fitted, box, valign)
    return fitted
