"""Paper for the first run: the recovery key sheet and a printer test page.

Both are a QTextDocument (Arabic shaping and right-to-left come from Qt's text engine), sent
to a real printer through QPrintDialog or written as a PDF with QPrinter's PDF format, so an
office without a printer yet can still keep the key as a file on a USB stick.
"""

from __future__ import annotations

import html
import sys
from datetime import date
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QDir, QStorageInfo
from PySide6.QtGui import QPageSize, QTextDocument, QTextOption
from PySide6.QtPrintSupport import QPrintDialog, QPrinter, QPrinterInfo
from PySide6.QtWidgets import QDialog, QWidget

from fundclient.ui.first_run.pages_after import group_recovery_key
from fundclient.ui.i18n import is_rtl, ltr_run, show_date


def _tr(text: str) -> str:
    return QCoreApplication.translate("FirstRunPaper", text)


def printer_names() -> list[str]:
    return list(QPrinterInfo.availablePrinterNames())


def _document(body: str) -> QTextDocument:
    document = QTextDocument()
    option = QTextOption()
    option.setTextDirection(QCoreApplication.instance().layoutDirection())
    document.setDefaultTextOption(option)
    direction = "rtl" if is_rtl() else "ltr"
    document.setHtml(f'<html dir="{direction}"><body style="font-size:14pt">{body}</body></html>')
    return document


def recovery_document(key: str, office_label: str, fund_name: str) -> QTextDocument:
    grouped = html.escape(group_recovery_key(key)).replace("\n", "<br/>")
    advice = _tr("Keep this paper locked in a safe, away from the computer. It opens all the data "
                 "of the office when every password is lost. If it is lost, or the computer is "
                 "stolen, tell headquarters at once.")
    body = (
        f"<h2>{html.escape(fund_name)}</h2>"
        f"<h1>{html.escape(_tr('Recovery key'))}</h1>"
        f"<p>{html.escape(_tr('Office'))}: {html.escape(office_label)} &nbsp; "
        f"{html.escape(_tr('Date'))}: {ltr_run(show_date(date.today()))}</p>"
        f"<p dir='ltr' align='center' style=\"font-family:monospace; font-size:24pt\"><b>{grouped}</b></p>"
        f"<p>{html.escape(advice)}</p>")
    return _document(body)


# Printed in every interface language: the test page checks that the printer prints Arabic.
ARABIC_SAMPLE = "المنتفع — الرقم الوطني ١٢٣٤٥٦٧٨٩٠١٢ — البطاقة التأمينية"


def test_page_document(printer_role: str, office_label: str, fund_name: str) -> QTextDocument:
    body = (
        f"<h2>{html.escape(fund_name)}</h2>"
        f"<h1>{html.escape(_tr('Test page'))}</h1>"
        f"<p>{html.escape(printer_role)} — {html.escape(office_label)}</p>"
        f"<p>{html.escape(_tr('If this Arabic text reads correctly, the printer works:'))}</p>"
        f"<p style=\"font-size:18pt\">{ARABIC_SAMPLE}</p>")
    return _document(body)


def save_pdf(document: QTextDocument, path: Path) -> Path:
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setPageSize(QPageSize(QPageSize.PageSizeId.A4))
    printer.setOutputFileName(str(path))
    document.print_(printer)
    return Path(path)


def print_to(document: QTextDocument, printer_name: str) -> None:
    """Print on a named printer without a dialog (the test page: one press, one sheet)."""
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setPrinterName(printer_name)
    document.print_(printer)


def print_with_dialog(document: QTextDocument, parent: QWidget | None) -> bool:
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    dialog = QPrintDialog(printer, parent)
    if dialog.exec() != QDialog.DialogCode.Accepted:
        return False
    document.print_(printer)
    return True


def removable_start_folder() -> str:
    """Where a "choose the USB drive" dialog starts: the first mounted volume that is not the
    system's or the home folder's (a USB drive), else the file system's root — never the home
    folder, so nothing lands on this PC by pressing Enter."""
    home = QStorageInfo(str(Path.home())).rootPath()
    for volume in QStorageInfo.mountedVolumes():
        root = volume.rootPath()
        if volume.isValid() and volume.isReady() and not volume.isReadOnly() and root not in (home, QDir.rootPath()) \
                and (sys.platform == "win32" or root.startswith(("/media/", "/run/media/", "/mnt/", "/Volumes/"))):
            return root
    return QDir.rootPath()


def on_this_pc(folder: Path, data_dir: Path) -> bool:
    """True for the home folder, the data folder and anything inside them."""
    target = Path(folder).expanduser().resolve()
    for place in (Path.home(), Path(data_dir)):
        place = place.expanduser().resolve()
        if target == place or place in target.parents:
            return True
    return False
