"""Status bar: office · operator · records waiting to be sent · last successful sync · link.

Fed by the sync adapter's signals; turns to a warning colour when the last successful
sync is older than the office's `stale_sync_warning_days` (HQ needs the data to pay claims).
"""

from __future__ import annotations

from datetime import datetime, timezone

from PySide6.QtCore import QEvent, QSize
from PySide6.QtWidgets import QLabel, QStatusBar, QWidget

from fundclient.ui.labels import reference_label
from fundclient.ui.i18n import show_datetime, show_number

STALE_STYLE = "background: #fde2b8; color: #6b3a00; font-weight: bold; padding: 0 6px;"
OFFLINE_STYLE = "color: #6b6b6b; padding: 0 6px;"
NORMAL_STYLE = "padding: 0 6px;"


class StatusLabel(QLabel):
    """Asks for one line (its full text) and, where the window is too narrow for that (a
    1024-pixel screen), wraps onto two lines instead of widening the window past the screen."""

    def __init__(self) -> None:
        super().__init__()
        self.setWordWrap(True)

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt name
        hint = super().sizeHint()
        one_line = self.fontMetrics().horizontalAdvance(self.text()) + 2 * self.margin() + 16
        return QSize(one_line, hint.height())

    def minimumSizeHint(self) -> QSize:  # noqa: N802 - Qt name
        hint = super().minimumSizeHint()
        return QSize(min(self.sizeHint().width() // 2 + 16, 360), hint.height())


class FundStatusBar(QStatusBar):
    def __init__(self, office: str, operator: str, stale_days: int,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("fundStatusBar")
        self.office = office
        self.operator = operator
        self.stale_days = stale_days
        self.pending: int | None = None
        self.last_success: datetime | None = None
        self.online: bool | None = None
        self.office_label = StatusLabel()
        self.operator_label = StatusLabel()
        self.pending_label = StatusLabel()
        self.pending_label.setObjectName("pendingLabel")
        self.last_sync_label = StatusLabel()
        self.last_sync_label.setObjectName("lastSyncLabel")
        self.link_label = StatusLabel()
        self.link_label.setObjectName("linkLabel")
        self.demo_label = StatusLabel()  # demo mode: nobody may take practice data for real work
        self.demo_label.setObjectName("demoLabel")
        self.demo_label.setStyleSheet("background: #b71c1c; color: white; font-weight: bold; padding: 2px 8px;")
        self.demo_label.hide()
        self.addWidget(self.demo_label)
        for label in (self.office_label, self.operator_label, self.pending_label,
                      self.last_sync_label, self.link_label):
            label.setStyleSheet(NORMAL_STYLE)
            self.addPermanentWidget(label)
        # On a 1024-pixel screen the texts do not fit on one line: they wrap onto a second
        # line (StatusLabel) instead of forcing the window wider than the screen.
        self.retranslate_ui()

    def set_demo(self, demo: bool) -> None:
        self.demo_label.setVisible(demo)

    # -- fed by the sync adapter --------------------------------------------------------
    def set_pending(self, count: int | None) -> None:
        self.pending = count
        self.retranslate_ui()

    def set_last_success(self, when: datetime | None) -> None:
        self.last_success = when
        self.retranslate_ui()

    def set_online(self, online: bool | None) -> None:
        self.online = online
        self.retranslate_ui()

    def is_stale(self, now: datetime | None = None) -> bool:
        if self.last_success is None:
            return True
        now = now or datetime.now(timezone.utc)
        last = self.last_success if self.last_success.tzinfo else self.last_success.replace(tzinfo=timezone.utc)
        return (now - last).total_seconds() > self.stale_days * 86400

    def retranslate_ui(self) -> None:
        office = reference_label("offices", self.office) if self.office else "—"
        self.office_label.setText(self.tr("Office: %1").replace("%1", office))
        self.operator_label.setText(self.tr("Employee: %1").replace("%1", self.operator))
        self.demo_label.setText(self.tr("DEMO — practice data, deleted when the app closes"))
        if self.pending is None:
            self.pending_label.setText(self.tr("Waiting to send: —"))
        else:
            self.pending_label.setText(self.tr("Waiting to send: %1").replace("%1", show_number(self.pending)))
        if self.last_success is None:
            self.last_sync_label.setText(self.tr("Never sent to headquarters"))
        else:
            self.last_sync_label.setText(self.tr("Last sent: %1").replace("%1", show_datetime(self.last_success)))
        stale = self.is_stale()
        self.last_sync_label.setStyleSheet(STALE_STYLE if stale else NORMAL_STYLE)
        self.last_sync_label.setToolTip(
            self.tr("Data has not reached headquarters for more than %1 days. Connect and press "
                    "\"Send now\" on the Send data page, or send by USB.").replace(
                        "%1", show_number(self.stale_days)) if stale else "")
        if self.online is None:
            self.link_label.setText(self.tr("Connection: unknown"))
            self.link_label.setStyleSheet(OFFLINE_STYLE)
        elif self.online:
            self.link_label.setText(self.tr("Connected to headquarters"))
            self.link_label.setStyleSheet(NORMAL_STYLE)
        else:
            self.link_label.setText(self.tr("Offline (work continues)"))
            self.link_label.setStyleSheet(OFFLINE_STYLE)

        for label in (self.demo_label, self.office_label, self.operator_label,
                      self.pending_label, self.last_sync_label, self.link_label):
            label.updateGeometry()

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate_ui()
        super().changeEvent(event)
