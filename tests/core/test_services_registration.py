"""The registration service on a real encrypted store: validation, card numbers, duplicates,
supervisor override, edits as new revisions, status changes."""

from __future__ import annotations

import copy
import dataclasses

import pytest

from fundclient import storage
from fundclient.domain.card_numbers import is_valid
from fundclient.domain.records import RecordStatus
from fundclient.domain.synthetic import generate
from fundclient.errors import AuthError, DuplicateFound, ValidationFailed
from fundclient.services import registration
from fundclient.services.session import login

PASSWORD = "correct horse 1"


@pytest.fixture
def session(data_dir):
    storage.initialise(data_dir, "SEB", "admin", PASSWORD, "مدير النظام", provisional_device_number=900)
    admin = login(data_dir, "admin", PASSWORD)
    admin.store.operators.add("clerk", PASSWORD, "clerk", full_name="موظف", by="admin")
    admin.store.operators.add("super", PASSWORD, "supervisor", full_name="مشرف", by="admin")
    admin.close()
    s = login(data_dir, "clerk", PASSWORD)
    yield s
    s.close()


def people(n, seed=1):
    return generate(n, seed=seed)


def test_register_assigns_valid_card_numbers_to_holder_and_dependants(session):
    person = next(p for p in people(20) if p.dependants)
    changes = registration.register(session, person)
    saved = changes.result
    assert saved.record_id in changes.records and changes.beneficiaries
    numbers = [saved.card_number] + [d.card_number for d in saved.dependants]
    assert all(is_valid(n) for n in numbers)
    assert len(set(numbers)) == len(numbers)
    assert saved.card_number.startswith("SEB-900-")
    stored = session.store.beneficiaries.get(saved.record_id)
    assert stored.card_number == saved.card_number
    # not enrolled yet: waits in the store as pending
    assert session.store.beneficiaries.sync_state(saved.record_id, 1)[0] == "pending"


def test_invalid_record_is_refused_with_an_arabic_message(session):
    person = people(1)[0]
    person.national_number = "123"
    with pytest.raises(ValidationFailed) as info:
        registration.register(session, person)
    assert "national_number" in info.value.problems
    assert any("\u0600" <= ch <= "\u06ff" for ch in info.value.problems["national_number"].ar)
    assert session.store.beneficiaries.count() == 0


def test_same_national_number_is_a_duplicate_a_clerk_cannot_override(session):
    first = people(1)[0]
    registration.register(session, first)
    again = dataclasses.replace(copy.deepcopy(first), record_id="00000000-0000-4000-8000-000000000001",
                                dependants=[])
    with pytest.raises(DuplicateFound) as info:
        registration.register(session, again)
    assert info.value.matches[0].certain
    with pytest.raises(AuthError):
        registration.register(session, again, override_reason="نفس الشخص؟")
    assert session.store.beneficiaries.count() == 1


def test_supervisor_override_at_the_clerks_desk(session):
    first = people(1)[0]
    registration.register(session, first)
    twin = dataclasses.replace(copy.deepcopy(first), record_id="00000000-0000-4000-8000-000000000002",
                               dependants=[])
    twin.national_number = first.national_number[:-1] + str((int(first.national_number[-1]) + 1) % 10)
    with pytest.raises(DuplicateFound):
        registration.register(session, twin)
    with pytest.raises(AuthError):
        registration.authorise_override(session, "super", "wrong password!!")
    by = registration.authorise_override(session, "super", PASSWORD)
    saved = registration.register(session, twin, override_reason="توأم", override_by=by).result
    assert "super" in saved.override_reason
    assert session.store.beneficiaries.count() == 2


def test_edit_makes_a_new_revision_and_keeps_history(session):
    saved = registration.register(session, people(1)[0]).result
    saved.address = "حي الجديد"
    edited = registration.edit(session, saved).result
    assert edited.revision == 2
    history = session.store.beneficiaries.history(saved.record_id)
    assert [h.revision for h in history] == [1, 2] or [h.revision for h in history] == [2, 1]


def test_only_supervisors_mark_records_inactive(session, data_dir):
    saved = registration.register(session, people(1)[0]).result
    with pytest.raises(AuthError):
        registration.set_status(session, saved.record_id, RecordStatus.DECEASED, "توفي")
    supervisor = login(data_dir, "super", PASSWORD)
    try:
        changed = registration.set_status(supervisor, saved.record_id, RecordStatus.DECEASED, "توفي").result
        assert changed.status == RecordStatus.DECEASED and changed.revision == 2
    finally:
        supervisor.close()


def test_idle_lock_password_check_counts_towards_lockout(session):
    from fundclient.storage.errors import AccountLocked, WrongPassword

    assert session.verify_password(PASSWORD)
    for _ in range(4):
        with pytest.raises(WrongPassword):
            session.verify_password("not the password")
    with pytest.raises(AccountLocked):  # the fifth wrong password locks, and says so
        session.verify_password("not the password")
    with pytest.raises(AccountLocked):
        session.verify_password(PASSWORD)


def test_a_taken_user_name_is_a_clear_message(session, data_dir):
    from fundclient.storage.errors import UsernameUnavailable

    admin = login(data_dir, "admin", PASSWORD)
    try:
        admin.store.operators.add("clerk2", PASSWORD, "clerk", by="admin")
        with pytest.raises(UsernameUnavailable) as info:
            admin.store.operators.add("clerk2", PASSWORD, "clerk", by="admin")
        assert "clerk2" in info.value.message.ar
    finally:
        admin.close()


