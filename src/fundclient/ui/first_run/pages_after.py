"""Layout of the pages after the office exists: recovery key, camera and printers, done."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (QCheckBox, QComboBox, QFormLayout, QHBoxLayout, QLabel,
                               QPushButton, QVBoxLayout, QWidget)

from fundclient.ui.first_run.pages import WizardPage, error_label, explanation_label


def group_recovery_key(key: str) -> str:
    """Two lines of groups so nobody loses their place while copying it by hand."""
    groups = key.split("-")
    half = (len(groups) + 1) // 2
    return " - ".join(groups[:half]) + "\n" + " - ".join(groups[half:])


class RecoveryPage(WizardPage):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.key = QLabel()
        self.key.setObjectName("recoveryKey")
        self.key.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.key.setLayoutDirection(Qt.LayoutDirection.LeftToRight)
        self.key.setTextInteractionFlags(Qt.TextInteractionFlag.NoTextInteraction)  # no copy to a file
        self.box.addWidget(self.key)
        buttons = QHBoxLayout()
        self.print_button = QPushButton()
        self.print_button.setObjectName("printRecovery")
        self.pdf_button = QPushButton()
        self.pdf_button.setObjectName("pdfRecovery")
        buttons.addWidget(self.print_button)
        buttons.addWidget(self.pdf_button)
        buttons.addStretch(1)
        self.box.addLayout(buttons)
        self.uses = explanation_label()
        self.box.addWidget(self.uses)
        self.confirmed = QCheckBox()
        self.confirmed.setObjectName("recoveryConfirmed")
        self.confirmed.setProperty("emphasis", "big")
        self.box.addWidget(self.confirmed)
        self.error = error_label("recoveryError")
        self.box.addWidget(self.error)
        self.recovery_key = ""
        self.finish_layout()

    def show_key(self, key: str) -> None:
        self.recovery_key = key  # kept in memory only until the clerk confirms
        self.key.setText(group_recovery_key(key))

    def forget_key(self) -> None:
        self.recovery_key = ""
        self.key.clear()

    def first_field(self) -> QWidget:
        return self.print_button

    def retranslate_ui(self) -> None:
        self.heading.setText(self.tr("Recovery key — shown only once"))
        self.intro.setText(self.tr(
            "The office has been created. This key opens the office's data when every password is "
            "lost. It is not saved anywhere on this computer and will not be shown again."))
        self.print_button.setText(self.tr("&Print"))
        self.pdf_button.setText(self.tr("Save as P&DF on a USB drive…"))
        self.uses.setText(self.tr(
            "Print it or write it down, and lock the paper in a safe away from the computer. "
            "Use it only to set a new password when the administrator's password is forgotten, "
            "or to move the data to a new computer. Whoever holds this paper can open all the "
            "beneficiaries' data: if it is lost, or the computer is stolen, tell headquarters at once."))
        self.confirmed.setText(self.tr("I have &printed or written down the recovery key"))


class DevicesPage(WizardPage):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.camera = QComboBox()
        self.camera.setObjectName("cameraChoice")
        self.camera.setEditable(True)  # a webcam, or a folder of photos on PCs without one
        self.preview_button = QPushButton()
        self.preview_button.setObjectName("cameraPreview")
        camera_row = QHBoxLayout()
        camera_row.addWidget(self.camera, 1)
        camera_row.addWidget(self.preview_button)
        self.camera_label = QLabel()
        self.camera_label.setBuddy(self.camera)
        self.preview_host = QVBoxLayout()
        self.card_printer = QComboBox()
        self.card_printer.setObjectName("cardPrinter")
        self.receipt_printer = QComboBox()
        self.receipt_printer.setObjectName("receiptPrinter")
        self.test_button = QPushButton()
        self.test_button.setObjectName("printTestPage")
        self.card_label, self.receipt_label = QLabel(), QLabel()
        self.card_label.setBuddy(self.card_printer)
        self.receipt_label.setBuddy(self.receipt_printer)
        form = QFormLayout()
        form.addRow(self.camera_label, camera_row)
        form.addRow(self.card_label, self.card_printer)
        receipt_row = QHBoxLayout()  # the test button on this row keeps the page short
        receipt_row.addWidget(self.receipt_printer, 1)
        receipt_row.addWidget(self.test_button)
        form.addRow(self.receipt_label, receipt_row)
        self.box.addLayout(form)
        # The status line sits above the picture: what it says (the camera works, is missing,
        # the test page went out) stays in view at 1366×768 and 1024×768, where the picture
        # and its checklist fill the rest of the page.
        self.status = explanation_label()
        self.status.setObjectName("devicesStatus")
        self.box.addWidget(self.status)
        self.box.addLayout(self.preview_host, 1)
        self.finish_layout()

    def first_field(self) -> QWidget:
        return self.camera

    def retranslate_ui(self) -> None:
        self.heading.setText(self.tr("Camera and printers"))
        self.intro.setText(self.tr(
            "Check that the camera shows a picture and that the printers work. You can skip this "
            "step and do it later from the settings."))
        self.camera_label.setText(self.tr("&Camera:"))
        self.preview_button.setText(self.tr("Show the &picture"))
        self.card_label.setText(self.tr("Insurance card p&rinter:"))
        self.receipt_label.setText(self.tr("R&eceipt printer:"))
        self.test_button.setText(self.tr("Print a &test page"))
        self.camera.lineEdit().setPlaceholderText(self.tr("No camera found"))


class DonePage(WizardPage):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.summary = QLabel()
        self.summary.setObjectName("summary")
        self.summary.setWordWrap(True)
        self.summary.setTextFormat(Qt.TextFormat.PlainText)
        self.box.addWidget(self.summary)
        # No link: the enrolment request goes to HQ on a USB drive (sync.enrol.write_request).
        self.usb_request = QPushButton()
        self.usb_request.setObjectName("writeEnrolRequest")
        self.usb_result = QLabel()
        self.usb_result.setObjectName("enrolRequestResult")
        self.usb_result.setWordWrap(True)
        self.usb_result.setTextFormat(Qt.TextFormat.PlainText)
        self.box.addWidget(self.usb_request)
        self.box.addWidget(self.usb_result)
        self.finish_layout()

    def retranslate_ui(self) -> None:
        self.usb_request.setText(self.tr("Write the enrolment request to a &USB drive…"))
        self.heading.setText(self.tr("The office is ready"))
        self.intro.setText(self.tr("Press “Open the system” and sign in with the administrator's "
                                   "user name and password."))
