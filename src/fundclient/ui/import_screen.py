"""Import a legacy spreadsheet (supervisors and administrators; menu Supervisor → Import).

The page: choose a CSV or Excel file, check it (every row as the import will check it, the
problems listed with row and field), import it on the long-work thread (`ops.LongOp`: the
writer is held one batch at a time, so the clerk's saves go on), a progress bar with rows
done / total and rows per second, Cancel (what was saved stays, and the page says so), the
result (imported, already registered, refused with reasons, possible duplicates) and the
refused rows saved to a CSV file. The work itself is `services.importing` — the same path
as `fundclient import`.
"""

from __future__ import annotations

import time
from pathlib import Path

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import (QAbstractItemView, QFileDialog, QHBoxLayout, QHeaderView, QLabel, QLineEdit,
                               QProgressBar, QPushButton, QTableWidget, QTableWidgetItem, QVBoxLayout)

from fundclient.domain.validation import field_definition
from fundclient.errors import FundError
from fundclient.services import importing
from fundclient.services.changes import Changes
from fundclient.ui.errors import error_text, generic_error_text, log_unexpected
from fundclient.ui.fonts import ui_font
from fundclient.ui.i18n import current_language, ltr_run, show_number
from fundclient.ui.ops import LongOp, QueryOp
from fundclient.ui.screen import Screen

GUI_BATCH = 200  # rows per transaction: progress and Stop every few seconds
MAX_SHOWN_PROBLEMS = 1000  # the table shows the first ones; the saved file holds them all
FILE_FILTER = "*.csv *.xlsx *.xlsm"


def _tr(text: str) -> str:
    return QCoreApplication.translate("ImportScreen", text)


