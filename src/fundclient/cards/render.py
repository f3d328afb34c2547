"""Paint a card (CR-80, 85.6 × 54 mm), front and back, with QPainter: PDF, image or printer.

Layout is in millimetres from the card's top-left corner; the card reads right to left, so the
photo and the labels sit on the right. Fonts are in points, so the same code gives the same
card on a 300 dpi image, a 1200 dpi PDF and a card printer.
"""

from __future__ import annotations

from pathlib import Path

import segno
from PySide6.QtCore import QMarginsF, QPointF, QRectF, QSizeF, Qt
from PySide6.QtGui import (QColor, QImage, QPageLayout, QPageSize, QPainter, QPaintDevice, QPdfWriter, QPen)

from fundclient.cards.content import (CARD_TITLE, DEPENDANT_MARK, LABELS, NO_PHOTO_MARK, PHOTO_EXCEPTION_MARK,
                                      TERMS_TITLE, CardData, display_digits, format_date, printed)
from fundclient.cards.fonts import arabic_font, latin_font, monospace_font, without_ligatures
from fundclient.cards.text import FittedText, draw_fitted, draw_text, fit_text

CARD_WIDTH_MM = 85.6
CARD_HEIGHT_MM = 54.0
CARD_PAGE_SIZE = QPageSize(QSizeF(CARD_WIDTH_MM, CARD_HEIGHT_MM), QPageSize.Unit.Millimeter, "CR80",
                           QPageSize.SizeMatchPolicy.ExactMatch)
QR_ERROR_LEVEL = "m"
QR_QUIET_MODULES = 2  # the card's white margin adds the rest of the quiet zone
GREEN = QColor("#0B6E4F")
GOLD = QColor("#E3B23C")
INK = QColor("#1A1A1A")
GREY = QColor("#5A5A5A")
R = Qt.AlignmentFlag.AlignRight
L = Qt.AlignmentFlag.AlignLeft
C = Qt.AlignmentFlag.AlignHCenter
TOP = Qt.AlignmentFlag.AlignTop

# Front layout (mm): x from the left edge, y from the top.
HEADER_H = 11.5
LOGO = (74.9, 1.25, 9.0, 9.0)
PHOTO = (63.4, 13.6, 19.5, 26.0)
NAMES = (2.7, 12.6, 58.6, 12.6)  # Arabic name above, Latin name (if any) below it
LATIN_LINE_MM = 3.4
QR_BOX = (2.7, 27.0, 22.0, 22.0)
FIELDS = (26.0, 25.6, 35.3, 25.9)
FIELD_LABEL_W = 14.5
UNDER_PHOTO = (63.4, 41.0, 19.5, 9.0)


class Layout:
    """Millimetres -> device units for one painter."""

    def __init__(self, painter: QPainter) -> None:
        self.painter = painter
        self.device: QPaintDevice = painter.device()
        self.px = self.device.logicalDpiX() / 25.4

    def rect(self, x: float, y: float, w: float, h: float) -> QRectF:
        return QRectF(x * self.px, y * self.px, w * self.px, h * self.px)


def paint_card(painter: QPainter, card: CardData, side: str) -> dict[str, FittedText]:
    """Paint one side ("front" or "back") at the painter's origin; returns the fitted text boxes by name."""
    painter.save()
    try:
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        painter.setRenderHint(QPainter.RenderHint.TextAntialiasing, True)
        painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform, True)
        painter.setLayoutDirection(Qt.LayoutDirection.RightToLeft)
        grid = Layout(painter)
        painter.fillRect(grid.rect(0, 0, CARD_WIDTH_MM, CARD_HEIGHT_MM), Qt.GlobalColor.white)
        return _paint_front(grid, card) if side == "front" else _paint_back(grid, card)
    finally:
        painter.restore()


