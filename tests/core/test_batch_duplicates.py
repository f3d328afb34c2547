"""#11 item 8: the import's batch duplicate check answers what the form's check answers.

`BatchDuplicates` (set-based reads for a whole batch) must find, for every record, the same
possible duplicates as `possible_duplicates` (the registration form's check, one record at a
time) — one rule set, two ways of fetching the candidates. Real encrypted store, synthetic
office with siblings (same father, grandfather and family) and near-duplicates (spelling
variants, a slip, a swapped day and month)."""

from __future__ import annotations

import copy

import pytest

from fundclient import storage
from fundclient.domain.synthetic import SyntheticGenerator, generate
from fundclient.storage.bulk import bulk_add

PASSWORD = "correct horse 1"


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    data_dir = tmp_path_factory.mktemp("batch-dups")
    storage.initialise(data_dir, "SEB", "admin", PASSWORD, "مدير النظام")
    store, _ = storage.open_store(data_dir, "admin", PASSWORD)
    bulk_add(store, generate(600, seed=31, near_duplicate_rate=0.05, sibling_rate=0.3), by="admin")
    yield store
    store.close()


def _new_batch(store):
    """Near-duplicates of stored holders and of stored dependants, stored people again with a
    new record id (same national number), and new people."""
    with store.read() as conn:
        ids = [r[0] for r in conn.exec_driver_sql("SELECT record_id FROM beneficiaries ORDER BY id LIMIT 120")]
    by_id = store.beneficiaries.get_many(ids)
    stored = [by_id[i] for i in ids]
    maker = SyntheticGenerator(seed=77, sibling_rate=0.3)
    batch = []
    for i, original in enumerate(stored[:60]):
        variant = maker.near_duplicate(original)
        batch.append(variant)
        if i % 10 == 0:
            again = copy.deepcopy(original)
            again.record_id = f"again-{i}"
            batch.append(again)
    with_dependants = [b for b in stored[60:] if b.dependants][:15]
    for original in with_dependants:  # a wife registered as a dependant now comes as a holder
        wife = maker.next()
        wife.name = copy.deepcopy(original.dependants[0].name)
        wife.date_of_birth = original.dependants[0].date_of_birth
        wife.sex = original.dependants[0].sex
        batch.append(wife)
    batch += generate(40, seed=99)
    return batch


def _ids(matches):
    return [(m.existing.record_id, m.kind, m.certain, m.score) for m in matches]


def test_batch_check_finds_what_the_forms_check_finds(store):
    batch = _new_batch(store)
    check = store.beneficiaries.batch_duplicates(batch)
    found = 0
    for i, record in enumerate(batch):
        expected = store.beneficiaries.possible_duplicates(record)
        assert _ids(check.matches(i)) == _ids(expected), (i, record.name.full())
        found += bool(expected)
    assert found >= 40  # the batch is mostly duplicates: the comparison is not vacuous


def test_earlier_records_of_the_batch_are_candidates_once_accepted(store):
    first, second = generate(2, seed=4242)
    twin = copy.deepcopy(first)
    twin.record_id = "twin"
    twin.national_number = second.national_number  # not found by number: by name and birth
    twin.dependants = []
    check = store.beneficiaries.batch_duplicates([first, twin])
    assert check.matches(0) == [] and check.matches(1) == []
    check.accept(0)
    matches = check.matches(1)
    assert [m.existing.record_id for m in matches] == [first.record_id]
    assert matches[0].kind == "name_and_birth"
