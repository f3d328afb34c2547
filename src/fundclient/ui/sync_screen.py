"""The "send data to headquarters" page: send now, progress, history, last error in plain
words, and (supervisors) the batches headquarters refused, with the reason."""

from __future__ import annotations

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, Qt
from PySide6.QtWidgets import (QAbstractItemView, QGroupBox, QHBoxLayout, QHeaderView, QLabel,
                               QProgressBar, QPushButton, QTableWidget, QTableWidgetItem,
                               QVBoxLayout)

from fundclient.ui import roles
from fundclient.ui.enrol_usb_box import EnrolByUsbBox
from fundclient.ui.fonts import ui_font
from fundclient.ui.i18n import current_language, show_datetime, show_digits, show_number
from fundclient.ui.labels import hq_reason_text, sync_state_text
from fundclient.ui.screen import Screen

_RESULTS = {"ok": QT_TRANSLATE_NOOP("SyncScreen", "Sent"),
            "partial": QT_TRANSLATE_NOOP("SyncScreen", "Partly sent"),
            "offline": QT_TRANSLATE_NOOP("SyncScreen", "No connection"),
            "error": QT_TRANSLATE_NOOP("SyncScreen", "Failed")}


def _table(columns: int) -> QTableWidget:
    table = QTableWidget(0, columns)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.verticalHeader().hide()
    table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
    return table


