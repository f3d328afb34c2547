"""The HQ console's search index follows `records` without ever skipping one: a batch that
commits after a later one (its rows carry the earlier time it was read) and rows sharing one
timestamp across a chunk boundary are all indexed. Real HQ SQLite database, real migrations."""

from __future__ import annotations

import json
import os
from datetime import datetime, timedelta, timezone

import pytest
import sqlalchemy as sa
from sqlalchemy import func, insert, select

from fundclient.hq import migrate
from fundclient.hq.console import queries
from fundclient.hq.console.models import day_counts, people, people_pairs, people_sounds
from fundclient.hq.db import open_engine, records


def _row(n: int, at: datetime, revision: int = 1, name: str = "محمد علي سالم", *, device: str = "dev-1",
         office: str = "BRK", created: datetime | None = None, dependant: str = "") -> dict:
    parts = name.split()
    data = {"record_id": f"rec-{n:05d}", "revision": revision, "national_number": f"1{n:011d}",
            "name": {"first": parts[0], "father": " ".join(parts[1:-1]), "family": parts[-1]},
            "created_at": (created or at).isoformat()}
    if dependant:
        data["dependants"] = [{"name": {"first": dependant.split()[0], "family": dependant.split()[-1]}}]
    return dict(record_id=data["record_id"], revision=revision, national_number=data["national_number"],
                office_code=office, device_id=device, batch_id=f"batch-{n}", status="accepted",
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


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def engine(request, tmp_path):
    """A migrated HQ database, SQLite or PostgreSQL (FUNDCLIENT_TEST_PG_URL, emptied first)."""
    url = None
    if request.param == "postgres":
        url = os.environ.get("FUNDCLIENT_TEST_PG_URL")
        if not url:
            pytest.fail("FUNDCLIENT_TEST_PG_URL is not set: start PostgreSQL (scripts/dev.py ThrowawayPostgres)")
        bare = sa.create_engine(url)
        migrate.drop_everything(bare)
        bare.dispose()
    engine = open_engine(tmp_path / "hq", url)
    yield engine
    engine.dispose()


def _counts_from_people(engine) -> tuple[dict, dict]:
    """What the per-day counters must say, counted the slow way from the index itself."""
    received, registered = {}, {}
    with engine.connect() as conn:
        for r in conn.execute(select(people.c.received_at, people.c.device_id, people.c.office_code,
                                     people.c.registered_day)):
            key = (queries._utc_day(r.received_at), r.office_code, r.device_id)
            received[key] = received.get(key, 0) + 1
            key = (r.registered_day, r.office_code, r.device_id)
            registered[key] = registered.get(key, 0) + 1
    return received, registered


def _counters(engine) -> tuple[dict, dict]:
    with engine.connect() as conn:
        rows = conn.execute(select(day_counts)).all()
    return ({(r.day, r.office_code, r.device_id): r.received for r in rows if r.received},
            {(r.day, r.office_code, r.device_id): r.registered for r in rows if r.registered})


def test_per_day_counters_follow_new_revisions_and_feed_the_offices_page_and_chart(engine):
    now = datetime.now(timezone.utc)
    with engine.begin() as conn:
        conn.execute(insert(records), [
            _row(1, now - timedelta(days=9), created=now - timedelta(days=10)),
            _row(2, now - timedelta(days=1), device="dev-2", office="SBH"),
            _row(3, now, created=now - timedelta(days=2)),
            _row(4, now)])
    queries.refresh_index(engine)
    assert _counters(engine) == _counts_from_people(engine)
    # record 1 comes again today from another device: it leaves its old day and device
    with engine.begin() as conn:
        conn.execute(insert(records), [_row(1, now + timedelta(seconds=1), revision=2, device="dev-2", office="SBH",
                                            created=now - timedelta(days=10))])
    assert queries.refresh_index(engine) == 1
    assert _counters(engine) == _counts_from_people(engine)
    received, _ = _counters(engine)
    assert received[(now.date().isoformat(), "BRK", "dev-1")] == 2
    assert received[(now.date().isoformat(), "SBH", "dev-2")] == 1
    assert (queries._utc_day(now - timedelta(days=9)), "BRK", "dev-1") not in received
    days, series = queries.registrations_per_day(engine, days=14)
    assert series["BRK"][-1] == 1 and series["BRK"][-3] == 1  # registered today and two days ago
    assert series["SBH"][-11] == 1 and sum(series["SBH"]) == 2


def test_two_word_name_search_is_one_range_of_the_pairs_and_follows_renames(engine):
    now = datetime.now(timezone.utc)
    with engine.begin() as conn:
        conn.execute(insert(records), [
            _row(1, now, name="محمد علي القماطي"),
            _row(2, now, name="أمحمد سالم القماطى"),  # another spelling, same sounds
            _row(3, now, name="محمد علي الورفلي", dependant="سالم القماطي"),  # the words in two names
            _row(4, now, name="خالد عمر بن سعود", dependant="فاطمة محمد القماطي")])
    queries.refresh_index(engine)

    def found(q: str) -> list[str]:
        return sorted(r["record_id"] for r in queries.search(engine, queries.Filters(q=q))[0])

    assert found("محمد القماطي") == ["rec-00001", "rec-00002"]
    assert found("القماطي محمد") == ["rec-00001", "rec-00002"]  # family name typed first
    assert found("محمد علي القماطي") == ["rec-00001"]
    assert found("فاطمه القماطي") == ["rec-00004"]  # a dependant's name
    # no name holds both: the words are looked for one by one
    assert found("الورفلي القماطي") == ["rec-00003"]
    # a new revision renames the holder: its old pairs go, the new ones come
    with engine.begin() as conn:
        conn.execute(insert(records), [_row(1, now + timedelta(seconds=1), revision=2, name="أحمد علي القماطي")])
    queries.refresh_index(engine)
    with engine.connect() as conn:
        pairs = {r.pair for r in conn.execute(select(people_pairs.c.pair)
                                              .where(people_pairs.c.record_id == "rec-00001"))}
        sounds = {r.sound for r in conn.execute(select(people_sounds.c.sound)
                                                .where(people_sounds.c.record_id == "rec-00001"))}
    assert pairs == queries.sound_pairs("احمد علي القماطي")
    assert sounds == {queries._sound(w) for w in ("احمد", "علي", "القماطي")}
    assert found("محمد القماطي") == ["rec-00002"]
    assert found("احمد القماطي") == ["rec-00001"]


def test_migration_0010_rebuilds_the_index_with_its_counters_and_pairs(engine):
    now = datetime.now(timezone.utc)
    with engine.begin() as conn:
        conn.execute(insert(records), [_row(n, now - timedelta(days=n)) for n in range(1, 6)])
    queries.refresh_index(engine)
    before = (_indexed(engine), _counters(engine))
    migrate.downgrade(engine, "0009")
    assert _indexed(engine) == set()  # emptied: the older console rebuilds it
    migrate.upgrade(engine)
    assert _indexed(engine) == set()
    assert queries.refresh_index(engine) == 5
    assert (_indexed(engine), _counters(engine)) == before


def test_a_family_longer_than_the_stored_names_is_indexed_again_without_a_clash(engine):
    """The names column holds 4,000 characters; the sound and pair rows are made from what it
    holds, so a new revision of a very large family (or a hostile device's record) finds every
    old row again — before, the rows from past the cut stayed and every later refresh failed on
    their primary key, taking the console's pages down with it."""
    now = datetime.now(timezone.utc)
    big = _row(1, now)
    data = json.loads(big["data"])
    data["dependants"] = [{"name": {"first": f"تابع{i}", "father": "علي", "family": f"القماطي{i}"}}
                          for i in range(200)]
    big["data"] = json.dumps(data, ensure_ascii=False)
    with engine.begin() as conn:
        conn.execute(insert(records), [big])
    queries.refresh_index(engine)
    with engine.connect() as conn:
        stored = conn.execute(select(people.c.names).where(people.c.record_id == "rec-00001")).scalar()
    assert len(stored) == 4000  # the family did not fit
    again = dict(big, revision=2, batch_id="batch-again")
    data["revision"] = 2
    again["data"] = json.dumps(data, ensure_ascii=False)
    with engine.begin() as conn:
        conn.execute(insert(records), [again])
    assert queries.refresh_index(engine, wait=False, chunks=1) == 1
    assert _indexed(engine) == {("rec-00001", 2)}
    assert queries.refresh_index(engine, wait=False, chunks=1) == 0
