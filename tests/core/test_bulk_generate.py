"""#11 item 8: the bulk build with its Python half in a helper process writes exactly what
`bulk_add` of the same synthetic stream writes (records, dependants, name indexes, counters),
and a helper that dies is reported instead of waited for."""

from __future__ import annotations

import pytest

from fundclient.domain.synthetic import generate, iter_generate_streams
from fundclient.storage import bulk

from offices import new_office as _office


def _contents(store):
    with store.read() as conn:
        return (conn.exec_driver_sql("SELECT record_id, national_number, name_norm, name_pairs FROM beneficiaries"
                                     " ORDER BY id").fetchall(),
                conn.exec_driver_sql("SELECT dependant_id, name_pairs FROM dependants ORDER BY id").fetchall(),
                store.counters(),
                conn.exec_driver_sql("SELECT id, word FROM name_words ORDER BY id").fetchall(),
                conn.exec_driver_sql("SELECT * FROM name_ends ORDER BY ends, person").fetchall(),
                conn.exec_driver_sql("SELECT * FROM name_heads ORDER BY heads, last, person").fetchall())


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


def _every_row(store):
    """Every row of the record tables (the revision's save time aside: each build's own), the
    name indexes' answers, the counters and the names' vocabulary."""
    out = []
    with store.read() as conn:
        for table in ("beneficiaries", "revisions", "dependants"):
            cursor = conn.connection.driver_connection.execute(f"SELECT * FROM {table} ORDER BY rowid")
            names = [c[0] for c in cursor.description]
            out.append([tuple(v for n, v in zip(names, row) if n != "saved_at") for row in cursor.fetchall()])
        for fts in ("names_fts", "dependant_names_fts"):
            out.append(conn.exec_driver_sql(f"SELECT rowid, name_norm, name_phon, name_pairs FROM {fts}"
                                            f" WHERE {fts} MATCH 'محمد OR علي OR الشيباني' ORDER BY rowid").fetchall())
    return out, _contents(store)


@pytest.mark.parametrize("helpers, part_lines", [(1, 400), (2, 150)])
def test_a_build_from_a_legacy_list_equals_bulk_add_of_its_records(tmp_path, helpers, part_lines):
    """bulk_load: helper processes read the list (JSON lines, the stored form), type each
    line and make the rows, handing each batch over in parts; the store equals `bulk_add`
    of the same records in the same batches row by row."""
    records = generate(1_100, seed=12, near_duplicate_rate=0.05, sibling_rate=0.3)
    listed = tmp_path / "legacy.jsonl"
    assert bulk.write_list(listed, records) == 1_100
    one, two = _office(tmp_path / "one"), _office(tmp_path / "two")
    try:
        seen = []
        assert bulk.bulk_load(one, listed, by="admin", batch_size=400, helpers=helpers, part_lines=part_lines,
                              progress=seen.append) == 1_100
        assert seen == [400, 800, 1_100]
        bulk.bulk_add(two, records, by="admin", batch_size=400)
        first, second = _every_row(one), _every_row(two)
        assert first == second
        assert len(first[0][0]) == 1_100 and len(first[0][2]) > 1_100 and first[0][3] and first[0][4]
        person = records[777]
        assert one.beneficiaries.search_name(person.name.full())[0].record_id == person.record_id
        assert one.beneficiaries.get(person.record_id) == person
    finally:
        one.close()
        two.close()


def test_a_line_that_is_not_a_record_is_named_and_the_batches_before_it_stay(tmp_path):
    from fundclient.storage.errors import ImportFileUnreadable
    from fundclient.storage.records_json import dump

    records = generate(30, seed=13)
    listed = tmp_path / "legacy.jsonl"
    lines = [dump(r) for r in records]
    lines[23] = '{"national_number": 12, "name": "not a name"'  # cut short
    listed.write_text("\n".join(lines[:10]) + "\n\n" + "\n".join(lines[10:]) + "\n", encoding="utf-8")
    store = _office(tmp_path / "office")
    try:
        with pytest.raises(ImportFileUnreadable) as caught:
            bulk.bulk_load(store, listed, by="admin", batch_size=10)
        assert "line 25 " in str(caught.value)  # the blank line 11 counts as a line
        # Lines 1-10 and 11-20 written (19 records, each batch its own transaction); 21-30 refused whole.
        assert store.beneficiaries.count() == 19
    finally:
        store.close()


def test_the_writer_collects_garbage_less_often_while_it_writes_a_build_then_as_before(tmp_path):
    """While `bulk_load` writes (its progress told after each batch), this process's collector runs
    at a helper's thresholds (`HELPER_GC_THRESHOLD`); afterwards its own are back — also when the
    build stops on a bad line."""
    import gc

    from fundclient.storage.errors import ImportFileUnreadable

    records = generate(40, seed=14)
    listed = tmp_path / "legacy.jsonl"
    bulk.write_list(listed, records)
    store = _office(tmp_path / "office")
    before = gc.get_threshold()
    try:
        gc.set_threshold(900, 11, 12)
        seen = []
        assert bulk.bulk_load(store, listed, by="admin", batch_size=20,
                              progress=lambda done: seen.append(gc.get_threshold())) == 40
        assert seen == [bulk.HELPER_GC_THRESHOLD] * 2 and gc.get_threshold() == (900, 11, 12)
        bad = tmp_path / "bad.jsonl"
        bulk.write_list(bad, generate(30, seed=15))
        bad.write_text(bad.read_text(encoding="utf-8") + "not a record\n", encoding="utf-8")
        with pytest.raises(ImportFileUnreadable):
            bulk.bulk_load(store, bad, by="admin", batch_size=20)
        assert gc.get_threshold() == (900, 11, 12)
    finally:
        gc.set_threshold(*before)
        store.close()
