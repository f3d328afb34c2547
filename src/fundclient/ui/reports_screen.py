"""Reports behaviour: counts from `store.reports.counts` in a QueryOp; export via storage."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QDate
from PySide6.QtWidgets import QFileDialog, QTableWidgetItem, QVBoxLayout

from fundclient.storage.reports import ReportRow
from fundclient.ui.i18n import current_language, ltr_run, show_date, show_number
from fundclient.ui.labels import reference_label
from fundclient.ui.ops import QueryOp
from fundclient.ui.reports_view import ReportsView
from fundclient.ui.screen import Screen
from fundclient.storage.report_export import export_report
from fundclient.ui.printing import documents_path

_LISTS = {"channel": "channels", "municipality": "municipalities"}


class ReportsScreen(Screen):
    def __init__(self, session=None, parent=None) -> None:
        super().__init__(session, parent)
        self.setObjectName("reportsScreen")
        self.view = ReportsView(self)
        QVBoxLayout(self).addWidget(self.view)
        self.rows: list[ReportRow] = []
        self.shown_group = "operator"
        self.operator_names: dict[str, str] = {}
        self.generation = 0
        v = self.view
        v.today_button.clicked.connect(self.show_today)
        v.month_button.clicked.connect(self.show_month)
        v.show_button.clicked.connect(self.refresh)
        v.group.currentIndexChanged.connect(lambda _i: self.refresh())
        v.csv_button.clicked.connect(lambda: self.export(".csv"))
        v.xlsx_button.clicked.connect(lambda: self.export(".xlsx"))
        self.retranslate_ui()

    @classmethod
    def nav_title(cls) -> str:
        return QCoreApplication.translate("ReportsScreen", "Reports")

    def retranslate_ui(self) -> None:
        self.setWindowTitle(self.title())
        self.view.retranslate_ui()
        self._fill()

    def on_shown(self) -> None:
        if not self.rows:
            self.refresh()
        self.view.today_button.setFocus()

    def on_changes(self, changes, initiator) -> None:
        if changes.beneficiaries and self.isVisible():
            self.refresh()

    def show_today(self) -> None:
        today = QDate.currentDate()
        self.view.start.setDate(today)
        self.view.end.setDate(today)
        self.refresh()

    def show_month(self) -> None:
        today = QDate.currentDate()
        self.view.start.setDate(QDate(today.year(), today.month(), 1))
        self.view.end.setDate(today)
        self.refresh()

    def period(self) -> tuple[date, date]:
        return self.view.start.date().toPython(), self.view.end.date().toPython()

    def refresh(self) -> None:
        if self.session is None:
            return
        start, end = self.period()
        group = self.view.group.currentData()
        self.generation += 1
        generation = self.generation
        store = self.session.store

        def work():
            names = {}
            if group == "operator":  # show "أحمد الورفلي", not the login name
                names = {op.username: op.full_name for op in store.operators.list() if op.full_name}
            return store.reports.counts(start, end, group), names

        QueryOp(parent=self, op=work,
                success=lambda result: self._loaded(generation, group, *result)).run_in_background()

    def _loaded(self, generation: int, group: str, rows: list[ReportRow], names: dict) -> None:
        if generation != self.generation:
            return
        self.rows, self.shown_group, self.operator_names = list(rows), group, names
        self._fill()

    def group_label(self, code: str) -> str:
        if not code:
            return self.tr("(not set)")
        if self.shown_group == "operator":
            return self.operator_names.get(code, code)
        list_name = _LISTS.get(self.shown_group)
        return reference_label(list_name, code) if list_name else code

    def _fill(self) -> None:
        v = self.view
        v.table.setHorizontalHeaderLabels([v.group.itemText(v.group.findData(self.shown_group)),
                                           self.tr("Beneficiaries"), self.tr("Dependants")])
        v.table.setRowCount(len(self.rows))
        for row, item in enumerate(self.rows):
            for column, value in enumerate((self.group_label(item.group), show_number(item.records),
                                            show_number(item.dependants))):
                v.table.setItem(row, column, QTableWidgetItem(value))
        records = sum(r.records for r in self.rows)
        dependants = sum(r.dependants for r in self.rows)
        v.total.setText(self.tr("Total: %1 beneficiaries, %2 dependants")
                        .replace("%1", show_number(records)).replace("%2", show_number(dependants)))
        v.csv_button.setEnabled(bool(self.rows))
        v.xlsx_button.setEnabled(bool(self.rows))

    def export(self, suffix: str, path: str | None = None) -> Path | None:
        """Save the shown rows (group labels in the UI language). `path` skips the dialog."""
        start, end = self.period()
        if path is None:
            suggested = documents_path(f"report-{start.isoformat()}-{end.isoformat()}{suffix}")
            path, _filter = QFileDialog.getSaveFileName(self, self.tr("Save report"), suggested)
            if not path:
                return None

        rows = [ReportRow(self.group_label(r.group), r.records, r.dependants) for r in self.rows]
        title = self.tr("Registrations from %1 to %2").replace("%1", show_date(start)).replace("%2", show_date(end))
        target = Path(path).with_suffix(suffix)
        export_report(rows, target, language=current_language(), title=title)
        self.view.message.setText(self.tr("Saved: %1").replace("%1", ltr_run(str(target))))  # a path: as written
        return target
