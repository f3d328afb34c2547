"""hq/bulk.py on SQLite and PostgreSQL: `insert_new_rows` writes a batch's rows in one statement,
skips the ones whose key HQ holds already (a photo another batch brought, a national number
already claimed) and stores each value exactly as SQLAlchemy's own `insert` would."""

from __future__ import annotations

import hashlib
import os
from datetime import datetime, timezone

import pytest
from sqlalchemy import event, insert, select

from fundclient.hq.bulk import insert_new_rows
from fundclient.hq.db import blobs, number_claims, open_engine, rejections


def _blob(data: bytes) -> dict:
    return {"sha256": hashlib.sha256(data).hexdigest(), "size": len(data), "data": data}


def test_new_rows_go_in_one_statement_and_held_ones_are_skipped(hq_dir, hq_database_url, monkeypatch):
    from fundclient.hq import db

    engine = open_engine(hq_dir, hq_database_url)
    statements: list[tuple[str, bool]] = []  # (statement, executemany)
    event.listen(engine, "before_cursor_execute",
                 lambda conn, cursor, statement, parameters, context, executemany:
                 statements.append((statement, executemany)))
    on_driver = db._driver_execute  # (hq/bulk.py runs its statements on the driver's cursor: hq/db.py on_driver)

    def driver_execute(conn, cursor, sql, values, many):
        statements.append((sql, many and conn.dialect.name == "postgresql"))  # (SQLite's executemany: one statement)
        return on_driver(conn, cursor, sql, values, many)

    monkeypatch.setattr(db, "_driver_execute", driver_execute)
    try:
        held = b"\x00\xff held photo \x00" + os.urandom(20_000)
        with engine.begin() as conn:
            conn.execute(insert(blobs), [_blob(held)])
            conn.execute(insert(number_claims), [{"national_number": "1990000000001"}])
        fresh = [os.urandom(20_000) + bytes([i]) for i in range(5)]
        # Another batch's row with the same key but other bytes: the stored one stays as it was.
        again = {**_blob(held), "data": b"not what HQ holds"}
        numbers = sorted(f"19900000000{i:02d}" for i in range(1, 40))
        statements.clear()
        with engine.begin() as conn:
            insert_new_rows(conn, blobs, [_blob(d) for d in fresh] + [again])
            insert_new_rows(conn, number_claims, [{"national_number": n} for n in numbers])
            insert_new_rows(conn, blobs, [])  # nothing: no statement
        writes = [(s, many) for s, many in statements if s.lstrip().upper().startswith("INSERT")]
        assert len(writes) == 2, writes  # one per table
        if engine.dialect.name == "postgresql":
            # one statement, not one per row: an executemany shows as ONE event too (psycopg then
            # runs a statement per row), so the event's executemany flag tells them apart
            assert [many for _, many in writes] == [False, False], writes
        with engine.connect() as conn:
            stored = dict(conn.execute(select(blobs.c.sha256, blobs.c.data)).all())
            claimed = list(conn.execute(select(number_claims.c.national_number)
                                        .order_by(number_claims.c.national_number)).scalars())
        assert stored == {_blob(d)["sha256"]: d for d in [held, *fresh]}
        assert claimed == numbers
    finally:
        engine.dispose()


def test_values_are_stored_as_sqlalchemy_insert_stores_them(hq_dir, hq_database_url):
    """Datetimes (SQLite keeps SQLAlchemy's text form), text with Arabic and quotes, NULLs."""
    engine = open_engine(hq_dir, hq_database_url)
    at = datetime(2026, 11, 30, 3, 4, 5, 678901, tzinfo=timezone.utc)
    row = {"batch_id": "b-1", "device_id": None, "code": "bad_signature", "detail": "تفصيل 'quoted' \"x\" \\ %s", "at": at}
    try:
        with engine.begin() as conn:
            insert_new_rows(conn, rejections, [row])
            conn.execute(insert(rejections), [{**row, "batch_id": "b-2"}])
        with engine.connect() as conn:
            got = {r.batch_id: r for r in conn.execute(select(rejections))}
            raw = conn.exec_driver_sql("SELECT batch_id, at FROM rejections ORDER BY batch_id").all()
        for batch_id in ("b-1", "b-2"):
            assert got[batch_id].detail == row["detail"] and got[batch_id].device_id is None
            assert got[batch_id].at.replace(tzinfo=timezone.utc) == at
        assert raw[0][1] == raw[1][1]  # the same stored form as insert()'s
    finally:
        engine.dispose()


