"""hq/db.py `Lean` on SQLite and PostgreSQL: a statement run on the driver's own cursor gives
exactly what SQLAlchemy's `conn.execute` gives — the same rows and values (SQLite's datetimes,
`among`'s lists, bytes, NULLs), the same rows touched, the same typed errors, in the same
transaction — and what it does not cover still runs, through SQLAlchemy."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest
from sqlalchemy import bindparam, delete, func, insert, select
from sqlalchemy.exc import IntegrityError

from fundclient.hq.db import Lean, among, batches, devices, open_engine, uploads

NOW = datetime(2026, 11, 30, 10, 20, 30, 123456, tzinfo=timezone.utc)


def _batch(i: int, **more) -> dict:
    return {"batch_id": f"b-{i}", "device_id": "d-1", "seq": i, "sha256": "ab" * 32, "source": "network",
            "received_at": NOW, "ack": '{"v": 1, "text": "مقبول \\"quoted\\""}', **more}


@pytest.fixture
def engine(hq_dir, hq_database_url):
    engine = open_engine(hq_dir, hq_database_url)
    with engine.begin() as conn:
        conn.execute(insert(devices).values(device_id="d-1", office_code="SBH", device_number=1,
                                            public_key=b"\x00\xffkey", enrolled_at=NOW))
    yield engine
    engine.dispose()


def test_reads_give_what_execute_gives(engine):
    one = select(devices).where(devices.c.device_id == bindparam("d"))
    some = select(batches.c.batch_id, batches.c.seq, batches.c.received_at, batches.c.ack) \
        .where(among(batches.c.batch_id)).order_by(batches.c.seq)
    count = select(func.count()).select_from(uploads).where(uploads.c.device_id == bindparam("d"))
    with engine.begin() as conn:
        conn.execute(insert(batches), [_batch(i) for i in range(5)])
    with engine.connect() as conn:
        assert Lean(one).first(conn, {"d": "d-1"}) == tuple(conn.execute(one, {"d": "d-1"}).first())
        row = Lean(one).first(conn, {"d": "d-1"})
        assert (row.public_key, row.revoked_at, row.label) == (b"\x00\xffkey", None, "")
        assert Lean(one).first(conn, {"d": "nobody"}) is None
        asked = {"v": ["b-3", "b-0", "missing", "b-4"]}
        lean = Lean(some).rows(conn, asked)
        assert lean == [tuple(r) for r in conn.execute(some, asked)]
        assert [r.seq for r in lean] == [0, 3, 4]
        assert isinstance(lean[0].received_at, datetime)  # SQLite's text turned back into a datetime
        assert Lean(some).scalars(conn, {"v": []}) == []
        assert Lean(count).scalars(conn, {"d": "d-1"}) == [0]


def test_writes_count_their_rows_and_go_in_the_callers_transaction(engine):
    add = Lean(insert(batches))
    drop = Lean(delete(batches).where(batches.c.batch_id == bindparam("b")))
    with engine.begin() as conn:
        assert add.run(conn, _batch(1)) == 1
        assert add.run(conn, _batch(2)) == 1
        assert drop.run(conn, {"b": "b-1"}) == 1
        assert drop.run(conn, {"b": "b-1"}) == 0
    with pytest.raises(RuntimeError):  # rolled back with the rest of the transaction
        with engine.begin() as conn:
            add.run(conn, _batch(3))
            raise RuntimeError
    with engine.connect() as conn:  # not in a transaction yet: it begins one, committed by the caller
        drop.run(conn, {"b": "b-2"})
        add.run(conn, _batch(4))
        conn.commit()
    with engine.connect() as conn:
        stored = conn.execute(select(batches).order_by(batches.c.seq)).all()
    assert [(r.batch_id, r.received_at.replace(tzinfo=timezone.utc), r.ack) for r in stored] == \
        [("b-4", NOW, _batch(4)["ack"])]


def test_a_clash_is_sqlalchemys_integrity_error_and_a_python_default_goes_through_sqlalchemy(engine):
    add = Lean(insert(batches))
    with engine.begin() as conn:
        add.run(conn, _batch(1))
    with pytest.raises(IntegrityError):
        with engine.begin() as conn:
            add.run(conn, _batch(2, batch_id="b-1"))
    # devices.label has a Python-side default SQLAlchemy fills in when the row leaves it out
    enrol = Lean(insert(devices))
    with engine.begin() as conn:
        enrol.run(conn, {"device_id": "d-2", "office_code": "SBH", "device_number": 2, "public_key": b"k",
                         "enrolled_at": NOW})
    with engine.connect() as conn:
        assert conn.execute(select(devices.c.label).where(devices.c.device_id == "d-2")).scalar() == ""
