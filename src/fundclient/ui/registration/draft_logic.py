"""Draft autosave / restore / offer for `RegistrationScreen` (a mixin; the autosave
timer and the dialog are in drafts.py)."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication

from fundclient.domain.records import Beneficiary
from fundclient.ui.ops import QueryOp
from fundclient.ui.registration.drafts import (DraftOfferDialog, draft_is_empty,
                                               photo_from_json, photo_to_json)


def _tr(text: str) -> str:
    return QCoreApplication.translate("RegistrationScreen", text)


class DraftLogic:
    def snapshot(self) -> dict:
        return {"mode": "edit" if self.base is not None else "new", "values": self.values(),
                "dependants": self.dependants.values(), "step": self.current_step(),
                "home_visit": self.home_visit.isChecked(),
                "photo": photo_to_json(self.photo.photo()),
                "scans": [photo_to_json(s) for s in self.photo.scans()],
                "base": self.base.to_dict() if self.base is not None else None,
                "override_reason": self.duplicate_panel.override_reason}

    def restore_draft(self, payload: dict, draft_id: str) -> None:
        self.navigate.emit("registration", None)  # the shell shows this screen
        base = payload.get("base")
        self.base = Beneficiary.from_dict(base) if base else None
        self.set_values(payload.get("values", {}), payload.get("dependants", []))
        self.home_visit.setChecked(bool(payload.get("home_visit")))
        # A photo exception is not kept in drafts (its supervisor's confirmation was for one
        # save): an edit keeps the record's approved one; a photo that failed a check and was
        # used only under an exception is dropped, so it cannot be saved without one.
        exception = self.base.photo_exception if self.base is not None else None
        photo = photo_from_json(payload.get("photo"))
        if photo is not None and photo.kind == "portrait" and exception is None \
                and photo.quality.get("checks_passed", 1.0) == 0.0:
            photo = None
        self.photo.set_photo(photo)
        self.photo.set_exception(exception)
        self.photo.set_scans([p for p in map(photo_from_json, payload.get("scans", [])) if p])
        self.duplicate_panel.clear()
        self.drafts.start_new(draft_id)
        self._set_dirty(True)
        self.retranslate_ui()
        self.go_to_step(int(payload.get("step", 0)))
        self.check_duplicates()
        self._say(_tr("Unfinished registration restored."))

    def offer_drafts(self) -> QueryOp | None:
        """Called by the shell after login: offer this operator's unfinished registrations."""
        return self.drafts.load_all(self._offer)

    def _offer(self, drafts: list) -> None:
        # Drafts with nothing typed in them are never offered, and are deleted.
        for draft_id, _when, payload in drafts:
            if draft_is_empty(payload):
                self.drafts.discard(draft_id)
        drafts = [d for d in drafts if not draft_is_empty(d[2])]
        self._offered = {draft_id: payload for draft_id, _when, payload in drafts}
        if not drafts:
            return
        dialog = DraftOfferDialog(drafts, self)
        dialog.resume.connect(lambda draft_id: self.restore_draft(self._offered[draft_id],
                                                                  draft_id))
        dialog.delete.connect(self.drafts.discard)
        self.draft_dialog = dialog
        dialog.open()

    def _draft_saved(self, _draft_id: str) -> None:
        # Never cover an error or a "saved" confirmation the clerk still has to read.
        if not self._saving and not self.status_label.property("important"):
            self.status_label.setStyleSheet("color:#555;")
            self.status_label.setText(_tr("Draft saved automatically."))