@pytest.mark.parametrize("db_kind", ["postgres"])  # PostgreSQL only: SQLite's writer turn orders them
def test_two_batches_sharing_photos_in_opposite_orders_store_each_once_without_deadlock(hq_dir, hq_database_url):
    """PostgreSQL has no writer turn: two nodes ingesting batches that bring the same two new
    photos in opposite orders must take the keys in one order (ingest sorts them), or each holds
    one key and waits for the other's — a deadlock, the batch failing. A third transaction holds
    the first key so both batches are under way at once; its rollback lets them race (before the
    sort, a deadlock came within 20 rounds)."""
    import threading

    from fundclient.hq.ingest import _write

    engine = open_engine(hq_dir, hq_database_url)

    def waiting_on_a_lock(pid: int) -> bool:
        with engine.connect() as conn:
            return conn.exec_driver_sql("SELECT wait_event_type FROM pg_stat_activity WHERE pid = %s",
                                        (pid,)).scalar() == "Lock"

    try:
        for round_ in range(20):
            first, second = sorted((_blob(os.urandom(3_000) + bytes([round_, i])) for i in range(2)),
                                   key=lambda b: b["sha256"])
            orders = [{b["sha256"]: b["data"] for b in (first, second)},
                      {b["sha256"]: b["data"] for b in (second, first)}]
            errors: list[BaseException] = []
            pids: list[int] = []
            with engine.connect() as holder:
                held = holder.begin()
                insert_new_rows(holder, blobs, [first])  # uncommitted: both batches wait on it

                def ingest(new_blobs: dict, started: threading.Event) -> None:
                    try:
                        with engine.begin() as conn:
                            pids.append(conn.exec_driver_sql("SELECT pg_backend_pid()").scalar())
                            started.set()
                            _write(conn, [], [], new_blobs, [])
                    except BaseException as exc:  # noqa: BLE001 - reported by the assertion below
                        errors.append(exc)
                        started.set()

                threads = []
                for new_blobs in orders:
                    started = threading.Event()
                    thread = threading.Thread(target=ingest, args=(new_blobs, started))
                    thread.start()
                    threads.append(thread)
                    started.wait()
                    while not errors and not waiting_on_a_lock(pids[-1]):
                        pass  # until this batch waits on the held key (or on the other batch)
                held.rollback()
                for thread in threads:
                    thread.join()
            assert errors == [], f"round {round_}: {errors}"
            with engine.connect() as conn:
                stored = conn.execute(select(blobs.c.sha256, blobs.c.data)
                                      .where(blobs.c.sha256.in_([first["sha256"], second["sha256"]]))).all()
            assert sorted(stored) == sorted((b["sha256"], b["data"]) for b in (first, second))
    finally:
        engine.dispose()


def test_rows_likely_new_that_another_batch_holds_after_all_are_skipped_in_the_same_transaction(
        hq_dir, hq_database_url):
    """`likely_new` (a batch's photo bytes HQ did not hold when it looked): on PostgreSQL a binary
    COPY; when one of them was committed meanwhile, that COPY is undone (its savepoint) and the
    skipping statement runs — the batch's transaction goes on and commits everything else."""
    engine = open_engine(hq_dir, hq_database_url)
    try:
        held = os.urandom(20_000)
        with engine.begin() as conn:
            conn.execute(insert(blobs), [_blob(held)])
        fresh = [os.urandom(20_000) + bytes([i]) for i in range(3)]
        alone = [os.urandom(20_000) + bytes([9])]
        with engine.begin() as conn:
            insert_new_rows(conn, blobs, [_blob(d) for d in alone], likely_new=True)  # no clash
            clashing = sorted([_blob(d) for d in fresh] + [{**_blob(held), "data": b"not what HQ holds"}],
                              key=lambda b: b["sha256"])
            insert_new_rows(conn, blobs, clashing, likely_new=True)
            conn.execute(insert(number_claims), [{"national_number": "1990000000077"}])  # the transaction goes on
        with engine.connect() as conn:
            stored = dict(conn.execute(select(blobs.c.sha256, blobs.c.data)).all())
            claimed = list(conn.execute(select(number_claims.c.national_number)).scalars())
        assert {h: bytes(d) for h, d in stored.items()} == {_blob(d)["sha256"]: d for d in [held, *fresh, *alone]}
        assert claimed == ["1990000000077"]
    finally:
        engine.dispose()


def test_returning_tells_the_rows_this_statement_claimed_from_the_ones_held(hq_dir, hq_database_url):
    """PostgreSQL names the claims that were new (the duplicate check looks again only at the
    others, hq/duplicates.py `_claim`); SQLite does not say (None: every one counts as contested)."""
    engine = open_engine(hq_dir, hq_database_url)
    try:
        with engine.begin() as conn:
            conn.execute(insert(number_claims), [{"national_number": "1990000000001"}])
        numbers = [f"19900000000{i:02d}" for i in range(1, 6)]
        with engine.begin() as conn:
            fresh = insert_new_rows(conn, number_claims, [{"national_number": n} for n in numbers],
                                    returning="national_number")
            nothing = insert_new_rows(conn, number_claims, [], returning="national_number")
        if engine.dialect.name == "postgresql":
            assert fresh == set(numbers[1:]) and nothing == set()
        else:
            assert fresh is None
        with engine.connect() as conn:
            assert sorted(conn.execute(select(number_claims.c.national_number)).scalars()) == numbers
    finally:
        engine.dispose()


