"""Register, edit and change the status of beneficiaries: the one path the form and the
importer-like callers use, so every save is validated, numbered, audited and sealed alike."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from fundclient.cards.identity import card_number_maker as _device_card_number_maker
from fundclient.domain.duplicates import DuplicateMatch
from fundclient.domain.records import Beneficiary, Photo, RecordStatus
from fundclient.domain.validation import ensure_valid_beneficiary, validate_beneficiary
from fundclient.errors import AuthError, DuplicateFound, Message
from fundclient.services.changes import Changes
from fundclient.services.sealing import seal_records

if TYPE_CHECKING:
    from fundclient.services.session import Session

OVERRIDE_ROLES = ("supervisor", "admin")

CERTAIN_DUPLICATE = Message(
    ar="هذا المنتفع مسجل من قبل بنفس الرقم الوطني ({name}). افتح سجله بدلاً من تسجيله مرة أخرى، "
       "أو اطلب من المشرف الحفظ مع ذكر السبب.",
    en="This beneficiary is already registered with the same national number ({name}). Open the existing "
       "record instead, or ask a supervisor to save with a reason.")
POSSIBLE_DUPLICATE = Message(
    ar="قد يكون هذا المنتفع مسجلاً من قبل ({name}). تحقق من السجل، أو احفظ مع ذكر السبب.",
    en="This beneficiary may already be registered ({name}). Check that record, or save with a reason.")
OVERRIDE_NOT_ALLOWED = Message(
    ar="الحفظ رغم وجود تسجيل مكرر يحتاج إلى موافقة المشرف.",
    en="Saving despite a duplicate record needs a supervisor.")


def card_number_maker(session: "Session"):
    """sequence -> card number of this device (HQ's device number once enrolled, the
    provisional one from setup before that; see cards.identity)."""
    return _device_card_number_maker(session.data_dir, session.settings)


def validate(session: "Session", beneficiary: Beneficiary) -> dict[str, Message]:
    return validate_beneficiary(beneficiary, scheme=session.settings.national_id_scheme)


def duplicates(session: "Session", beneficiary: Beneficiary) -> list[DuplicateMatch]:
    matches = session.store.beneficiaries.possible_duplicates(
        beneficiary, national_id_scheme=session.settings.national_id_scheme)
    return [m for m in matches if m.existing.record_id != beneficiary.record_id]


def authorise_override(session: "Session", supervisor: str, password: str) -> str:
    """A supervisor (or admin) confirms an override at the clerk's desk with their own password.
    Returns the supervisor's user name; raises AuthError."""
    from fundclient.storage.keystore import Keystore

    Keystore(session.data_dir).unlock_keys(supervisor, password)
    if session.store.operators.role_of(supervisor) not in OVERRIDE_ROLES:
        raise AuthError(OVERRIDE_NOT_ALLOWED, code="override_not_allowed")
    session.store.audit_event(supervisor, "override")
    return supervisor


def register(session: "Session", beneficiary: Beneficiary, photo: Photo | None = None,
             scans: Sequence[Photo] = (), override_reason: str = "", override_by: str = "") -> Changes:
    """Validate, check duplicates, save atomically with card numbers, and seal for HQ.
    A duplicate needs `override_reason` and a supervisor: the logged-in operator, or
    `override_by` as returned by `authorise_override`.
    Raises ValidationFailed, DuplicateFound (carrying `.matches`), or AuthError."""
    record = ensure_valid_beneficiary(beneficiary, scheme=session.settings.national_id_scheme)
    _check_duplicates(session, record, override_reason, override_by)
    record.office_code = record.office_code or session.settings.office_code
    reason = override_reason.strip()
    record.override_reason = f"{reason} ({override_by})" if reason and override_by else reason
    numbers = card_number_maker(session)
    for dependant in record.dependants:
        if not dependant.card_number:
            dependant.card_number = numbers(session.store.next_sequence("card"))
    photos = [p for p in [photo, *scans] if p is not None]
    saved = session.store.beneficiaries.add(record, by=session.username, photos=photos, card_number_from=numbers)
    changes = Changes(records={saved.record_id}, beneficiaries=True, drafts=True, result=saved)
    if session.settings.seal_on == "save":
        changes = changes.merge(seal_records(session, [saved], {saved.record_id: photos}))
    changes.result = saved
    return changes


def edit(session: "Session", beneficiary: Beneficiary, photo: Photo | None = None,
         scans: Sequence[Photo] = ()) -> Changes:
    """Save an edited record as its next revision (history is kept) and seal that revision."""
    record = ensure_valid_beneficiary(beneficiary, scheme=session.settings.national_id_scheme)
    numbers = card_number_maker(session)
    for dependant in record.dependants:
        if not dependant.card_number:
            dependant.card_number = numbers(session.store.next_sequence("card"))
    photos = [p for p in [photo, *scans] if p is not None]
    saved = session.store.beneficiaries.update(record, by=session.username, photos=photos)
    changes = Changes(records={saved.record_id}, beneficiaries=True, result=saved)
    if session.settings.seal_on == "save":
        changes = changes.merge(seal_records(session, [saved], {saved.record_id: photos}))
    changes.result = saved
    return changes


def set_status(session: "Session", record_id: str, status: RecordStatus | str, reason: str) -> Changes:
    """Supervisors mark a record inactive (deceased, moved) or active again, with a reason."""
    saved = session.store.beneficiaries.set_status(record_id, status, reason, session.username)
    changes = Changes(records={record_id}, beneficiaries=True, result=saved)
    if session.settings.seal_on == "save":
        changes = changes.merge(seal_records(session, [saved]))
    changes.result = saved
    return changes


def _check_duplicates(session: "Session", record: Beneficiary, override_reason: str, override_by: str) -> None:
    matches = duplicates(session, record)
    if not matches:
        return
    if override_reason.strip():
        role = session.store.operators.role_of(override_by) if override_by else session.role
        if role not in OVERRIDE_ROLES:
            raise AuthError(OVERRIDE_NOT_ALLOWED, code="override_not_allowed")
        return
    best = matches[0]
    template = CERTAIN_DUPLICATE if best.certain else POSSIBLE_DUPLICATE
    error = DuplicateFound(template.format(name=best.existing.name.full()), code="duplicate")
    error.matches = matches
    raise error