def _paint_front(grid: Layout, card: CardData) -> dict[str, FittedText]:
    p, boxes = grid.painter, {}
    p.fillRect(grid.rect(0, 0, CARD_WIDTH_MM, HEADER_H), GREEN)
    _paint_logo(grid, card.logo_path)
    p.setPen(Qt.GlobalColor.white)
    header_w = LOGO[0] - 1.2 - 2.7 - (13.0 if card.is_dependant else 0)
    header_x = LOGO[0] - 1.2 - header_w
    boxes["fund_name"] = draw_text(p, card.fund_name, arabic_font(7.0, bold=True, sans=True),
                                   grid.rect(header_x, 0.9, header_w, 5.4), min_point=4.5)
    boxes["title"] = draw_text(p, printed(CARD_TITLE), arabic_font(6.5, bold=True), grid.rect(header_x, 5.7, header_w, 5.4))
    if card.is_dependant:
        badge = grid.rect(2.7, 2.2, 12.0, 7.1)
        p.setBrush(GOLD)
        p.setPen(Qt.PenStyle.NoPen)
        p.drawRoundedRect(badge, 1.2 * grid.px, 1.2 * grid.px)
        p.setPen(INK)
        mark = f"{printed(DEPENDANT_MARK)} · {card.relation}" if card.relation else printed(DEPENDANT_MARK)
        boxes["dependant"] = draw_text(p, mark, arabic_font(6.5, bold=True, sans=True), badge.adjusted(
            0.6 * grid.px, 0, -0.6 * grid.px, 0), align=C, min_point=4.0)

    _paint_photo(grid, card.photo, grid.rect(*PHOTO), card.photo_note)
    if card.category:
        p.setPen(GREEN)
        boxes["category"] = draw_text(p, card.category, arabic_font(6.0, bold=True, sans=True),
                                      grid.rect(*UNDER_PHOTO), align=C, max_lines=2, min_point=4.0)
    p.setPen(INK)
    boxes.update(_paint_names(grid, card))
    rows = [("national_number", display_digits(card.national_number) or "—"), ("card_number", card.card_number)]
    if card.is_dependant:
        rows.append(("principal_card", card.principal_card_number))
    rows += [("date_of_birth", format_date(card.date_of_birth)), ("office", card.office.name_ar),
             ("issued_on", format_date(card.issued_on)), ("expires_on", format_date(card.expires_on))]
    boxes.update(_paint_rows(grid, rows))
    _paint_qr(grid, card.qr_text, grid.rect(*QR_BOX))
    return boxes


def _paint_names(grid: Layout, card: CardData) -> dict[str, FittedText]:
    """The Latin name takes what it needs at the bottom (one line, two if very long); the Arabic
    name gets the rest, up to two lines, shrinking first. Neither is ever cut."""
    p, boxes = grid.painter, {}
    x, y, w, h = NAMES
    latin_h = 0.0
    if card.latin_name:
        latin = fit_text(card.latin_name.upper(), without_ligatures(latin_font(5.8)),
                         grid.rect(x, y, w, LATIN_LINE_MM), grid.device, rtl=False, align=R, min_point=3.5,
                         check_height=False)
        latin_h = max(latin.height, LATIN_LINE_MM * grid.px)
        p.setPen(GREY)
        draw_fitted(p, latin, QRectF(x * grid.px, (y + h) * grid.px - latin_h, w * grid.px, latin_h))
        boxes["latin_name"] = latin
    name_box = QRectF(x * grid.px, y * grid.px, w * grid.px, h * grid.px - latin_h - 0.3 * grid.px)
    p.setPen(INK)
    boxes["name"] = draw_text(p, card.full_name, arabic_font(10.0, bold=True), name_box, max_lines=2,
                              min_point=5.0, valign=Qt.AlignmentFlag.AlignBottom)
    return boxes


def _paint_rows(grid: Layout, rows: list[tuple[str, str]]) -> dict[str, FittedText]:
    p, boxes = grid.painter, {}
    x, y, w, h = FIELDS
    row_h = h / len(rows)
    for i, (key, value) in enumerate(rows):
        top = y + i * row_h
        p.setPen(GREY)
        boxes[f"label_{key}"] = draw_text(p, printed(LABELS[key]), arabic_font(5.6, sans=True),
                                          grid.rect(x + w - FIELD_LABEL_W, top, FIELD_LABEL_W, row_h),
                                          min_point=3.5, check_height=False)
        p.setPen(INK)
        latin = value.isascii()
        font = arabic_font(6.6, bold=True, sans=True)
        boxes[key] = draw_text(p, value, without_ligatures(font) if latin else font,
                               grid.rect(x, top, w - FIELD_LABEL_W - 0.8, row_h), rtl=not latin, align=R,
                               min_point=3.5, check_height=False)
    return boxes


