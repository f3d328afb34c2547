"""Register, edit and change the status of beneficiaries: the one path the form and the
importer-like callers use, so every save is validated, numbered, audited and sealed alike."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from fundclient.cards.identity import card_number_maker as _device_card_number_maker
from fundclient.domain.duplicates import DuplicateMatch
from fundclient.domain import photo_exception
from fundclient.domain.records import Beneficiary, Photo, RecordStatus, utc_now
from fundclient.domain.validation import ensure_valid_beneficiary, validate_beneficiary
from fundclient.errors import AuthError, DuplicateFound, FundError, Message, ValidationFailed
from fundclient.services.changes import Changes
from fundclient.services.sealing import photos_of, seal_records
from fundclient.domain.reference import default_reference
from fundclient.services.elsewhere import from_digest, from_digest_many
from fundclient.storage.duplicate_candidates import record_keys
from fundclient.storage.rows import ready_for_import

if TYPE_CHECKING:
    from fundclient.services.session import Session
    from fundclient.storage.duplicate_candidates import FiledKeys, HeldRecords

OVERRIDE_ROLES = ("supervisor", "admin")
OVERRIDE_GRANT_SECONDS = 300

CERTAIN_DUPLICATE = Message("This beneficiary is already registered with the same national number ({name}). "
                            "Open the existing record instead, or ask a supervisor to save with a reason.")
POSSIBLE_DUPLICATE = Message("This beneficiary may already be registered ({name}). Check that record, or "
                             "save with a reason.")
DUPLICATE_THROUGH_DEPENDANT = Message("{reason}. Check that record before saving, or ask a supervisor to "
                                      "save with a reason.")
ANOTHER_OFFICE = Message("another office")
REGISTERED_ELSEWHERE = Message("National number {number} is registered at {office} according to HQ's "
                               "data. Check it, or ask a supervisor to save with a reason.")
OVERRIDE_NOT_ALLOWED = Message("Saving despite a duplicate record needs a supervisor.")


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


OVERRIDE_PURPOSES = ("duplicate", "photo")  # saving despite a duplicate; a photo exception


def _grant_key(supervisor: str, purpose: str) -> str:
    return supervisor if purpose == "duplicate" else f"{purpose}:{supervisor}"


def authorise_override(session: "Session", supervisor: str, password: str, purpose: str = "duplicate") -> str:
    """A supervisor (or admin) confirms an override at the clerk's desk with their own password:
    saving despite a duplicate (purpose "duplicate") or a photo exception ("photo").
    Returns the supervisor's user name, good for ONE save of that purpose in this session
    within a few minutes (a name alone proves nothing); raises AuthError."""
    from fundclient.storage.keystore import Keystore  # lazy: start-up (cryptography)

    if purpose not in OVERRIDE_PURPOSES:
        raise ValueError(purpose)
    Keystore(session.data_dir).unlock_keys(supervisor, password)
    if session.store.operators.role_of(supervisor) not in OVERRIDE_ROLES:
        raise AuthError(OVERRIDE_NOT_ALLOWED if purpose == "duplicate" else photo_exception.NOT_APPROVED,
                        code="override_not_allowed")
    session.store.audit_event(supervisor, "override", purpose=purpose)
    session.override_grants[_grant_key(supervisor, purpose)] = time.monotonic() + OVERRIDE_GRANT_SECONDS
    return supervisor


def _use_grant(session: "Session", supervisor: str, purpose: str) -> bool:
    """The confirmation `authorise_override` gave, spent by this save (one save each)."""
    return session.override_grants.pop(_grant_key(supervisor, purpose), 0.0) > time.monotonic()


def _check_photo(session: "Session", record: Beneficiary, has_photo: bool, require_photo: bool,
                 stored: Beneficiary | None = None) -> None:
    """A photo exception needs a supervisor (the signed-in one, or one who confirmed with their
    password at the desk: `exception.approved_by` + a fresh grant); it is stamped with who
    and when. An edit that keeps the stored exception unchanged needs no new confirmation.
    With `require_photo` (the registration form), a record with no portrait at all needs one."""
    exception = record.photo_exception
    if exception is None:
        if require_photo and not has_photo:
            raise ValidationFailed({"photo": photo_exception.PHOTO_REQUIRED})
        return
    problem = exception.problem()
    if problem is not None:
        raise ValidationFailed({"photo_exception": problem})
    kept = stored is not None and stored.photo_exception is not None and (
        stored.photo_exception.reason, stored.photo_exception.text) == (exception.reason, exception.text)
    if kept:
        record.photo_exception = stored.photo_exception
        return
    if exception.approved_by and exception.approved_by != session.username:
        allowed = _use_grant(session, exception.approved_by, "photo")
        approver = exception.approved_by
    else:
        allowed = session.role in OVERRIDE_ROLES
        approver = session.username
    if not allowed:
        raise AuthError(photo_exception.NOT_APPROVED, code="override_not_allowed")
    record.photo_exception = replace(exception, approved_by=approver,
                                     approved_at=utc_now().isoformat(timespec="seconds"))


def register(session: "Session", beneficiary: Beneficiary, photo: Photo | None = None,
             scans: Sequence[Photo] = (), override_reason: str = "", override_by: str = "", *,
             require_photo: bool = False) -> Changes:
    """Validate, check duplicates, save atomically with card numbers, and seal for HQ.
    A duplicate needs `override_reason` and a supervisor: the logged-in operator, or
    `override_by` as returned by `authorise_override` just before. A photo exception
    (`beneficiary.photo_exception`) needs a supervisor the same way (purpose "photo");
    `require_photo=True` (the registration form; not legacy imports) refuses a record with
    neither a portrait nor an exception.
    Raises ValidationFailed, DuplicateFound (carrying `.matches`), or AuthError."""
    record = ensure_valid_beneficiary(beneficiary, scheme=session.settings.national_id_scheme)
    _check_photo(session, record, photo is not None and photo.kind == "portrait", require_photo)
    _check_duplicates(session, record, override_reason, override_by, elsewhere=True)
    record.office_code = record.office_code or session.settings.office_code
    reason = override_reason.strip()
    record.override_reason = f"{reason} ({override_by})" if reason and override_by else reason
    record.card_number = ""  # numbers are given here, never typed or imported
    record.status, record.status_reason = RecordStatus.ACTIVE, ""  # status changes go through set_status
    for dependant in record.dependants:
        dependant.card_number = ""
    numbers = card_number_maker(session)
    number_dependants(session, record, numbers)
    photos = [p for p in [photo, *scans] if p is not None]
    saved = session.store.beneficiaries.add(record, by=session.username, photos=photos, card_number_from=numbers)
    return _sealed(session, saved, Changes(records={saved.record_id}, beneficiaries=True, drafts=True))


def register_many(session: "Session", beneficiaries: Sequence[Beneficiary], *,
                  validated: bool = False, made: Sequence[tuple | None] | None = None) -> list[Beneficiary | FundError]:
    """A bulk import's batch (no photos): each record checked exactly as `register` checks it
    — validated, refused when a photo exception is not the signed-in supervisor's, refused as
    a possible duplicate of a stored record OR of an earlier record of this batch (no
    override) — then every accepted one numbered and saved in ONE transaction (one audit
    entry) and sealed together. Returns, in order, the saved record or the FundError that
    refused it. Raises CardNumberTaken for the whole batch (nothing saved). `validated`: the
    caller already ran `ensure_valid_beneficiary` on each (the importer, to name the row).
    `made`: per record, (its duplicate keys, its rows without card numbers) made beforehand
    for this office and operator (an import's helper process, `storage.importer`) or None.
    (`check_many` then `save_checked`: an import saves one batch while it checks the next.)"""
    checked = check_many(session, beneficiaries, validated=validated, made=made)
    save_checked(session, checked)
    return checked.outcome


@dataclass
class CheckedBatch:
    """A batch `check_many` checked, for `save_checked` to save."""

    outcome: list  # per record given, in order: the record to save or the FundError refusing it
    accepted: list[Beneficiary]
    rows: list[tuple | None]  # per accepted record: its rows made beforehand, or None
    keyed: list[tuple]  # per accepted record: what the duplicate check reads of it (`record_keys`)


def check_many(session: "Session", beneficiaries: Sequence[Beneficiary], *, validated: bool = False,
               made: Sequence[tuple | None] | None = None, earlier: CheckedBatch | None = None,
               after_reads: Callable[[], None] | None = None, filed_keys: "FiledKeys | None" = None,
               held: "HeldRecords | None" = None) -> CheckedBatch:
    """`register_many`'s checks of a batch, nothing saved. `earlier`: the batch checked just
    before, not saved yet (an import saves it meanwhile): its accepted records are candidates of
    this batch's as if saved — newer than every stored record, as they will be — so the answers
    are those of checking this batch once `earlier` is saved. `after_reads` is called once the
    store has been read for the batch (what the store holds by then is what was checked against:
    an import starts saving `earlier` then, never before; the reads are made in one snapshot
    taken before it is called, `Store.snapshot`). `filed_keys`: an import's bitmap of the
    keys filed (`storage.duplicate_candidates.FiledKeys`: fewer keys asked for, the same answers).
    `held`: an import's own saved records held typed (`storage.duplicate_candidates.HeldRecords`:
    fewer candidates read back, the same answers)."""
    scheme = session.settings.national_id_scheme
    outcome: list[Beneficiary | FundError] = []
    accepted: list[Beneficiary] = []
    accepted_rows: list[tuple | None] = []
    accepted_keys: list[tuple] = []
    records: list[Beneficiary | None] = []
    ready: list[tuple | None] = []
    for beneficiary, rows in zip(beneficiaries, made if made is not None else [None] * len(beneficiaries),
                                 strict=True):
        try:
            records.append(beneficiary if validated else ensure_valid_beneficiary(beneficiary, scheme=scheme))
            ready.append(rows if validated else None)  # rows made of the record as given
        except FundError as refused:
            records.append(None)
            outcome.append(_kept(refused))
    valid = [r for r in records if r is not None]
    keyed = [r[0] if r else record_keys(b) for b, r in zip(valid, ready)]
    # The store's candidates of every record in set-based reads; the batch's earlier records —
    # and those of the batch before, when not saved yet — join them as they are accepted
    # (storage.duplicate_candidates: the form's own rule and code).
    prior = earlier.accepted if earlier is not None else []
    # (the batch before's own candidates were looked up with it: only its numbers and filed keys count)
    prior_keys = [(numbers, [], filed) for numbers, _, filed in earlier.keyed] if earlier is not None else []
    # The batch's reads in one snapshot of the store, taken first: `after_reads` may then start
    # saving `earlier` at once — its commit is not seen by these reads, as if they had been made
    # before it (an import's save of the batch before runs while this one is checked, instead of
    # after its reads: docs/performance.md, "The timeline").
    with session.store.snapshot():
        if after_reads is not None:
            after_reads()
        check = session.store.beneficiaries.batch_duplicates([*prior, *valid], national_id_scheme=scheme,
                                                             keyed=[*prior_keys, *keyed], filed_keys=filed_keys,
                                                             held=held, only_accepted=len(prior))
        elsewhere = from_digest_many(session, valid)  # HQ's digest read once for the batch
    for j in range(len(prior)):
        check.accept(j)
    results: list[Beneficiary | FundError] = []
    for i, record in enumerate(valid):
        try:
            _check_photo(session, record, False, False)
            _check_duplicates(session, record, "", "", elsewhere=True, found=check.matches(len(prior) + i),
                              held=elsewhere[i])
        except FundError as refused:
            results.append(_kept(refused))
            continue
        check.accept(len(prior) + i)
        ready_for_import(record, session.settings.office_code)  # numbers are given here, never typed or imported
        accepted.append(record)
        accepted_rows.append(ready[i][1] if ready[i] else None)
        accepted_keys.append(keyed[i])
        results.append(record)
    check.keep_profiles()
    refusals = iter(outcome)
    done = iter(results)
    outcome = [next(done) if r is not None else next(refusals) for r in records]
    return CheckedBatch(outcome, accepted, accepted_rows, accepted_keys)


def _kept(refused: FundError) -> FundError:
    """A row's refusal as the batch keeps it: without its traceback, whose frames hold the
    batch's lists that hold the refusal — a cycle that kept each checked batch (its records,
    lookup keys and candidates) alive until the interpreter's next full collection, which
    `fundclient import` postpones (storage.importer.few_full_collections)."""
    refused.__traceback__ = None
    return refused


def save_checked(session: "Session", checked: CheckedBatch, *, piece: int | None = None) -> list[Beneficiary]:
    """The accepted records of a batch `check_many` checked: numbered and saved in ONE
    transaction (one audit entry) and sealed together; raises CardNumberTaken (nothing saved).
    Returns the records saved. `piece`: written that many rows at a time, giving way to a
    waiting save (`BeneficiaryRepository.add_many`; the transactions committed before a failure stay)."""
    saved = session.store.beneficiaries.add_many(checked.accepted, by=session.username, action="import",
                                                 card_numbers_from=card_number_maker(session),
                                                 made=checked.rows if any(checked.rows) else None, piece=piece)
    if saved and session.settings.seal_on == "save":
        seal_records(session, saved, {})
    return saved


def edit(session: "Session", beneficiary: Beneficiary, photo: Photo | None = None,
         scans: Sequence[Photo] = (), override_reason: str = "", override_by: str = "", *,
         require_photo: bool = False) -> Changes:
    """Save an edited record as its next revision (history is kept) and seal that revision.
    An edit cannot change a status (supervisors use `set_status`) nor a card number (card
    replacement does); a changed national number, name, birth date or dependant's national
    number is checked for duplicates like a new registration, with the same supervisor
    override (`override_reason`, `override_by`). A new or changed photo exception needs a
    supervisor like on registration; an unchanged one is kept as approved."""
    record = ensure_valid_beneficiary(beneficiary, scheme=session.settings.national_id_scheme)
    stored = session.store.beneficiaries.get(record.record_id)
    has_photo = (photo is not None and photo.kind == "portrait") or \
        session.store.beneficiaries.photo(record.record_id) is not None
    _check_photo(session, record, has_photo, require_photo, stored)
    record.status, record.status_reason = stored.status, stored.status_reason
    record.card_number = stored.card_number
    record.card_history = stored.card_history
    kept = {d.dependant_id: d.card_number for d in stored.dependants}
    for dependant in record.dependants:
        dependant.card_number = kept.get(dependant.dependant_id, "")
    if _identity(record) != _identity(stored):
        _check_duplicates(session, record, override_reason, override_by)
    reason = override_reason.strip()
    if reason:  # the override of this revision, kept with it like a new registration's
        record.override_reason = f"{reason} ({override_by})" if override_by else reason
    number_dependants(session, record, card_number_maker(session))
    photos = [p for p in [photo, *scans] if p is not None]
    saved = session.store.beneficiaries.update(record, by=session.username, photos=photos)
    return _sealed(session, saved, Changes(records={saved.record_id}, beneficiaries=True))


def _identity(record: Beneficiary) -> tuple:
    """What a duplicate check looks at: a change in any of it is checked again on edit."""
    return (record.national_number, record.name.full(), record.date_of_birth,
            sorted(d.national_number for d in record.dependants if d.national_number))


def number_dependants(session: "Session", record: Beneficiary, numbers) -> None:
    """Give each dependant without a card its own number (one more value of the card sequence)."""
    for dependant in record.dependants:
        if not dependant.card_number:
            dependant.card_number = numbers(session.store.next_sequence("card"))


def _sealed(session: "Session", saved: Beneficiary, changes: Changes) -> Changes:
    """Seal the saved revision with every photo it shows (HQ's copy of each revision is whole)."""
    if session.settings.seal_on == "save":
        changes = changes.merge(seal_records(session, [saved], {saved.record_id: photos_of(session, saved)}))
    changes.result = saved
    return changes


def set_status(session: "Session", record_id: str, status: RecordStatus | str, reason: str) -> Changes:
    """Supervisors mark a record inactive (deceased, moved) or active again, with a reason."""
    saved = session.store.beneficiaries.set_status(record_id, status, reason, session.username)
    return _sealed(session, saved, Changes(records={record_id}, beneficiaries=True))


def _check_duplicates(session: "Session", record: Beneficiary, override_reason: str, override_by: str,
                      elsewhere: bool = False, found: Sequence[DuplicateMatch] | None = None,
                      held: Sequence | None = None) -> None:
    """A new registration (`elsewhere`) is also checked against HQ's digest: a national number
    another office holds is a duplicate too (services.elsewhere; #14). `found`: the matches
    already looked up (a bulk import's batch check, earlier rows of the batch included);
    `held`: the digest's answer already looked up (`from_digest_many`)."""
    matches = duplicates(session, record) if found is None else \
        [m for m in found if m.existing.record_id != record.record_id]
    if not (elsewhere and not matches):
        held = []
    elif held is None:
        held = from_digest(session, record)
    if not matches and not held:
        return
    if override_reason.strip():
        if override_by:
            allowed = _use_grant(session, override_by, "duplicate")  # one save per confirmation
        else:
            allowed = session.role in OVERRIDE_ROLES
        if not allowed:
            raise AuthError(OVERRIDE_NOT_ALLOWED, code="override_not_allowed")
        return
    if not matches:
        office = default_reference().item("offices", held[0].office_code)
        error = DuplicateFound(REGISTERED_ELSEWHERE.format(
            number=held[0].national_number,
            office=office.message if office else ANOTHER_OFFICE), code="duplicate")
        error.matches = []
        raise error
    best = matches[0]
    if best.existing_dependant is not None or best.own_dependant is not None:
        message = DUPLICATE_THROUGH_DEPENDANT.format(reason=best.reason)
    else:
        template = CERTAIN_DUPLICATE if best.certain else POSSIBLE_DUPLICATE
        message = template.format(name=best.existing.name.full())
    error = DuplicateFound(message, code="duplicate")
    error.matches = matches
    raise error
