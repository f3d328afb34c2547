"""Duplicate lookup while typing and the override decision, for `RegistrationScreen`
(a mixin; see duplicates.py for the banner and the dialog)."""

from __future__ import annotations

import logging

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication

from fundclient.domain.records import Beneficiary
from fundclient.ui import keyboard
from fundclient.ui.errors import error_text
from fundclient.ui.ops import CollectionOp, QueryOp
from fundclient.ui.registration.binding import build_beneficiary
from fundclient.ui.registration.duplicates import DuplicateView, OverrideDialog

log = logging.getLogger(__name__)


class DuplicateLogic:
    def current_beneficiary(self) -> Beneficiary:
        b = build_beneficiary(self.form, self.values(), self.dependants.values(), self.base)
        b.photo_exception = self.photo.exception  # the photo step's, approved or kept
        return b

    def check_duplicates(self) -> QueryOp | None:
        """Look up existing people with this national number (the holder's or a
        dependant's), or this name + birth date: on this PC and in HQ's digest at once (both
        offline), then HQ itself when this PC is enrolled — its answer joins the banner when
        it comes (≤ 2 s, never holding the form)."""
        self._duplicate_timer.stop()
        b = self.current_beneficiary()
        scheme = self.form.scheme
        number_ready = any(len(scheme.normalise(n)) == scheme.length for n in
                           (b.national_number, *(d.national_number for d in b.dependants)))
        name_ready = bool(b.name.first and b.name.family and b.date_of_birth)
        self._duplicate_generation += 1
        generation = self._duplicate_generation
        if not (number_ready or name_ready):
            self._show_duplicates(([], []), generation)
            return None
        return QueryOp(parent=self, op=lambda: self.backend.duplicates_here_and_elsewhere(b),
                       success=lambda found: self._show_duplicates(found, generation, b)
                       ).failure(lambda exc: log.error("duplicate lookup failed", exc_info=exc)
                                 ).run_in_background()

    def _show_duplicates(self, found: tuple[list, list], generation: int, b: Beneficiary | None = None) -> None:
        if generation != self._duplicate_generation:
            return  # the clerk typed on meanwhile; a newer lookup is coming
        self._dup_local, self._dup_digest = found
        key = _hq_key(b, self.form.scheme) if b is not None else None
        if key != getattr(self, "_hq_key", None):
            self._hq_answer = None  # what HQ said was about something else
        self._render_duplicates()
        if b is not None and key and self.backend.hq_enrolled():
            self._ask_hq(b, key)

    def _ask_hq(self, b: Beneficiary, key: tuple) -> None:
        """One HQ lookup at a time; the newest question is asked when the one in flight ends,
        and a question HQ already answered is not asked again."""
        if key == getattr(self, "_hq_key", None) and getattr(self, "_hq_answer", None) is not None:
            return
        if getattr(self, "_hq_busy", False):
            self._hq_next = (b, key)
            return
        self._hq_busy, self._hq_next = True, None
        local = list(self._dup_local)

        def done(answer) -> None:
            self._hq_busy = False
            if answer is not None and key == _hq_key(self.current_beneficiary(), self.form.scheme):
                self._hq_key, self._hq_answer = key, answer
                self._render_duplicates()
            waiting = self._hq_next
            if waiting is not None:
                self._hq_next = None
                self._ask_hq(*waiting)

        def failed(exc) -> None:
            log.error("HQ lookup failed", exc_info=exc)
            done(None)

        QueryOp(parent=self, op=lambda: self.backend.ask_hq(b, local), success=done).failure(failed
                                                                                             ).run_in_background()

    def _render_duplicates(self) -> None:
        """The banner from what is known now: this PC's matches, then HQ's answer when it came
        (it knows more than the digest), else the digest's."""
        hq = getattr(self, "_hq_answer", None)
        elsewhere = hq if hq is not None else getattr(self, "_dup_digest", [])
        views = [DuplicateView.of(h) for h in getattr(self, "_dup_local", [])]
        views += [DuplicateView.elsewhere_of(e) for e in elsewhere]
        self.duplicate_panel.set_hits(views)
        self.duplicates_changed.emit(len(views))
        # The banner coming or going resizes the form's scroll area: the field being typed
        # in stays in view (once the layout has run).
        QTimer.singleShot(0, self, self._keep_focus_in_view)

    def _keep_focus_in_view(self) -> None:
        focus = QApplication.focusWidget()
        if focus is not None and self.isAncestorOf(focus):
            keyboard.ensure_visible(focus)

    def ask_override(self) -> OverrideDialog | None:
        """Open the override dialog (reason; a clerk also needs a supervisor's password)."""
        panel = self.duplicate_panel
        if not panel.may_override():
            return None
        dialog = OverrideDialog(panel.certain(), not self.backend.is_supervisor(), self)
        dialog.accepted.connect(lambda: self.override_duplicate(dialog.reason_text(),
                                                                dialog.approved_by))
        dialog.authorise.connect(lambda user, password: self._authorise(dialog, user,
                                                                        password))
        dialog.finished.connect(self._after_override_dialog)
        dialog.open()
        self.override_dialog = dialog
        return dialog

    def _after_override_dialog(self, _result: int) -> None:
        """Back at the form with the keyboard: Save is next once approved, else the button
        that asks again."""
        self.window().activateWindow()
        target = self.save_button if self.duplicate_panel.override_reason else \
            self.duplicate_panel.override_button
        if target.isEnabled() and target.isVisible():
            target.setFocus(Qt.FocusReason.OtherFocusReason)

    def _authorise(self, dialog: OverrideDialog, user: str, password: str) -> CollectionOp:
        # Unwrapping the key with the supervisor's password is slow (the password KDF) and the check
        # is audited (a write): the writer thread, never the GUI thread. The same path for
        # a duplicate and a photo exception (dialog.purpose).
        purpose = dialog.purpose
        return CollectionOp(parent=self, op=lambda: self.backend.authorise_override(user,
                                                                                   password,
                                                                                   purpose),
                            success=lambda changes: dialog.authorised(changes.result)
                            ).failure(lambda exc: dialog.refused(error_text(exc))
                                      ).run_in_background()

    def override_duplicate(self, reason: str, approved_by: str = "") -> bool:
        """Record the reason for saving despite the shown duplicates. A clerk needs the
        name of the supervisor who approved it at the desk (see `ask_override`)."""
        if not self.duplicate_panel.may_override() or not reason.strip():
            return False
        if not self.backend.is_supervisor() and not approved_by:
            return False
        self.duplicate_panel.set_override(reason, approved_by)
        self._on_field_edited("override")
        return True

    # ---------------------------------------------------------------- photo exception
    def ask_photo_exception(self) -> OverrideDialog:
        """The clerk asks for a photo exception: reason from the list, and a supervisor's
        password at the desk (or the signed-in supervisor's own decision). Same dialog and
        same confirmation as a duplicate override (purpose "photo")."""
        dialog = OverrideDialog(False, not self.backend.is_supervisor(), self, purpose="photo")
        dialog.accepted.connect(lambda: self.photo.set_exception(dialog.exception()))
        dialog.authorise.connect(lambda user, password: self._authorise(dialog, user, password))
        dialog.open()
        self.photo_exception_dialog = dialog
        return dialog


def _hq_key(b: Beneficiary | None, scheme) -> tuple | None:
    """What an HQ lookup asks about: the form's complete numbers, and the name + birth date once
    they are there; None when there is nothing to ask yet."""
    if b is None:
        return None
    numbers = tuple(sorted(n for n in (scheme.normalise(x or "") for x in
                                       (b.national_number, *(d.national_number for d in b.dependants)))
                           if len(n) == scheme.length))
    name = (b.name.first, b.name.father, b.name.grandfather, b.name.family, b.date_of_birth) \
        if b.name.first and b.name.family and b.date_of_birth else None
    return (numbers, name) if numbers or name else None
