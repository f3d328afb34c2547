"""Alembic migrations: from an empty DB and from every earlier revision, data kept."""

from __future__ import annotations

import os

import pytest
from alembic.script import ScriptDirectory

from fundclient.storage import migrate
from fundclient.storage.engine import Engines
from fundclient.storage.name_ends_fill import NAME_HEADS, PENDING_TABLE, fill_here
from fundclient.storage.search_keys import name_heads, name_pairs_from_norm

KEY = os.urandom(32)


def _revisions() -> list[str]:
    script = ScriptDirectory.from_config(migrate.alembic_config())
    return [r.revision for r in reversed(list(script.walk_revisions()))]


def test_there_are_several_revisions():
    assert len(_revisions()) >= 2 and _revisions()[-1] == migrate.head_revision()


def test_empty_database_to_head(tmp_path):
    engines = Engines(tmp_path / "db", KEY)
    migrate.upgrade(engines.writer)
    assert migrate.current_revision(engines.reader) == migrate.head_revision()
    migrate.upgrade(engines.writer)  # idempotent
    engines.dispose()


@pytest.mark.parametrize("start", _revisions()[:-1])
def test_each_revision_to_head_keeps_data(tmp_path, start):
    engines = Engines(tmp_path / "db", KEY)
    migrate.upgrade(engines.writer, start)
    with engines.writer.begin() as conn:
        conn.exec_driver_sql(
            "INSERT INTO beneficiaries (record_id, revision, national_number, name_norm, created_at, updated_at)"
            " VALUES ('r1', 1, '119550123456', 'احمد محمد', '2026-01-01', '2026-01-01')")
        conn.exec_driver_sql("INSERT INTO revisions (record_id, revision, data, saved_at, saved_by)"
                             " VALUES ('r1', 1, '{}', '2026-01-01', 'a')")
        conn.exec_driver_sql("INSERT INTO dependants (record_id, dependant_id) VALUES ('r1', 'd1')")
    migrate.upgrade(engines.writer)
    with engines.writer.begin() as conn:  # what the store's opening does after the migrations, here at once
        noted = [conn.exec_driver_sql("SELECT count(*) FROM sqlite_master WHERE name = ?", (table,)).scalar_one()
                 for table in (PENDING_TABLE, NAME_HEADS.pending)]
        assert noted == [start < "0010", start < "0014"]  # rows written before 0010/0014: noted, filed at the opening
        fill_here(conn.driver_connection)
    with engines.reader.connect() as conn:
        assert conn.exec_driver_sql("SELECT national_number FROM beneficiaries").scalar_one() == "119550123456"
        counters = dict(conn.exec_driver_sql("SELECT name, value FROM counters").fetchall())
        hits = conn.exec_driver_sql("SELECT rowid FROM names_fts WHERE names_fts MATCH 'محمد'").fetchall()
        pairs = conn.exec_driver_sql("SELECT name_pairs FROM beneficiaries").scalar_one()
        ends = conn.exec_driver_sql("SELECT person, name_norm FROM name_ends ORDER BY person").fetchall()
        heads = conn.exec_driver_sql("SELECT heads, last, person, name_norm FROM name_heads ORDER BY person").fetchall()
        phon = conn.exec_driver_sql("SELECT name_phon FROM beneficiaries").scalar_one()
    assert ends == [(-1, ""), (1, "احمد محمد")]
    assert heads == [("x", "", -1, ""), (name_heads(phon, "احمد محمد")[0], "محمد", 1, "احمد محمد")]
    assert counters == {"records": 1, "dependants": 1, "pending_sync": 1, "revisions": 1}
    assert len(hits) == 1
    if start < "0003":  # rows written before the pair-keys revision are backfilled by it
        assert pairs == name_pairs_from_norm("احمد محمد") and pairs
    engines.dispose()


def test_downgrade_and_upgrade_again(tmp_path):
    engines = Engines(tmp_path / "db", KEY)
    migrate.upgrade(engines.writer)
    migrate.downgrade(engines.writer, _revisions()[0])
    assert migrate.current_revision(engines.reader) == _revisions()[0]
    migrate.upgrade(engines.writer)
    assert migrate.current_revision(engines.reader) == migrate.head_revision()
    engines.dispose()
