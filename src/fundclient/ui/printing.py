"""Print preview and printing of the insurance card and the registration receipt.

Content (CardData with its signed QR, ReceiptData) and painting come from `cards/`
(the same calls as `fundclient card`); here we only show it. `PrintPreview` is our own
dialog around QPrintPreviewWidget: it opens as large as the screen allows, says how many
pages will print, and keeps its three actions — Print (Enter), Save as PDF, Close (Esc) —
as big buttons that are always visible (Qt's preview dialog hid «اطبع» in its toolbar's
overflow). Print goes through the system print dialog; its "print to file" and our "Save as
PDF" start in the user's Documents folder, never in the program's working directory.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterable

from PySide6.QtCore import QCoreApplication, Qt, QTimer, Signal
from PySide6.QtGui import QGuiApplication, QKeySequence, QShortcut
from PySide6.QtWidgets import (QDialog, QFileDialog, QHBoxLayout, QLabel, QPushButton, QVBoxLayout,
                               QWidget)

from fundclient.ui.errors import show_error
from fundclient.ui.i18n import show_number
from fundclient.services.changes import Changes
from fundclient.ui.labels import enum_code, reference_label
from fundclient.ui.ops import CollectionOp
import platformdirs

log = logging.getLogger(__name__)
HOLDER = ""  # the member key of the card holder (dependants: their dependant_id)
PAGES_PER_CARD = 2  # front and back


def _tr(text: str) -> str:
    return QCoreApplication.translate("printing", text)


# -- where files go -----------------------------------------------------------------------------
def documents_dir() -> Path:
    """The user's Documents folder (platformdirs), created when missing."""
    path = Path(platformdirs.user_documents_dir())
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError:  # a locked-down profile: the home folder is the next best place
        log.warning("could not create the Documents folder")
        return Path.home()
    return path


def documents_path(filename: str) -> str:
    """Where a "save as" dialog starts: `filename` inside the Documents folder."""
    safe = "".join("-" if ch in '\\/:*?"<>|' else ch for ch in filename)
    return str(documents_dir() / safe)


def point_pdf_output_at(printer, path: str) -> None:
    """Make the print dialog's "print to file" start at `path` while a real printer stays the
    choice (Qt otherwise offers the working directory, e.g. «/root/»)."""
    from PySide6.QtPrintSupport import QPrinter  # lazy: start-up (Qt)

    native = printer.outputFormat() == QPrinter.OutputFormat.NativeFormat
    name = printer.printerName()
    printer.setOutputFileName(path)  # switches the printer to PDF...
    if native:  # ...so switch back: the dialog keeps the path for its "print to file" choice
        printer.setOutputFormat(QPrinter.OutputFormat.NativeFormat)
        if name:
            printer.setPrinterName(name)


# -- what is printed ----------------------------------------------------------------------------
@dataclass(frozen=True)
class Member:
    """A person of the family who can get a card: the holder or a dependant with a card number."""

    key: str  # HOLDER or the dependant_id
    name: str
    relation: str  # "" for the holder
    card_number: str


def family_members(record) -> list[Member]:
    members = [Member(HOLDER, record.name.full(), "", record.card_number)]
    members += [Member(d.dependant_id, d.name.full(), reference_label("relations", enum_code(d.relation)),
                       d.card_number) for d in record.dependants if d.card_number]
    return members


def card_pages(card_count: int) -> int:
    return card_count * PAGES_PER_CARD


def pages_text(card_count: int) -> str:
    """«بطاقتان — ٤ صفحات (وجه وظهر لكل بطاقة)»: what the clerk sees before printing."""
    if card_count == 0:
        return _tr("No card chosen")
    return (_tr("%1 card(s), %2 pages (front and back of each card)")
            .replace("%1", show_number(card_count)).replace("%2", show_number(card_pages(card_count))))


def build_cards(session, record, photo, members: Iterable[str] | None = None) -> list:
    """CardData for the chosen members (default: the holder only)."""
    from fundclient.cards import content  # lazy: start-up (cryptography)
    from fundclient.cards.identity import device_signer  # lazy: start-up (cryptography)

    wanted = {HOLDER} if members is None else set(members)
    settings = session.settings
    office = content.office_info(record.office_code or settings.office_code, settings)
    common = dict(office=office, settings=settings, signer=device_signer(session.data_dir, settings),
                  logo_path=str(settings.extra.get("logo_path", "")))
    cards = []
    if HOLDER in wanted:
        cards.append(content.card_for_beneficiary(record, photo=photo, **common))
    cards += [content.card_for_dependant(record, d, **common) for d in record.dependants
              if d.card_number and d.dependant_id in wanted]
    return cards


