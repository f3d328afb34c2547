"""The duplicate banner: who already exists, how sure we are, and the override.

Rules (services.registration enforces them again on save):
* same national number = a *certain* duplicate; similar name + date of birth = a
  *possible* one. The clerk is told who matches (name, national number, office, score).
* Saving anyway needs a written reason and a supervisor: either the logged-in operator is
  one, or a supervisor types their own password at the clerk's desk (audited). A clerk
  alone can never override.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from html import escape

from PySide6.QtCore import QCoreApplication, Qt, Signal
from PySide6.QtWidgets import (QComboBox, QDialog, QDialogButtonBox, QFormLayout, QFrame,
                               QHBoxLayout, QLabel, QLineEdit, QPlainTextEdit, QPushButton,
                               QVBoxLayout, QWidget)

from fundclient.domain import photo_exception
from fundclient.domain.fields import BENEFICIARY_FIELDS
from fundclient.domain.photo_exception import PhotoException
from fundclient.domain.reference import ReferenceData, default_reference
from fundclient.domain.validation import validate_field
from fundclient.ui.i18n import current_language, show_date, show_digits
from fundclient.ui.registration.widgets import html_table

MIN_REASON_LENGTH = 10
MAX_SHOWN = 3  # matches listed in the banner


def _tr(text: str) -> str:
    return QCoreApplication.translate("RegistrationDuplicates", text)


def _card_words(status: str) -> str:
    """The card status HQ's lookup reports (sync.lookup.CARD_STATES), as the banner says it."""
    return {"valid": _tr("card valid"), "revoked": _tr("card cancelled"), "inactive": _tr("record inactive"),
            "none": _tr("no card yet")}.get(status, "")


@dataclass(frozen=True)
class DuplicateView:
    """One existing person who may be the one being registered, as the clerk sees it."""

    record_id: str
    name: str
    national_number: str
    office_code: str
    score: float
    certain: bool
    own_dependant: str = ""  # the match is through this dependant typed on the form
    # Held by another record HQ knows of (#14: HQ's digest offline, HQ's lookup online):
    # not on this PC; where and when it was registered, and the card's status (HQ only).
    elsewhere: bool = False
    registered_on: date | None = None
    card_status: str = ""

    @classmethod
    def elsewhere_of(cls, e) -> "DuplicateView":
        """From a `services.elsewhere.Elsewhere` (HQ's digest or HQ's answer)."""
        name = e.whom
        if e.source == "hq" and e.initials:
            # HQ tells only the initials of the person it holds (and whether as a dependant);
            # the name on this form is said again only when the match is through a dependant.
            held_as = (_tr("a dependant, initials %1") if e.role == "dependant" else _tr("initials %1"))
            held_as = held_as.replace("%1", e.initials)
            name = f"{e.whom} ({held_as})" if e.own_dependant else held_as
        # One key whatever told it (the digest, then HQ): an approved override stays approved
        # when HQ's answer replaces the digest's.
        key = f"elsewhere:{e.office_code}:{e.national_number or e.initials}"
        return cls(record_id=key, name=name, national_number=e.national_number, office_code=e.office_code,
                   score=1.0 if e.national_number else 0.95, certain=bool(e.national_number),
                   own_dependant=e.whom if e.own_dependant else "", elsewhere=True,
                   registered_on=e.registered_on, card_status=e.card_status)

    @classmethod
    def of(cls, hit) -> "DuplicateView":
        """From a storage `SearchHit` (or any object with the same attribute names)."""
        record = (getattr(hit, "existing", None) or getattr(hit, "beneficiary", None)
                  or getattr(hit, "record", None))
        matched_by = str(getattr(hit, "matched_by", ""))
        certain = getattr(hit, "certain", None)
        if certain is None:
            certain = "national_number" in matched_by
        # The person found may be one of the record's dependants, and the match may be
        # through one of the dependants typed on this form: say so in the name cell.
        person = (getattr(hit, "existing_dependant", None) or getattr(hit, "dependant", None)
                  or record)
        name = person.name.full() if person is not None else ""
        if person is not record and record is not None:
            name = _tr("%1 (dependant of %2)").replace("%1", name).replace("%2", record.name.full())
        own = getattr(hit, "own_dependant", None)  # named in the banner's title
        return cls(record_id=str(getattr(hit, "record_id", "") or getattr(record, "record_id", "")),
                   name=name,
                   national_number=getattr(person, "national_number", "") or "",
                   office_code=getattr(record, "office_code", "") or "",
                   score=float(getattr(hit, "score", 1.0 if certain else 0.0)),
                   certain=bool(certain),
                   own_dependant=own.name.full() if own is not None else "")


