"""An office that held records before migration 0014 gets its `name_heads` rows at the store's
opening (`storage.name_ends_fill.NameTableFill(NAME_HEADS)` through `storage.opening_upgrade`, the mechanism
`name_ends` uses), not inside the migration: in slices of holders, staged by key range and filed
in key order, its progress told to the opening thread, and — killed half-way (SIGKILL) — finished
by the next opening from its note. The table then equals the one the triggers keep for the same
people saved one by one, and three-word searches answer alike. A store created empty has no
fill to do."""

from __future__ import annotations

from dataclasses import replace
from functools import partial

from fundclient.domain.records import ArabicName
from fundclient.domain.synthetic import generate
from fundclient.storage import bulk, migrate, name_ends_fill, upgrade_progress
from fundclient.storage.name_ends_fill import NAME_HEADS, NameTableFill

from name_tables import expected, filed, kill_after_third_slice, leftovers
from offices import PASSWORD, new_office, open_office

_filed, _expected, _leftovers = (partial(f, spec=NAME_HEADS) for f in (filed, expected, leftovers))


def _people(count: int, seed: int):
    records = generate(count, seed=seed)
    records[0] = replace(records[0], name=ArabicName("خليفة", "", "", ""))  # one word: no second, last = first
    return records


def _office_from_before_0014(path, records):
    """An office whose records were saved before the update that brought migration 0014."""
    store = new_office(path)
    try:
        bulk.bulk_add(store, records, by="admin", batch_size=50)
        migrate.downgrade(store._engines.writer, "0013")
        migrate.upgrade(store._engines.writer)  # 0014 notes the fill; the next opening does it
        with store.read() as conn:
            assert conn.exec_driver_sql("SELECT count(*) FROM name_heads").scalar_one() == 0
        assert _leftovers(store) == [NAME_HEADS.pending]
    finally:
        store.close()


def test_the_fill_runs_at_the_opening_in_slices_with_progress_and_equals_the_saves_table(tmp_path, monkeypatch):
    records = _people(23, seed=6)
    _office_from_before_0014(tmp_path / "office", records)
    monkeypatch.setattr(NameTableFill, "slice", 10)  # ids 1..23: slices [0, 10), [10, 20), [20, 24)
    monkeypatch.setattr(name_ends_fill, "STAGE_ROWS", 30)  # 23 holders x 4 rows: four stages
    heard = []
    with upgrade_progress.reporting(lambda *event: heard.append(event)):
        store = open_office(tmp_path / "office")
    fresh = new_office(tmp_path / "fresh")  # the same people saved one by one after the update: the triggers
    try:
        assert heard == [("keys", 0, 23), ("keys", 9, 23), ("keys", 19, 23), ("keys", 23, 23), ("index", 23, 23)]
        assert _leftovers(store) == []
        filed = _filed(store)
        assert filed == _expected(store) and len(filed) == 23 + sum(len(r.dependants) for r in records)
        for record in records:
            fresh.beneficiaries.add(record, by="admin")
        assert filed == _filed(fresh)
        for record in records[1::3]:
            name = record.name
            for query in (name.full(), f"{name.first} {name.father} {name.family[:3]}"):
                assert ([(r.score, c.record_id, c.dependant_id) for r, c in store.beneficiaries.ranked_names(query, 10)]
                        == [(r.score, c.record_id, c.dependant_id) for r, c in fresh.beneficiaries.ranked_names(query, 10)])
    finally:
        store.close()
        fresh.close()
    heard.clear()
    with upgrade_progress.reporting(lambda *event: heard.append(event)):
        open_office(tmp_path / "office").close()
    assert heard == []  # filed: nothing to do, nothing said


def test_a_store_created_empty_has_no_fill_to_do(tmp_path):
    heard = []
    with upgrade_progress.reporting(lambda *event: heard.append(event)):
        store = new_office(tmp_path / "office")
    try:
        assert _leftovers(store) == []
        bulk.bulk_add(store, _people(5, seed=2), by="admin", batch_size=50)
        assert _filed(store) == _expected(store)
    finally:
        store.close()
    with upgrade_progress.reporting(lambda *event: heard.append(event)):
        open_office(tmp_path / "office").close()
    assert heard == []


def test_a_fill_killed_half_way_goes_on_from_its_note_at_the_next_opening(tmp_path):
    records = _people(30, seed=9)
    office = tmp_path / "office"
    _office_from_before_0014(office, records)
    flag = tmp_path / "flag"
    kill_after_third_slice(office, PASSWORD, flag)
    heard = []
    with upgrade_progress.reporting(lambda *event: heard.append(event)):
        store = open_office(office)
    try:
        # on from the note: holders 1..14 were staged before the kill, 15..30 now (default slices)
        assert heard == [("keys", 14, 30), ("keys", 30, 30), ("index", 30, 30)], heard
        assert _leftovers(store) == []
        assert _filed(store) == _expected(store)
    finally:
        store.close()