def operator_full_name(session, username: str) -> str:
    """A login name as the person's full name (papers show people, not logins)."""
    try:
        operator = session.store.operators.get(username) if username else None
    except Exception:  # noqa: BLE001 - a name lookup must never stop a receipt
        log.debug("operator lookup failed", exc_info=True)
        operator = None
    return (getattr(operator, "full_name", "") or username) if username else ""


def build_receipt(session, record):
    from fundclient.cards import content  # lazy: start-up (cryptography)

    settings = session.settings
    office = content.office_info(record.office_code or settings.office_code, settings)
    return content.receipt_for(record, office=office, settings=settings,
                               operator=operator_full_name(session, record.created_by))


@dataclass
class Document:
    """One printable thing: how to make its printer, how to paint it, how many pages, its file name."""

    kind: str  # "card" | "receipt"
    pages: int
    file_stem: str
    make_printer: Callable[..., object]  # (pdf_path=None) -> QPrinter
    paint: Callable[[object], object]  # (QPrinter) -> None
    cards: int = 0


def prepare(session, record, photo, kind: str, members: Iterable[str] | None = None) -> Document:
    from fundclient.cards import printing  # lazy: start-up (Qt, cryptography, segno)

    settings = session.settings
    number = record.card_number or ""
    if kind == "card":
        cards = build_cards(session, record, photo, members)
        return Document(
            "card", card_pages(len(cards)), _tr("Card %1").replace("%1", number).strip(),
            lambda pdf_path=None: printing.card_printer(settings, pdf_path=pdf_path),
            lambda target: printing.print_cards(cards, target, margins_mm=settings.card_margins_mm),
            cards=len(cards))
    data = build_receipt(session, record)
    return Document(
        "receipt", 0, _tr("Receipt %1").replace("%1", number).strip(),
        lambda pdf_path=None: printing.receipt_printer(settings, data, pdf_path=pdf_path),
        lambda target: printing.print_receipt(data, target, settings.receipt_format))


def _open_modal(dialog: QDialog) -> None:
    """QDialog.open() (window-modal, returns at once); QPrintDialog and QFileDialog hide it
    behind their open(receiver, member) overload."""
    QDialog.open(dialog)


