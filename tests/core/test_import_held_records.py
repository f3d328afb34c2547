"""#11 item 8: `fundclient import` holds the records it saved in memory for the duplicate check
of its later batches (`storage.duplicate_candidates.HeldRecords`) instead of reading each
candidate back from the store and decoding its JSON every batch. The answers never change:
which records are candidates still comes from the store's keys and numbers (in each batch's
snapshot), and a held record is used only while the store's current revision is the one held —
a clerk's new record saved during the import (another process) is found, and a record the
import saved and a clerk edited meanwhile is read back as edited. Real encrypted offices, real
files, a real second process writing."""

from __future__ import annotations

import csv
import multiprocessing
from datetime import date
from pathlib import Path

import pytest

from fundclient.domain.records import ArabicName, Beneficiary, Sex
from fundclient.storage import duplicate_candidates, open_store
from fundclient.storage.duplicate_candidates import HeldRecords
from test_import_helper import PASSWORD, _in_an_office_of_its_own, synthetic_cells, write_rows

BATCH = 15  # rows a batch: many batches, so that most candidates are rows saved batches before
HANG_GUARD = 300  # s: only keeps a hung second process from holding the suite, never a verdict


@pytest.fixture(autouse=True)
def _bundled_reference_after():
    from fundclient.domain.reference import use_reference

    yield
    use_reference(None)


def _importing(held_records: int, made: list, before_batch=None):
    """`run(session, source, report)` for `_in_an_office_of_its_own`: the app's import path with
    `held_records` (0: none held), the `HeldRecords` made put in `made`; `before_batch(session, n)`
    called before the n-th batch (1-based) is checked."""
    from fundclient.services import importing, registration

    def run(session, source, report):
        check_many = registration.check_many
        batches = [0]

        def checking(session, batch, **kw):
            batches[0] += 1
            if before_batch is not None:
                before_batch(session, batches[0])
            if kw.get("held") is not None and kw["held"] not in made:
                made.append(kw["held"])
            return check_many(session, batch, **kw)

        registration.check_many = checking
        try:
            return importing.import_spreadsheet(session, source, report_path=report, batch_size=BATCH,
                                                held_records=held_records)
        finally:
            registration.check_many = check_many
    return run


def test_an_import_holding_its_records_answers_as_one_reading_them_back(tmp_path):
    """The same counts, report (every refusal's reason naming the record found) and stored
    records and card numbers with no record held, every record held, and only the last 40 held
    (the older ones let go, read back from the store); held records were used, and each held
    record is the very record the store holds (its JSON, field for field)."""
    source = write_rows(tmp_path / "legacy.csv", 400, seed=5)
    made: dict[str, list] = {"none": [], "all": [], "last 40": []}
    outcomes = {name: _in_an_office_of_its_own(tmp_path, name.replace(" ", "-"), source,
                                               _importing(held, made[name]))
                for name, held in (("none", 0), ("all", 10_000), ("last 40", 40))}
    assert outcomes["all"] == outcomes["none"]
    assert outcomes["last 40"] == outcomes["none"]
    counts = outcomes["none"][0]
    assert counts[1] > 300 and counts[4] >= 5, counts  # imported; refused as possible duplicates
    assert made["none"] == []
    (every,), (last,) = made["all"], made["last 40"]
    assert every.taken >= 20 and every.read == 0, (every.taken, every.read)
    assert last.taken and last.read, (last.taken, last.read)  # some let go, read back
    assert len(last) == 40 and len(every) > 300
    # the records held are the store's, as it holds them
    store, _ = open_store(tmp_path / "all", "admin", PASSWORD)
    try:
        held = every._records
        stored = store.beneficiaries.get_many(list(held))
        assert len(stored) == len(held)
        assert all(stored[rid].to_dict() == record.to_dict() for rid, record in held.items())
    finally:
        store.close()


def _person(cells: list[str], record_id: str) -> Beneficiary:
    """The holder of a file's row (its cells under test_import_helper.HEADERS) as another record:
    the same name, sex and date of birth, no national number."""
    return Beneficiary(record_id=record_id, national_number="",
                       name=ArabicName(cells[1], cells[2], cells[3], cells[4]),
                       sex=Sex(cells[6]), date_of_birth=date.fromisoformat(cells[7]))


