"""The office's one-time re-keying at its opening (`storage.duplicate_rule`: an office from
before the duplicate keys, or keyed by an older rule): in slices, each committed with a note of
where it got to, so a process killed half-way (SIGKILL) leaves the next opening to go on from
the note; the progress is told to the opening thread's listener (`storage.upgrade_progress`)
and printed as a line by the CLI."""

from __future__ import annotations

import copy
import os
import signal
import subprocess
import sys
import time

from fundclient import storage
from fundclient.cli import main
from fundclient.domain.synthetic import generate
from fundclient.storage import duplicate_rule, upgrade_progress
from fundclient.storage.bulk import bulk_add
from offices import expected_keys, filed_keys

PASSWORD = "correct horse 1"


def _office(data_dir, records):
    storage.initialise(data_dir, "SEB", "admin", PASSWORD, "مدير النظام")
    store, _ = storage.open_store(data_dir, "admin", PASSWORD)
    try:
        bulk_add(store, records, by="admin", batch_size=50)
        _older_rule(store)
    finally:
        store.close()


def _older_rule(store):
    """Keys of an older rule: other keys, an older version number (as an update finds them)."""
    with store.writer_connection() as conn:
        conn.exec_driver_sql("UPDATE meta SET value = '1' WHERE name = ?", (duplicate_rule.META_ROW,))
        conn.exec_driver_sql("UPDATE beneficiaries SET dup_keys = 'x|old'")
        conn.exec_driver_sql("UPDATE dependants SET dup_keys = ''")


def _schema(store):
    with store.read() as conn:
        return sorted(conn.exec_driver_sql("SELECT type, name, sql FROM sqlite_master WHERE name LIKE '%duplicate_keys%'"
                                           ).fetchall())


def test_the_re_keying_tells_its_progress_to_the_opening_thread(tmp_path):
    records = generate(23, seed=41)
    _office(tmp_path, records)
    heard = []
    reference = tmp_path / "reference"
    storage.initialise(reference, "SEB", "admin", PASSWORD, "مدير النظام")
    original = duplicate_rule.SLICE, duplicate_rule.STAGE_ROWS
    duplicate_rule.SLICE, duplicate_rule.STAGE_ROWS = 10, 60  # 23 holders x 10 keys: four stages
    try:
        with upgrade_progress.reporting(lambda *event: heard.append(event)):
            store, _ = storage.open_store(tmp_path, "admin", PASSWORD)
    finally:
        duplicate_rule.SLICE, duplicate_rule.STAGE_ROWS = original
    try:
        # ids 1..23 in slices [0, 10), [10, 20), [20, 24): 9, 10 and 4 holders
        assert heard == [("keys", 0, 23), ("keys", 9, 23), ("keys", 19, 23), ("keys", 23, 23), ("index", 23, 23)]
        assert filed_keys(store) == expected_keys(records)
        with store.writer_connection() as conn:  # each commit flushed again (NORMAL while re-keying)
            assert conn.driver_connection.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL
        fresh, _ = storage.open_store(reference, "admin", PASSWORD)
        try:  # the stages gone, the triggers back: the schema of any office
            assert _schema(store) == _schema(fresh)
        finally:
            fresh.close()
        heard.clear()
    finally:
        store.close()
    with upgrade_progress.reporting(lambda *event: heard.append(event)):
        storage.open_store(tmp_path, "admin", PASSWORD)[0].close()
    assert heard == []  # current keys: nothing to do, nothing said


def test_the_cli_prints_the_upgrade_as_a_progress_line(tmp_path, capsys):
    records = generate(12, seed=42)
    _office(tmp_path, records)
    password = tmp_path / "pw"
    password.write_text(PASSWORD + "\n", encoding="utf-8")
    assert main(["--data-dir", str(tmp_path), "--lang", "en", "audit", "verify", "--user", "admin",
                 "--password-file", str(password)]) == 0
    err = capsys.readouterr().err
    assert "Preparing this office's records for the new version: 0 of 12 beneficiaries (0%)." in err, err
    assert "Preparing this office's records for the new version: 12 of 12 beneficiaries (100%)." in err, err
    assert "the last step (a few minutes)." in err, err
    store, _ = storage.open_store(tmp_path, "admin", PASSWORD)
    try:
        assert filed_keys(store) == expected_keys(records)
    finally:
        store.close()


_KILLED = """
import sys, time
from pathlib import Path
from fundclient.storage import duplicate_rule, open_store

duplicate_rule.SLICE = 20
duplicate_rule.HELPERS_FROM = 0  # helper processes, as on a large office

def after_slice(next_id):
    Path(sys.argv[3]).write_text(str(next_id))
    if next_id >= 60:
        time.sleep(120)  # killed here: three slices committed, the keys' indexes set aside

duplicate_rule.after_slice = after_slice
if __name__ == "__main__":
    open_store(Path(sys.argv[1]), "admin", sys.argv[2])
"""


