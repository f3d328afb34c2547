"""The name indexes' (FTS5) segments are merged by the store's idle thread, never inside a save
(migration 0015, storage/name_merging.py): saves leave their segments unmerged, the idle thread
merges them in short steps once the writer is quiet — the same names found in the same order
before and after —, and what a session left unmerged is merged in the next one with no save."""

from __future__ import annotations

import time

from fundclient.domain.synthetic import generate
from fundclient.storage import key_filing, name_merging
from fundclient.storage.bulk_build import FTS_TABLES
from offices import new_office, open_office


def _levels(store, table: str) -> list[tuple[int, int]]:
    with store.read() as conn:
        return name_merging.levels(conn.driver_connection, table)


def _segments(store) -> int:
    return sum(segments for table in FTS_TABLES for _, segments in _levels(store, table))


def _needs_merging(store) -> bool:
    with store.read() as conn:
        return name_merging.needs_merging(conn.driver_connection)


def _answers(store, records) -> dict[str, list[str]]:
    """Each record's name searched: the ids found, in order (holders and dependants)."""
    queries = [r.name.full() for r in records[:8]] + [d.name.full() for r in records[:8] for d in r.dependants[:1]]
    return {q: [(h.record_id, h.dependant_id, h.matched_by, h.score) for h in store.beneficiaries.search(q)]
            for q in queries}


def _intact(store) -> None:
    with store.writer_connection() as conn:
        for table in FTS_TABLES:  # FTS5's own check of the index against its content
            conn.exec_driver_sql(f"INSERT INTO {table} ({table}) VALUES ('integrity-check')")


def _wait_idle(store, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while not store._key_filer.idle() and time.monotonic() < deadline:
        time.sleep(0.05)


def test_the_migration_turns_automerge_off_on_both_name_indexes(tmp_path):
    store = new_office(tmp_path)
    try:
        with store.read() as conn:
            for table in FTS_TABLES:
                assert conn.exec_driver_sql(f"SELECT v FROM {table}_config WHERE k = 'automerge'").scalar_one() == 0
    finally:
        store.close()


def test_saves_leave_their_segments_and_the_idle_thread_merges_them(tmp_path, monkeypatch):
    monkeypatch.setattr(key_filing, "QUIET", 0.2)
    store = new_office(tmp_path)
    try:
        store._key_filer.quiet = 3600  # no idle moment: only what the saves themselves do
        records = generate(40, seed=31)
        for record in records:
            store.beneficiaries.add(record, by="admin")
        # Each save wrote a segment of its own into each index and merged none beyond FTS5's crisis
        # (16 on a level): with automerge (4) the levels never held more than a few.
        assert max(segments for _, segments in _levels(store, "names_fts")) >= name_merging.USERMERGE
        assert _needs_merging(store) and store._key_filer.merges == []
        before, segments = _answers(store, records), _segments(store)

        store._key_filer.quiet = 0.2
        store._key_filer.wrote()
        _wait_idle(store)
        assert store._key_filer.idle() and not _needs_merging(store)
        assert any(merged for *_, merged in store._key_filer.merges)  # merged in steps of its own
        assert not store._key_filer.merges[-1][2]  # the last step found nothing left
        assert _segments(store) < segments
        assert _answers(store, records) == before  # the same names, in the same order
        _intact(store)
    finally:
        store.close()


def test_segments_left_by_a_session_are_merged_in_the_next_one_with_no_save(tmp_path, monkeypatch):
    store = new_office(tmp_path)
    try:
        store._key_filer.quiet = 3600
        for record in generate(20, seed=32):
            store.beneficiaries.add(record, by="admin")
        assert _needs_merging(store)
    finally:
        store.close()
    monkeypatch.setattr(key_filing, "QUIET", 0.2)
    store = open_office(tmp_path)  # the login's audit entry is a write: it wakes the idle thread
    try:
        _wait_idle(store)
        assert not _needs_merging(store) and store._key_filer.merges
        _intact(store)
    finally:
        store.close()


def test_a_write_waiting_holds_the_merging_back(tmp_path):
    store = new_office(tmp_path)
    try:
        store._key_filer.quiet = 3600
        for record in generate(20, seed=33):
            store.beneficiaries.add(record, by="admin")
        store._key_filer.quiet = 0.1
        with store.writes.busy():  # a save waiting for the writer: no step starts
            store._key_filer.wrote()
            time.sleep(0.6)
            assert store._key_filer.merges == [] and _needs_merging(store)
        _wait_idle(store)
        assert not _needs_merging(store)
    finally:
        store.close()
