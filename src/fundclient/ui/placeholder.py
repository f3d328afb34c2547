"""A page shown while a screen's package is not installed yet (e.g. a partial build)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QVBoxLayout

from fundclient.ui.screen import Screen


class PlaceholderScreen(Screen):
    def __init__(self, session=None, parent=None) -> None:
        super().__init__(session, parent)
        self.label = QLabel()
        self.label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.label.setWordWrap(True)
        QVBoxLayout(self).addWidget(self.label)
        self.retranslate_ui()

    def retranslate_ui(self) -> None:
        self.setWindowTitle(self.tr("New registration"))
        self.label.setText(self.tr("This part of the system is not available in this installation."))
