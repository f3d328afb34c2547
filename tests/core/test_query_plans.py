"""No full scan on any path a person waits on or that runs after login, save or sync.

A real office session on a real encrypted store — login (with its housekeeping), the
status and attention counts the main window shows, registering with a photo and
dependants (duplicate check, save, seal), every kind of search, opening a record, an
edit, drafts, HQ's answers arriving (sync), the supervisor's day close — runs with every
SQL statement logged by SQLite's trace callback, set on each pooled connection as it is handed
out (storage/engine.py's CHECKOUT_HOOKS), whether it runs through `exec_driver_sql` or on the
connection's own DB-API cursor (the name search). Each statement is then explained
(`EXPLAIN QUERY PLAN`, with its own parameters, without ANALYZE statistics, as in the
field) and the test fails on any `SCAN` of beneficiaries, revisions, dependants, approvals or the
audit log: at a million records each one is seconds of a person's waiting.

Whole-table reads that are a command's purpose (backup, `audit verify`, export) are not
on these paths.
"""

from __future__ import annotations

import copy
import json
import re
from datetime import date

import pytest
import sqlcipher3

from fundclient import storage
from fundclient.domain.records import Photo
from fundclient.domain.synthetic import generate
from fundclient.services import dayclose, registration
from fundclient.services.session import login
from fundclient.storage.bulk import bulk_add
from fundclient.storage.engine import CHECKOUT_HOOKS
from fundclient.storage.reports import GROUPINGS

PASSWORD = "correct horse 1"
WATCHED = {"beneficiaries", "revisions", "dependants", "audit_log", "approvals", "name_ends", "name_heads"}
_ALIAS = re.compile(r"\b(?:FROM|JOIN)\s+(\w+)(?:\s+(?:AS\s+)?(?!ON\b|WHERE\b|JOIN\b|USING\b|LEFT\b|ORDER\b|GROUP\b"
                    r"|LIMIT\b|INNER\b|CROSS\b)(\w+))?", re.I)
_SKIP = re.compile(r"^\s*(PRAGMA|BEGIN|COMMIT|ROLLBACK|SAVEPOINT|RELEASE|CREATE|DROP|ALTER|ANALYZE|VACUUM|SELECT sqlcipher)",
                   re.I)


class QueryLog:
    """Every statement run on a pooled connection meanwhile — through `exec_driver_sql` or on
    the connection's own DB-API cursor (the search's hot path, the import's batches): SQLite's
    trace callback, set at each checkout, hands them over with their parameters bound into the
    text."""

    def __init__(self) -> None:
        self.statements: dict[str, tuple] = {}
        self._traced: list = []

    def _raw(self, statement: str) -> None:
        # Trigger bodies come as "-- …" comments; the checker's own EXPLAINs are not the session's.
        if not statement.startswith("--") and not statement.lstrip().upper().startswith("EXPLAIN"):
            self.statements.setdefault(statement, ())

    def _checkout(self, dbapi_connection) -> None:
        dbapi_connection.set_trace_callback(self._raw)
        self._traced.append(dbapi_connection)

    def __enter__(self) -> "QueryLog":
        CHECKOUT_HOOKS.append(self._checkout)
        return self

    def __exit__(self, *exc) -> None:
        CHECKOUT_HOOKS.remove(self._checkout)
        for connection in self._traced:
            try:
                connection.set_trace_callback(None)
            except Exception:  # closed meanwhile
                pass


def _is_partial(conn, index: str) -> bool:
    sql = conn.exec_driver_sql("SELECT sql FROM sqlite_master WHERE type = 'index' AND name = ?", (index,)).scalar()
    return bool(sql) and " WHERE " in sql.upper()


def full_scans(store, statements: dict[str, tuple]) -> list[str]:
    """`SCAN` of a watched table (by name or alias) in the plan of any logged statement."""
    found = []
    with store.read() as conn:
        for sql, params in list(statements.items()):
            if _SKIP.match(sql):
                continue
            aliases = {}
            for table, alias in _ALIAS.findall(sql):
                aliases[table.lower()] = table.lower()
                if alias:
                    aliases[alias.lower()] = table.lower()
            try:
                plan = conn.exec_driver_sql(f"EXPLAIN QUERY PLAN {sql}", params).fetchall()
            except sqlcipher3.dbapi2.Error:
                continue  # statements on temporary tables of another connection
            for row in plan:
                detail = row[-1]
                match = re.match(r"SCAN (\w+)", detail)
                partial = re.match(r"SCAN \w+ USING (?:COVERING )?INDEX (\w+)", detail)
                if partial and _is_partial(conn, partial.group(1)):
                    continue  # walks only the rows the index's WHERE keeps (e.g. the sent-back ones)
                if match and aliases.get(match.group(1).lower(), match.group(1).lower()) in WATCHED:
                    found.append(f"{detail}\n    in: {' '.join(sql.split())[:300]}")
    return found


@pytest.fixture
def office(data_dir):
    storage.initialise(data_dir, "SEB", "admin", PASSWORD, "مدير النظام", provisional_device_number=900)
    admin = login(data_dir, "admin", PASSWORD)
    admin.store.operators.add("clerk", PASSWORD, "clerk", full_name="موظف", by="admin")
    admin.store.operators.add("super", PASSWORD, "supervisor", full_name="مشرف", by="admin")
    # Enough records that a scan is a real choice for the planner.
    bulk_add(admin.store, generate(400, seed=3), by="admin")
    admin.close()
    return data_dir


