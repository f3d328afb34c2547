"""Camera and printer test page: behaviour.

Cameras are listed off the GUI thread (on Windows probing an index can take a second each);
the live picture is the registration screen's own `CameraWidget`, so what the clerk checks
here is exactly what registration will use. Choices go to settings.json only on Next
(Skip changes nothing)."""

from __future__ import annotations

from pathlib import Path
from typing import Callable

import shiboken6
from PySide6.QtCore import QCoreApplication, QTimer
from PySide6.QtWidgets import QFileDialog, QScrollArea

from fundclient.config import Settings
from fundclient.ui.first_run import printing
from fundclient.ui.first_run.pages_after import DevicesPage
from fundclient.ui.ops import QueryOp


PREVIEW_HEIGHT = 140  # picture + checklist fit under the fields and the status line at 1366×768 and 1024×768


def _tr(text: str) -> str:
    return QCoreApplication.translate("FirstRunDevices", text)


class DevicesController:
    def __init__(self, page: DevicesPage, data_dir: Path, office_label: Callable[[], str],
                 keep_default_button: Callable[[], None] = lambda: None) -> None:
        self.page = page
        self.keep_default_button = keep_default_button
        self.data_dir = data_dir
        self.office_label = office_label
        self.cameras = None  # list[CameraInfo] once listed
        self.preview = None  # CameraWidget while shown
        self._filled = False
        self._status = lambda: ""  # the status sentence, rebuilt on a language switch
        page.preview_button.clicked.connect(self.show_preview)
        page.test_button.clicked.connect(lambda: self.print_test_page())

    # --- entering / leaving the page -----------------------------------------------------
    def enter(self) -> None:
        if self._filled:
            return
        self._filled = True
        settings = Settings.load(self.data_dir)
        names = printing.printer_names()
        for combo, current in ((self.page.card_printer, settings.card_printer),
                               (self.page.receipt_printer, settings.extra.get("receipt_printer", ""))):
            combo.addItem("", "")  # "(none — save as PDF)", set in retranslate()
            for name in names:
                combo.addItem(name, name)
            combo.setCurrentIndex(max(0, combo.findData(current)))
        self.page.camera.setEditText(settings.camera)
        self._set_status(lambda: _tr("Looking for cameras…"))
        self.retranslate()
        self.page.preview_button.setEnabled(False)
        from fundclient.camera.sources import list_cameras  # lazy: start-up (OpenCV, NumPy)

        QueryOp(parent=self.page, op=list_cameras, success=self._show_cameras) \
            .failure(lambda _exc: self._show_cameras([])).run_in_background()

    def leave(self) -> None:
        """Free the webcam (its light goes off) when the page is left or the wizard closes."""
        if self.preview is not None and shiboken6.isValid(self.preview):
            self.preview.stop()

    def _show_cameras(self, cameras) -> None:
        self.cameras = list(cameras)
        typed = self.page.camera.currentText()
        self.page.camera.clear()
        for info in self.cameras:
            self.page.camera.addItem(f"{info.name} ({info.spec})", info.spec)
        if typed:
            self.page.camera.setEditText(typed)
        self.page.preview_button.setEnabled(True)
        count = len(self.cameras)
        self._set_status(lambda: _tr("Cameras found: {count}").format(count=count) if count
                         else _tr("No camera found. Connect the camera and start the system "
                                  "again, or choose it later in the settings."))

    def _set_status(self, text) -> None:
        self._status = text
        self.page.status.setText(text())

    def retranslate(self) -> None:
        """Texts this controller put on the page (the page's own labels retranslate themselves)."""
        for combo in (self.page.card_printer, self.page.receipt_printer):
            if combo.count():
                combo.setItemText(0, _tr("(none — save as PDF)"))
        self.page.status.setText(self._status())

    def camera_spec(self) -> str:
        """The webcam index of the chosen entry, or a typed path (a folder of photos)."""
        combo = self.page.camera
        index = combo.findText(combo.currentText())
        return str(combo.itemData(index)) if index >= 0 and combo.itemData(index) is not None \
            else combo.currentText().strip()

    # --- camera --------------------------------------------------------------------------
    def show_preview(self) -> None:
        from fundclient.ui.camera import CameraWidget  # lazy: start-up (OpenCV, NumPy)

        if self.preview is not None and shiboken6.isValid(self.preview):
            self.preview.stop()
            self.preview.setParent(None)
            self.preview.deleteLater()
        self.preview = CameraWidget(self.camera_spec(), cameras=self.cameras or [],
                                    auto_capture=False, parent=self.page)
        self.preview.setObjectName("cameraTestPreview")
        # A test, not a photo session: only the picture and its live checks. The camera is
        # chosen in this page's own list, so the widget's list, mode and photo buttons go.
        ui = self.preview.ui
        # The coaching sentence goes too: the ✓/✗ checklist ("one face", "sharp"...) is the test.
        self.preview.photo_buttons = False
        for widget in (ui.camera_label, ui.camera_choice, ui.mode_choice, ui.capture, ui.retake,
                       ui.accept, ui.import_file, ui.override, ui.hint):
            widget.hide()
        ui.accept.setDefault(False)
        ui.checklist.setWordWrap(True)  # English check names are longer than the page is wide
        ui.preview.setFixedHeight(PREVIEW_HEIGHT)
        self.page.preview_host.addWidget(self.preview)
        self.preview.show()
        scroller = self.page.parentWidget().parentWidget()  # viewport -> QScrollArea (wizard.py)
        if isinstance(scroller, QScrollArea):
            QTimer.singleShot(0, lambda: shiboken6.isValid(self.preview) and scroller.ensureWidgetVisible(self.preview))
        self.keep_default_button()  # the widget's Accept button claimed Enter; Next gets it back
        self._set_status(lambda: _tr("When you see the picture and “one face” is ticked, the camera works."))

    # --- printers ------------------------------------------------------------------------
    def print_test_page(self, pdf_path: Path | None = None) -> Path | None:
        """Card and receipt printers each get one page; no printer chosen → a PDF file."""
        office = self.office_label()
        fund = Settings.load(self.data_dir).fund_name
        written = None
        for combo, role in ((self.page.card_printer, _tr("Insurance card printer")),
                            (self.page.receipt_printer, _tr("Receipt printer"))):
            document = printing.test_page_document(role, office, fund)
            name = combo.currentData() or ""
            if name:
                printing.print_to(document, name)
                continue
            if written is not None:
                continue  # one PDF is enough to see the Arabic text
            if pdf_path is None:
                chosen, _ = QFileDialog.getSaveFileName(self.page, _tr("Save the test page"),
                                                        str(Path.home() / "test-page.pdf"), "PDF (*.pdf)")
                if not chosen:
                    return None
                pdf_path = Path(chosen)
            written = printing.save_pdf(document, pdf_path)
        self._set_status(lambda: _tr("Test page sent. Check that the Arabic text is clear."))
        return written

    def save(self) -> None:
        from fundclient.camera.sources import remember_camera  # lazy: start-up (OpenCV, NumPy)

        spec = self.camera_spec()
        if spec:
            remember_camera(self.data_dir, spec)
        settings = Settings.load(self.data_dir)
        settings.card_printer = self.page.card_printer.currentData() or ""
        # No receipt-printer field in Settings yet; kept in `extra` for the printing code.
        settings.extra["receipt_printer"] = self.page.receipt_printer.currentData() or ""
        settings.save(self.data_dir)
        self.leave()
