"""The registration screen: steps, duplicate lookup, drafts, save / edit.

Public API (used by the shell and tests):
    RegistrationScreen(session, parent=None, *, backend=None, reference=None)
    new() / new_registration()      start an empty registration (Ctrl+N in the shell)
    save()                          validate and save (Ctrl+S in the shell)
    load_record(beneficiary, photo=None) / edit_record(record_id)   edit mode
    offer_drafts()                  after login: offer unfinished registrations back
    set_home_visit(on)              field-team mode (channel = home visit, locality shown)
    go_to_step(index_or_id), current_step()
Signals: saved(object) (the saved Beneficiary), step_changed(int), dirty_changed(bool),
    duplicates_changed(int).
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from typing import Any

from PySide6.QtCore import QCoreApplication, Qt, QTimer, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QWidget

from fundclient.domain.photo_exception import PHOTO_REQUIRED
from fundclient.domain.records import Beneficiary, Photo
from fundclient.domain.validation import field_definition, validate_beneficiary
from fundclient.errors import DuplicateFound, ValidationFailed
from fundclient.ui.errors import error_text, show_error
from fundclient.ui.i18n import current_language, show_digits
from fundclient.ui.ops import CollectionOp, QueryOp
from fundclient.ui.registration.backend import RegistrationBackend
from fundclient.ui.registration.binding import FormContext, values_of
from fundclient.ui.registration.draft_logic import DraftLogic
from fundclient.ui.registration.drafts import DraftKeeper, DraftOfferDialog
from fundclient.ui.registration.duplicate_logic import DuplicateLogic
from fundclient.ui.registration.form_logic import FormLogic
from fundclient.ui.registration.layout import STEP_IDS, RegistrationView
from fundclient.ui.registration.navigation import EnterNavigator
from fundclient.ui.registration.summary import review_sections
from fundclient.ui.registration.texts import retranslate_screen

log = logging.getLogger(__name__)
DUPLICATE_DELAY_MS = 700


def _tr(text: str) -> str:
    return QCoreApplication.translate("RegistrationScreen", text)


class RegistrationScreen(DuplicateLogic, DraftLogic, FormLogic, RegistrationView):
    saved = Signal(object)
    step_changed = Signal(int)
    dirty_changed = Signal(bool)
    duplicates_changed = Signal(int)

    def __init__(self, session=None, parent: QWidget | None = None, *,
                 backend: RegistrationBackend | None = None, reference=None,
                 sliced: bool = False) -> None:
        """`sliced`: only start; `construct_step()` builds one part per call (the main window
        calls it in idle slices after sign-in, #18 item 3) and `finish_construction()` the rest
        at once. Nothing else may be called on the screen before it is `constructed`."""
        super().__init__(session, parent, build=False)
        self._construction: Iterator[None] | None = self._construct(session, backend, reference)
        if not sliced:
            self.finish_construction()

    @property
    def constructed(self) -> bool:
        """Every widget and its wiring exists (the last part's own set-up may still be running)."""
        return getattr(self, "_wired", False)

    def construct_step(self) -> bool:
        """Build the next part of the form; True once the whole form is built."""
        if self._construction is not None:
            try:
                next(self._construction)
                return False
            except StopIteration:
                self._construction = None
        return True

    def finish_construction(self) -> None:
        while not self.construct_step():
            pass

    def _construct(self, session, backend: RegistrationBackend | None, reference) -> Iterator[None]:
        yield from self._build_view()
        self.backend = backend or RegistrationBackend(session)
        settings = self.backend.settings
        self.form = FormContext(settings.national_id_scheme or None, reference,
                                settings.office_code)
        self.duplicate_panel.reference = self.form.reference
        self.duplicate_panel.is_supervisor = self.backend.is_supervisor()
        self.photo.camera_spec = self.backend.settings.camera
        self.photo.data_dir = getattr(session, "data_dir", None)
        self.base: Beneficiary | None = None  # the record being edited (edit mode)
        self._dirty = False
        self._saving = False
        self._duplicate_generation = 0
        self._offered: dict[str, dict] = {}
        self.draft_dialog: DraftOfferDialog | None = None
        self.navigator = EnterNavigator(self._step_editors, self.next_step, self)
        self.navigator.watch(*(row.editor for row in self.rows.values()))
        self.drafts = DraftKeeper(lambda: self.backend.store, lambda: self.backend.operator,
                                  self.snapshot, self)
        self.drafts.saved.connect(self._draft_saved)
        self._duplicate_timer = QTimer(self)
        self._duplicate_timer.setSingleShot(True)
        self._duplicate_timer.setInterval(DUPLICATE_DELAY_MS)
        self._duplicate_timer.timeout.connect(self.check_duplicates)
        yield
        self._init_form_logic()
        yield
        self._connect()
        # Home-visit mode starts OFF at every login: the person turns it on knowingly (a mode
        # remembered from yesterday's field trip saved office registrations as home visits).
        self.home_visit.setChecked(False)
        self.clear_fields()
        yield
        self._wired = True
        self.retranslate_ui()
        self.go_to_step(0)
        self._baseline = self._content()

    def _connect(self) -> None:
        self.step_buttons.idClicked.connect(self.go_to_step)
        self.back_button.clicked.connect(self.previous_step)
        self.next_button.clicked.connect(self.next_step)
        self.save_button.clicked.connect(self.save)
        self.duplicate_panel.override_requested.connect(self.ask_override)
        self.photo.exception_requested.connect(self.ask_photo_exception)
        self.photo.photo_changed.connect(self._photo_need_met)
        self.review.field_requested.connect(self.focus_field)
        self.photo.photo_changed.connect(lambda: self._on_field_edited("photo"))
        self.photo.scans_changed.connect(lambda: self._on_field_edited("scans"))
        for index in range(len(STEP_IDS)):
            QShortcut(QKeySequence(f"Alt+{index + 1}"), self,
                      lambda i=index: self.go_to_step(i))
        QShortcut(QKeySequence("Ctrl+PgDown"), self, self.next_step)
        QShortcut(QKeySequence("Ctrl+PgUp"), self, self.previous_step)
        QShortcut(QKeySequence("Alt+A"), self, self._add_dependant_shortcut)

    # ---------------------------------------------------------------- steps
    def current_step(self) -> int:
        return self.stack.currentIndex()

    def go_to_step(self, step: int | str) -> None:
        index = STEP_IDS.index(step) if isinstance(step, str) else int(step)
        index = max(0, min(index, len(STEP_IDS) - 1))
        self.stack.setCurrentIndex(index)
        self.step_buttons.button(index).setChecked(True)
        self.back_button.setEnabled(index > 0)
        self.next_button.setVisible(index < len(STEP_IDS) - 1)
        step_id = STEP_IDS[index]
        if step_id == "photo":
            self.photo.start_camera()
        else:
            self.photo.stop_camera()
        if step_id == "review":
            self.refresh_review()
        self._apply_tab_order()
        editors = self._step_editors()
        if editors:
            target = editors[0]
        elif step_id == "dependants":
            target = self.dependants.add_button
        elif step_id == "photo":
            target = self.photo.first_control()
        else:
            target = self.save_button
        target.setFocus(Qt.FocusReason.OtherFocusReason)
        self.steps[index].scroll.verticalScrollBar().setValue(0)  # start at the top
        self.step_changed.emit(index)

    def _apply_tab_order(self) -> None:
        """Tab follows the same order as Enter (grid placement order differs from it)."""
        chain = self._step_editors()
        if self.steps[self.current_step()].step_id == "dependants":
            chain = [e for row in self.dependants.rows for e in row.editors() + [row.remove_button]]
            chain.append(self.dependants.add_button)
        chain += [self.back_button, self.next_button, self.save_button]
        for first, second in zip(chain, chain[1:]):
            QWidget.setTabOrder(first, second)

    def next_step(self) -> None:
        # Show this step's problems (without blocking: the clerk may fill steps in any order,
        # e.g. the pension number arrives later); Save checks everything.
        self._check_step(self.current_step())
        self.go_to_step(self.current_step() + 1)

    def previous_step(self) -> None:
        self.go_to_step(self.current_step() - 1)

    def _check_step(self, index: int) -> int:
        step = self.steps[index]
        if step.step_id == "dependants":
            return self.validate_dependants()
        if step.step_id == "category":
            return self.validate_now(step.keys + [r.name for r in self.category_rows])
        return self.validate_now(step.keys) if step.keys else 0

    def _step_editors(self) -> list[QWidget]:
        step = self.steps[self.current_step()]
        if step.step_id == "dependants":
            return [e for row in self.dependants.rows for e in row.editors()]
        keys = list(step.keys)
        if step.step_id == "category":
            keys = keys[:2] + [r.name for r in self.category_rows] + keys[2:]
        return [self.rows[k].editor for k in keys if k in self.rows
                and not self.rows[k].isHidden()]

    def focus_field(self, key: str) -> None:
        row = self._problem_row(key)
        if row is None:
            return
        for index, step in enumerate(self.steps):
            if step.page.isAncestorOf(row):
                self.go_to_step(index)
                break
        row.editor.setFocus(Qt.FocusReason.OtherFocusReason)

    def _add_dependant_shortcut(self) -> None:
        self.go_to_step("dependants")
        self.dependants.add_row(focus=True)

    # ---------------------------------------------------------------- edits
    def _on_field_edited(self, key: str) -> None:
        if self._loading or not hasattr(self, "_baseline"):
            return  # the form is being filled by the program (or still being built)
        if self.duplicate_relevant(key):
            self._duplicate_timer.start()
        # Unfinished work is what differs from the form's starting point (an empty form, or
        # the record as loaded): a language switch or a list refilled at login is not work,
        # and must never write an empty draft or say "draft saved".
        if self._content() == getattr(self, "_baseline", None):
            self._set_dirty(False)
            self.drafts.forget()  # typed and erased again: no draft left behind
            return
        self._set_dirty(True)
        self.status_label.setProperty("important", False)
        self.drafts.touch()

    def _content(self) -> tuple:
        """What the person has entered (not the step they are on): values, dependants,
        mode, photo, scans."""
        photo = self.photo.photo()
        return (tuple(sorted(self.values().items())),
                tuple(tuple(sorted(d.items())) for d in self.dependants.values()),
                self.home_visit.isChecked(), photo.data if photo is not None else None,
                tuple(scan.data for scan in self.photo.scans()))

    def hideEvent(self, event) -> None:  # noqa: N802 - Qt name
        # Locking the screen, signing out or switching page: write the draft now, not in
        # 1.5 s (the power may be cut while the clerk is away).
        if self.constructed and self._dirty:
            self.drafts.save_now()
        super().hideEvent(event)

    def _set_dirty(self, dirty: bool) -> None:
        if dirty != self._dirty:
            self._dirty = dirty
            self.dirty_changed.emit(dirty)

    def is_dirty(self) -> bool:
        return self._dirty

    # ---------------------------------------------------------------- review and save
    def refresh_review(self) -> None:
        b = self.current_beneficiary()
        problems = self._all_problems(b)
        language = current_language()
        listed = []
        for key, message in problems.items():
            row = self._problem_row(key)
            definition = field_definition(key, b.category, self.form.reference)
            label = (row.label.text().rstrip(" *") if row is not None else
                     definition.label.in_language(language) if definition else key)
            listed.append((key, label, message.in_language(language)))
        self.review.show_summary(review_sections(self, b), listed, self.photo.photo(),
                                 self.duplicate_panel.blocks_save(), b.photo_exception,
                                 photo_missing=self.base is None and self.photo.photo() is None)

    def _all_problems(self, b: Beneficiary) -> dict:
        return validate_beneficiary(b, scheme=self.form.scheme, reference=self.form.reference)

    def save(self) -> CollectionOp | None:
        """Validate everything; if fine (and no unresolved duplicate), save in the background."""
        if self._saving:
            return None
        b = self.current_beneficiary()
        problems = self._all_problems(b)
        self.validate_now()
        self.validate_dependants()
        if problems:
            shown = self.show_problems(problems)
            # The count is what the person sees: the fields in red (the same source as the
            # step marks), plus problems that have no field of their own.
            unshown = sum(self._problem_row(key) is None for key in problems)
            self._say(_tr("Please correct the fields marked in red (%1).").replace(
                "%1", show_digits(self.problem_count() + unshown)), error=True)
            if shown:
                self.focus_field(next(iter(problems)))
            else:
                self.go_to_step("review")
            return None
        if self.base is None and self.photo.photo() is None and self.photo.exception is None:
            # A new registration needs a photo or a supervisor-approved photo exception.
            self._say(PHOTO_REQUIRED.in_language(current_language()), error=True)
            self.go_to_step("photo")
            self.photo.exception_button.setFocus()
            return None
        if self.duplicate_panel.blocks_save():
            self._say(_tr("This person may already be registered: resolve the duplicate "
                          "warning first."), error=True)
            self.duplicate_panel.override_button.setFocus()
            return None
        self._saving = True
        self.save_button.setEnabled(False)
        self._say(_tr("Saving…"))
        photo, scans = self.photo.photo(), self.photo.scans()
        reason = self.duplicate_panel.override_reason
        approved_by = self.duplicate_panel.override_by
        draft_id = self.drafts.draft_id
        if self.base is not None:
            # Only a new photo is stored with the revision; the old one stays in history.
            new_photo = photo if self.photo.changed else None
            op = lambda: self.backend.edit(b, new_photo, scans, reason,  # noqa: E731
                                           approved_by)
        else:
            op = lambda: self.backend.register(b, photo, scans, reason,  # noqa: E731
                                               approved_by)
        return CollectionOp(parent=self, op=op,
                            success=lambda changes: self._saved(changes, draft_id)
                            ).failure(self._save_failed).run_in_background()

    def _saved(self, changes: Any, draft_id: str) -> None:
        self._saving = False
        self.save_button.setEnabled(True)
        self.drafts.discard(draft_id)
        record = getattr(changes, "result", None)
        was_edit = self.base is not None
        self._start_fresh()
        card = getattr(record, "card_number", "") if record is not None else ""
        text = _tr("Registration saved.")
        if card:
            text += " " + _tr("Insurance card number: %1").replace("%1", show_digits(card))
        self._say(text)
        self.saved.emit(record)
        if was_edit and record is not None:
            # An edit starts from the record view: go back there (to reprint the card).
            self.navigate.emit("record", record.record_id)
        elif record is not None:
            # A new registration: the saved screen (print card, print receipt, next person).
            self.navigate.emit("saved", record.record_id)

    def _save_failed(self, exc: BaseException) -> None:
        self._saving = False
        self.save_button.setEnabled(True)
        if isinstance(exc, ValidationFailed):
            self.show_problems(exc.problems)
            self.focus_field(next(iter(exc.problems)))
        elif isinstance(exc, DuplicateFound):
            self.check_duplicates()
        else:
            show_error(self, exc)
        self._say(error_text(exc), error=True)

    def _photo_need_met(self) -> None:
        """A photo or an exception has come: "there is no photo" is no longer true."""
        if (self.photo.photo() is not None or self.photo.exception is not None) and \
                self.status_label.text() == PHOTO_REQUIRED.in_language(current_language()):
            self._say("")

    def _say(self, text: str, *, error: bool = False) -> None:
        self.status_label.setText(text)
        self.status_label.setProperty("important", bool(text))
        self.status_label.setStyleSheet("color:#b00020; font-weight:bold;" if error
                                        else "color:#1b5e20; font-weight:bold;")

    # ---------------------------------------------------------------- new / edit
    def new(self) -> None:
        """Start an empty registration. What was on screen stays safe as a draft."""
        if self._dirty:
            self.drafts.save_now()
        self._start_fresh()
        self._say("")

    new_registration = new

    def _start_fresh(self) -> None:
        self.drafts.start_new()  # the draft kept for what was on screen is left alone
        self.base = None
        self.clear_fields()
        self.photo.set_photo(None)
        self.photo.set_exception(None)
        self._restart_form()

    def _restart_form(self) -> None:
        """A clean form at its first step (new registration or a record opened for editing)."""
        self.photo.set_scans([])
        self.duplicate_panel.clear()
        self.drafts.start_new()
        self._set_dirty(False)
        self.retranslate_ui()
        self.go_to_step(0)
        self._baseline = self._content()

    def load_record(self, beneficiary: Beneficiary, photo: Photo | None = None) -> None:
        """Edit mode: show a stored record; Save then creates its next revision."""
        if self._dirty:
            self.drafts.save_now()
        self.drafts.start_new()  # the draft kept for what was on screen is left alone
        values, dependants = values_of(beneficiary)
        self.base = beneficiary
        self.set_values(values, dependants)
        self.photo.set_photo(photo)
        self.photo.set_exception(beneficiary.photo_exception)  # kept as approved unless changed
        self.photo.changed = False
        self._restart_form()

    def edit_record(self, record_id: str) -> QueryOp:
        def work():
            return self.backend.load(record_id), self.backend.sent_back(record_id)

        return QueryOp(parent=self, op=work,
                       success=lambda result: self._load_for_edit(*result)).run_in_background()

    def _load_for_edit(self, loaded, sent_back) -> None:
        self.load_record(*loaded)
        if sent_back:  # a record the supervisor sent back: say why, here where it is fixed
            comment, supervisor = sent_back
            self._say(_tr("Sent back by %1: «%2». Correct it and save: it goes back to the supervisor.")
                      .replace("%1", supervisor).replace("%2", comment), error=True)

    def open(self, record_id: str) -> None:
        self.edit_record(record_id)

    def set_home_visit(self, on: bool) -> None:
        self.home_visit.setChecked(bool(on))

    def is_home_visit(self) -> bool:
        return self.home_visit.isChecked()

    # ---------------------------------------------------------------- language
    def retranslate_ui(self) -> None:
        if not self.constructed:
            return  # a language change while the form is being built: its last part translates

        retranslate_screen(self)
        # The status line holds a one-off message in the old language: drop it.
        self.status_label.clear()
        self.status_label.setProperty("important", False)
        self._relabel_fields()
        self.photo.retranslate_ui()
        self.duplicate_panel.refresh()
        if self.current_step() == STEP_IDS.index("review"):
            self.refresh_review()

    def on_changes(self, changes, initiator) -> None:
        # The admin changed the office or the national-number scheme in Settings.
        if getattr(changes, "settings", False):
            settings = self.backend.settings
            self.form.office_code = settings.office_code
            self.form.scheme = FormContext(settings.national_id_scheme or None).scheme

    @classmethod
    def nav_title(cls) -> str:
        return _tr("Registration")

    def on_shown(self) -> None:
        editors = self._step_editors()
        if editors:
            editors[0].setFocus()