def test_a_re_keying_killed_half_way_goes_on_from_its_note_at_the_next_opening(tmp_path):
    records = generate(150, seed=43)
    office, fresh, flag = tmp_path / "office", tmp_path / "fresh", tmp_path / "where"
    _office(office, records)
    storage.initialise(fresh, "SEB", "admin", PASSWORD, "مدير النظام")
    child = subprocess.Popen([sys.executable, "-c", _KILLED, str(office), PASSWORD, str(flag)],
                             env={**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}, start_new_session=True)
    try:
        deadline = time.monotonic() + 120
        while not (flag.exists() and flag.read_text() == "60") and child.poll() is None \
                and time.monotonic() < deadline:
            time.sleep(0.1)
        assert flag.read_text() == "60", "the re-keying never committed its third slice"
    finally:
        os.killpg(child.pid, signal.SIGKILL)  # the opening process and its helpers
        child.wait()
    assert child.returncode == -signal.SIGKILL

    heard = []
    with upgrade_progress.reporting(lambda *event: heard.append(event)):
        store, _ = storage.open_store(office, "admin", PASSWORD)
    try:
        # on from the note: the three slices written before the kill (ids 1..59) are not made again
        assert heard[0] == ("keys", 59, 150) and heard[-1] == ("index", 150, 150), heard
        assert filed_keys(store) == expected_keys(records)
        with store.read() as conn:
            assert duplicate_rule.is_current(conn.driver_connection)
        reference, _ = storage.open_store(fresh, "admin", PASSWORD)
        try:
            assert _schema(store) == _schema(reference)  # indexes and triggers back, the note gone
        finally:
            reference.close()
        twin = copy.deepcopy(records[77])  # found by its keys alone: no number, a new record
        twin.record_id, twin.national_number, twin.dependants = "twin", "", []
        assert store.beneficiaries.possible_duplicates(twin)[0].existing.record_id == records[77].record_id
    finally:
        store.close()


def test_a_persons_keys_are_removed_through_the_primary_key(tmp_path):
    """Migration 0013: the keys' tables are clustered by (key, person), no other index; the
    triggers remove a changed or deleted person's keys by the row's own keys (`dup_keys`),
    through the primary key — no scan of the table."""
    records = generate(3, seed=44)
    _office(tmp_path, records)
    store, _ = storage.open_store(tmp_path, "admin", PASSWORD)
    try:
        with store.read() as conn:
            indexes = [r[0] for r in conn.exec_driver_sql(
                "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name LIKE 'duplicate_keys%'"
                " AND sql IS NOT NULL").fetchall()]
            plans = [" ".join(r[-1] for r in conn.exec_driver_sql(
                f"EXPLAIN QUERY PLAN DELETE FROM {table} WHERE key IN"
                " (SELECT value FROM json_each('[' || ? || ']')) AND person = ?", ("1,2", 1)).fetchall())
                for table in ("duplicate_keys", "duplicate_keys_new")]
        assert indexes == []
        for plan in plans:
            assert "PRIMARY KEY" in plan and "SCAN duplicate_keys" not in plan, plan
        edited = store.beneficiaries.get(records[1].record_id)
        edited.name.family = "القذافي"
        edited.dependants = edited.dependants[1:]
        store.beneficiaries.update(edited, by="admin")
        records[1] = store.beneficiaries.get(records[1].record_id)
        assert filed_keys(store) == expected_keys(records)
    finally:
        store.close()


def test_an_office_of_rule_2_is_upgraded_by_migration_0013_and_keyed_again(tmp_path):
    """An office at migration 0012 keyed by rule 2 (text keys in rows and tables), even one whose
    rule-2 re-keying was left half-done (its note and a stage): migration 0013 drops the old
    tables and the note, and the opening files every person by rule 3 — the schema of a new
    office, the form finding by the new keys."""
    from fundclient.storage import migrate
    from fundclient.storage.engine import Engines
    from fundclient.storage.files import db_path

    records = generate(20, seed=46)
    storage.initialise(tmp_path, "SEB", "admin", PASSWORD, "مدير النظام")
    store, _ = storage.open_store(tmp_path, "admin", PASSWORD)
    key = store.db_key
    try:
        bulk_add(store, records, by="admin", batch_size=50)
    finally:
        store.close()
    engines = Engines(db_path(tmp_path), key)
    try:
        migrate.downgrade(engines.writer, "0012")
        with engines.writer.begin() as conn:  # rule 2's text keys, a half-done rule-2 re-keying
            conn.exec_driver_sql("UPDATE beneficiaries SET dup_keys = 'd|1980-01-01|مد c|1980-01-__|س|مد'")
            conn.exec_driver_sql("INSERT INTO meta (name, value) VALUES (?, '2')", (duplicate_rule.META_ROW,))
            conn.exec_driver_sql("CREATE TABLE duplicate_keys_pending (kind TEXT NOT NULL, name TEXT NOT NULL,"
                                 " sql TEXT NOT NULL)")
            conn.exec_driver_sql("INSERT INTO duplicate_keys_pending VALUES ('next', '', '7'), ('bounds', '', '[\"m\"]')")
            conn.exec_driver_sql("CREATE TABLE duplicate_keys_stage_000 (key TEXT NOT NULL, person INTEGER NOT NULL)")
            conn.exec_driver_sql("INSERT INTO duplicate_keys_stage_000 VALUES ('d|1980-01-01|مد', 1)")
        assert migrate.current_revision(engines.reader) == "0012"
    finally:
        engines.dispose()
    reference = tmp_path / "reference"
    storage.initialise(reference, "SEB", "admin", PASSWORD, "مدير النظام")
    store, _ = storage.open_store(tmp_path, "admin", PASSWORD)
    try:
        assert filed_keys(store) == expected_keys(records)
        fresh, _ = storage.open_store(reference, "admin", PASSWORD)
        try:
            assert _schema(store) == _schema(fresh)
        finally:
            fresh.close()
        with store.read() as conn:
            assert conn.exec_driver_sql("SELECT count(*) FROM beneficiaries WHERE dup_keys LIKE '%|%'").scalar_one() == 0
        with store.writer_connection() as conn:  # the old tables freed fast by 0013; ON again for everything else
            assert conn.driver_connection.execute("PRAGMA secure_delete").fetchone()[0] == 1
        twin = copy.deepcopy(records[5])
        twin.record_id, twin.national_number, twin.dependants = "twin", "", []
        assert [m.existing.record_id for m in store.beneficiaries.possible_duplicates(twin)][:1] \
            == [records[5].record_id]
    finally:
        store.close()
