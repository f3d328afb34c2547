"""A save's duplicate keys are filed in a small table first and moved into the big one when the
writer is idle (migration 0012, storage/key_filing.py): the duplicate check finds them before
and after, edits and deletions remove them from both, and closing the store leaves the rest for
the next session."""

from __future__ import annotations

import copy
import time

from fundclient import storage
from fundclient.domain.synthetic import generate
from fundclient.storage import key_filing
from offices import PASSWORD, new_office



def _count(store, table: str) -> int:
    with store.read() as conn:
        return conn.exec_driver_sql(f"SELECT count(*) FROM {table}").scalar_one()


def _found(store, record) -> list[str]:
    return [m.existing.record_id for m in store.beneficiaries.possible_duplicates(record, limit=50)]


def _twin(record):
    twin = copy.deepcopy(record)
    twin.record_id = "00000000-0000-4000-8000-00000000beef"
    twin.national_number = ""
    twin.card_number = ""
    return twin


def _wait_moved(store, timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while _count(store, "duplicate_keys_new") and time.monotonic() < deadline:
        time.sleep(0.05)


def test_a_saves_keys_go_to_the_small_table_and_are_found_before_and_after_moving(tmp_path, monkeypatch):
    monkeypatch.setattr(key_filing, "QUIET", 0.2)
    store = new_office(tmp_path)
    try:
        store._key_filer.quiet = 3600  # not moved yet: the check reads the small table
        records = generate(6, seed=21)
        for record in records:
            store.beneficiaries.add(record, by="admin")
        new = _count(store, "duplicate_keys_new")
        assert new >= 6 * 3 and _count(store, "duplicate_keys") == 0  # ~3 keys a person (rule 3)
        before = {r.record_id: _found(store, _twin(r)) for r in records}
        assert all(r.record_id in before[r.record_id] for r in records)

        store._key_filer.quiet = 0.2
        store._key_filer.wrote()
        _wait_moved(store)
        assert _count(store, "duplicate_keys_new") == 0 and _count(store, "duplicate_keys") == new
        assert {r.record_id: _found(store, _twin(r)) for r in records} == before
        assert len(store._key_filer.steps) >= new // key_filing.STEP  # in steps, not one transaction
    finally:
        store.close()


def test_an_edit_files_the_persons_keys_again_in_the_small_table_only(tmp_path):
    store = new_office(tmp_path)
    try:
        record = generate(1, seed=22)[0]
        store.beneficiaries.add(record, by="admin")
        while store.file_new_keys():  # all in the big table
            pass
        moved = _count(store, "duplicate_keys")
        edited = store.beneficiaries.get(record.record_id)
        edited.name.first = "منصور" if edited.name.first != "منصور" else "مختار"
        store.beneficiaries.update(edited, by="admin")
        with store.read() as conn:
            persons = conn.exec_driver_sql(
                "SELECT count(*) FROM duplicate_keys k JOIN duplicate_keys_new n USING (person)").scalar_one()
        assert persons == 0  # the holder's and dependants' old keys left the big table
        assert moved and _count(store, "duplicate_keys_new") > 0
        assert record.record_id in _found(store, _twin(store.beneficiaries.get(record.record_id)))
    finally:
        store.close()


def test_keys_left_at_closing_are_found_and_moved_in_the_next_session(tmp_path, monkeypatch):
    store = new_office(tmp_path)
    records = generate(3, seed=23)
    try:
        store._key_filer.quiet = 3600
        for record in records:
            store.beneficiaries.add(record, by="admin")
    finally:
        store.close()
    monkeypatch.setattr(key_filing, "QUIET", 0.2)
    store, _ = storage.open_store(tmp_path, "admin", PASSWORD)
    try:
        assert _count(store, "duplicate_keys_new") > 0
        assert all(r.record_id in _found(store, _twin(r)) for r in records)
        _wait_moved(store)  # the opening woke the filer: no write needed
        assert _count(store, "duplicate_keys_new") == 0
        assert all(r.record_id in _found(store, _twin(r)) for r in records)
    finally:
        store.close()


def test_the_filer_waits_while_a_write_runs(tmp_path):
    store = new_office(tmp_path)
    try:
        store._key_filer.quiet = 0.1
        store.beneficiaries.add(generate(1, seed=24)[0], by="admin")
        with store.writes.busy():  # a save waiting for the writer: no step starts
            time.sleep(0.6)
            assert store._key_filer.steps == []
        _wait_moved(store)
        assert store._key_filer.steps and _count(store, "duplicate_keys_new") == 0
    finally:
        store.close()
