"""#11 item 8: a bulk build into an empty office sets the record tables' secondary indexes aside
and makes them once at the end (`storage.bulk_build`); the store it leaves has the schema of
any other office, every committed batch is searchable meanwhile, an office that already holds
records keeps its indexes, and a build killed half-way (SIGKILL) is finished at the next
opening of the store."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import pytest

from fundclient.domain.synthetic import generate
from fundclient.storage import bulk, bulk_build
from fundclient.storage.engine import BACKSTOP_PAGES, CACHE_KIB

from fundclient.storage.name_ends_fill import NAME_ENDS, NAME_HEADS
from fundclient.storage.search_keys import NAME_TABLES_TRIGGERS

from name_tables import expected, filed, pages_both_ways
from offices import PASSWORD
from offices import new_office as _office
from offices import open_office as _office_again


def _schema(store):
    with store.read() as conn:
        return conn.exec_driver_sql("SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY type, name").fetchall()


def _indexes(store):
    with store.read() as conn:
        return {name for (name,) in conn.exec_driver_sql(
            "SELECT name FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL").fetchall()}


def _duplicate_keys(store):
    with store.read() as conn:
        return conn.exec_driver_sql("SELECT key, person FROM duplicate_keys ORDER BY key, person").fetchall()


def _writer_settings(store):
    with store.writer_connection() as conn:
        raw = conn.driver_connection
        return (raw.execute("PRAGMA cache_size").fetchone()[0], raw.execute("PRAGMA wal_autocheckpoint").fetchone()[0],
                [raw.execute(f"SELECT v FROM {fts}_config WHERE k = 'hashsize'").fetchone()
                 for fts in bulk_build.FTS_TABLES], raw.execute("PRAGMA threads").fetchone()[0])


def test_an_empty_office_is_built_without_its_secondary_indexes_then_has_them_all(tmp_path):
    records = generate(900, seed=21, near_duplicate_rate=0.05, sibling_rate=0.3)
    listed = tmp_path / "legacy.jsonl"
    bulk.write_list(listed, records)
    store, fresh = _office(tmp_path / "built"), _office(tmp_path / "fresh")
    try:
        schema = _schema(fresh)
        secondary = {"ix_beneficiaries_national", "ix_beneficiaries_mobile", "ix_beneficiaries_created",
                     "ix_dependants_national", "ix_dependants_card"}
        kept = {"ix_revisions_pending", "ix_revisions_saved_at", "ix_revisions_attention"}  # cheap to keep
        assert secondary | kept <= _indexes(fresh)
        during = []

        def progress(done):
            # A batch committed: its records found by name already; the secondary indexes not there yet.
            person = records[done - 1]
            # The writer checkpoints after its commits meanwhile (the store's thread would never find the WAL free).
            during.append((done, _indexes(store) & (secondary | kept), _writer_settings(store)[1],
                           store.beneficiaries.search_name(person.name.full())[0].record_id == person.record_id))

        assert bulk.bulk_load(store, listed, by="admin", batch_size=300, progress=progress) == 900
        assert during == [(300, kept, bulk_build.BUILD_AUTOCHECKPOINT, True), (600, kept, bulk_build.BUILD_AUTOCHECKPOINT, True),
                          (900, kept, bulk_build.BUILD_AUTOCHECKPOINT, True)]
        assert _schema(store) == schema  # every index back as it was made, the note gone
        # The duplicate check's keys (a table clustered by its primary key, migration 0013): the
        # pairs the per-row triggers file (bulk_add of the same records into an office with its
        # indexes at work).
        bulk.bulk_add(fresh, records, by="admin", batch_size=300)
        assert _duplicate_keys(store) == _duplicate_keys(fresh) and len(_duplicate_keys(store)) > 900 * 3
        hits = store.beneficiaries.possible_duplicates(records[700])
        assert hits and hits == fresh.beneficiaries.possible_duplicates(records[700])
        # the cache, checkpoints, FTS buffer and sorter threads (a second core for the end's sorts) as they were
        assert _writer_settings(store) == (-CACHE_KIB, BACKSTOP_PAGES, [(bulk_build.FTS_DEFAULT_HASHSIZE,)] * 2, 0)
        person = records[444]
        hits = store.beneficiaries.by_national_number(person.national_number, include_dependants=False)
        assert [h.record_id for h in hits] == [person.record_id]
        with store.read() as conn:
            plan = conn.exec_driver_sql("EXPLAIN QUERY PLAN SELECT id FROM beneficiaries WHERE national_number = ?",
                                        (person.national_number,)).fetchall()
        assert "ix_beneficiaries_national" in str(plan)
    finally:
        store.close()
        fresh.close()


def test_an_office_that_holds_records_keeps_its_indexes_during_a_build(tmp_path):
    store = _office(tmp_path / "office")
    try:
        bulk.bulk_add(store, generate(5, seed=30), by="admin")
        before = _schema(store)
        listed = tmp_path / "legacy.jsonl"
        bulk.write_list(listed, generate(400, seed=31))
        seen = []
        bulk.bulk_load(store, listed, by="admin", batch_size=200, progress=lambda done: seen.append(_schema(store)))
        # every index there throughout; only the build's note (for its FTS buffer) comes and goes
        assert [[row for row in schema if row[1] != bulk_build.PENDING_TABLE] for schema in seen] == [before, before]
        assert all(any(row[1] == bulk_build.PENDING_TABLE for row in schema) for schema in seen)
        assert _schema(store) == before
        assert store.counters()["records"] == 405
    finally:
        store.close()


def test_a_build_stopped_by_a_bad_line_still_makes_its_indexes(tmp_path):
    from fundclient.storage.errors import ImportFileUnreadable

    records = generate(30, seed=32)
    listed = tmp_path / "legacy.jsonl"
    bulk.write_list(listed, records)
    with open(listed, "ab") as out:
        out.write(b"[1, 2, 3]\n")
    store, fresh = _office(tmp_path / "office"), _office(tmp_path / "fresh")
    try:
        try:
            bulk.bulk_load(store, listed, by="admin", batch_size=10)
        except ImportFileUnreadable:
            pass
        else:
            raise AssertionError("a line that is not a record must stop the build")
        assert store.beneficiaries.count() == 30
        assert _schema(store) == _schema(fresh)
    finally:
        store.close()
        fresh.close()


_KILLED_BUILD = """
import sys, time
from pathlib import Path
from fundclient import storage
from fundclient.storage import bulk

