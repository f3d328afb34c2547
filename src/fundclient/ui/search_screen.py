"""Search behaviour: results as you type, without ever freezing the window.

Each keystroke restarts a 250 ms debounce timer; when it fires, the query runs in a
QueryOp. Every query gets a generation number; a result whose generation is not the
latest is dropped, so a slow old query can never overwrite a newer answer.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QEvent, QObject, Qt, QTimer
from PySide6.QtWidgets import QVBoxLayout

from fundclient.domain.digits import normalise_digits
from fundclient.ui.errors import error_text
from fundclient.ui.i18n import show_number
from fundclient.ui.ops import QueryOp
from fundclient.ui.screen import Screen
from fundclient.ui.search_view import SearchView

DEBOUNCE_MS = 250
RESULT_LIMIT = 50
MIN_NAME_CHARS = 2


class SearchScreen(Screen):
    def __init__(self, session=None, parent=None) -> None:
        super().__init__(session, parent)
        self.setObjectName("searchScreen")
        self.view = SearchView(self)
        QVBoxLayout(self).addWidget(self.view)
        self.generation = 0
        self.shown_generation = 0
        self.last_text = ""
        self._state = ("idle", 0)
        self._act_on_answer = False
        self.debounce = QTimer(self)
        self.debounce.setSingleShot(True)
        self.debounce.setInterval(DEBOUNCE_MS)
        self.debounce.timeout.connect(self.run_query)
        self.view.box.textChanged.connect(self._text_changed)
        self.view.box.returnPressed.connect(self._enter_in_box)
        self.view.box.installEventFilter(self)
        self.view.table.activated.connect(lambda index: self.open_row(index.row()))
        self.retranslate_ui()

    @classmethod
    def nav_title(cls) -> str:
        return QCoreApplication.translate("SearchScreen", "Find a beneficiary")

    def retranslate_ui(self) -> None:
        self.setWindowTitle(self.title())
        self.view.retranslate_ui()
        self._show_state()

    def on_shown(self) -> None:
        self.view.box.setFocus()
        self.view.box.selectAll()

    def hint_mark_inactive(self) -> None:
        self._state = ("inactive_hint", 0)
        self._show_state()
        self.on_shown()

    # -- typing & querying ---------------------------------------------------------------
    def _text_changed(self, _text: str) -> None:
        self._act_on_answer = False  # typing on: the Enter was for the old text
        self.debounce.start()

    def query_text(self) -> str:
        return normalise_digits(self.view.box.text()).strip()

    def run_query(self) -> None:
        text = self.query_text()
        self.generation += 1
        generation = self.generation
        self.last_text = text
        if len(text) < MIN_NAME_CHARS and not text.isdigit():
            self._show_results(generation, [])
            self._state = ("idle", 0)
            self._show_state()
            return
        self._state = ("searching", 0)
        self._show_state()
        store = self.session.store
        scheme = getattr(self.session.settings, "national_id_scheme", None)
        QueryOp(parent=self,
                op=lambda: store.beneficiaries.search(text, RESULT_LIMIT, national_id_scheme=scheme),
                success=lambda hits: self._show_results(generation, hits)) \
            .failure(lambda exc: self._failed(generation, exc)).run_in_background()

    def _show_results(self, generation: int, hits: list) -> None:
        if generation != self.generation:
            return  # stale: the clerk typed more since this query started
        self.shown_generation = generation
        self.view.model.set_hits(hits)
        if hits:
            self._select_first()
        self._state = ("results", len(hits)) if hits else ("none", 0)
        self._show_state()
        if self._act_on_answer:  # Enter was pressed before the answer came
            self._act_on_results()

    def _failed(self, generation: int, exc: BaseException) -> None:
        if generation != self.generation:
            return
        self.shown_generation = generation
        self._state = ("error", 0)
        self.view.state.setText(error_text(exc))

    def _show_state(self) -> None:
        kind, count = self._state
        texts = {
            "idle": "",
            "searching": self.tr("Searching…"),
            "none": self.tr("No beneficiary found. Check the spelling or search by the national number."),
            "inactive_hint": self.tr("Find the beneficiary, open the record, then press "
                                     "\"Mark inactive\"."),
        }
        if kind == "results":
            text = self.tr("%1 result(s). Enter opens the selected record.").replace("%1", show_number(count))
        elif kind == "error":
            return
        else:
            text = texts[kind]
        self.view.state.setText(text)

    # -- keyboard ------------------------------------------------------------------------
    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.view.box and event.type() == QEvent.Type.KeyPress \
                and event.key() == Qt.Key.Key_Down and self.view.model.rowCount():
            self.view.table.setFocus()
            self._select_first()
            return True
        return super().eventFilter(watched, event)

    def _select_first(self) -> None:
        # The current index (not just the selection): Enter on the table activates it.
        self.view.table.setCurrentIndex(self.view.model.index(0, 0))

    def _enter_in_box(self) -> None:
        if self.debounce.isActive() or self.shown_generation != self.generation:
            self.debounce.stop()
            self._act_on_answer = True  # Enter again once the answer is in
            self.run_query()  # answer the latest text at once
            return
        self._act_on_results()

    def _act_on_results(self) -> None:
        """Enter in the box: one result opens, several go to the list."""
        self._act_on_answer = False
        if self.view.model.rowCount() == 1:
            self.open_row(0)
        elif self.view.model.rowCount():
            self.view.table.setFocus()

    def open_row(self, row: int) -> None:
        record_id = self.view.model.record_id(row)
        if record_id:
            self.navigate.emit("record", record_id)

    def on_changes(self, changes, initiator) -> None:
        shown = {hit.record_id for hit in self.view.model.hits}
        if changes.beneficiaries and (changes.records & shown or not shown) and self.last_text:
            self.run_query()