class DuplicatePanel(QFrame):
    """Shown above the form on every step while matches exist."""

    override_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("duplicatePanel")
        self.reference: ReferenceData = default_reference()
        self.hits: list[DuplicateView] = []
        self.override_reason = ""
        self.override_by = ""  # the supervisor who approved at a clerk's desk
        self.is_supervisor = False  # the logged-in operator
        # Compact (it stays on screen on every step): who matches on the start side, what
        # to do and the override button on the end side.
        layout = QHBoxLayout(self)
        layout.setContentsMargins(10, 6, 10, 6)
        left = QVBoxLayout()
        self.title = QLabel(self)
        self.title.setObjectName("duplicateTitle")
        self.title.setWordWrap(True)
        self.details = QLabel(self)
        self.details.setObjectName("duplicateDetails")
        self.details.setTextFormat(Qt.TextFormat.RichText)
        self.details.setWordWrap(True)
        left.addWidget(self.title)
        left.addWidget(self.details)
        layout.addLayout(left, 3)
        right = QVBoxLayout()
        self.state = QLabel(self)
        self.state.setObjectName("duplicateState")
        self.state.setWordWrap(True)
        self.override_button = QPushButton(self)
        self.override_button.setObjectName("overrideDuplicate")
        self.override_button.setMinimumHeight(34)
        self.override_button.clicked.connect(self.override_requested)
        right.addWidget(self.state)
        right.addWidget(self.override_button)
        layout.addLayout(right, 2)
        self.setVisible(False)

    # ---------------------------------------------------------------- state
    def certain(self) -> bool:
        return any(h.certain for h in self.hits)

    def blocks_save(self) -> bool:
        return bool(self.hits) and not self.override_reason

    def may_override(self) -> bool:
        """An override can be *asked for* (a clerk then needs a supervisor's password)."""
        return bool(self.hits)

    def set_hits(self, hits: list[DuplicateView]) -> None:
        if {h.record_id for h in hits} != {h.record_id for h in self.hits}:
            self.override_reason = self.override_by = ""  # a new match: a new decision
        self.hits = list(hits)
        self.refresh()

    def set_override(self, reason: str, by: str = "") -> None:
        self.override_reason = reason.strip()
        self.override_by = by
        self.refresh()

    def clear(self) -> None:
        self.hits = []
        self.override_reason = self.override_by = ""
        self.refresh()

    # ---------------------------------------------------------------- display
    def refresh(self) -> None:
        self.setVisible(bool(self.hits))
        if not self.hits:
            return
        certain = self.certain()
        colour = "#fdecea" if certain and not self.override_reason else "#fff4d6"
        self.setStyleSheet(f"#duplicatePanel {{ background:{colour}; border:1px solid #c9a227;"
                           " border-radius:6px; }")
        own = [h.own_dependant for h in self.hits if h.certain and h.own_dependant]
        only_elsewhere = all(h.elsewhere for h in self.hits)
        self.title.setText("<b>%s</b>" % escape(
            _tr("This national number is registered at another office.") if certain and only_elsewhere
            and not own else
            _tr("The dependant %1 on this form is already registered (same national number).")
            .replace("%1", f"«{own[0]}»") if certain and len(own) == len([h for h in self.hits if h.certain])
            else _tr("This person is already registered (same national number).") if certain else
            _tr("A registered person has a similar name and date of birth. "
                "Ask the beneficiary before you continue.")))
        self.details.setText(self._table())
        if self.override_reason:
            self.state.setText(_tr("Saving anyway. Reason: %1").replace(
                "%1", self.override_reason))
        elif not self.is_supervisor:
            self.state.setText(_tr("Saving it anyway needs your supervisor's approval."))
        else:
            self.state.setText(_tr("Save is blocked until the duplicate is resolved."))
        self.override_button.setText(_tr("Save anyway…") if self.is_supervisor
                                     else _tr("Supervisor approval…"))
        self.override_button.setEnabled(self.may_override() and not self.override_reason)

    def _table(self) -> str:
        language = current_language()
        head = [_tr("Name"), BENEFICIARY_FIELDS["national_number"].label.in_language(language),
                _tr("Office"), _tr("Match")]
        rows = [[escape(h) for h in head]]
        for hit in self.hits[:MAX_SHOWN]:
            office = self.reference.item("offices", hit.office_code)
            place = office.label(language) if office else _tr("another office")  # never a code
            match = _tr("certain") if hit.certain else f"{round(hit.score * 100)}%"
            if hit.elsewhere:
                place = (_tr("registered at %1 on %2").replace("%2", show_date(hit.registered_on))
                         if hit.registered_on else _tr("registered at %1")).replace("%1", place)
                match = _tr("certain") if hit.certain else _tr("name and birth date")
                card = _card_words(hit.card_status)
                if card:
                    match += " · " + card
            rows.append([escape(c) for c in (
                hit.name, show_digits(hit.national_number), place, show_digits(match))])
        table = html_table(rows, header=True)
        if len(self.hits) > MAX_SHOWN:  # the banner stays small; the best matches come first
            more = QCoreApplication.translate("RegistrationReview", "… and %1 more")
            table += escape(more.replace(
                "%1", show_digits(len(self.hits) - MAX_SHOWN)))
        return table