store, _ = storage.open_store(Path(sys.argv[1]), "admin", sys.argv[2])

def progress(done):
    Path(sys.argv[4]).write_text(str(done))
    time.sleep(120)  # killed here, between two batches, the indexes still set aside

bulk.bulk_load(store, Path(sys.argv[3]), by="admin", batch_size=250, progress=progress)
"""


def test_a_build_killed_half_way_is_finished_at_the_next_opening(tmp_path):
    records = generate(1_000, seed=33)
    listed, flag = tmp_path / "legacy.jsonl", tmp_path / "one-batch-done"
    bulk.write_list(listed, records)
    office, fresh = tmp_path / "office", _office(tmp_path / "fresh")
    try:
        _office(office).close()
        child = subprocess.Popen([sys.executable, "-c", _KILLED_BUILD, str(office), PASSWORD, str(listed), str(flag)],
                                 env={**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}, start_new_session=True)
        try:
            deadline = time.monotonic() + 120
            while not flag.exists() and child.poll() is None and time.monotonic() < deadline:
                time.sleep(0.1)
            assert flag.exists(), "the build never committed its first batch"
            # another process opens the office while the build runs (the GUI beside a CLI build):
            # the build's lock tells it the build is alive — nothing of it is "finished" there
            beside = _office_again(office)
            try:
                assert _schema(beside) != _schema(fresh)  # the indexes still set aside
                assert bulk_build.finish_interrupted(beside) is False
            finally:
                beside.close()
        finally:
            os.killpg(child.pid, signal.SIGKILL)  # the build and its helper process
            child.wait()
        assert child.returncode == -signal.SIGKILL
        store = _office_again(office)
        try:
            assert _schema(store) == _schema(fresh)  # the indexes made, the note gone
            assert _writer_settings(store)[2] == [(bulk_build.FTS_DEFAULT_HASHSIZE,)] * 2
            assert store.beneficiaries.count() == 250
            # the name tables (empty while the build ran) filled from the 250 records written
            for spec in (NAME_ENDS, NAME_HEADS):
                assert filed(store, spec) == expected(store, spec) and len(filed(store, spec)) > 250
            person = records[123]
            assert store.beneficiaries.search_name(person.name.full())[0].record_id == person.record_id
            assert bulk_build.finish_interrupted(store) is False  # done once
        finally:
            store.close()
    finally:
        fresh.close()



def test_a_build_killed_on_an_office_with_records_gets_its_fts_buffer_back_at_the_next_opening(tmp_path):
    """No index is set aside on an office with records, but the FTS buffer was enlarged (kept
    in the FTS config table): the build's note is made there too, and the next opening puts the
    buffer back."""
    office = tmp_path / "office"
    store = _office(office)
    try:
        bulk.bulk_add(store, generate(20, seed=35), by="admin")
        assert bulk_build.start(store) is False  # records there: no index set aside ...
        assert _writer_settings(store)[2] == [(bulk_build.BUILD_FTS_HASHSIZE,)] * 2
    finally:
        store.close()  # ... and the build "killed": no finish
    store = _office_again(office)
    try:
        assert _writer_settings(store)[2] == [(bulk_build.FTS_DEFAULT_HASHSIZE,)] * 2
        assert bulk_build.finish_interrupted(store) is False
    finally:
        store.close()


def _name_tables(store) -> tuple[int, int, int]:
    """(rows of name_ends, rows of name_heads, their triggers in the schema)."""
    with store.read() as conn:
        return (conn.exec_driver_sql("SELECT count(*) FROM name_ends").scalar(),
                conn.exec_driver_sql("SELECT count(*) FROM name_heads").scalar(),
                conn.exec_driver_sql("SELECT count(*) FROM sqlite_master WHERE type = 'trigger' AND name IN"
                                     f" ({', '.join('?' * len(NAME_TABLES_TRIGGERS))})", NAME_TABLES_TRIGGERS).scalar())


def test_the_name_tables_stay_empty_during_a_build_and_are_filled_once_at_its_end(tmp_path, monkeypatch):
    """A build into an empty office files `name_ends` and `name_heads` once at its end (in their
    order, from every holder's and dependant's row) instead of in every batch: meanwhile they are
    empty — never half-filled, which could make the search's shortcut miss a better name — and the
    search asks the FTS indexes alone, which answer the same pages; after it, each holds what its
    triggers would have filed (bulk_add into an office with its triggers at work), and its
    triggers are back (a save files its rows again)."""
    records = generate(600, seed=36, near_duplicate_rate=0.05, sibling_rate=0.3)
    listed = tmp_path / "legacy.jsonl"
    bulk.write_list(listed, records)
    store, fresh = _office(tmp_path / "built"), _office(tmp_path / "fresh")
    try:
        queries = sorted({r.name.full() for r in records[:300:15]} | {f"{r.name.first} {r.name.family}"
                                                                       for r in records[:300:10]})
        during = []

        def progress(done):
            during.append((done, _name_tables(store)))
            if done == 300:
                quick, full, _ = pages_both_ways(store, queries, True, monkeypatch)
                monkeypatch.undo()
                during.append(quick == full and all(quick.values()))

        assert bulk.bulk_load(store, listed, by="admin", batch_size=300, progress=progress) == 600
        assert during == [(300, (0, 0, 0)), True, (600, (0, 0, 0))]
        bulk.bulk_add(fresh, records, by="admin", batch_size=300)
        for spec in (NAME_ENDS, NAME_HEADS):
            assert filed(store, spec) == filed(fresh, spec) == expected(store, spec)
        assert _name_tables(store) == _name_tables(fresh) == (len(filed(store, NAME_ENDS)),) * 2 + (12,)
        quick, full, _ = pages_both_ways(store, queries, True, monkeypatch)
        assert quick == full and all(quick.values())  # the tables at work again
        # the triggers are back: a later save files its rows
        person = generate(1, seed=37)[0]
        store.beneficiaries.add(person, by="admin")
        for spec in (NAME_ENDS, NAME_HEADS):
            assert filed(store, spec) == expected(store, spec)
    finally:
        store.close()
        fresh.close()


def _stopped_build(office, records, batch_size: int = 100) -> None:
    """`office` as a build stopped before its end leaves it (killed, power cut): the empty office's
    indexes and name tables' triggers set aside and noted, batches written, no end."""
    store = _office(office)
    try:
        assert bulk_build.start(store) is True
        bulk.bulk_add(store, records, by="admin", batch_size=batch_size)
    finally:
        store.close()


