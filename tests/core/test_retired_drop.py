"""Migration 0013 retires rule 2's duplicate-key tables instead of dropping them inside Alembic
(review finding 1), and the store's opening drops them in slices (`storage.retired_drop`, one of
the opening's upgrades): the migration only renames the table and turns its index into a table of
its own (the rows intact, `PRAGMA integrity_check` clean); the opening empties each in slices with
its progress told first (stage SPACE), then re-keys the office into the pages it freed (the file
does not grow); killed half-way (SIGKILL), the next opening goes on from what was left."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import pytest

from fundclient.domain.synthetic import generate
from fundclient.storage import bulk, duplicate_rule, migrate, retired_drop, upgrade_progress
from fundclient.storage.errors import IndexNotRetirable

from offices import PASSWORD, expected_keys, filed_keys, new_office, open_office

KEYS_PER_PERSON = 15  # rule 2 filed ~15 text keys a person
# Only so that a hung child fails the test instead of blocking the run — no assertion about speed:
# generous, and under pytest's per-test timeout (600 s, pyproject) so the failure says what hung.
HANG_GUARD = 480


def _engines(path):
    from fundclient.storage.engine import Engines
    from fundclient.storage.files import db_path
    from fundclient.storage.keystore import Keystore

    return Engines(db_path(path), Keystore(path).unlock_keys("admin", PASSWORD)[0])


def _office_of_rule_2(path, records) -> tuple[int, int]:
    """An office as the version before 0013 left it: rule 2's text keys in every row and in its
    tables (`duplicate_keys` with its unique index, a few in the small table of 0012), rule 2
    noted. Returns how many keys each table holds."""
    store = new_office(path)
    try:
        bulk.bulk_add(store, records, by="admin", batch_size=50)
    finally:
        store.close()
    engines = _engines(path)
    try:
        migrate.downgrade(engines.writer, "0012")
        with engines.writer.begin() as conn:  # the triggers of 0012 file each row's text keys
            conn.exec_driver_sql("INSERT OR REPLACE INTO meta (name, value) VALUES (?, '2')", (duplicate_rule.META_ROW,))
            for table, sign in (("beneficiaries", 1), ("dependants", -1)):
                conn.exec_driver_sql(
                    f"UPDATE {table} SET dup_keys = (SELECT group_concat('k' || n.value || '|' || ({sign} * {table}.id)"
                    f" || '|1980-01-01|مد', ' ') FROM json_each('[{','.join(map(str, range(KEYS_PER_PERSON)))}]') n)")
            conn.exec_driver_sql("INSERT INTO duplicate_keys SELECT key, person FROM duplicate_keys_new")
            conn.exec_driver_sql("DELETE FROM duplicate_keys_new WHERE rowid % 10 != 0")  # a few not moved yet
            return tuple(conn.exec_driver_sql(f"SELECT count(*) FROM {t}").scalar_one()
                         for t in ("duplicate_keys", "duplicate_keys_new"))
    finally:
        engines.dispose()


def _tables(store) -> dict[str, str]:
    with store.read() as conn:
        return dict(conn.exec_driver_sql("SELECT name, type FROM sqlite_master WHERE name LIKE 'retired%'"
                                         " OR name LIKE 'duplicate_keys%' AND type IN ('table', 'index')").fetchall())


def _schema(store) -> list[tuple]:
    """The whole schema: every table, index, trigger and view with its SQL (statistics left out:
    ANALYZE's tables are not the schema, and a fresh office has none)."""
    with store.read() as conn:
        return conn.exec_driver_sql("SELECT type, name, tbl_name, sql FROM sqlite_master"
                                    " WHERE name NOT LIKE 'sqlite_stat%' ORDER BY type, name").fetchall()


def _fresh_schema(path) -> list[tuple]:
    store = new_office(path)
    try:
        return _schema(store)
    finally:
        store.close()


def _pages(store) -> tuple[int, int]:
    with store.read() as conn:
        raw = conn.driver_connection
        return raw.execute("PRAGMA page_count").fetchone()[0], raw.execute("PRAGMA freelist_count").fetchone()[0]


def _integrity(store) -> str:
    with store.read() as conn:
        return conn.exec_driver_sql("PRAGMA integrity_check").scalar_one()


def test_migration_0013_retires_the_old_tables_with_their_rows_and_the_opening_drops_them(tmp_path, monkeypatch):
    records = generate(40, seed=51)
    big, small = _office_of_rule_2(tmp_path / "office", records)
    people = 40 + sum(len(r.dependants) for r in records)
    assert big == people * KEYS_PER_PERSON and 0 < small < big
    engines = _engines(tmp_path / "office")
    try:
        with engines.reader.connect() as conn:
            old_rows = sorted(conn.exec_driver_sql("SELECT rowid, key, person FROM duplicate_keys").fetchall())
            before_pages = conn.driver_connection.execute("PRAGMA page_count").fetchone()[0]
            before_free = conn.driver_connection.execute("PRAGMA freelist_count").fetchone()[0]
        migrate.upgrade(engines.writer)  # 0013 (and 0014) alone, as the opening runs them first
        with engines.reader.connect() as conn:
            raw = conn.driver_connection
            assert raw.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
            notes = raw.execute("SELECT name, key, total, done, dropped FROM retired_pending ORDER BY name").fetchall()
            # the keys' table and its unique index, the small table and its index: four retired b-trees
            assert sorted((n[1] == "rowid", n[3], n[4]) for n in notes) == [(False, 0, 0), (False, 0, 0),
                                                                             (True, 0, 0), (True, 0, 0)]
            assert raw.execute("SELECT count(*) FROM sqlite_master WHERE type = 'index' AND name LIKE"
                               " 'ix_duplicate_keys%'").fetchone()[0] == 0
            big_total = max(n[2] for n in notes)
            table, = [n[0] for n in notes if n[1] == "rowid" and n[2] == big_total]
            index, = [n[0] for n in notes if n[1] != "rowid" and n[2] == big_total]
            assert sorted(raw.execute(f"SELECT rowid, key, person FROM {table}").fetchall()) == old_rows
            # the index, now a table of its own: one entry (key, person, rowid) per row, in key order
            entries = raw.execute(f"SELECT c0, c1, rid FROM {index}").fetchall()
            assert entries == sorted((k, p, r) for r, k, p in old_rows)
            assert big_total >= len(old_rows)  # the estimate: the largest rowid
            # nothing freed: the migration did not walk the old tables' pages (its new tables took free ones)
            assert raw.execute("PRAGMA freelist_count").fetchone()[0] <= before_free
    finally:
        engines.dispose()

    monkeypatch.setattr(retired_drop, "SLICE_ROWS", 100)
    heard = []
    with upgrade_progress.reporting(lambda *event: heard.append(event)):
        store = open_office(tmp_path / "office")
    try:
        space = [e for e in heard if e[0] == upgrade_progress.SPACE]
        total = sum(n[2] for n in notes)
        assert space[0] == ("space", 0, total) and space[-1] == ("space", total, total)
        assert [e[1] for e in space] == sorted(e[1] for e in space) and len(space) > 2 * big // 100
        assert heard.index(space[-1]) < heard.index(("keys", 0, 40))  # dropped first, then re-keyed
        assert _tables(store) == {"duplicate_keys": "table", "duplicate_keys_new": "table"}
        # the whole schema a new office has (no stray index or trigger, no SQL rewritten by a rename)
        assert _schema(store) == _fresh_schema(tmp_path / "fresh")
        assert _integrity(store) == "ok"
        assert filed_keys(store) == expected_keys(records)
        with store.read() as conn:
            assert duplicate_rule.is_current(conn.driver_connection)
        pages, free = _pages(store)
        assert pages <= before_pages  # the new keys and name tables went into the pages the drop freed
        with store.writer_connection() as conn:
            assert conn.driver_connection.execute("PRAGMA secure_delete").fetchone()[0] == 1  # ON again
    finally:
        store.close()
    heard.clear()
    with upgrade_progress.reporting(lambda *event: heard.append(event)):
        open_office(tmp_path / "office").close()
    assert heard == []


def test_the_cli_prints_the_drop_then_the_re_keying_as_progress_lines(tmp_path, capsys, monkeypatch):
    from fundclient.cli import main

    _office_of_rule_2(tmp_path / "office", generate(12, seed=53))
    monkeypatch.setattr(retired_drop, "SLICE_ROWS", 50)
    password = tmp_path / "pw"
    password.write_text(PASSWORD + "\n", encoding="utf-8")
    assert main(["--data-dir", str(tmp_path / "office"), "--lang", "en", "audit", "verify", "--user", "admin",
                 "--password-file", str(password)]) == 0
    lines = [line for line in capsys.readouterr().err.splitlines() if line.startswith("Preparing")]
    removing = [i for i, line in enumerate(lines) if "removing data it no longer uses" in line]
    assert lines[removing[0]].startswith("Preparing this office's records for the new version: removing data it"
                                         " no longer uses (0%)."), lines
    assert "(100%)" in lines[removing[-1]] and len(removing) >= 3, lines  # a line per tenth (not a terminal)
    assert "0 of 12 beneficiaries (0%)" in lines[removing[-1] + 1], lines  # then the keys, on lines of their own


_KILLED = """
import sys, time
from pathlib import Path
from fundclient.storage import open_store, retired_drop

retired_drop.SLICE_ROWS = 100
slices = [0]

def after_slice(next_id):
    slices[0] += 1
    Path(sys.argv[3]).write_text(str(slices[0]))
    if slices[0] >= 5:
        time.sleep(900)  # killed here: five slices removed and noted (the sleep only bounds an orphan's life)

retired_drop.after_slice = after_slice
if __name__ == "__main__":
    open_store(Path(sys.argv[1]), "admin", sys.argv[2])
"""


def test_a_drop_killed_half_way_goes_on_at_the_next_opening(tmp_path):
    records = generate(30, seed=52)
    big, small = _office_of_rule_2(tmp_path / "office", records)
    flag = tmp_path / "slices"
    child = subprocess.Popen([sys.executable, "-c", _KILLED, str(tmp_path / "office"), PASSWORD, str(flag)],
                             env={**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}, start_new_session=True,
                             stderr=subprocess.PIPE)
    try:
        started = time.monotonic()
        while not (flag.exists() and flag.read_text() == "5"):
            assert child.poll() is None, child.stderr.read().decode()[-3000:]
            if time.monotonic() - started > HANG_GUARD:
                pytest.fail(f"hang guard, not a speed check: the child did not reach the drop's fifth slice in"
                            f" {HANG_GUARD} s (it ends in seconds even on a loaded machine)")
            time.sleep(0.05)
    finally:
        os.killpg(child.pid, signal.SIGKILL)
        child.wait()
    assert child.returncode == -signal.SIGKILL

    heard = []
    with upgrade_progress.reporting(lambda *event: heard.append(event)):
        store = open_office(tmp_path / "office")
    try:
        space = [e for e in heard if e[0] == upgrade_progress.SPACE]
        assert space[0][1] == 500, space[:3]  # on from the note: five slices of 100 rows were kept
        assert space[-1][1] == space[-1][2] >= 2 * (big + small)
        assert _tables(store) == {"duplicate_keys": "table", "duplicate_keys_new": "table"}
        assert _integrity(store) == "ok"
        assert filed_keys(store) == expected_keys(records)
    finally:
        store.close()


def test_a_new_office_has_nothing_retired(tmp_path):
    store = new_office(tmp_path / "office")
    try:
        assert _tables(store) == {"duplicate_keys": "table", "duplicate_keys_new": "table"}
    finally:
        store.close()


def test_retire_drops_an_empty_table_at_once_and_refuses_an_index_not_in_its_columns_order(tmp_path):
    import pytest
    import sqlcipher3

    conn = sqlcipher3.connect(str(tmp_path / "plain.db"), isolation_level=None)
    try:
        conn.execute("CREATE TABLE empty (a TEXT, b INTEGER)")
        conn.execute("CREATE INDEX ix_empty ON empty (a)")
        conn.execute("CREATE TABLE t (a TEXT, b INTEGER)")
        conn.execute("CREATE INDEX ix_t ON t (a DESC, b)")
        conn.execute("INSERT INTO t VALUES ('x', 1)")
        conn.execute("BEGIN")
        assert retired_drop.retire(conn.execute, "empty") == []
        assert retired_drop.retire(conn.execute, "missing") == []
        with pytest.raises(IndexNotRetirable, match="ix_t") as refused:  # a descending b-tree: no table's order
            retired_drop.retire(conn.execute, "t")
        assert refused.value.index == "ix_t" and refused.value.code == "index_not_retirable"
        assert "ix_t" in refused.value.message.text("ar") != refused.value.message.en  # the catalogue's, translated
        conn.execute("ROLLBACK")
        conn.execute("DROP INDEX ix_t")
        conn.execute("CREATE INDEX ix_t ON t (a COLLATE NOCASE)")
        conn.execute("BEGIN")
        with pytest.raises(IndexNotRetirable, match="ix_t"):
            retired_drop.retire(conn.execute, "t")
        conn.execute("ROLLBACK")
        conn.execute("BEGIN")
        assert retired_drop.retire(conn.execute, "empty") == []
        conn.execute("COMMIT")
        assert conn.execute("SELECT name FROM sqlite_master ORDER BY name").fetchall() == [("ix_t",), ("t",)]
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    finally:
        conn.close()
