"""Print preview and printing of the insurance card and the registration receipt.

Content (CardData with its signed QR, ReceiptData) and painting come from `cards/`
(the same calls as `fundclient card`); here we only open QPrintPreviewDialog, whose
print button goes through the system print dialog, so nothing widget-level leaks into cards.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QWidget

from fundclient.ui.errors import show_error

log = logging.getLogger(__name__)


def build_cards(session, record, photo) -> list:
    """CardData for the principal and every dependant that has a card number."""
    from fundclient.cards import content
    from fundclient.cards.identity import device_signer

    settings = session.settings
    office = content.office_info(record.office_code or settings.office_code, settings)
    common = dict(office=office, settings=settings, signer=device_signer(session.data_dir, settings),
                  logo_path=str(settings.extra.get("logo_path", "")))
    cards = [content.card_for_beneficiary(record, photo=photo, **common)]
    cards += [content.card_for_dependant(record, d, **common) for d in record.dependants if d.card_number]
    return cards


def build_receipt(session, record):
    from fundclient.cards import content

    settings = session.settings
    office = content.office_info(record.office_code or settings.office_code, settings)
    return content.receipt_for(record, office=office, settings=settings)


def preview_document(parent: QWidget, session, record, photo, kind: str, *, show: bool = True):
    """Open the print preview for the card(s) or the receipt; returns the dialog."""
    from PySide6.QtPrintSupport import QPrintPreviewDialog

    from fundclient.cards import printing

    settings = session.settings
    try:
        if kind == "card":
            cards = build_cards(session, record, photo)
            printer = printing.card_printer(settings)

            def paint(target):
                printing.print_cards(cards, target, margins_mm=settings.card_margins_mm)
        else:
            data = build_receipt(session, record)
            printer = printing.receipt_printer(settings, data)

            def paint(target):
                printing.print_receipt(data, target, settings.receipt_format)
    except Exception as exc:  # FundError: its message; anything else: logged, generic message
        log.debug("could not prepare %s", kind, exc_info=True)
        show_error(parent, exc)
        return None
    dialog = QPrintPreviewDialog(printer, parent)
    dialog.setObjectName("printPreview")
    dialog.setWindowTitle(QCoreApplication.translate("printing", "Print preview"))
    dialog.paintRequested.connect(paint)
    # Closing the preview with "Print" accepts it: that is a printed card or receipt, audited.
    dialog.accepted.connect(lambda: audit_print(session, record.record_id, kind))
    # The dialog keeps only a C++ pointer to the printer: keep the Python object alive with it.
    dialog.printer_ref, dialog.paint_ref = printer, paint
    if show:
        dialog.open()
    return dialog


def audit_print(session, record_id: str, kind: str) -> None:
    """One audit entry per printed card or receipt, written on the writer thread."""
    from fundclient.services.changes import Changes
    from fundclient.ui.ops import CollectionOp

    def work() -> Changes:
        session.store.audit_event(session.operator.username, "print", record_id, document=kind)
        return Changes()

    CollectionOp(parent=None, op=work).run_in_background()