class ImportScreen(Screen):
    def __init__(self, session=None, parent=None) -> None:
        super().__init__(session, parent)
        self.setObjectName("importScreen")
        self.preview = None  # storage.importer.Preview of the chosen file
        self.result = None  # storage.importer.ImportResult of the last import
        self.op = None  # the running check or import
        self.started = 0.0
        self._build()
        self.retranslate_ui()
        self._set_state("choose")

    @classmethod
    def nav_title(cls) -> str:
        return _tr("Import from a spreadsheet")

    # -- layout ----------------------------------------------------------------------------
    def _build(self) -> None:
        self.heading = QLabel()
        self.heading.setFont(ui_font(16, bold=True))
        self.explain = QLabel()
        self.explain.setWordWrap(True)
        self.file_label = QLabel()
        self.path = QLineEdit()
        self.path.setObjectName("importFile")
        self.file_label.setBuddy(self.path)
        self.path.returnPressed.connect(self.check)
        self.path.textEdited.connect(lambda _t: self._set_state("choose"))
        self.browse = QPushButton()
        self.browse.clicked.connect(self.choose_file)
        self.check_button = QPushButton()
        self.check_button.clicked.connect(self.check)
        self.import_button = QPushButton()
        self.import_button.setObjectName("startImport")
        self.import_button.clicked.connect(self.start_import)
        self.cancel_button = QPushButton()
        self.cancel_button.setObjectName("cancelImport")
        self.cancel_button.clicked.connect(self.cancel)
        self.progress = QProgressBar()
        self.progress.setTextVisible(True)
        self.progress_text = QLabel()
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.summary.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.table = QTableWidget(0, 4)
        self.table.setObjectName("importProblems")
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.verticalHeader().setVisible(False)
        header = self.table.horizontalHeader()
        for column, mode in enumerate((QHeaderView.ResizeMode.ResizeToContents,) * 3
                                      + (QHeaderView.ResizeMode.Stretch,)):
            header.setSectionResizeMode(column, mode)
        self.table.setWordWrap(True)
        self.save_button = QPushButton()
        self.save_button.setObjectName("saveRefused")
        self.save_button.clicked.connect(self.save_refused)

        layout = QVBoxLayout(self)
        layout.addWidget(self.heading)
        layout.addWidget(self.explain)
        row = QHBoxLayout()
        row.addWidget(self.file_label)
        row.addWidget(self.path, 1)
        row.addWidget(self.browse)
        layout.addLayout(row)
        buttons = QHBoxLayout()
        buttons.addWidget(self.check_button)
        buttons.addWidget(self.import_button)
        buttons.addWidget(self.cancel_button)
        buttons.addStretch(1)
        layout.addLayout(buttons)
        layout.addWidget(self.progress)
        layout.addWidget(self.progress_text)
        layout.addWidget(self.summary)
        layout.addWidget(self.table, 1)
        end = QHBoxLayout()
        end.addStretch(1)
        end.addWidget(self.save_button)
        layout.addLayout(end)

    def retranslate_ui(self) -> None:
        self.setWindowTitle(self.title())
        self.heading.setText(_tr("Import beneficiaries from a spreadsheet"))
        self.explain.setText(_tr(
            "A CSV or Excel (.xlsx) file with one beneficiary per row and the column names of the "
            "import guide. Check the file first: every row is checked as the registration form checks "
            "it. Rows already registered are skipped; a possible duplicate is not imported but listed "
            "for you to check."))
        self.file_label.setText(_tr("&File:"))
        self.browse.setText(_tr("Choose a file…"))
        self.check_button.setText(_tr("Check the file"))
        self.import_button.setText(_tr("Import"))
        self.cancel_button.setText(_tr("Stop the import"))
        self.save_button.setText(_tr("Save the refused rows…"))
        self.table.setHorizontalHeaderLabels([_tr("Row"), _tr("National number"), _tr("Field"), _tr("Problem")])
        self._show_outcome()

    def on_shown(self) -> None:
        if self.op is None or self.op.done:
            self.path.setFocus()

    # -- states ----------------------------------------------------------------------------
    def _set_state(self, state: str) -> None:
        """choose (no file checked) / checked / checking / importing / done"""
        self.state = state
        busy = state in ("checking", "importing")
        self.path.setEnabled(not busy)
        self.browse.setEnabled(not busy)
        self.check_button.setEnabled(not busy)
        self.import_button.setEnabled(state == "checked" and bool(self.preview and self.preview.valid))
        self.cancel_button.setVisible(busy)
        self.cancel_button.setEnabled(busy)
        self.progress.setVisible(busy or state == "done")
        self.save_button.setEnabled(bool(self._problems()) and not busy)
        if state == "choose":
            self.preview = None
            self.result = None
            self._show_outcome()

    def _problems(self) -> list[tuple]:
        if self.result is not None:
            return self.result.problems
        return self.preview.problems if self.preview is not None else []

    # -- actions ---------------------------------------------------------------------------
    def choose_file(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, _tr("Choose the spreadsheet"), self.path.text(),
                                              _tr("Spreadsheets") + f" ({FILE_FILTER})")
        if path:
            self.path.setText(path)
            self.check()

    def check(self) -> None:
        if self.state in ("checking", "importing"):
            return
        text = self.path.text().strip()
        if not text:
            self._say(_tr("Type the file's path or choose the file."), error=True)
            self.path.setFocus()
            return
        self.result = None
        op = QueryOp(parent=self, op=lambda: importing.preview(
            self.session, Path(text), progress=op.progress.update, cancelled=lambda: op.progress.cancelled),
            success=self._checked)
        self._start(op, "checking")

    def start_import(self) -> None:
        if self.state != "checked" or self.preview is None:
            return
        path = Path(self.path.text().strip())
        self.result = None

        def work() -> Changes:
            result = importing.import_spreadsheet(self.session, path, write_report=False, batch_size=GUI_BATCH,
                                                  progress=op.progress.update,
                                                  cancelled=lambda: op.progress.cancelled)
            changes = Changes(beneficiaries=result.imported > 0, sync=result.imported > 0)
            changes.result = result
            return changes

        op = LongOp(parent=self, op=work, success=lambda changes: self._imported(changes.result))
        self._start(op, "importing")

    def cancel(self) -> None:
        if self.op is not None and not self.op.done:
            self.op.progress.cancelled = True
            self.cancel_button.setEnabled(False)
            self.progress_text.setText(_tr("Stopping after the rows being saved now…"))

    def _start(self, op, state: str) -> None:
        self.op = op
        self.started = time.monotonic()
        self.progress.setRange(0, 0)
        self.progress_text.setText("")
        self.summary.setText("")
        self.table.setRowCount(0)
        op.progress.updated.connect(self._on_progress)
        op.failure(self._failed)
        self._set_state(state)
        op.run_in_background()
        self.cancel_button.setFocus()

    def _on_progress(self, done: int, total: int, _text: str) -> None:
        if total <= 0:
            return
        self.progress.setRange(0, total)
        self.progress.setValue(done)
        rate = done / max(1e-3, time.monotonic() - self.started)
        template = _tr("%1 of %2 rows checked (%3%), %4 rows per second") if self.state == "checking" else \
            _tr("%1 of %2 rows done (%3%), %4 rows per second")
        self.progress_text.setText(template.replace("%1", show_number(done)).replace("%2", show_number(total))
                                   .replace("%3", show_number(done * 100 // total))
                                   .replace("%4", show_number(round(rate))))

    def _failed(self, exc: BaseException) -> None:
        self.preview = None
        self._set_state("choose")
        if isinstance(exc, FundError):
            self._say(error_text(exc), error=True)
        else:
            log_unexpected(exc, "import page")
            self._say(generic_error_text(), error=True)
        self.path.setFocus()

    def _checked(self, preview) -> None:
        self.preview = preview
        self._set_state("checked")
        self.progress.setVisible(False)
        self._show_outcome()
        (self.import_button if self.import_button.isEnabled() else self.path).setFocus()

    def _imported(self, result) -> None:
        self.result = result
        self._set_state("done")
        self.progress.setRange(0, max(1, result.rows))
        self.progress.setValue(result.done)
        if result.cancelled:
            self.progress_text.setText("")
        self._show_outcome()
        (self.save_button if self.save_button.isEnabled() else self.path).setFocus()

    def save_refused(self) -> None:
        problems = self._problems()
        if not problems:
            return
        name = Path(self.path.text().strip() or "import").stem + "-refused.csv"
        start = str(Path(self.path.text().strip()).with_name(name)) if self.path.text().strip() else name
        path, _ = QFileDialog.getSaveFileName(self, _tr("Save the refused rows"), start, "CSV (*.csv)")
        if not path:
            return
        from fundclient.storage.importer import ImportResult, write_report_file  # lazy: start-up (NumPy, openpyxl)
        try:
            write_report_file(ImportResult(problems=problems), Path(path))
        except OSError:
            self._say(_tr("The file could not be written there. Choose another folder."), error=True)
            return
        self._say(QCoreApplication.translate("ImportScreen", "Saved: %1", "import").replace("%1", ltr_run(path)))

    # -- what the page says ----------------------------------------------------------------
    def _say(self, text: str, *, error: bool = False) -> None:
        self.summary.setStyleSheet("color: #a40000;" if error else "")
        self.summary.setText(text)

    def _show_outcome(self) -> None:
        if not hasattr(self, "summary"):
            return
        language = current_language()
        n = show_number
        if self.result is not None:
            r = self.result
            lines = []
            if r.cancelled:
                lines.append(_tr("The import was stopped after %1 of %2 rows. The rows imported before "
                                 "the stop are saved; the rest of the file was not imported — import the "
                                 "same file again to add them (rows already registered are skipped).")
                             .replace("%1", n(r.done)).replace("%2", n(r.rows)))
            else:
                lines.append(_tr("Import finished: %1 rows.").replace("%1", n(r.rows)))
            lines.append(_tr("Imported: %1 · Already registered (skipped): %2 · Refused: %3, of them "
                             "possible duplicates to check: %4")
                         .replace("%1", n(r.imported)).replace("%2", n(r.already_present))
                         .replace("%3", n(r.rejected)).replace("%4", n(r.duplicates)))
            self._say("\n".join(lines))
        elif self.preview is not None:
            p = self.preview
            refused = len({row for row, *_ in p.problems})
            text = _tr("%1 rows in the file: %2 ready to import, %3 with problems (listed below; they will "
                       "not be imported).").replace("%1", n(p.rows)).replace("%2", n(p.valid)).replace("%3", n(refused))
            self._say(text)
        else:
            self.summary.setText("")
        problems = sorted(self._problems(), key=lambda p: p[0])[:MAX_SHOWN_PROBLEMS]
        self.table.setRowCount(len(problems))
        for i, problem in enumerate(problems):
            row, national, outcome, key = problem[:4]
            reason = problem.message.in_language(language)
            if outcome == "already_present":
                reason = _tr("Already registered (skipped): ") + reason
            cells = (n(row), ltr_run(str(national)), _field_text(key, language), reason)
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setToolTip(text)
                self.table.setItem(i, column, item)
        self.table.resizeRowsToContents()


def _field_text(key: str, language: str) -> str:
    """The field a problem is about, in words (the column of the file too for a dependant)."""
    if key == "duplicate":
        return _tr("Possible duplicate")
    if key == "row":
        return _tr("Whole row")
    definition = field_definition(key)
    if definition is None:
        return key
    label = definition.label.in_language(language)
    if key.startswith("dependants["):
        number = key[len("dependants["):key.index("]")]
        return _tr("Dependant %1: %2").replace("%1", show_number(int(number) + 1 if number.isdigit() else 0)) \
            .replace("%2", label)
    return label
