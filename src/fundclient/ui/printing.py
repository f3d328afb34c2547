"""Print preview and printing of the insurance card and the registration receipt.

The content (CardData with its signed QR, receipt text) is built headless by the lead's
`services.printing`; the pixels by `cards.render` (QtGui). Here we only preview and send
to a printer (QPrintPreviewDialog / QPrintDialog), so nothing Qt-widget leaks into core.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QCoreApplication, QRectF, Qt
from PySide6.QtGui import QImage, QPainter
from PySide6.QtWidgets import QWidget

from fundclient.errors import FundError, Message
from fundclient.ui.errors import show_error

log = logging.getLogger(__name__)

PRINTING_UNAVAILABLE = Message(ar="الطباعة غير متاحة في هذا التثبيت.",
                               en="Printing is not available in this installation.")


def document_images(session, record, photo, kind: str) -> list[QImage]:
    """Pages to print: card front + back, or the receipt page(s)."""
    try:
        from fundclient.services import printing  # type: ignore
    except ImportError as exc:
        raise FundError(PRINTING_UNAVAILABLE, code="printing") from exc
    if kind == "card":
        from fundclient.cards.render import card_image

        cards = printing.card_data(session, record)  # one CardData per card (principal, dependants)
        return [card_image(card, side) for card in cards for side in ("front", "back")]
    render_receipt = getattr(printing, "receipt_images", None)
    if render_receipt is None:
        raise FundError(PRINTING_UNAVAILABLE, code="printing")
    return list(render_receipt(session, record))


def paint_pages(printer, images: list[QImage]) -> None:
    painter = QPainter(printer)
    try:
        for index, image in enumerate(images):
            if index:
                printer.newPage()
            page = QRectF(printer.pageRect(printer.Unit.DevicePixel))
            size = image.size().scaled(page.size().toSize(), Qt.AspectRatioMode.KeepAspectRatio)
            painter.drawImage(QRectF(page.topLeft(), size.toSizeF()), image)
    finally:
        painter.end()


def preview_document(parent: QWidget, session, record, photo, kind: str) -> None:
    from PySide6.QtPrintSupport import QPrinter, QPrintPreviewDialog

    try:
        images = document_images(session, record, photo, kind)
    except FundError as exc:
        show_error(parent, exc)
        return
    except Exception as exc:  # a rendering bug: log, generic message, the app goes on
        log.exception("could not render %s", kind)
        show_error(parent, exc)
        return
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    name = getattr(session.settings, "card_printer", "") if kind == "card" else ""
    if name:
        printer.setPrinterName(name)
    dialog = QPrintPreviewDialog(printer, parent)
    dialog.setObjectName("printPreview")
    dialog.setWindowTitle(QCoreApplication.translate("printing", "Print preview"))
    dialog.paintRequested.connect(lambda p: paint_pages(p, images))
    dialog.exec()
