"""Send cards and receipts to a printer (QtPrintSupport; the print dialogs live in ui/).

Card printers take a CR-80 page per side: front, then back (the driver's duplex settings turn
the card over). `card_printer` picks the driver's own CR-80 paper when it lists one (so the
driver feeds cards, not A4), otherwise a custom 85.6 × 54 mm page. `card_margins_mm` shrinks
the card evenly for printers that cannot print to the edge. Every function also writes a PDF
instead (pdf_path=...), which is how the tests exercise this path without a printer.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QMarginsF
from PySide6.QtGui import QPageLayout, QPageSize, QPainter
from PySide6.QtPrintSupport import QPrinter, QPrinterInfo

from fundclient.cards.content import CARD_TITLE, RECEIPT_TITLE, CardData, ReceiptData, printed
from fundclient.cards.receipt import paint_receipt, paper, receipt_page_layout
from fundclient.cards.render import CARD_HEIGHT_MM, CARD_PAGE_SIZE, CARD_WIDTH_MM, paint_card
from fundclient.config import Settings
from fundclient.errors import FundError, Message

SIZE_TOLERANCE_MM = 1.5


class PrintError(FundError):
    """A printer is missing or refused the job."""


PRINTER_MISSING = Message("Printer '{name}' is not installed on this computer")
PRINT_FAILED = Message("Printing on '{name}' failed")


def available_printers() -> list[str]:
    return list(QPrinterInfo.availablePrinterNames())


def _printer(name: str, pdf_path: str | Path | None) -> QPrinter:
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    if pdf_path is not None:
        printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
        printer.setOutputFileName(str(pdf_path))
    elif name:
        if name not in available_printers():
            raise PrintError(PRINTER_MISSING.format(name=name), code="printer_missing")
        printer.setPrinterName(name)
    printer.setFullPage(True)
    return printer


def card_page_layout(printer_name: str = "") -> QPageLayout:
    """The driver's CR-80 paper when it has one (either orientation), else a custom CR-80 page."""
    info = QPrinterInfo.printerInfo(printer_name) if printer_name else QPrinterInfo()
    for size in (info.supportedPageSizes() if not info.isNull() else []):
        mm = size.size(QPageSize.Unit.Millimeter)
        for w, h, orientation in ((mm.width(), mm.height(), QPageLayout.Orientation.Portrait),
                                  (mm.height(), mm.width(), QPageLayout.Orientation.Landscape)):
            if abs(w - CARD_WIDTH_MM) <= SIZE_TOLERANCE_MM and abs(h - CARD_HEIGHT_MM) <= SIZE_TOLERANCE_MM:
                return QPageLayout(size, orientation, QMarginsF(0, 0, 0, 0))
    return QPageLayout(CARD_PAGE_SIZE, QPageLayout.Orientation.Portrait, QMarginsF(0, 0, 0, 0))


def card_printer(settings: Settings, name: str | None = None, *, pdf_path: str | Path | None = None) -> QPrinter:
    """A QPrinter set up for cards: `name`, else the `card_printer` setting, else the default printer."""
    chosen = name if name is not None else settings.card_printer
    printer = _printer(chosen, pdf_path)
    printer.setPageLayout(card_page_layout(chosen if pdf_path is None else ""))
    printer.setDocName(printed(CARD_TITLE))
    return printer


def print_cards(cards: list[CardData], printer: QPrinter, *, margins_mm: float = 0.0) -> int:
    """Print front and back of each card; returns the number of pages sent."""
    page = printer.pageLayout().fullRect(QPageLayout.Unit.Millimeter)
    scale = min((page.width() - 2 * margins_mm) / CARD_WIDTH_MM, (page.height() - 2 * margins_mm) / CARD_HEIGHT_MM)
    px = printer.logicalDpiX() / 25.4
    offset_x = (page.width() - CARD_WIDTH_MM * scale) / 2 * px
    offset_y = (page.height() - CARD_HEIGHT_MM * scale) / 2 * px
    painter = QPainter()
    if not painter.begin(printer):
        raise PrintError(PRINT_FAILED.format(name=printer.printerName() or printer.outputFileName()),
                         code="print_failed")
    pages = 0
    try:
        for card in cards:
            for side in ("front", "back"):
                if pages:
                    printer.newPage()
                painter.save()
                painter.translate(offset_x, offset_y)
                painter.scale(scale, scale)
                paint_card(painter, card, side)
                painter.restore()
                pages += 1
    finally:
        painter.end()
    return pages


def receipt_printer(settings: Settings, data: ReceiptData, name: str = "", *, paper_name: str | None = None,
                    pdf_path: str | Path | None = None) -> QPrinter:
    """A QPrinter for the receipt on `paper_name` (default: the `receipt_format` setting)."""
    chosen = paper(paper_name or settings.receipt_format)
    printer = _printer(name, pdf_path)
    printer.setPageLayout(receipt_page_layout(data, chosen, printer))
    printer.setDocName(printed(RECEIPT_TITLE))
    return printer


def print_receipt(data: ReceiptData, printer: QPrinter, paper_name: str) -> None:
    painter = QPainter()
    if not painter.begin(printer):
        raise PrintError(PRINT_FAILED.format(name=printer.printerName() or printer.outputFileName()),
                         code="print_failed")
    try:
        paint_receipt(painter, data, paper(paper_name), new_page=printer.newPage)
    finally:
        painter.end()