@pytest.mark.parametrize("db_kind", ["postgres"])  # PostgreSQL only: its binary COPY
@pytest.mark.parametrize("bad", [2 ** 40, 2 ** 31, -(2 ** 31) - 1])
def test_an_integer_out_of_its_columns_range_is_refused_not_wrapped(hq_dir, hq_database_url, bad):
    """psycopg's binary int4 dumper wraps 2**40 to 0 where `insert` and text COPY refuse it: a
    typed DataError, nothing stored — also when the value is one row among good ones, either
    just past the column's range or below it."""
    from sqlalchemy.exc import DataError

    from fundclient.hq.bulk import insert_rows
    from fundclient.hq.db import person_profiles

    engine = open_engine(hq_dir, hq_database_url)
    row = {"record_id": "r-1", "person": 0, "revision": 1, "role": "holder", "national_number": "",
           "first": "", "father": "", "grandfather": "", "family": "", "sounds": "", "sex": "", "born": "",
           "mother": "", "shown": "", "office_code": "SBH", "registered_on": "2026-11-30"}
    rows = [row, {**row, "person": 1, "revision": 2 ** 31 - 1}, {**row, "person": bad}, {**row, "person": 3}]
    try:
        with pytest.raises(DataError):
            with engine.begin() as conn:
                insert_rows(conn, person_profiles, rows)
        with engine.connect() as conn:
            assert conn.execute(select(person_profiles)).all() == []
    finally:
        engine.dispose()


@pytest.mark.parametrize("db_kind", ["postgres"])  # PostgreSQL only: its binary COPY
def test_a_time_without_its_zone_is_refused_with_the_table_and_column_named(hq_dir, hq_database_url):
    """HQ's times are moments (timestamptz); psycopg's binary dumper raised a bare TypeError for a
    naive datetime: a typed StorageError naming the table and the column, nothing stored. The
    same rows with the time in UTC go in."""
    from fundclient.errors import StorageError
    from fundclient.hq.bulk import insert_rows

    engine = open_engine(hq_dir, hq_database_url)
    rows = [{"batch_id": f"b-{i}", "device_id": None, "code": "bad_signature", "detail": "",
             "at": datetime(2026, 11, 30, 3, 4, 5, tzinfo=timezone.utc)} for i in range(3)]
    rows[2] = {**rows[2], "at": datetime(2026, 11, 30, 3, 4, 5)}  # the last one without its zone
    try:
        with pytest.raises(StorageError) as refused:
            with engine.begin() as conn:
                insert_rows(conn, rejections, rows)
        assert refused.value.code == "naive_time"
        english = refused.value.message.in_language("en")
        assert "table rejections, column at" in english, english
        assert "rejections" in refused.value.message.in_language("ar")
        with engine.connect() as conn:
            assert conn.execute(select(rejections)).all() == []
        rows[2]["at"] = rows[2]["at"].replace(tzinfo=timezone.utc)
        with engine.begin() as conn:
            insert_rows(conn, rejections, rows)
        with engine.connect() as conn:
            assert sorted(conn.execute(select(rejections.c.batch_id)).scalars()) == ["b-0", "b-1", "b-2"]
    finally:
        engine.dispose()


def test_among_finds_exactly_the_values_asked_whatever_they_hold(hq_dir, hq_database_url):
    """hq/db.py `among` (the array bound in binary on PostgreSQL, a JSON array on SQLite): values
    with the characters an array's or JSON's text form escapes — commas, braces, quotes,
    backslashes, spaces, NULL spelled out, Arabic — are found as they are, and nothing else."""
    from fundclient.hq.bulk import insert_rows
    from fundclient.hq.db import among, person_names

    tricky = ["a,b", "{x}", '"q"', "back\\slash", " spaced ", "NULL", "null", "", "ابن \"الحسن\"", "b|1990-01-01|XYZ"]
    others = ["a", "b", "x", "q", "backslash", "spaced", "NUL"]
    engine = open_engine(hq_dir, hq_database_url)
    try:
        with engine.begin() as conn:
            insert_rows(conn, person_names, [{"block": v, "record_id": f"r{i}"} for i, v in enumerate(tricky + others)])
        query = select(person_names.c.block).where(among(person_names.c.block))
        with engine.connect() as conn:
            for asked in (tricky, tricky[:1], tricky[-3:] + ["missing"], ["missing"], []):
                assert sorted(conn.execute(query, {"v": asked}).scalars()) == sorted(set(asked) - {"missing"})
    finally:
        engine.dispose()
