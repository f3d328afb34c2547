"""Record view behaviour: load off the GUI thread, show, and offer the actions.

`editRequested(record_id)` is routed by the main window to the registration screen
(`RegistrationScreen.edit_record(record_id)`), which owns editing.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, Qt, Signal
from PySide6.QtGui import QKeySequence, QPixmap, QShortcut
from PySide6.QtWidgets import QTableWidgetItem, QVBoxLayout

from fundclient.services.changes import Changes
from fundclient.ui import roles
from fundclient.ui.i18n import current_language, show_date, show_datetime, show_digits
from fundclient.ui.labels import (SYNC_STATE_COLOURS, enum_code, field_label, hq_reason_text,
                                  photo_exception_text, reference_label, sync_state_text)
from fundclient.ui.ops import CollectionOp, QueryOp
from fundclient.ui.record_view import IDENTITY_FIELDS, PHOTO_SIZE, RecordView
from fundclient.ui.screen import Screen
from fundclient.domain.reference import RefItem, default_reference
from fundclient.ui.card_choice import ChooseCardsDialog
from fundclient.ui.mark_inactive_dialog import MarkInactiveDialog
from fundclient.ui.printing import family_members, preview_document

_CHOICE_LISTS = {"sex": "sexes", "marital_status": "marital_statuses", "municipality": "municipalities",
                 "office_code": "offices", "channel": "channels", "status": "statuses",
                 "category": None}


def load_record(store, record_id: str) -> dict:
    """Everything the view shows, read in the worker thread."""
    beneficiaries = store.beneficiaries
    return {"record": beneficiaries.get(record_id), "history": beneficiaries.history(record_id),
            "photo": beneficiaries.photo(record_id),
            "names": {op.username: op.full_name for op in store.operators.list() if op.full_name}}


def set_status(session, record_id: str, status: str, reason: str) -> Changes:
    """Mark inactive through the lead's service when present (it also seals for sync)."""
    try:
        # lazy: start-up (cryptography, rapidfuzz)
        from fundclient.services import registration  # type: ignore
    except ImportError:
        registration = None
    if registration is not None and hasattr(registration, "set_status"):
        return registration.set_status(session, record_id, status, reason)
    session.store.beneficiaries.set_status(record_id, status, reason,
                                           by=roles.operator_username(session.operator))
    return Changes(records={record_id}, beneficiaries=True)


