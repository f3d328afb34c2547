"""A dialog that checks its fields before closing: `problems()` says what is wrong (in the UI
language) and the dialog stays open showing it, or returns "" and the dialog is accepted."""

from __future__ import annotations

from PySide6.QtWidgets import QDialog, QLabel, QWidget


class CheckedDialog(QDialog):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.problem = QLabel()
        self.problem.setStyleSheet("color: #a40000;")

    def problems(self) -> str:
        """What must be corrected before the dialog may close ("" = nothing). Override."""
        return ""

    def _accept(self) -> None:
        problem = self.problems()
        if problem:
            self.problem.setText(problem)
            return
        self.accept()