def test_a_supervisor_name_without_their_password_overrides_nothing(session):
    first = people(1)[0]
    registration.register(session, first)
    twin = dataclasses.replace(copy.deepcopy(first), record_id="00000000-0000-4000-8000-000000000003",
                               dependants=[])
    with pytest.raises(AuthError):
        registration.register(session, twin, override_reason="x", override_by="super")
    registration.authorise_override(session, "super", PASSWORD)
    registration.register(session, copy.deepcopy(twin), override_reason="توأم", override_by="super")
    again = dataclasses.replace(copy.deepcopy(twin), record_id="00000000-0000-4000-8000-000000000004")
    with pytest.raises(AuthError):  # one confirmation, one save
        registration.register(session, again, override_reason="توأم", override_by="super")


def test_an_edit_cannot_change_status_or_card_number_nor_hide_a_duplicate(session):
    a, b = people(2, seed=31)
    a.dependants, b.dependants = [], []
    saved_a = registration.register(session, a).result
    saved_b = registration.register(session, b).result
    tampered = copy.deepcopy(saved_b)
    tampered.status, tampered.status_reason = RecordStatus.DECEASED, "x"
    tampered.card_number = "ABC-005-000077-48"
    edited = registration.edit(session, tampered).result
    assert edited.status == RecordStatus.ACTIVE and edited.card_number == saved_b.card_number
    stolen = copy.deepcopy(edited)
    stolen.national_number = saved_a.national_number
    stolen.sex, stolen.date_of_birth = saved_a.sex, saved_a.date_of_birth
    with pytest.raises(DuplicateFound):
        registration.edit(session, stolen)


def test_a_damaged_hq_answer_file_never_stops_a_login(session, data_dir):
    results = data_dir / "outbox" / "results"
    results.mkdir(parents=True, exist_ok=True)
    (results / "00000000-0000-4000-8000-00000000dead.json").write_text("{not json", encoding="utf-8")
    again = login(data_dir, "clerk", PASSWORD)
    try:
        assert again.operator.username == "clerk"
    finally:
        again.close()


def test_card_numbers_given_after_a_backup_are_not_given_again_after_restoring_it(session, data_dir):
    from fundclient.storage.backup import create_backup, restore_backup

    first = registration.register(session, people(1, seed=41)[0]).result
    backup = create_backup(session.store, by="clerk")
    after = registration.register(session, people(1, seed=42)[0]).result  # printed, handed over
    session.close()
    restore_backup(data_dir, backup)
    again = login(data_dir, "clerk", PASSWORD)
    try:
        assert again.store.beneficiaries.count() == 1
        newest = registration.register(again, people(1, seed=43)[0]).result
        given = {first.card_number, after.card_number} | {d.card_number for d in after.dependants}
        assert newest.card_number not in given
        assert not ({d.card_number for d in newest.dependants} & given)
    finally:
        again.close()


def test_a_photo_and_two_document_scans_are_saved_together(session):
    from fundclient.domain.records import Photo

    portrait = Photo(data=b"\xff\xd8portrait", kind="portrait")
    scans = [Photo(data=b"\xff\xd8id-card", kind="document"), Photo(data=b"\xff\xd8pension", kind="document")]
    saved = registration.register(session, people(1, seed=51)[0], photo=portrait, scans=scans).result
    stored = session.store.beneficiaries.photos(saved.record_id)
    assert sorted(p.data for p in stored) == sorted([portrait.data] + [s.data for s in scans])
    assert session.store.beneficiaries.photo(saved.record_id, "document").data == b"\xff\xd8id-card"


def test_register_many_saves_a_batch_in_one_transaction_and_refuses_row_by_row(session):
    """#11 item 8: the bulk import's path. One audit entry for the batch, every holder and
    dependant numbered (no number twice, none shared with a row-by-row registration), and
    each row refused for what `register` refuses it for — a bad row, a duplicate of a stored
    record, and a duplicate of an EARLIER ROW OF THE SAME BATCH (not in the store yet)."""
    stored, *batch = people(6, seed=9)
    registration.register(session, copy.deepcopy(stored))
    bad = copy.deepcopy(batch[0])
    bad.national_number = "123"
    twin = copy.deepcopy(batch[1])  # the same person again, under a new record id
    twin.record_id = "twin-of-batch-1"
    again = copy.deepcopy(stored)
    again.record_id = "again-stored"
    with session.store.read() as conn:
        audit_before = conn.exec_driver_sql("SELECT count(*) FROM audit_log").scalar_one()
    outcome = registration.register_many(session, [bad, *batch[1:], twin, again])
    assert isinstance(outcome[0], ValidationFailed) and "national_number" in outcome[0].problems
    assert [type(o).__name__ for o in outcome[1:5]] == ["Beneficiary"] * 4
    assert isinstance(outcome[5], DuplicateFound) and outcome[5].matches[0].existing.record_id == batch[1].record_id
    assert isinstance(outcome[6], DuplicateFound) and outcome[6].matches[0].existing.record_id == stored.record_id
    with session.store.read() as conn:
        assert conn.exec_driver_sql("SELECT count(*) FROM audit_log").scalar_one() == audit_before + 1
        numbers = [r[0] for r in conn.exec_driver_sql(
            "SELECT card_number FROM beneficiaries UNION ALL SELECT card_number FROM dependants")]
    assert session.store.beneficiaries.count() == 5
    assert all(is_valid(n) for n in numbers) and len(set(numbers)) == len(numbers)
    # Found by name like any record (the FTS index was caught up in the same transaction).
    assert session.store.beneficiaries.search_name(batch[2].name.full())[0].record_id == batch[2].record_id
