"""The HQ console's search index follows `records` without ever skipping one: a batch that
commits after a later one (its rows carry the earlier time it was read) and rows sharing one
timestamp across a chunk boundary are all indexed. Real HQ SQLite database, real migrations."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone

from sqlalchemy import func, insert, select

from fundclient.hq.console import queries
from fundclient.hq.console.models import people
from fundclient.hq.db import open_engine, records


def _row(n: int, at: datetime, revision: int = 1, name: str = "محمد علي سالم") -> dict:
    data = {"record_id": f"rec-{n:05d}", "revision": revision, "national_number": f"1{n:011d}",
            "name": {"first": name.split()[0], "family": name.split()[-1]}, "created_at": at.isoformat()}
    return dict(record_id=data["record_id"], revision=revision, national_number=data["national_number"],
                office_code="BRK", device_id="dev-1", batch_id=f"batch-{n}", status="accepted",
                duplicate_of=None, sha256=f"{n:064d}", data=json.dumps(data, ensure_ascii=False), received_at=at)


def _indexed(engine) -> set[tuple[str, int]]:
    with engine.connect() as conn:
        return {(r.record_id, r.revision) for r in conn.execute(select(people.c.record_id, people.c.revision))}


def test_a_batch_that_commits_late_is_still_indexed(tmp_path):
    engine = open_engine(tmp_path / "hq")
    now = datetime.now(timezone.utc)
    with engine.begin() as conn:
        conn.execute(insert(records), [_row(1, now - timedelta(seconds=5)), _row(2, now)])
    assert queries.refresh_index(engine, wait=False, chunks=1) == 2
    # a batch read 30 s ago commits only now: older than the watermark
    with engine.begin() as conn:
        conn.execute(insert(records), [_row(3, now - timedelta(seconds=30))])
    assert queries.refresh_index(engine, wait=False, chunks=1) == 1
    assert ("rec-00003", 1) in _indexed(engine)
    # nothing new: the look-back re-reads ids only and indexes nothing twice
    assert queries.refresh_index(engine, wait=False, chunks=1) == 0
    with engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(people)).scalar() == 3


def test_a_new_revision_replaces_the_old_one(tmp_path):
    engine = open_engine(tmp_path / "hq")
    now = datetime.now(timezone.utc)
    with engine.begin() as conn:
        conn.execute(insert(records), [_row(1, now)])
    queries.refresh_index(engine)
    with engine.begin() as conn:
        conn.execute(insert(records), [_row(1, now + timedelta(seconds=1), revision=2, name="أحمد علي سالم")])
    assert queries.refresh_index(engine, wait=False, chunks=1) == 1
    assert _indexed(engine) == {("rec-00001", 2)}


def test_rows_sharing_one_timestamp_across_chunks_are_all_indexed(tmp_path, monkeypatch):
    monkeypatch.setattr(queries, "CHUNK", 7)
    engine = open_engine(tmp_path / "hq")
    at = datetime.now(timezone.utc).replace(microsecond=0)  # a coarse clock: one timestamp for 30 rows
    with engine.begin() as conn:
        conn.execute(insert(records), [_row(n, at) for n in range(30)])
    assert queries.refresh_index(engine) == 30
    assert len(_indexed(engine)) == 30