def _notes(store) -> list[str]:
    with store.read() as conn:
        if not conn.exec_driver_sql("SELECT 1 FROM sqlite_master WHERE name = ?", (bulk_build.PENDING_TABLE,)).first():
            return []
        return [name for (name,) in conn.exec_driver_sql(f"SELECT name FROM {bulk_build.PENDING_TABLE}").fetchall()]


@pytest.mark.parametrize("apart", [True, False], ids=["rows-made-apart", "rows-made-by-the-writer"])
def test_a_stopped_build_is_finished_at_the_next_opening_step_by_step_with_its_progress(tmp_path, monkeypatch, apart):
    """Review finding (2026-11-30): the next opening after a killed build made every index and both
    name tables in one transaction with no progress (~45 s at 1 M). Now it is one of the opening's
    upgrades (`opening_upgrade`, stage `BUILD`): each index, then each name table with its
    triggers, is a step of its own committed with its note; the share done is told after each
    (the sign-in window's bar, the CLI's line); the writer's turn is held from the first step to
    the last (no save between the rows the name tables are made from and their filing); the
    office is then the one a build that ran to its end leaves (schema, name tables)."""
    from fundclient import oslock
    from fundclient.storage import upgrade_progress
    from fundclient.storage.store import WRITER_LOCK_FILE

    records = generate(300, seed=38, near_duplicate_rate=0.05, sibling_rate=0.3)
    office, fresh = tmp_path / "office", _office(tmp_path / "fresh")
    try:
        _stopped_build(office, records)
        bulk.bulk_add(fresh, records, by="admin", batch_size=100)
        steps = []

        def after_step(done: int) -> None:  # on the opening's thread, the step committed
            with oslock.exclusive(office / WRITER_LOCK_FILE, wait=0) as free:  # another's try (its own descriptor)
                steps.append((done, free))

        monkeypatch.setattr(bulk_build, "after_slice", after_step)
        monkeypatch.setattr(bulk_build, "MADE_APART_AT_OPENING", apart)  # the name tables' rows on threads of their own, or not
        heard = []
        with upgrade_progress.reporting(lambda *event: heard.append(event)):
            store = _office_again(office)
        try:
            # five indexes set aside (beneficiaries: national, mobile, created; dependants: national, card), two tables
            assert steps == [(n, False) for n in range(1, 8)]
            assert {stage for stage, _, _ in heard} == {upgrade_progress.BUILD}
            total = heard[0][2]
            assert heard[0][1] == 0 and heard[-1][1:] == (total, total) and len(heard) == 8
            assert [done for _, done, _ in heard] == sorted({done for _, done, _ in heard})  # grows at every step
            assert _schema(store) == _schema(fresh) and _notes(store) == []
            for spec in (NAME_ENDS, NAME_HEADS):
                assert filed(store, spec) == filed(fresh, spec) == expected(store, spec)
            assert _writer_settings(store) == (-CACHE_KIB, BACKSTOP_PAGES, [(bulk_build.FTS_DEFAULT_HASHSIZE,)] * 2, 0)
        finally:
            store.close()
        heard.clear()
        with upgrade_progress.reporting(lambda *event: heard.append(event)):
            _office_again(office).close()
        assert heard == []  # done once
    finally:
        fresh.close()