class SyncScreen(Screen):
    scroll_in_page = True  # enrolment box + three tables: taller than a 768-pixel screen
    def __init__(self, session=None, adapter=None, parent=None) -> None:
        super().__init__(session, parent)
        self.setObjectName("syncScreen")
        self.adapter = adapter
        self.state: dict = {}
        self.heading = QLabel()
        self.heading.setFont(ui_font(16, bold=True))
        self.explain = QLabel()
        self.explain.setWordWrap(True)
        self.send_button = QPushButton()
        self.send_button.setObjectName("syncNowButton")
        self.send_button.setMinimumHeight(44)
        self.send_button.setFont(ui_font(14, bold=True))
        self.progress = QProgressBar()
        self.progress.setObjectName("syncProgress")
        self.progress.hide()
        self.batches = QLabel()
        self.last_error = QLabel()
        self.last_error.setObjectName("syncLastError")
        self.last_error.setWordWrap(True)
        self.last_error.setStyleSheet("color: #a40000; font-weight: bold;")
        self.history_box = QGroupBox(self)
        self.history = _table(4)
        QVBoxLayout(self.history_box).addWidget(self.history)
        self.quarantine_box = QGroupBox(self)
        self.quarantine = _table(3)
        self.quarantine.setObjectName("quarantineTable")
        QVBoxLayout(self.quarantine_box).addWidget(self.quarantine)
        # Only ever hidden here: setVisible(True) on a widget with no parent yet opens it as a
        # window of its own (it flashed up at a supervisor's login).
        if not (session is not None and roles.at_least(session.operator, roles.SUPERVISOR)):
            self.quarantine_box.setHidden(True)
        self.attention_box = QGroupBox()
        self.attention = _table(4)
        self.attention.setObjectName("attentionTable")
        self.attention.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.attention.cellActivated.connect(self._open_attention)
        self.attention.cellDoubleClicked.connect(self._open_attention)
        QVBoxLayout(self.attention_box).addWidget(self.attention)
        self.enrol_box = EnrolByUsbBox(session, self) if session is not None else None
        top = QHBoxLayout()
        top.addWidget(self.send_button)
        top.addWidget(self.progress, 1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.heading)
        layout.addWidget(self.explain)
        layout.addLayout(top)
        layout.addWidget(self.batches)
        layout.addWidget(self.last_error)
        if self.enrol_box is not None:
            layout.addWidget(self.enrol_box)
            self.enrol_box.enrolled.connect(lambda _device: self.reload())
        layout.addWidget(self.attention_box, 2)
        layout.addWidget(self.history_box, 2)
        layout.addWidget(self.quarantine_box, 1)
        self.send_button.clicked.connect(self.sync_now)
        if adapter is not None:
            adapter.progressChanged.connect(self._progress)
            adapter.runningChanged.connect(self._running)
            adapter.finished.connect(lambda _summary: self.reload())
        self.retranslate_ui()

    @classmethod
    def nav_title(cls) -> str:
        return QCoreApplication.translate("SyncScreen", "Send data to headquarters")

    def retranslate_ui(self) -> None:
        self.setWindowTitle(self.title())
        self.heading.setText(self.title())
        self.explain.setText(self.tr("Registrations are sent automatically at night and whenever "
                                     "the connection is available. Press the button to send now."))
        running = self.adapter is not None and self.adapter.running
        self.send_button.setText(self.tr("Sending…") if running else self.tr("Send now"))
        self.history_box.setTitle(self.tr("Previous sendings"))
        self.quarantine_box.setTitle(self.tr("Batches refused by headquarters (supervisor)"))
        self.history.setHorizontalHeaderLabels([self.tr("Time"), self.tr("Result"),
                                                self.tr("Batches received"), self.tr("Refused")])
        self.quarantine.setHorizontalHeaderLabels([self.tr("Time"), self.tr("Batch"), self.tr("Reason")])
        if getattr(self, "enrol_box", None) is not None:
            self.enrol_box.retranslate_ui()
        self.attention_box.setTitle(self.tr("Records needing attention (answer from headquarters)"))
        self.attention.setHorizontalHeaderLabels([self.tr("Beneficiary"), self.tr("National number"),
                                                  self.tr("Answer"), self.tr("Reason")])
        self._fill()

    def on_shown(self) -> None:
        self.reload()
        self.send_button.setFocus()

    def on_changes(self, changes, initiator) -> None:
        if changes.sync and self.isVisible():
            self.reload()

    def reload(self) -> None:
        if self.adapter is not None:
            self.adapter.refresh(on_state=self._loaded)

    def _loaded(self, state: dict) -> None:
        self.state = state
        self._fill()

    def sync_now(self) -> None:
        if self.adapter is not None:
            self.adapter.sync_now()

    def _running(self, running: bool) -> None:
        self.send_button.setEnabled(not running)
        self.progress.setVisible(running)
        self.retranslate_ui()

    def _progress(self, progress) -> None:
        total = max(int(progress.bytes_total), 1)
        self.progress.setMaximum(total)
        self.progress.setValue(min(int(progress.bytes_sent), total))
        self.batches.setText(self.tr("Batch %1 of %2 (%3 KB of %4 KB)")
                             .replace("%1", show_number(progress.batches_done))
                             .replace("%2", show_number(progress.batches_total))
                             .replace("%3", show_number(progress.bytes_sent // 1024))
                             .replace("%4", show_number(progress.bytes_total // 1024)))

    def _fill(self) -> None:
        state = self.state
        if self.enrol_box is not None:  # not registered with HQ: supervisors register it by USB
            from fundclient.services.sealing import is_enrolled  # lazy: start-up (13 more modules)
            just_now = self.enrol_box.device is not None  # keep saying so until the page is rebuilt
            self.enrol_box.setVisible(roles.at_least(self.session.operator, roles.SUPERVISOR)
                                      and (just_now or not is_enrolled(self.session.data_dir)))
        pending = state.get("pending")
        if pending is not None and not (self.adapter and self.adapter.running):
            self.batches.setText(self.tr("Records waiting to be sent: %1").replace("%1", show_number(pending)))
        error = state.get("last_error")
        self.last_error.setText((error.get(current_language()) or error.get("en", "")) if error else "")
        entries = list(reversed(state.get("entries", [])))[:50]
        self.history.setRowCount(len(entries))
        for row, entry in enumerate(entries):
            status = entry.get("status", "")
            values = [show_datetime(str(entry.get("at", ""))),
                      self.tr(_RESULTS.get(status, "Failed")),
                      show_number(int(entry.get("batches_acknowledged", 0))),
                      show_number(int(entry.get("batches_quarantined", 0)))]
            for column, value in enumerate(values):
                self.history.setItem(row, column, QTableWidgetItem(value))
        held = state.get("quarantined", [])
        self.quarantine.setRowCount(len(held))
        for row, item in enumerate(held):
            values = [show_datetime(item.at), show_number(item.sequence),  # never its UUID
                      item.message.in_language(current_language())]
            for column, value in enumerate(values):
                self.quarantine.setItem(row, column, QTableWidgetItem(value))
        attention = state.get("attention", [])
        self.attention_box.setVisible(bool(attention))
        self.attention.setRowCount(len(attention))
        for row, info in enumerate(attention):
            b = info.beneficiary
            values = [b.name.full(), show_digits(b.national_number), sync_state_text(info.sync_state),
                      hq_reason_text(info.sync_reason)]
            for column, value in enumerate(values):
                item = QTableWidgetItem(value)
                item.setData(Qt.ItemDataRole.UserRole, b.record_id)
                self.attention.setItem(row, column, item)

    def _open_attention(self, row: int, _column: int = 0) -> None:
        item = self.attention.item(row, 0)
        if item is not None:
            self.navigate.emit("record", item.data(Qt.ItemDataRole.UserRole))
