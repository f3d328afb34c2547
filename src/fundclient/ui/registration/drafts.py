"""Drafts: an unfinished registration survives a crash or a power cut.

Power cuts are daily in some offices and a field laptop's battery runs out; re-typing a
family of eight is what makes clerks hate a system. The form is written to
`store.drafts` (per operator, encrypted: a journal file beside the DB, folded into the DB at
the next login — storage/drafts.py) a moment after each change and at least every few
seconds while it changes, on the drafts' own thread (`DraftOp`), never queued behind the
writer, a backup or a sync: on disk within 2 s of the last keystroke. At the next login the
shell offers them back (`RegistrationScreen.offer_drafts()`).

The payload keeps the text *as typed* (not a parsed record), so even a half-typed date
comes back exactly as it was.
"""

from __future__ import annotations

import json
import logging
from typing import Any, Callable

from PySide6.QtCore import QCoreApplication, QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import (QDialog, QDialogButtonBox, QLabel, QListWidget,
                               QListWidgetItem, QPushButton, QVBoxLayout, QWidget)

from fundclient.domain.records import Photo, new_id
from fundclient.encoding import b64d, b64e
from fundclient.services.changes import Changes
from fundclient.ui.i18n import show_datetime, show_digits
from fundclient.ui.ops import CollectionOp, DraftOp, QueryOp

log = logging.getLogger(__name__)

PAYLOAD_VERSION = 1
CHANGE_DELAY_MS = 1500  # after the clerk stops typing
MAX_INTERVAL_MS = 5000  # while they keep typing


def _tr(text: str) -> str:
    return QCoreApplication.translate("RegistrationDrafts", text)


def photo_to_json(photo: Photo | None) -> dict[str, Any] | None:
    if photo is None:
        return None
    return {"data": b64e(photo.data), "mime": photo.mime,
            "kind": photo.kind, "quality": dict(photo.quality),
            "override_reason": photo.override_reason}


def photo_from_json(data: dict[str, Any] | None) -> Photo | None:
    if not data:
        return None
    return Photo(data=b64d(data["data"]), mime=data.get("mime", "image/jpeg"),
                 kind=data.get("kind", "portrait"), quality=dict(data.get("quality", {})),
                 override_reason=data.get("override_reason", ""))


class DraftKeeper(QObject):
    """Autosaves `snapshot()` under one draft id until `discard()`."""

    saved = Signal(str)  # draft id, after each successful autosave

    def __init__(self, store_of: Callable[[], Any], operator_of: Callable[[], str],
                 snapshot: Callable[[], dict[str, Any]], parent: QWidget) -> None:
        super().__init__(parent)
        self._store_of = store_of
        self._operator_of = operator_of
        self._snapshot = snapshot
        self._parent = parent
        self.draft_id = new_id()
        self.written = False
        self.dirty = False
        self.enabled = True
        self._change_timer = QTimer(self)
        self._change_timer.setSingleShot(True)
        self._change_timer.setInterval(CHANGE_DELAY_MS)
        self._change_timer.timeout.connect(self.save_now)
        self._max_timer = QTimer(self)
        self._max_timer.setSingleShot(True)
        self._max_timer.setInterval(MAX_INTERVAL_MS)
        self._max_timer.timeout.connect(self.save_now)

    def touch(self) -> None:
        """A field changed: save shortly (and no later than MAX_INTERVAL_MS from now on)."""
        if not self.enabled:
            return
        self.dirty = True
        self._change_timer.start()
        if not self._max_timer.isActive():
            self._max_timer.start()

    def start_new(self, draft_id: str | None = None) -> None:
        self._change_timer.stop()
        self._max_timer.stop()
        self.draft_id = draft_id or new_id()
        self.written = draft_id is not None  # a restored draft exists in the store
        self.dirty = False

    def forget(self) -> None:
        """The form is back to its starting point: nothing to keep (and a draft written
        meanwhile for it is deleted)."""
        self._change_timer.stop()
        self._max_timer.stop()
        self.dirty = False
        if self.written:
            self.written = False
            self.discard()

    def save_now(self) -> DraftOp | None:
        self._change_timer.stop()
        self._max_timer.stop()
        store = self._store_of()
        if not self.dirty or store is None:
            return None
        self.dirty = False
        payload = json.dumps({"version": PAYLOAD_VERSION, **self._snapshot()},
                             ensure_ascii=False)
        operator, draft_id = self._operator_of(), self.draft_id

        def write() -> Changes:
            store.drafts.save(operator, draft_id, payload)
            return Changes(drafts=True)

        def failed(exc: BaseException) -> None:
            # Never interrupt the clerk for an autosave; try again at the next change.
            log.error("draft autosave failed", exc_info=exc)
            self.dirty = True

        self.written = True
        return DraftOp(parent=self._parent, op=write,
                            success=lambda _c: self.saved.emit(draft_id)
                            ).failure(failed).run_in_background()

    def discard(self, draft_id: str | None = None) -> CollectionOp | None:
        """Delete the draft (after a successful save, or when the clerk throws it away): its
        journal file on the drafts' thread (after any autosave of it still queued there),
        then a copy folded into the DB at login, on the writer thread."""
        store = self._store_of()
        target = draft_id or self.draft_id
        if store is None:
            return None
        operator = self._operator_of()

        def delete_file() -> None:
            store.drafts.delete_from_journal(operator, target)

        def delete_row() -> Changes:
            store.drafts.delete_from_db(operator, target)
            return Changes(drafts=True)

        DraftOp(parent=self._parent, op=delete_file).failure(
            lambda exc: log.error("draft delete failed", exc_info=exc)).run_in_background()
        return CollectionOp(parent=self._parent, op=delete_row).failure(
            lambda exc: log.error("draft delete failed", exc_info=exc)).run_in_background()

    def load_all(self, success: Callable[[list[tuple[str, str, dict]]], None]) -> QueryOp | None:
        """Read this operator's drafts: [(draft_id, updated_at, payload)] newest first."""
        store = self._store_of()
        if store is None:
            return None
        operator = self._operator_of()

        def read() -> list[tuple[str, str, dict]]:
            found = []
            for info in store.drafts.list(operator):
                text = store.drafts.load(operator, info.draft_id)
                try:
                    found.append((info.draft_id, info.updated_at, json.loads(text or "{}")))
                except ValueError:
                    log.error("unreadable draft skipped")
            return found

        return QueryOp(parent=self._parent, op=read, success=success).failure(
            lambda exc: log.error("drafts could not be read", exc_info=exc)).run_in_background()