def test_the_cli_prints_a_stopped_builds_end_as_a_progress_line(tmp_path, capsys):
    from fundclient.cli import main

    _stopped_build(tmp_path / "office", generate(40, seed=39), batch_size=20)
    password = tmp_path / "pw"
    password.write_text(PASSWORD + "\n", encoding="utf-8")
    assert main(["--data-dir", str(tmp_path / "office"), "--lang", "en", "audit", "verify", "--user", "admin",
                 "--password-file", str(password)]) == 0
    lines = [line for line in capsys.readouterr().err.splitlines() if line.startswith("Finishing")]
    said = ("Finishing the loading of this office's records from a list, which was stopped before its end"
            " ({percent}%). This happens once; keep the computer on.")
    assert lines[0] == said.format(percent=0), lines
    assert lines[-1] == said.format(percent=100), lines
    assert len(lines) >= 4, lines  # a line per tenth reached (not a terminal): seven steps
    store = _office_again(tmp_path / "office")
    try:
        assert _notes(store) == [] and store.beneficiaries.count() == 40
    finally:
        store.close()


_KILLED_END = """
import sys, time
from pathlib import Path
from fundclient.storage import bulk_build, open_store

def after_slice(done):
    Path(sys.argv[3]).write_text(str(done))
    if done >= 3:
        time.sleep(900)  # killed here: three steps committed (the sleep only bounds an orphan's life)

bulk_build.after_slice = after_slice
if __name__ == "__main__":
    open_store(Path(sys.argv[1]), "admin", sys.argv[2])
"""