def test_no_full_scan_after_login_save_search_and_sync(office):
    photo = Photo(data=(open(__file__, "rb").read()[:2000]), mime="image/jpeg")
    with QueryLog() as log:
        clerk = login(office, "clerk", PASSWORD)
        store = clerk.store
        # What the main window and status bar read after login and after every save/sync.
        store.counters()
        store.beneficiaries.pending_sync_count()
        store.beneficiaries.needing_attention()
        store.drafts.list("clerk")
        dayclose.returned_to_me(clerk)  # the "sent back to me" page, built right after login
        dayclose.returned_count(clerk)
        # Registering: duplicate lookups while typing, then the save (card numbers, seal).
        new, other = generate(2, seed=77)
        registration.duplicates(clerk, new)
        saved = registration.register(clerk, new, photo).result
        store.beneficiaries.needing_attention()
        store.beneficiaries.pending_sync_count()
        # Drafts autosave and come back.
        store.drafts.save("clerk", "d1", json.dumps({"values": {}}))
        store.drafts.load("clerk", "d1")
        store.drafts.delete("clerk", "d1")
        # Every kind of search, and opening what was found.
        some = store.beneficiaries.get_many([saved.record_id])[saved.record_id]
        dependant = next(iter(some.dependants), None)
        typing = f"{some.name.first} {some.name.father} {some.name.family[:3]}"  # the family name being typed
        for typed in (some.name.full(), f"{some.name.first} {some.name.family}", typing, some.name.family,
                      some.name.family[:3], some.national_number, some.card_number, "0912345678",
                      dependant.national_number if dependant else "", dependant.name.full() if dependant else ""):
            if typed:
                store.beneficiaries.search(typed)
        store.beneficiaries.possible_duplicates(other)
        store.beneficiaries.get(saved.record_id)
        store.beneficiaries.history(saved.record_id)
        store.beneficiaries.photos(saved.record_id)
        store.beneficiaries.sync_state(saved.record_id, 1)
        # The reports page: counts of a period, by operator and by municipality.
        for group in GROUPINGS:
            store.reports.counts(date(2026, 1, 1), date(2026, 12, 31), group)
        # An edit (a new revision) and HQ's answers after a sync.
        edited = copy.deepcopy(saved)
        edited.address = "حي الجديد"
        registration.edit(clerk, edited)
        store.beneficiaries.set_sync_states([(saved.record_id, 2, "duplicate", "x")])
        store.beneficiaries.needing_attention()
        clerk.close()
        # The supervisor's day close.
        supervisor = login(office, "super", PASSWORD)
        items = dayclose.review_day(supervisor, dayclose.office_today(supervisor))
        if items:
            dayclose.approve(supervisor, [items[0].key])
        dayclose.summarise(supervisor, dayclose.office_today(supervisor))
        supervisor.store.beneficiaries.needing_attention()
        scans = full_scans(supervisor.store, log.statements)
        supervisor.close()
    assert len(log.statements) > 30  # the log saw the session
    # … including what runs on the DB-API cursor directly: the name search's FTS queries.
    assert any("names_fts MATCH" in sql and "dependant_names_fts" not in sql for sql in log.statements)
    assert any("dependant_names_fts MATCH" in sql for sql in log.statements)
    assert any("FROM name_ends WHERE" in sql for sql in log.statements)  # two words, three or more:
    assert any("FROM name_heads WHERE" in sql for sql in log.statements)  # their narrow tables
    assert not scans, "full scans:\n" + "\n".join(scans)


def test_the_checker_sees_a_full_scan(office):
    """The check itself can fail: a query with no usable index is reported."""
    session = login(office, "clerk", PASSWORD)
    try:
        with QueryLog() as log:
            with session.store.read() as conn:
                conn.exec_driver_sql("SELECT count(*) FROM revisions r WHERE r.saved_by = ?", ("x",)).fetchall()
        assert full_scans(session.store, log.statements)
    finally:
        session.close()


def test_the_sent_back_list_reads_no_revisions_scan_with_a_million_records_statistics(office):
    """The planner's statistics of an office whose revisions were analysed at a million rows
    (a bulk-built store; approvals then empty, so without a statistics row) once made the
    "sent back to me" list, read right after every login, scan every revision (25 s at 1 M):
    its plan must not depend on the statistics."""
    session = login(office, "clerk", PASSWORD)
    try:
        with QueryLog() as log:
            dayclose.returned_to_me(session)
            dayclose.returned_count(session)
            session.store.approvals.sent_back_comment("some-record")
        with session.store.writer_connection() as conn:
            conn.exec_driver_sql("ANALYZE")
            conn.exec_driver_sql("DELETE FROM sqlite_stat1 WHERE tbl = 'approvals'")
            conn.exec_driver_sql("UPDATE sqlite_stat1 SET stat = '1000000 1 1' WHERE idx = 'sqlite_autoindex_revisions_1'")
            conn.exec_driver_sql("UPDATE sqlite_stat1 SET stat = '1000000 5' WHERE tbl = 'revisions'"
                                 " AND idx != 'sqlite_autoindex_revisions_1'")
        session.store.close()  # the readers load the new statistics when they open
        session = login(office, "clerk", PASSWORD)
        with session.store.read() as conn:
            assert conn.exec_driver_sql("SELECT count(*) FROM sqlite_stat1 WHERE stat LIKE '1000000%'").scalar()
        scans = full_scans(session.store, {sql: params for sql, params in log.statements.items()
                                           if "approvals" in sql})
    finally:
        session.close()
    assert len([sql for sql in log.statements if "approvals" in sql]) >= 3  # (also as traced, values inlined)
    assert not scans, "full scans:\n" + "\n".join(scans)
