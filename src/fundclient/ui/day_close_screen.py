"""Supervisor day close: review the day's registrations (photo, key fields, duplicate flags),
approve or send back with a comment, close the day and save the report PDF.
Work runs through QueryOp / CollectionOp; the logic lives in services.dayclose."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QDate, Qt
from PySide6.QtGui import QKeySequence, QPixmap, QShortcut
from PySide6.QtWidgets import (QDialog, QDialogButtonBox, QFileDialog, QLabel, QPlainTextEdit, QTableWidgetItem,
                               QVBoxLayout)

from fundclient.cards.day_report import write_day_close_pdf
from fundclient.domain.photo_exception import TITLE
from fundclient.services import dayclose
from fundclient.services.changes import Changes
from fundclient.ui.day_close_view import PHOTO_H, PHOTO_W, DayCloseView
from fundclient.ui.i18n import current_language, show_date, show_digits, show_number
from fundclient.ui.labels import photo_exception_text
from fundclient.ui.ops import CollectionOp, QueryOp
from fundclient.ui.printing import documents_path
from fundclient.ui.screen import Screen


class DayCloseScreen(Screen):
    def __init__(self, session=None, parent=None) -> None:
        super().__init__(session, parent)
        self.setObjectName("dayCloseScreen")
        self.view = DayCloseView(self)
        if session is not None:  # "today" on the office's clock, whatever the PC's time zone
            self.view.day.setDate(QDate(dayclose.office_today(session)))
        QVBoxLayout(self).addWidget(self.view)
        self.items: list[dayclose.ReviewItem] = []
        self.names: dict[str, str] = {}  # login -> full name
        self.generation = 0
        self.last_summary: dayclose.DayCloseSummary | None = None
        v = self.view
        v.show_button.clicked.connect(self.refresh)
        v.table.itemSelectionChanged.connect(self.show_selected)
        v.approve_button.clicked.connect(self.approve_selected)
        v.approve_all_button.clicked.connect(self.approve_all_clean)
        v.send_back_button.clicked.connect(lambda: self.send_back())
        v.close_day_button.clicked.connect(lambda: self.close_day())
        self.retranslate_ui()

    @classmethod
    def nav_title(cls) -> str:
        return QCoreApplication.translate("DayCloseScreen", "Day close")

    def retranslate_ui(self) -> None:
        self.setWindowTitle(self.title())
        self.view.retranslate_ui()
        self._fill()

    def on_shown(self) -> None:
        self.refresh()
        self.view.table.setFocus()

    def on_changes(self, changes, initiator) -> None:
        if changes.beneficiaries and self.isVisible() and initiator is not self:
            self.refresh()

    def day(self) -> date:
        return self.view.day.date().toPython()

    # -- loading ---------------------------------------------------------------------------
    def refresh(self) -> None:
        if self.session is None:
            return
        self.generation += 1
        generation, session, day = self.generation, self.session, self.day()
        def work():
            names = {op.username: op.full_name for op in session.store.operators.list() if op.full_name}
            return dayclose.review_day(session, day), names

        QueryOp(parent=self, op=work, success=lambda found: self._loaded(generation, *found)).run_in_background()

    def _loaded(self, generation: int, items: list, names: dict | None = None) -> None:
        if generation == self.generation:
            self.items = list(items)
            self.names = dict(names or {})
            self._fill()

    def decision_label(self, decision: str, corrected: bool = False) -> str:
        if not decision and corrected:
            return self.tr("Corrected, not decided")
        return {"approved": self.tr("Approved"), "sent_back": self.tr("Sent back")}.get(
            decision, self.tr("Not decided"))

    def _fill(self) -> None:
        table = self.view.table
        table.setRowCount(len(self.items))
        for row, review in enumerate(self.items):
            b = review.item.beneficiary
            # What the supervisor must look at: a possible duplicate, a photo exception.
            flag = " · ".join(([self.tr("Yes")] if review.duplicates else [])
                              + ([TITLE.in_language(current_language())] if b.photo_exception else []))
            clerk = self.names.get(review.item.saved_by, review.item.saved_by)  # a name, not a login
            for column, text in enumerate((b.name.full(), show_digits(b.national_number), clerk,
                                           flag, self.decision_label(review.item.decision,
                                                                     bool(review.item.sent_back_before)))):
                table.setItem(row, column, QTableWidgetItem(text))
        self.view.fit_name_column()
        counts = dayclose.count_decisions(self.items)
        self.view.summary.setText(
            self.tr("%1 registrations: %2 approved, %3 sent back, %4 not decided")
            .replace("%1", show_number(len(self.items))).replace("%2", show_number(counts["approved"]))
            .replace("%3", show_number(counts["sent_back"])).replace("%4", show_number(counts["undecided"])))
        self.show_selected()

    def selected(self) -> list[dayclose.ReviewItem]:
        rows = sorted({index.row() for index in self.view.table.selectionModel().selectedRows()})
        return [self.items[r] for r in rows if r < len(self.items)]

    def show_selected(self) -> None:
        v = self.view
        while v.details.rowCount():
            v.details.removeRow(0)
        chosen = self.selected()
        v.photo.clear()
        v.flags.clear()
        if len(chosen) != 1:
            v.photo.setText(self.tr("Select a registration"))
            return
        review = chosen[0]
        b = review.item.beneficiary
        for label, value in ((self.tr("Name"), b.name.full()), (self.tr("National number"), b.national_number),
                             (self.tr("Date of birth"), show_date(b.date_of_birth)),
                             (self.tr("Card number"), b.card_number),
                             (self.tr("Dependants"), str(len(b.dependants)))):
            # The card number is a code: as printed (Western digits), never re-digited.
            v.details.addRow(label, QLabel(value if value == b.card_number else show_digits(value)))
        if review.item.comment:
            v.details.addRow(self.tr("Comment"), QLabel(review.item.comment))
        if review.item.sent_back_before:  # a clerk's correction of what was sent back
            earlier = QLabel(review.item.sent_back_before)
            earlier.setWordWrap(True)
            v.details.addRow(self.tr("Corrected after"), earlier)
        language = current_language()
        flags = [m.reason.in_language(language) for m in review.duplicates]
        if b.photo_exception is not None:  # saved without an accepted photo: the supervisor sees why
            flags.append(photo_exception_text(b.photo_exception))
        v.flags.setText("\n".join(flags))
        if review.has_photo and self.session is not None:
            session, key = self.session, review.key
            QueryOp(parent=self, op=lambda: session.store.beneficiaries.photo(key[0], "portrait", key[1]),
                    success=self._show_photo).run_in_background()
        else:
            v.photo.setWordWrap(True)
            v.photo.setText(b.photo_exception.short(language) if b.photo_exception is not None
                            else self.tr("No photo"))

    def _show_photo(self, photo) -> None:
        pixmap = QPixmap()
        if photo is not None and pixmap.loadFromData(photo.data):
            self.view.photo.setPixmap(pixmap.scaled(PHOTO_W, PHOTO_H, Qt.AspectRatioMode.KeepAspectRatio,
                                                    Qt.TransformationMode.SmoothTransformation))

    # -- decisions -------------------------------------------------------------------------
    def _write(self, op) -> None:
        CollectionOp(parent=self, op=op, success=lambda _changes: self.refresh()).run_in_background()

    def approve_selected(self) -> None:
        keys = [r.key for r in self.selected()]
        if keys:
            session = self.session
            self._write(lambda: dayclose.approve(session, keys))

    def approve_all_clean(self) -> None:
        """Approve every undecided registration that has no duplicate flag."""
        keys = [r.key for r in self.items if not r.item.decision and not r.duplicates]
        if keys:
            session = self.session
            self._write(lambda: dayclose.approve(session, keys))

    def send_back(self, comment: str | None = None) -> None:
        chosen = self.selected()
        if len(chosen) != 1:
            return
        session, key = self.session, chosen[0].key
        if comment is None:  # ask: the comment is what the clerk will read next morning
            dialog = SendBackDialog(chosen[0].item.beneficiary.name.full(), self)
            dialog.accepted.connect(lambda: self._write(lambda: dayclose.send_back(session, key, dialog.comment())))
            self.send_back_dialog = dialog
            dialog.open()
            return
        self._write(lambda: dayclose.send_back(session, key, comment))

    def close_day(self, pdf_path: str | None = None) -> None:
        session, day = self.session, self.day()

        def work() -> Changes:
            return Changes(result=dayclose.close_day(session, day))

        CollectionOp(parent=self, op=work, success=lambda changes: self._closed(changes.result, pdf_path)
                     ).run_in_background()

    def _closed(self, summary: dayclose.DayCloseSummary, pdf_path: str | None) -> None:
        self.last_summary = summary
        if pdf_path is None:
            pdf_path, _filter = QFileDialog.getSaveFileName(
                self, self.tr("Save the day-close report"),
                documents_path(f"day-close-{summary.day.isoformat()}.pdf"), "PDF (*.pdf)")
            if not pdf_path:
                return

        names = {op.username: op.full_name for op in self.session.store.operators.list() if op.full_name}
        write_day_close_pdf(summary, Path(pdf_path), fund_name=self.session.settings.fund_name, operator_names=names)


class SendBackDialog(QDialog):
    """The supervisor's comment for the clerk. Tab leaves the text (it never types a tab);
    Enter starts a new line, Ctrl+Enter or the button sends it back. A blank comment is refused."""

    def __init__(self, name: str, parent=None) -> None:
        super().__init__(parent)
        self.setObjectName("sendBackDialog")
        self.setWindowTitle(self.tr("Send back"))
        self.question = QLabel(self.tr("What should the clerk correct in the registration of %1?").replace("%1", name))
        self.question.setWordWrap(True)
        self.text = QPlainTextEdit()
        self.text.setObjectName("sendBackComment")
        self.text.setTabChangesFocus(True)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.send = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.send.setText(self.tr("Send back to the clerk"))
        self.send.setEnabled(False)
        self.text.textChanged.connect(lambda: self.send.setEnabled(bool(self.comment())))
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        for keys in ("Ctrl+Return", "Ctrl+Enter"):
            QShortcut(QKeySequence(keys), self, lambda: self.accept() if self.comment() else None)
        layout = QVBoxLayout(self)
        layout.addWidget(self.question)
        layout.addWidget(self.text, 1)
        layout.addWidget(self.buttons)
        self.resize(520, 260)
        self.text.setFocus()

    def comment(self) -> str:
        return self.text.toPlainText().strip()