BLANK_KEYS = {"category", "channel"}  # filled by the form itself, not by the person


def draft_is_empty(payload: dict[str, Any]) -> bool:
    """Nothing typed: only the form's own defaults, no dependant, photo or scan. (Older
    versions wrote such drafts at every login.)"""
    values = payload.get("values", {})
    if any(str(v).strip() for k, v in values.items() if k not in BLANK_KEYS):
        return False
    if any(str(v).strip() for d in payload.get("dependants", []) for v in d.values()):
        return False
    return not payload.get("photo") and not payload.get("scans")


def draft_time(updated_at: str) -> str:
    """The draft's local date and time, read left to right inside Arabic text."""
    return show_datetime(updated_at)  # the one display rule: office clock, dd/mm/yyyy HH:MM


def draft_title(payload: dict[str, Any]) -> str:
    values = payload.get("values", {})
    name = " ".join(values.get(f"name.{p}", "") for p in ("first", "father", "grandfather",
                                                           "family")).split()
    number = values.get("national_number", "")
    text = " ".join(name) or _tr("(no name yet)")
    return f"{text} — {show_digits(number)}" if number else text


class DraftOfferDialog(QDialog):
    """"You have unfinished registrations": continue one, delete one, or later."""

    resume = Signal(str)
    delete = Signal(str)

    def __init__(self, drafts: list[tuple[str, str, dict]], parent: QWidget | None = None
                 ) -> None:
        super().__init__(parent)
        self.setObjectName("draftOfferDialog")
        self.setWindowTitle(_tr("Unfinished registrations"))
        self.setWindowModality(Qt.WindowModality.WindowModal)
        layout = QVBoxLayout(self)
        intro = QLabel(_tr("These registrations were not finished (the program was closed or "
                           "the power went off). Continue one of them?"), self)
        intro.setWordWrap(True)
        layout.addWidget(intro)
        self.list = QListWidget(self)
        self.list.setObjectName("draftList")
        for draft_id, updated_at, payload in drafts:
            item = QListWidgetItem(f"{draft_title(payload)} — {draft_time(updated_at)}")
            item.setData(Qt.ItemDataRole.UserRole, draft_id)
            self.list.addItem(item)
        self.list.setCurrentRow(0)
        self.list.itemActivated.connect(lambda _item: self._resume())
        layout.addWidget(self.list)
        buttons = QDialogButtonBox(self)
        self.resume_button = QPushButton(_tr("Continue this registration"), self)
        self.resume_button.setObjectName("resumeDraft")
        self.resume_button.setDefault(True)
        self.delete_button = QPushButton(_tr("Delete it"), self)
        self.delete_button.setObjectName("deleteDraft")
        self.later_button = QPushButton(_tr("Later"), self)
        self.later_button.setObjectName("laterDrafts")
        buttons.addButton(self.resume_button, QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.addButton(self.delete_button, QDialogButtonBox.ButtonRole.DestructiveRole)
        buttons.addButton(self.later_button, QDialogButtonBox.ButtonRole.RejectRole)
        self.resume_button.clicked.connect(self._resume)
        self.delete_button.clicked.connect(self._delete)
        self.later_button.clicked.connect(self.reject)
        layout.addWidget(buttons)
        self.resize(560, 320)

    def _current(self) -> str | None:
        item = self.list.currentItem()
        return item.data(Qt.ItemDataRole.UserRole) if item else None

    def _resume(self) -> None:
        draft_id = self._current()
        if draft_id:
            self.resume.emit(draft_id)
            self.accept()

    def _delete(self) -> None:
        draft_id = self._current()
        if not draft_id:
            return
        self.delete.emit(draft_id)
        self.list.takeItem(self.list.currentRow())
        if self.list.count() == 0:
            self.reject()