def _clerk(data_dir: str, edit_record_number: str, edit_to: list[str], new_like: list[str]) -> None:
    """Another process signed in to the same office while the import runs: edits the record the
    import saved for one row (a new name and date of birth: those of a later row) and saves a new
    record of its own (the person of another later row)."""
    store, _ = open_store(Path(data_dir), "admin", PASSWORD)
    try:
        with store.read() as conn:
            (record_id,), = conn.exec_driver_sql("SELECT record_id FROM beneficiaries WHERE national_number = ?",
                                                 (edit_record_number,)).fetchall()
        record = store.beneficiaries.get(record_id)
        again = _person(edit_to, record_id)
        record.name, record.sex, record.date_of_birth = again.name, again.sex, again.date_of_birth
        store.beneficiaries.update(record, by="admin")
        store.beneficiaries.add(_person(new_like, "the-clerks-own-record"), by="admin")
    finally:
        store.close()


def _refused(report: str) -> dict[str, str]:
    """national number -> the field of its row's refusal, from a report's text."""
    return {r["national_number"]: r["field"] for r in csv.DictReader(report.splitlines())}


def test_a_clerks_save_and_edit_during_the_import_are_seen_by_the_held_check(tmp_path):
    """While the import runs, another process (a clerk, signed in to the same office) edits a
    record the import saved batches before — giving it the name and date of birth of a later row
    — and saves a new record of its own, the person of another later row. Both later rows, which
    an import without the clerk imports, are refused as possible duplicates, with every record
    held as with none: the store's current revision decides, never the copy held."""
    rows = list(synthetic_cells(300, seed=9))
    source = write_rows(tmp_path / "legacy.csv", 300, seed=9)
    alone = _in_an_office_of_its_own(tmp_path, "alone", source, _importing(10_000, []))
    refused = _refused(alone[1])
    imported = [i for i, cells in enumerate(rows) if cells[0] not in refused]
    edited = imported[3]  # an early row's record, saved batches before the clerk comes
    like_edit, like_new = [i for i in imported if i >= 200][:2]  # two late rows
    spawn = multiprocessing.get_context("spawn")
    made: dict[str, list] = {"none": [], "all": []}

    def clerk_before(session, n):
        if n == 8:  # the early row saved batches ago (and held): the clerk's process edits it, adds one
            clerk = spawn.Process(target=_clerk, args=(str(session.data_dir), rows[edited][0], rows[like_edit],
                                                       rows[like_new]))
            clerk.start()
            clerk.join(HANG_GUARD)
            assert clerk.exitcode == 0, f"the clerk's process failed or hung (exit {clerk.exitcode})"

    outcomes = {name: _in_an_office_of_its_own(tmp_path, name, source, _importing(held, made[name], clerk_before))
                for name, held in (("none", 0), ("all", 10_000))}
    assert outcomes["all"] == outcomes["none"]
    (held,) = made["all"]
    assert held.taken >= 10 and held.read >= 2  # the clerk's two records read (one held, but edited)
    refused = _refused(outcomes["all"][1])
    assert refused.get(rows[like_edit][0]) == refused.get(rows[like_new][0]) == "duplicate", refused
    # the copy held of the edited record is the one saved (revision 1): the check read the edit
    assert held._records[_record_id(tmp_path / "all", rows[edited][0])].revision == 1


def _record_id(data_dir: Path, national_number: str) -> str:
    store, _ = open_store(data_dir, "admin", PASSWORD)
    try:
        with store.read() as conn:
            return conn.exec_driver_sql("SELECT record_id FROM beneficiaries WHERE national_number = ?",
                                        (national_number,)).fetchone()[0]
    finally:
        store.close()


def test_held_records_are_let_go_oldest_first_with_their_profiles():
    """At most `limit` records held: the oldest let go first, with the profiles kept for their
    people; a record is taken only at the revision the store gives."""
    from fundclient.domain.synthetic import generate

    held = HeldRecords(limit=5)
    records = generate(8, seed=3)
    held.saved(records[:4])
    assert held.current([r.record_id for r in records], {r.record_id: 1 for r in records}) == \
        {r.record_id: r for r in records[:4]}
    memo = {id(records[0]): "profile", ("number and birth", id(records[0])): ("", None), id(records[7]): "other"}
    held.kept(memo)
    assert held.profiles_of([records[0], records[1]]) == {k: v for k, v in memo.items() if k != id(records[7])}
    assert held.current([records[0].record_id], {records[0].record_id: 2}) == {}  # edited since: read it
    held.saved(records[4:])
    held.kept({})
    assert len(held) == 5 and set(held._records) == {r.record_id for r in records[3:]}
    assert held.profiles_of([records[0]]) == {}
    assert duplicate_candidates.HELD_RECORDS >= 10_000