def _paint_back(grid: Layout, card: CardData) -> dict[str, FittedText]:
    p, boxes = grid.painter, {}
    p.fillRect(grid.rect(0, 0, CARD_WIDTH_MM, 7.5), GREEN)
    p.setPen(Qt.GlobalColor.white)
    boxes["fund_name"] = draw_text(p, card.fund_name, arabic_font(6.5, bold=True, sans=True),
                                   grid.rect(2.7, 0.6, CARD_WIDTH_MM - 5.4, 6.3), align=C, min_point=4.0)
    p.setPen(INK)
    boxes["terms_title"] = draw_text(p, printed(TERMS_TITLE), arabic_font(6.2, bold=True, sans=True),
                                     grid.rect(2.7, 8.3, CARD_WIDTH_MM - 5.4, 4.0))
    # Bullets, not "1.": a number before Arabic text is reordered by the bidi algorithm.
    terms = "\u2028".join(f"• {t}" for t in card.terms)
    boxes["terms"] = draw_text(p, terms, arabic_font(5.4, sans=True), grid.rect(2.7, 12.2, CARD_WIDTH_MM - 5.4, 17.6),
                               max_lines=len(card.terms) * 2, min_point=3.8, valign=TOP)
    p.setPen(GREEN)
    boxes["return_to"] = draw_text(p, card.return_to(), arabic_font(6.0, bold=True),
                                   grid.rect(2.7, 30.0, CARD_WIDTH_MM - 5.4, 8.4), max_lines=2, min_point=4.0)
    p.setPen(INK)
    boxes["contact"] = draw_text(p, card.contact(), arabic_font(5.6, sans=True),
                                 grid.rect(2.7, 38.6, CARD_WIDTH_MM - 5.4, 4.6), min_point=3.8)
    p.setPen(QPen(GREY, 0.15 * grid.px))
    p.drawLine(QPointF(2.7 * grid.px, 44.6 * grid.px), QPointF((CARD_WIDTH_MM - 2.7) * grid.px, 44.6 * grid.px))
    p.setPen(INK)
    boxes["machine_line"] = draw_text(p, card.machine_line, without_ligatures(monospace_font(7.0)),
                                      grid.rect(2.7, 45.4, CARD_WIDTH_MM - 5.4, 6.0), rtl=False, align=C,
                                      min_point=4.5)
    return boxes


def _paint_logo(grid: Layout, logo_path: str) -> None:
    p, box = grid.painter, grid.rect(*LOGO)
    p.setPen(Qt.PenStyle.NoPen)
    p.setBrush(Qt.GlobalColor.white)
    p.drawRoundedRect(box, 1.2 * grid.px, 1.2 * grid.px)
    image = QImage(logo_path) if logo_path and Path(logo_path).is_file() else QImage()
    if not image.isNull():
        _draw_image(p, image, box.adjusted(0.5 * grid.px, 0.5 * grid.px, -0.5 * grid.px, -0.5 * grid.px), cover=False)
        return
    # Placeholder emblem until the fund's logo file is configured: a green cross.
    arm, centre = box.width() * 0.2, box.center()
    p.setBrush(GREEN)
    p.drawRect(QRectF(centre.x() - arm / 2, box.top() + box.height() * 0.18, arm, box.height() * 0.64))
    p.drawRect(QRectF(box.left() + box.width() * 0.18, centre.y() - arm / 2, box.width() * 0.64, arm))


def _paint_photo(grid: Layout, photo: bytes | None, box: QRectF, note: str = "") -> None:
    """The photo; without one the box says so, never silently empty: "Photo exception" and the
    approved reason (a photo exception), or "No photo" (content.PHOTO_EXCEPTION_MARK, NO_PHOTO_MARK)."""
    p = grid.painter
    image = QImage.fromData(photo) if photo else QImage()
    if image.isNull():
        p.fillRect(box, QColor("#EEEEEE"))
        p.setPen(INK)
        inner = box.adjusted(0.8 * grid.px, 0.8 * grid.px, -0.8 * grid.px, -0.8 * grid.px)
        if note:
            top = QRectF(inner.left(), inner.top(), inner.width(), inner.height() * 0.34)
            draw_text(p, printed(PHOTO_EXCEPTION_MARK), arabic_font(5.5, bold=True, sans=True), top, align=C,
                      max_lines=2, min_point=4.0)
            p.setPen(GREY)
            draw_text(p, note, arabic_font(5.5, sans=True),
                      QRectF(inner.left(), top.bottom(), inner.width(), inner.height() - top.height()),
                      align=C, max_lines=4, min_point=3.5)
        else:
            p.setPen(GREY)
            draw_text(p, printed(NO_PHOTO_MARK), arabic_font(6.0, sans=True), inner, align=C)
    else:
        _draw_image(p, image, box, cover=True)
    p.setPen(QPen(QColor("#9A9A9A"), 0.15 * grid.px))
    p.setBrush(Qt.BrushStyle.NoBrush)
    p.drawRect(box)


