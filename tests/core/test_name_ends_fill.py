"""An office that held records before migration 0010 gets its `name_ends` rows at the store's
opening (`storage.name_ends_fill` through `storage.opening_upgrade`), not inside the migration:
in slices of holders, staged by key range and filed in key order, its progress told to the
opening thread, and — killed half-way (SIGKILL) — finished by the next opening from its note.
The table then equals the one the triggers keep for a store built fresh, and two-word searches
answer alike."""

from __future__ import annotations

from functools import partial

from fundclient.domain.synthetic import generate
from fundclient.storage import bulk, migrate, name_ends_fill, upgrade_progress
from fundclient.storage.name_ends_fill import NAME_ENDS, NAME_HEADS, NameEndsFill, PENDING_TABLE

from name_tables import expected, filed, kill_after_third_slice, leftovers
from offices import PASSWORD, new_office, open_office

_filed, _heads = partial(filed, spec=NAME_ENDS), partial(filed, spec=NAME_HEADS)
_expected, _leftovers = partial(expected, spec=NAME_ENDS), partial(leftovers, spec=NAME_ENDS)


def test_the_migrations_note_both_name_tables_fill_for_an_office_with_records(tmp_path):
    office = tmp_path / "office"
    _office_from_before_0010(office, generate(3, seed=2))
    store = open_office(office)
    try:
        assert _heads(store) and _filed(store)
        with store.read() as conn:
            assert conn.exec_driver_sql("SELECT count(*) FROM sqlite_master WHERE name LIKE 'name_%_pending'"
                                        " OR name LIKE 'name_%_stage%'").scalar_one() == 0
    finally:
        store.close()


def _office_from_before_0010(path, records):
    """An office whose records were saved before the update that brought migration 0010."""
    store = new_office(path)
    try:
        bulk.bulk_add(store, records, by="admin", batch_size=50)
        migrate.downgrade(store._engines.writer, "0009")
        migrate.upgrade(store._engines.writer)  # 0010 notes the fill; the next opening does it
        with store.read() as conn:
            assert conn.exec_driver_sql("SELECT count(*) FROM name_ends").scalar_one() == 0
            assert conn.exec_driver_sql("SELECT count(*) FROM name_heads").scalar_one() == 0
        assert _leftovers(store) == [PENDING_TABLE]
    finally:
        store.close()


def test_the_fill_runs_at_the_opening_in_slices_with_progress_and_equals_the_triggers_table(tmp_path, monkeypatch):
    records = generate(23, seed=5)
    _office_from_before_0010(tmp_path / "office", records)
    monkeypatch.setattr(NameEndsFill, "slice", 10)  # ids 1..23: slices [0, 10), [10, 20), [20, 24)
    monkeypatch.setattr(name_ends_fill, "STAGE_ROWS", 30)  # 23 holders x 4 rows: four stages
    heard = []
    with upgrade_progress.reporting(lambda *event: heard.append(event)):
        store = open_office(tmp_path / "office")
    fresh = new_office(tmp_path / "fresh")  # the same people saved after the update: filed by the triggers
    try:
        assert heard[:5] == [("keys", 0, 23), ("keys", 9, 23), ("keys", 19, 23), ("keys", 23, 23), ("index", 23, 23)]
        # then the re-keying that the migrations after 0009 ask for, told the same way
        assert not heard[5:] or (heard[5] == ("keys", 0, 23) and heard[-1] == ("index", 23, 23)), heard
        assert _leftovers(store) == []
        filed = _filed(store)
        assert filed == _expected(store) and len(filed) == 23 + sum(len(r.dependants) for r in records)
        bulk.bulk_add(fresh, records, by="admin", batch_size=50)
        assert filed == _filed(fresh)
        assert _heads(store) == _heads(fresh) and len(_heads(store)) == len(filed)  # name_heads (0014) alike
        for record in records[::3]:
            for query in (f"{record.name.first} {record.name.family}", record.name.full()):
                assert ([(r.score, c.record_id, c.dependant_id) for r, c in store.beneficiaries.ranked_names(query, 10)]
                        == [(r.score, c.record_id, c.dependant_id) for r, c in fresh.beneficiaries.ranked_names(query, 10)])
    finally:
        store.close()
        fresh.close()
    heard.clear()
    with upgrade_progress.reporting(lambda *event: heard.append(event)):
        open_office(tmp_path / "office").close()
    assert heard == []  # filed: nothing to do, nothing said


def test_a_fill_killed_half_way_goes_on_from_its_note_at_the_next_opening(tmp_path):
    records = generate(30, seed=8)
    office = tmp_path / "office"
    _office_from_before_0010(office, records)
    flag = tmp_path / "flag"
    kill_after_third_slice(office, PASSWORD, flag)
    heard = []
    with upgrade_progress.reporting(lambda *event: heard.append(event)):
        store = open_office(office)
    try:
        # on from the note: holders 1..14 were staged before the kill, 15..30 now (default slices);
        # then the re-keying the migrations after 0009 ask for (if they do)
        assert heard[:3] == [("keys", 14, 30), ("keys", 30, 30), ("index", 30, 30)], heard
        assert _leftovers(store) == []
        assert _filed(store) == _expected(store)
    finally:
        store.close()