# -- the preview dialog -------------------------------------------------------------------------
def fit_to_screen(dialog: QWidget, parent: QWidget | None, share: float = 0.92) -> None:
    """As large as the screen allows (a 1024×768 office screen included), centred."""
    screen = (parent.screen() if parent is not None else None) or QGuiApplication.primaryScreen()
    area = screen.availableGeometry()
    width, height = int(area.width() * share), int(area.height() * share)
    dialog.resize(width, height)
    dialog.move(area.x() + (area.width() - width) // 2, area.y() + (area.height() - height) // 2)


class PrintPreview(QDialog):
    """The document as it will print, with Print / Save as PDF / Close always in view."""

    printed = Signal(str)  # "printer" or the PDF path

    def __init__(self, document: Document, parent: QWidget | None = None) -> None:
        from PySide6.QtPrintSupport import QPrintPreviewWidget  # lazy: start-up (Qt)

        super().__init__(parent)
        self.setObjectName("printPreview")
        self.document = document
        self.printer = document.make_printer()
        self.preview = QPrintPreviewWidget(self.printer, self)
        self.preview.setObjectName("printPreviewPages")
        self.preview.paintRequested.connect(self._paint_preview)
        self.preview.setViewMode(QPrintPreviewWidget.ViewMode.AllPagesView)
        self.preview.setZoomMode(QPrintPreviewWidget.ZoomMode.FitInView)
        self.pages_label = QLabel(self)
        self.pages_label.setObjectName("printPages")
        self.pages_label.setStyleSheet("font-weight:bold; font-size:14pt;")
        self.print_button = QPushButton(self)
        self.print_button.setObjectName("printButton")
        self.print_button.setDefault(True)
        self.print_button.setAutoDefault(True)
        self.pdf_button = QPushButton(self)
        self.pdf_button.setObjectName("savePdfButton")
        self.pdf_button.setAutoDefault(True)
        self.close_button = QPushButton(self)
        self.close_button.setObjectName("closePreviewButton")
        self.close_button.setAutoDefault(True)
        for button in (self.print_button, self.pdf_button, self.close_button):
            button.setMinimumHeight(44)
            button.setMinimumWidth(160)
        self.print_button.setStyleSheet("QPushButton { font-weight:bold; font-size:14pt; }")
        self.print_button.clicked.connect(self.print_now)
        self.pdf_button.clicked.connect(self.save_pdf)
        self.close_button.clicked.connect(self.reject)
        QShortcut(QKeySequence("Ctrl+P"), self, self.print_now)
        buttons = QHBoxLayout()
        buttons.addWidget(self.pages_label, 1)
        buttons.addWidget(self.print_button)
        buttons.addWidget(self.pdf_button)
        buttons.addWidget(self.close_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.preview, 1)
        layout.addLayout(buttons)
        self.print_dialog = None
        self.file_dialog = None
        fit_to_screen(self, parent)
        self.retranslate_ui()

    def retranslate_ui(self) -> None:
        kind = self.document.kind
        self.setWindowTitle(_tr("Print the card") if kind == "card" else _tr("Print the receipt"))
        self.print_button.setText(_tr("Print (Enter)"))
        self.pdf_button.setText(_tr("Save as PDF…"))
        self.close_button.setText(_tr("Close (Esc)"))
        self.pages_label.setText(self._pages_text())

    def _pages_text(self) -> str:
        if self.document.kind == "card":
            return pages_text(self.document.cards)
        pages = self.document.pages or self.preview.pageCount()
        return _tr("%1 page(s)").replace("%1", show_number(pages)) if pages else ""

    def _paint_preview(self, printer) -> None:
        try:
            self.document.paint(printer)
        except Exception as exc:  # noqa: BLE001 - shown, never a stack trace
            log.debug("preview failed", exc_info=True)
            show_error(self, exc)
        QTimer.singleShot(0, self._laid_out)  # the preview counts the pages after this returns

    def _laid_out(self) -> None:
        if self.document.kind == "receipt":
            self.document.pages = self.preview.pageCount() or self.document.pages
            self.pages_label.setText(self._pages_text())
        self.preview.fitInView()  # every page in view

    def showEvent(self, event) -> None:  # noqa: N802 - Qt name
        super().showEvent(event)
        self.print_button.setFocus(Qt.FocusReason.OtherFocusReason)

    # -- print ----------------------------------------------------------------------------
    def pdf_name(self) -> str:
        return documents_path(self.document.file_stem + ".pdf")

    def print_now(self) -> None:
        """The system print dialog (its "print to file" starts in Documents)."""
        from PySide6.QtPrintSupport import QPrintDialog  # lazy: start-up (Qt)

        point_pdf_output_at(self.printer, self.pdf_name())
        dialog = QPrintDialog(self.printer, self)
        dialog.setObjectName("printDialog")
        dialog.accepted.connect(lambda: self._send(self.printer, "printer"))
        self.print_dialog = dialog
        _open_modal(dialog)

    def save_pdf(self) -> None:
        dialog = QFileDialog(self, _tr("Save as PDF"), self.pdf_name(), "PDF (*.pdf)")
        dialog.setObjectName("savePdfDialog")
        dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
        dialog.setDefaultSuffix("pdf")
        dialog.fileSelected.connect(self.write_pdf)
        self.file_dialog = dialog
        _open_modal(dialog)

    def write_pdf(self, path: str) -> None:
        if not path:
            return
        try:
            printer = self.document.make_printer(pdf_path=path)
        except Exception as exc:  # noqa: BLE001
            show_error(self, exc)
            return
        self._send(printer, path)

    def _send(self, printer, where: str) -> None:
        try:
            self.document.paint(printer)
        except Exception as exc:  # noqa: BLE001 - a jammed or missing printer: say so, keep the preview
            log.debug("printing failed", exc_info=True)
            show_error(self, exc)
            return
        self.printed.emit(where)
        self.accept()


def preview_document(parent: QWidget, session, record, photo, kind: str, *,
                     members: Iterable[str] | None = None, show: bool = True) -> PrintPreview | None:
    """Open the print preview for the chosen cards (default: the holder's) or the receipt."""
    try:
        document = prepare(session, record, photo, kind, members)
        dialog = PrintPreview(document, parent)
    except Exception as exc:  # FundError: its message; anything else: logged, generic message
        log.debug("could not prepare %s", kind, exc_info=True)
        show_error(parent, exc)
        return None
    # Printed (on paper or to a PDF): one audit entry per card or receipt handed over.
    dialog.printed.connect(lambda _where: audit_print(session, record.record_id, kind))
    if show:
        dialog.open()
    return dialog


def audit_print(session, record_id: str, kind: str) -> None:
    """One audit entry per printed card or receipt, written on the writer thread."""
    def work() -> Changes:
        session.store.audit_event(session.operator.username, "print", record_id, document=kind)
        return Changes()

    CollectionOp(parent=None, op=work).run_in_background()
