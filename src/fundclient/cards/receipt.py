"""The registration receipt: A4, A5 or an 80 mm thermal roll, as PDF or on a printer.

One flowing layout for every paper: blocks are laid out top to bottom at the paper's width.
A thermal roll has no fixed length, so its page is as long as the content.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from PySide6.QtCore import QMarginsF, QPointF, QRectF, QSizeF, Qt
from PySide6.QtGui import QColor, QImage, QPageLayout, QPageSize, QPainter, QPaintDevice, QPdfWriter, QPen

from fundclient.cards.content import (BRING_NEXT_TIME_TITLE, DEPENDANT_MARK, RECEIPT_DEPENDANT, RECEIPT_DEPENDANT_CARD,
                                      RECEIPT_FOOTER, RECEIPT_TITLE, ReceiptData, printed)
from fundclient.cards.fonts import arabic_font, without_ligatures
from fundclient.cards.text import FittedText, draw_fitted, fit_text
from fundclient.errors import FundError, Message

R = Qt.AlignmentFlag.AlignRight
C = Qt.AlignmentFlag.AlignHCenter
TOP = Qt.AlignmentFlag.AlignTop
GREY = QColor("#5A5A5A")
INK = QColor("#1A1A1A")


@dataclass(frozen=True)
class Paper:
    name: str
    width_mm: float
    height_mm: float | None  # None: roll paper, as long as the content
    margin_mm: float
    base_point: float  # body text size; headings scale from it


PAPERS = {
    "A4": Paper("A4", 210.0, 297.0, 15.0, 12.0),
    "A5": Paper("A5", 148.0, 210.0, 10.0, 10.5),
    "80mm": Paper("80mm", 80.0, None, 4.0, 8.5),
}
BAD_PAPER = Message("Unknown receipt paper '{value}' (A4, A5 or 80mm)")


def paper(name: str) -> Paper:
    key = {"a4": "A4", "a5": "A5", "80mm": "80mm", "80": "80mm", "thermal": "80mm"}.get(name.strip().lower())
    if key is None:
        raise FundError(BAD_PAPER.format(value=name), code="receipt_paper")
    return PAPERS[key]


def _blocks(data: ReceiptData, device: QPaintDevice, paper: Paper) -> list[Callable[[QPainter | None, float], float]]:
    """Each block draws itself at y (when given a painter) and returns its height in device units."""
    px = device.logicalDpiX() / 25.4
    width = (paper.width_mm - 2 * paper.margin_mm) * px
    left = paper.margin_mm * px
    base = paper.base_point
    narrow = paper.width_mm < 100
    label_w = width * (0.36 if narrow else 0.3)
    gap = 1.5 * px

    def text_block(text, font, *, align=R, rtl=True, colour=INK, space_after=1.0, max_lines=6):
        def block(painter, y):
            box = QRectF(left, y, width, 10_000)
            fitted = fit_text(text, font, box, device, max_lines=max_lines, rtl=rtl, align=align,
                              min_point=base * 0.6, check_height=False)
            if painter:
                painter.setPen(colour)
                draw_fitted(painter, fitted, QRectF(left, y, width, fitted.height), TOP)
            return fitted.height + space_after * px
        return block

    def row_block(label, value):
        def block(painter, y):
            label_box = QRectF(left + width - label_w, y, label_w, 10_000)
            value_box = QRectF(left, y, width - label_w - gap, 10_000)
            rtl = not value.isascii()
            lab = fit_text(label, arabic_font(base * 0.9, sans=True), label_box, device, max_lines=3,
                           check_height=False)
            # Latin values (record id, card number) shrink rather than break at their hyphens.
            value_font = arabic_font(base, bold=True, sans=True)
            if value.isascii():
                value_font = without_ligatures(value_font)
            val = fit_text(value, value_font, value_box, device,
                           max_lines=1 if value.isascii() else 4,
                           rtl=rtl, align=R, min_point=base * 0.6, check_height=False)
            if painter:
                painter.setPen(GREY)
                draw_fitted(painter, lab, QRectF(label_box.topLeft(), QSizeF(label_w, lab.height)), TOP)
                painter.setPen(INK)
                draw_fitted(painter, val, QRectF(value_box.topLeft(), QSizeF(value_box.width(), val.height)), TOP)
            return max(lab.height, val.height) + 0.6 * px
        return block

    def rule_block(painter, y):
        if painter:
            painter.setPen(QPen(GREY, 0.25 * px, Qt.PenStyle.DashLine if narrow else Qt.PenStyle.SolidLine))
            painter.drawLine(QPointF(left, y + 1.5 * px), QPointF(left + width, y + 1.5 * px))
        return 3.0 * px

    blocks = [
        text_block(data.fund_name, arabic_font(base * 1.15, bold=True, sans=True), align=C),
        text_block(data.office.name_ar, arabic_font(base, sans=True), align=C),
        text_block(printed(RECEIPT_TITLE), arabic_font(base * 1.5, bold=True), align=C, space_after=2.0),
        rule_block,
        *[row_block(label, value) for label, value in data.rows()],
    ]
    for dependant in data.dependants:
        label = RECEIPT_DEPENDANT.format(relation=Message.plain(dependant.relation)) if dependant.relation \
            else DEPENDANT_MARK
        blocks.append(row_block(printed(label), dependant.name))
        if dependant.card_number:
            blocks.append(row_block(printed(RECEIPT_DEPENDANT_CARD), dependant.card_number))
    blocks += [rule_block, text_block(printed(BRING_NEXT_TIME_TITLE), arabic_font(base, bold=True, sans=True))]
    blocks += [text_block(f"• {item}", arabic_font(base * 0.95, sans=True), space_after=0.4)
               for item in data.bring_next_time]
    blocks += [rule_block, text_block(printed(RECEIPT_FOOTER.format(fund=Message.plain(data.fund_name))), arabic_font(base * 0.75, sans=True),
                                      align=C, colour=GREY)]
    return blocks


def content_height_mm(data: ReceiptData, device: QPaintDevice, paper: Paper) -> float:
    px = device.logicalDpiX() / 25.4
    y = 0.0
    for block in _blocks(data, device, paper):
        y += block(None, y)
    return y / px


def paint_receipt(painter: QPainter, data: ReceiptData, paper: Paper,
                  new_page: Callable[[], object] | None = None) -> int:
    """Paint from the top margin down; returns the number of pages used.

    On a fixed paper (A4/A5) a block that would cross the bottom margin goes to a new page
    (`new_page`, e.g. QPdfWriter.newPage) — a family with many dependants does not run off the sheet.
    """
    device = painter.device()
    px = device.logicalDpiX() / 25.4
    bottom = (paper.height_mm - paper.margin_mm) * px if paper.height_mm else float("inf")
    painter.save()
    painter.setLayoutDirection(Qt.LayoutDirection.RightToLeft)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
    top = y = paper.margin_mm * px
    pages = 1
    for block in _blocks(data, device, paper):
        if new_page is not None and y > top and y + block(None, y) > bottom:
            new_page()
            pages += 1
            y = top
        y += block(painter, y)
    painter.restore()
    return pages


def receipt_page_layout(data: ReceiptData, paper: Paper, measure_device: QPaintDevice) -> QPageLayout:
    height = paper.height_mm or content_height_mm(data, measure_device, paper) + 2 * paper.margin_mm
    size = QPageSize(QSizeF(paper.width_mm, height), QPageSize.Unit.Millimeter, f"Receipt {paper.name}",
                     QPageSize.SizeMatchPolicy.ExactMatch)
    return QPageLayout(size, QPageLayout.Orientation.Portrait, QMarginsF(0, 0, 0, 0))


def receipt_pdf(data: ReceiptData, path: str | Path, paper_name: str = "A5", *, resolution: int = 600) -> Path:
    """The receipt as a one-page PDF (needs a QGuiApplication)."""
    chosen = paper(paper_name)
    path = Path(path)
    writer = QPdfWriter(str(path))
    writer.setResolution(resolution)
    writer.setTitle(printed(RECEIPT_TITLE))
    writer.setCreator("fundclient")
    writer.setPageLayout(receipt_page_layout(data, chosen, writer))
    painter = QPainter(writer)
    try:
        paint_receipt(painter, data, chosen, new_page=writer.newPage)
    finally:
        painter.end()
    return path


def receipt_image(data: ReceiptData, paper_name: str = "A5", dpi: int = 150) -> QImage:
    """The receipt as an image (on-screen preview, docs); same layout as the PDF."""
    from fundclient.cards.render import blank_image, painted_image  # lazy: start-up (segno)

    chosen = paper(paper_name)
    probe = blank_image(1, 1, dpi)
    # One tall image even when the PDF would take two pages: a preview scrolls.
    height_mm = max(chosen.height_mm or 0.0, content_height_mm(data, probe, chosen) + 2 * chosen.margin_mm)
    return painted_image(chosen.width_mm, height_mm, dpi, lambda painter: paint_receipt(painter, data, chosen))
