"""#11 item 8: the bulk build with its Python half in a helper process writes exactly what
`bulk_add` of the same synthetic stream writes (records, dependants, name indexes, counters),
and a helper that dies is reported instead of waited for."""

from __future__ import annotations

import pytest

from fundclient import storage
from fundclient.domain.synthetic import generate, iter_generate_streams
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
                store.counters(),
                conn.exec_driver_sql("SELECT id, word FROM name_words ORDER BY id").fetchall())


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


def test_several_helpers_build_independent_streams_a_benchmark_can_regenerate(tmp_path):
    one, two = _office(tmp_path / "one"), _office(tmp_path / "two")
    try:
        assert bulk.bulk_generate(one, 1_300, seed=5, near_duplicate_rate=0.05, by="admin", batch_size=300,
                                  helpers=3) == 1_300
        streams = list(iter_generate_streams(1_300, 5, streams=3, batch_size=300, near_duplicate_rate=0.05))
        bulk.bulk_add(two, streams, by="admin", batch_size=300)
        assert _contents(one) == _contents(two)
        assert len({b.record_id for b in streams}) == 1_300
        # The streams are not the one-helper stream (each is seeded on its own).
        assert [b.record_id for b in streams[:300]] != [b.record_id for b in generate(300, seed=5)]
        person = streams[1_000]
        assert one.beneficiaries.search_name(person.name.full())[0].record_id == person.record_id
    finally:
        one.close()
        two.close()


def test_the_bulk_path_writes_what_the_per_row_triggers_write(tmp_path):
    """insert_rows sets the triggers aside (FTS, counters, the names' vocabulary `name_words`)
    and does their work once per batch: the same rows, index contents, counters and words
    with the same ids as the same rows inserted with the triggers at work."""
    from fundclient.storage.rows import INSERT_CURRENT, INSERT_DEPENDANT, INSERT_REVISION

    one, two = _office(tmp_path / "one"), _office(tmp_path / "two")
    try:
        bulk.bulk_add(one, generate(60, seed=9), by="admin", batch_size=25)
        records = generate(60, seed=9)
        for start in range(0, 60, 25):
            holders, revisions, dependants = bulk.record_rows(records[start:start + 25], "admin", "2026-01-01")
            with two.write("admin", "import", bulk=True, rows=len(holders)) as tx:
                cursor = tx.conn.connection.driver_connection.cursor()
                cursor.executemany(INSERT_CURRENT, holders)
                cursor.executemany(INSERT_REVISION, revisions)
                cursor.executemany(INSERT_DEPENDANT, dependants)
        assert _contents(one) == _contents(two)
        with one.read() as a, two.read() as b:
            triggers = [c.exec_driver_sql("SELECT name, sql FROM sqlite_master WHERE type = 'trigger' ORDER BY name")
                        .fetchall() for c in (a, b)]
            fts = [c.exec_driver_sql("SELECT rowid, name_norm FROM dependant_names_fts WHERE dependant_names_fts"
                                     " MATCH 'محمد' ORDER BY rowid").fetchall() for c in (a, b)]
            words = a.exec_driver_sql("SELECT count(*) FROM name_words").scalar_one()
        assert triggers[0] == triggers[1]  # every trigger put back as it was
        assert fts[0] == fts[1] and fts[0]
        assert words > 50
        bulk.bulk_add(one, generate(5, seed=10), by="admin")  # triggers found again next batch
        with one.read() as a:
            assert a.exec_driver_sql("SELECT count(*) FROM name_words").scalar_one() >= words
    finally:
        one.close()
        two.close()