class OverrideDialog(QDialog):
    """Asks for the written reason of an override (kept with the record and audited) and,
    at a clerk's desk, for the supervisor's user name and password.

    purpose "duplicate": saving despite a duplicate (a free-text reason).
    purpose "photo": a photo exception — a reason from the fund's list (domain/
    photo_exception.py) plus words (required for "other"); `exception()` gives it.

    With a supervisor needed, OK emits `authorise(user, password)`; the screen checks it
    off the GUI thread (services.registration.authorise_override with this purpose) and
    calls `authorised(user)` or `refused(text)`.
    """

    authorise = Signal(str, str)

    def __init__(self, certain: bool, needs_supervisor: bool, parent: QWidget | None = None,
                 purpose: str = "duplicate") -> None:
        super().__init__(parent)
        self.setObjectName("overrideDialog" if purpose == "duplicate" else "photoExceptionDialog")
        self.needs_supervisor = needs_supervisor
        self.purpose = purpose
        self.approved_by = ""
        language = current_language()
        layout = QVBoxLayout(self)
        self.reason_choice = QComboBox(self)
        self.reason_choice.setObjectName("exceptionReason")
        if purpose == "photo":
            self.setWindowTitle(photo_exception.TITLE.in_language(language))
            intro = _tr("Save the registration without an accepted photo. The reason is kept "
                        "with the record, shown in day close and sent to the general "
                        "administration.")
        else:
            self.setWindowTitle(_tr("Save despite a duplicate"))
            intro = (_tr("The registration will be saved and sent with the reason; the "
                         "general administration reviews it.") if certain else
                     _tr("Write why this is a different person (for example: a relative "
                         "with the same name)."))
        label = QLabel(intro, self)
        label.setWordWrap(True)
        layout.addWidget(label)
        if purpose == "photo":
            choice_label = QLabel(_tr("Reason"), self)
            choice_label.setBuddy(self.reason_choice)
            for code, words in photo_exception.REASONS.items():
                self.reason_choice.addItem(words.in_language(language), code)
            layout.addWidget(choice_label)
            layout.addWidget(self.reason_choice)
            reason_label = QLabel(_tr("Details (required for another reason)"), self)
        else:
            self.reason_choice.hide()
            reason_def = BENEFICIARY_FIELDS["override_reason"]
            reason_label = QLabel(reason_def.label.in_language(language), self)
        layout.addWidget(reason_label)
        self.reason = QPlainTextEdit(self)
        self.reason.setObjectName("overrideReason")
        if purpose == "duplicate":
            self.reason.setPlaceholderText(BENEFICIARY_FIELDS["override_reason"].hint.in_language(language))
        self.reason.setTabChangesFocus(True)
        self.reason.setMaximumHeight(90)
        reason_label.setBuddy(self.reason)
        layout.addWidget(self.reason)
        self.supervisor = QLineEdit(self)
        self.supervisor.setObjectName("overrideSupervisor")
        self.password = QLineEdit(self)
        self.password.setObjectName("overridePassword")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        if needs_supervisor:
            form = QFormLayout()
            form.addRow(_tr("Supervisor's user name"), self.supervisor)
            form.addRow(_tr("Supervisor's password"), self.password)
            layout.addLayout(form)
        else:
            self.supervisor.hide()
            self.password.hide()
        self.message = QLabel(self)
        self.message.setObjectName("overrideMessage")
        self.message.setStyleSheet("color:#b00020;")
        self.message.setWordWrap(True)
        layout.addWidget(self.message)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                        | QDialogButtonBox.StandardButton.Cancel, self)
        self.buttons.accepted.connect(self._accept_if_valid)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self.resize(540, 320 if needs_supervisor else 260)

    def reason_text(self) -> str:
        return self.reason.toPlainText().strip()

    def exception(self) -> PhotoException:
        """The photo exception asked for (purpose "photo"), with who approved it."""
        return PhotoException(self.reason_choice.currentData() or photo_exception.OTHER,
                              self.reason_text(), approved_by=self.approved_by)

    def _problem(self) -> str | None:
        language = current_language()
        if self.purpose == "photo":
            problem = self.exception().problem()
            return problem.in_language(language) if problem is not None else None
        problem = validate_field("override_reason", self.reason_text())
        if problem is not None:
            return problem.in_language(language)
        if len(self.reason_text()) < MIN_REASON_LENGTH:
            return (_tr("Write the reason in a few words (at least %1 letters).")
                    .replace("%1", show_digits(MIN_REASON_LENGTH)))
        return None

    def _accept_if_valid(self) -> None:
        problem = self._problem()
        if problem is not None:
            self.message.setText(problem)
            return
        if not self.needs_supervisor:
            self.accept()
            return
        if not self.supervisor.text().strip() or not self.password.text():
            self.message.setText(_tr("The supervisor types their user name and password."))
            return
        self.message.setText(_tr("Checking…"))
        self.buttons.setEnabled(False)
        self.authorise.emit(self.supervisor.text().strip(), self.password.text())

    def authorised(self, supervisor: str) -> None:
        self.approved_by = supervisor
        self.password.clear()
        self.accept()

    def refused(self, text: str) -> None:
        self.password.clear()
        self.buttons.setEnabled(True)
        self.message.setText(text)