def test_a_stopped_builds_end_killed_half_way_goes_on_at_the_next_opening(tmp_path):
    """The end at an opening killed after three of its seven steps (SIGKILL): the next opening does
    the four left — its progress counts those — and the office is the one a whole end leaves."""
    from fundclient.storage import upgrade_progress

    records = generate(200, seed=40, sibling_rate=0.3)
    office, flag, fresh = tmp_path / "office", tmp_path / "steps", _office(tmp_path / "fresh")
    try:
        _stopped_build(office, records)
        bulk.bulk_add(fresh, records, by="admin", batch_size=100)
        child = subprocess.Popen([sys.executable, "-c", _KILLED_END, str(office), PASSWORD, str(flag)],
                                 env={**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}, start_new_session=True,
                                 stderr=subprocess.PIPE)
        try:
            deadline = time.monotonic() + 120
            while not (flag.exists() and flag.read_text() == "3") and time.monotonic() < deadline:
                assert child.poll() is None, child.stderr.read().decode()[-3000:]
                time.sleep(0.1)
            assert flag.read_text() == "3"
        finally:
            os.killpg(child.pid, signal.SIGKILL)
            child.wait()
        heard = []
        with upgrade_progress.reporting(lambda *event: heard.append(event)):
            store = _office_again(office)
        try:
            assert len(heard) == 1 + 4  # the start, then the four steps left
            assert _schema(store) == _schema(fresh) and _notes(store) == []
            for spec in (NAME_ENDS, NAME_HEADS):
                assert filed(store, spec) == filed(fresh, spec) == expected(store, spec)
        finally:
            store.close()
    finally:
        fresh.close()


def test_a_build_end_whose_in_memory_database_would_be_a_file_leaves_no_file_and_the_same_tables(tmp_path, monkeypatch):
    """Review finding (2026-11-30): the end's name-table rows are made in an in-memory database
    (`memdb`, plaintext, no key) named by a URI — read as one only because SQLite reads URI names
    here. Were it read as a file's path, the plaintext rows would be on the disk. The attached
    database is checked: a file is detached and removed at once, and the writer makes the rows
    itself — the same tables as a build whose rows were made in memory."""
    records = generate(300, seed=41, sibling_rate=0.3)
    listed = tmp_path / "legacy.jsonl"
    bulk.write_list(listed, records)
    as_files = tmp_path / "would-be-plaintext"
    as_files.mkdir()
    monkeypatch.setattr(bulk_build, "_memory_uri", lambda name: str(as_files / name))  # a plain path: a file
    monkeypatch.setattr(bulk_build, "MADE_APART", True)
    store = _office(tmp_path / "built")
    try:
        assert bulk.bulk_load(store, listed, by="admin", batch_size=100) == 300
        assert list(as_files.iterdir()) == []  # attached as files, then removed: none left
        for spec in (NAME_ENDS, NAME_HEADS):
            assert filed(store, spec) == expected(store, spec) and filed(store, spec)
    finally:
        store.close()


@pytest.mark.parametrize("one_at_a_time", [True, False], ids=["one-table-at-a-time", "both-at-once"])
def test_the_name_tables_rows_are_made_one_table_after_the_other_at_a_builds_end(tmp_path, monkeypatch,
                                                                                one_at_a_time):
    """At a build's end the name tables' rows are made on threads of their own while the writer
    makes the indexes (`_Made`), one table after the other (`MADE_ONE_AT_A_TIME`: one sort's memory
    at a time, ~0.8 GB less at 1 M): the second table's rows are begun only once the first's are
    made (and its connection's caches let go); the tables equal `bulk_add`'s either way."""
    records = generate(400, seed=39, near_duplicate_rate=0.05, sibling_rate=0.3)
    listed = tmp_path / "legacy.jsonl"
    bulk.write_list(listed, records)
    store, fresh = _office(tmp_path / "built"), _office(tmp_path / "fresh")
    import threading

    made = bulk_build.name_table_fill
    events = []
    begun = {table: threading.Event() for table in ("name_ends", "name_heads")}

    def fill(table, into=""):
        if into == bulk_build.MADE:  # on a `_Made` thread: its rows begun, then made
            events.append(("begun", table))
            begun[table].set()
            other = "name_heads" if table == "name_ends" else "name_ends"
            begun[other].wait(timeout=3)  # a second thread at work meanwhile, if any, begins first
            events.append(("made", table))
        return made(table, into)

    monkeypatch.setattr(bulk_build, "name_table_fill", fill)
    monkeypatch.setattr(bulk_build, "MADE_ONE_AT_A_TIME", one_at_a_time)
    try:
        assert bulk.bulk_load(store, listed, by="admin", batch_size=200) == 400
        bulk.bulk_add(fresh, records, by="admin", batch_size=200)
        assert sorted(events) == sorted([("begun", "name_ends"), ("made", "name_ends"),
                                         ("begun", "name_heads"), ("made", "name_heads")])
        sequential = [("begun", "name_ends"), ("made", "name_ends"), ("begun", "name_heads"), ("made", "name_heads")]
        assert (events == sequential) is one_at_a_time
        for spec in (NAME_ENDS, NAME_HEADS):
            assert filed(store, spec) == filed(fresh, spec) == expected(store, spec)
        assert _schema(store) == _schema(fresh)
    finally:
        store.close()
        fresh.close()