class RecordScreen(Screen):
    editRequested = Signal(str)

    def __init__(self, session=None, parent=None) -> None:
        super().__init__(session, parent)
        self.setObjectName("recordScreen")
        self.view = RecordView(self)
        QVBoxLayout(self).addWidget(self.view)
        self.record_id: str | None = None
        self.data: dict | None = None
        self._notice = ""
        self.generation = 0
        v = self.view
        v.back_button.clicked.connect(lambda: self.navigate.emit("search", None))
        back = QShortcut(QKeySequence(Qt.Key.Key_Escape), self, lambda: self.navigate.emit("search", None))
        back.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        v.edit_button.clicked.connect(self._edit)
        v.card_button.clicked.connect(lambda: self._print("card"))
        v.receipt_button.clicked.connect(lambda: self._print("receipt"))
        v.replace_card_button.clicked.connect(lambda: self.replace_card())
        v.inactive_button.clicked.connect(self.mark_inactive)
        can_mark = session is not None and roles.at_least(session.operator, roles.SUPERVISOR)
        v.inactive_button.setVisible(can_mark)
        self.retranslate_ui()

    @classmethod
    def nav_title(cls) -> str:
        return QCoreApplication.translate("RecordScreen", "Beneficiary record")

    def retranslate_ui(self) -> None:
        self.setWindowTitle(self.title())
        self.view.retranslate_ui()
        self._fill()

    def on_shown(self) -> None:
        self.view.edit_button.setFocus()

    def open(self, record_id: str) -> None:
        self.record_id = record_id
        self.generation += 1
        generation = self.generation
        store = self.session.store
        self.view.message.setText(self.tr("Loading…"))
        QueryOp(parent=self, op=lambda: load_record(store, record_id),
                success=lambda data: self._loaded(generation, data)).run_in_background()

    def _loaded(self, generation: int, data: dict) -> None:
        if generation != self.generation:
            return
        self.data = data
        self.view.message.setText(self._notice)  # an action's confirmation outlives the reload it caused
        self._notice = ""
        self._fill()

    def on_changes(self, changes, initiator) -> None:
        if self.record_id and (self.record_id in changes.records or changes.sync):
            self.open(self.record_id)

    # -- filling -------------------------------------------------------------------------
    def _fill(self) -> None:
        if not self.data:
            return
        record, history, photo = self.data["record"], self.data["history"], self.data["photo"]
        v = self.view
        v.name.setText(record.name.full())
        # Numbers-only values would otherwise align by their own (LTR) direction: zig-zag column.
        align = (Qt.AlignmentFlag.AlignAbsolute | Qt.AlignmentFlag.AlignVCenter
                 | (Qt.AlignmentFlag.AlignRight if self.layoutDirection() == Qt.LayoutDirection.RightToLeft
                    else Qt.AlignmentFlag.AlignLeft))
        for key in IDENTITY_FIELDS:
            v.identity_labels[key].setText(field_label(key) + ":")
            v.identity_values[key].setText(self._value(record, key))
            v.identity_values[key].setAlignment(align)
        self._fill_photo(photo, record.photo_exception)
        v.photo_exception.setText(photo_exception_text(record.photo_exception))
        v.photo_exception.setVisible(record.photo_exception is not None)
        latest = history[-1] if history else None
        state = latest.sync_state if latest else "pending"
        text = self.tr("Headquarters: %1").replace("%1", sync_state_text(state))
        if latest and latest.sync_reason and state in ("rejected", "duplicate"):
            text += " — " + hq_reason_text(latest.sync_reason)
        v.sync_badge.setText(text)
        v.sync_badge.setStyleSheet(f"color: {SYNC_STATE_COLOURS.get(state, '#333')}; font-weight: bold;")
        v.dependants.setRowCount(len(record.dependants))
        for row, dep in enumerate(record.dependants):
            values = [dep.name.full(), reference_label("relations", enum_code(dep.relation)),
                      show_date(dep.date_of_birth),
                      show_digits(dep.national_number), dep.card_number]
            for column, value in enumerate(values):
                v.dependants.setItem(row, column, QTableWidgetItem(value))
        v.dependants_box.setVisible(bool(record.dependants))
        names = self.data.get("names", {})  # who saved: the person's name, not the login
        v.history.setRowCount(len(history))
        for row, info in enumerate(reversed(history)):
            values = [show_digits(info.revision), show_datetime(_moment(info.saved_at)),
                      names.get(info.saved_by, info.saved_by), sync_state_text(info.sync_state),
                      hq_reason_text(info.sync_reason)]
            for column, value in enumerate(values):
                v.history.setItem(row, column, QTableWidgetItem(value))
        active = enum_code(record.status) == "active"
        v.inactive_button.setEnabled(active)
        v.card_button.setEnabled(active)
        v.replace_card_button.setEnabled(active and bool(record.card_number))

    def _value(self, record, key: str) -> str:
        value = getattr(record, key, "")
        code = enum_code(value)
        if key == "category":
            item = next((c for c in _categories() if c.get("code") == code), None)
            if item is None:
                return code
            return RefItem(code, str(item.get("ar", code)), str(item.get("en", code))).label(_lang())
        if key in _CHOICE_LISTS:
            return reference_label(_CHOICE_LISTS[key], code)
        if key == "date_of_birth":
            return show_date(value)
        if key in ("national_number", "mobile"):
            return show_digits(code)
        return code

    def _fill_photo(self, photo, exception=None) -> None:
        pixmap = QPixmap()
        if photo is not None and pixmap.loadFromData(photo.data):
            self.view.photo.setPixmap(pixmap.scaled(*PHOTO_SIZE, Qt.AspectRatioMode.KeepAspectRatio,
                                                    Qt.TransformationMode.SmoothTransformation))
        else:
            self.view.photo.setPixmap(QPixmap())
            self.view.photo.setText(exception.short(_lang()) if exception is not None
                                    else self.tr("No photo"))

    # -- actions -------------------------------------------------------------------------
    def _edit(self) -> None:
        if self.record_id:
            self.editRequested.emit(self.record_id)

    def _print(self, kind: str) -> None:
        if not self.data:
            return

        members = None  # the holder's card
        record = self.data["record"]
        if kind == "card" and len(family_members(record)) > 1:
            dialog = ChooseCardsDialog(record, self)
            self.choose_dialog = dialog
            photo = self.data["photo"]
            dialog.accepted.connect(lambda: preview_document(self, self.session, record, photo, "card",
                                                             members=dialog.chosen()))
            dialog.open()
            return
        preview_document(self, self.session, record, self.data["photo"], kind, members=members)

    def replace_card(self, choice: tuple[str, str, str] | None = None) -> None:
        """Reprint or replace a card (reason asked in a dialog unless `choice` is given), then
        open the print preview of the card to hand over."""
        if not self.data:
            return
        if choice is None:
            from fundclient.ui.replace_card_dialog import ReplaceCardDialog  # lazy: start-up (6 more modules)

            dialog = ReplaceCardDialog(self.data["record"], self)
            if not dialog.exec():
                return
            choice = dialog.choice()
        dependant_id, reason, note = choice
        session, record_id = self.session, self.record_id
        from fundclient.services.cards import replace_card  # lazy: start-up (cryptography, rapidfuzz)

        CollectionOp(parent=self, op=lambda: replace_card(session, record_id, reason, note, dependant_id),
                     success=lambda changes: self._say(
                         self.tr("Card to print: %1").replace("%1", changes.result.card_number))
                     ).run_in_background()

    def mark_inactive(self) -> None:
        if not self.data:
            return

        dialog = MarkInactiveDialog(self.data["record"].name.full(), self)
        if not dialog.exec():
            return
        status, reason = dialog.choice()
        record_id = self.record_id
        CollectionOp(parent=self, op=lambda: set_status(self.session, record_id, status, reason),
                     success=lambda _changes: self._say(
                         self.tr("The record was marked inactive."))).run_in_background()

    def _say(self, text: str) -> None:
        self._notice = text
        self.view.message.setText(text)


def _moment(value):
    """A stored time (datetime or ISO text) as a datetime, for show_datetime."""
    from datetime import datetime

    if isinstance(value, datetime) or value is None:
        return value
    try:
        return datetime.fromisoformat(str(value))
    except ValueError:
        return None


def _categories() -> list[dict]:
    return [dict(c) for c in default_reference().categories]


def _lang() -> str:
    return current_language()
