"""The page shown in place of a screen that could not be built (the error is in the log)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QVBoxLayout

from fundclient.ui.screen import Screen


class PlaceholderScreen(Screen):
    def __init__(self, session=None, parent=None, *, title=None) -> None:
        """`title()` gives the failed page's name in the current language."""
        super().__init__(session, parent)
        self._title = title
        self.label = QLabel()
        self.label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.label.setWordWrap(True)
        QVBoxLayout(self).addWidget(self.label)
        self.retranslate_ui()

    def title(self) -> str:
        return (self._title() if self._title else "") or self.tr("New registration")

    def retranslate_ui(self) -> None:
        self.setWindowTitle(self.title())
        self.label.setText(self.tr("This part of the system is not available in this installation."))
