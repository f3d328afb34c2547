"""#11 item 8: the bulk build with its Python half in a helper process writes exactly what
`bulk_add` of the same synthetic stream writes (records, dependants, name indexes, counters),
and a helper that dies is reported instead of waited for."""

from __future__ import annotations

import pytest

from fundclient import storage
from fundclient.domain.synthetic import generate
from fundclient.storage import bulk

PASSWORD = "correct horse 1"


def _office(path):
    storage.initialise(path, "SEB", "admin", PASSWORD, "مدير النظام")
    store, _ = storage.open_store(path, "admin", PASSWORD)
    return store


def _contents(store):
    with store.read() as conn:
        return (conn.exec_driver_sql("SELECT record_id, national_number, name_norm, name_pairs FROM beneficiaries"
                                     " ORDER BY id").fetchall(),
                conn.exec_driver_sql("SELECT dependant_id, name_pairs FROM dependants ORDER BY id").fetchall(),
                store.counters())


def test_helper_process_build_equals_bulk_add(tmp_path):
    one, two = _office(tmp_path / "one"), _office(tmp_path / "two")
    try:
        seen = []
        assert bulk.bulk_generate(one, 1_300, seed=5, near_duplicate_rate=0.05, by="admin", batch_size=500,
                                  progress=seen.append) == 1_300
        assert seen == [500, 1_000, 1_300]
        bulk.bulk_add(two, generate(1_300, seed=5, near_duplicate_rate=0.05), by="admin", batch_size=500)
        assert _contents(one) == _contents(two)
        person = generate(1_300, seed=5, near_duplicate_rate=0.05)[1_234]
        assert one.beneficiaries.search_name(person.name.full())[0].record_id == person.record_id
        assert one.beneficiaries.get(person.record_id) == two.beneficiaries.get(person.record_id)
    finally:
        one.close()
        two.close()


def test_a_helper_that_fails_is_an_error_not_a_hang(tmp_path):
    store = _office(tmp_path / "office")
    try:
        with pytest.raises(Exception):
            bulk.bulk_generate(store, 10, seed=1, by="admin", no_such_option=True)
        assert store.beneficiaries.count() == 0
    finally:
        store.close()