def _draw_image(painter: QPainter, image: QImage, box: QRectF, *, cover: bool) -> None:
    """Cover: fill the box, cropping the excess (photo). Contain: fit inside, centred (logo)."""
    scale = (max if cover else min)(box.width() / image.width(), box.height() / image.height())
    if cover:
        w, h = box.width() / scale, box.height() / scale
        source = QRectF((image.width() - w) / 2, (image.height() - h) / 2, w, h)
        painter.drawImage(box, image, source)
    else:
        w, h = image.width() * scale, image.height() * scale
        target = QRectF(box.center().x() - w / 2, box.center().y() - h / 2, w, h)
        painter.drawImage(target, image)


def _paint_qr(grid: Layout, text: str, box: QRectF) -> None:
    """Dark modules as whole device pixels (crisp on a 300 dpi card printer and in the PDF)."""
    p = grid.painter
    qr = segno.make(text, error=QR_ERROR_LEVEL, micro=False)
    matrix = qr.matrix
    modules = len(matrix) + 2 * QR_QUIET_MODULES
    size = max(1, int(min(box.width(), box.height()) / modules))
    left = round(box.center().x() - size * modules / 2) + size * QR_QUIET_MODULES
    top = round(box.center().y() - size * modules / 2) + size * QR_QUIET_MODULES
    p.save()
    p.setRenderHint(QPainter.RenderHint.Antialiasing, False)
    p.fillRect(QRectF(left - size * QR_QUIET_MODULES, top - size * QR_QUIET_MODULES, size * modules, size * modules),
               Qt.GlobalColor.white)
    for row, bits in enumerate(matrix):
        col = 0
        while col < len(bits):  # one rectangle per run of dark modules keeps the PDF small
            if bits[col]:
                start = col
                while col < len(bits) and bits[col]:
                    col += 1
                p.fillRect(QRectF(left + start * size, top + row * size, (col - start) * size, size), Qt.GlobalColor.black)
            else:
                col += 1
    p.restore()


def card_image(card: CardData, side: str = "front", dpi: int = 300) -> QImage:
    """One side as an image at `dpi` (needs a QGuiApplication)."""
    return painted_image(CARD_WIDTH_MM, CARD_HEIGHT_MM, dpi, lambda painter: paint_card(painter, card, side))


def blank_image(width_mm: float, height_mm: float, dpi: int) -> QImage:
    """A white image of that size whose DPI is set, so text laid out in points comes out right."""
    image = QImage(round(width_mm * dpi / 25.4), round(height_mm * dpi / 25.4), QImage.Format.Format_RGB32)
    dots_per_metre = round(dpi / 0.0254)
    image.setDotsPerMeterX(dots_per_metre)
    image.setDotsPerMeterY(dots_per_metre)
    image.fill(Qt.GlobalColor.white)
    return image


def painted_image(width_mm: float, height_mm: float, dpi: int, paint) -> QImage:
    image = blank_image(width_mm, height_mm, dpi)
    painter = QPainter(image)
    try:
        paint(painter)
    finally:
        painter.end()
    return image


def card_pdf(cards: list[CardData], path: str | Path, *, resolution: int = 1200) -> Path:
    """A PDF with front and back of each card, one CR-80 page per side (needs a QGuiApplication)."""
    path = Path(path)
    writer = QPdfWriter(str(path))
    writer.setResolution(resolution)
    writer.setTitle(printed(CARD_TITLE))
    writer.setCreator("fundclient")
    writer.setPageLayout(QPageLayout(CARD_PAGE_SIZE, QPageLayout.Orientation.Portrait, QMarginsF(0, 0, 0, 0)))
    painter = QPainter(writer)
    try:
        for i, card in enumerate(cards):
            for j, side in enumerate(("front", "back")):
                if i or j:
                    writer.newPage()
                paint_card(painter, card, side)
    finally:
        painter.end()
    return path
