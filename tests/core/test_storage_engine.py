"""The store's own connection pool (storage/engine.py; docs/decisions/store-without-sqlalchemy-engine.md)
on a real SQLCipher file: snapshot reads while the writer commits, a write rolled back whole on an
error, waiting for a free connection, connections handed back clean, dispose."""

from __future__ import annotations

import os
import threading

import pytest
import sqlcipher3

from fundclient.storage.engine import Engine, Engines, ResultError, raw_connect


@pytest.fixture
def engines(tmp_path):
    found = Engines(tmp_path / "t.db", os.urandom(32))
    with found.writer.begin() as conn:
        conn.exec_driver_sql("CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT UNIQUE)")
    yield found
    found.dispose()


def _count(conn) -> int:
    return conn.exec_driver_sql("SELECT count(*) FROM t").scalar_one()


def test_a_read_block_sees_one_snapshot_while_the_writer_commits(engines):
    with engines.writer.begin() as conn:
        conn.exec_driver_sql("INSERT INTO t (v) VALUES (?)", ("a",))
    with engines.reader.connect() as reader:
        assert _count(reader) == 1
        with engines.writer.begin() as conn:
            conn.exec_driver_sql("INSERT INTO t (v) VALUES (?)", ("b",))
        assert _count(reader) == 1  # the block's snapshot
    with engines.reader.connect() as reader:
        assert _count(reader) == 2  # the next block sees the commit


def test_a_failed_write_leaves_nothing_and_the_error_is_the_drivers(engines):
    with engines.writer.begin() as conn:
        conn.exec_driver_sql("INSERT INTO t (v) VALUES (?)", ("a",))
    with pytest.raises(sqlcipher3.dbapi2.IntegrityError):
        with engines.writer.begin() as conn:
            conn.exec_driver_sql("INSERT INTO t (v) VALUES (?)", ("b",))
            conn.exec_driver_sql("INSERT INTO t (v) VALUES (?)", ("a",))  # UNIQUE
    with pytest.raises(RuntimeError):
        with engines.writer.begin() as conn:
            conn.exec_driver_sql("INSERT INTO t (v) VALUES (?)", ("c",))
            raise RuntimeError("the caller's own error")
    with engines.reader.connect() as reader:
        assert [v for (v,) in reader.exec_driver_sql("SELECT v FROM t ORDER BY v")] == ["a"]
    with engines.writer.begin() as conn:  # the writer was handed back clean
        assert not conn.exec_driver_sql("SELECT 1 WHERE 0").fetchall()


def test_parameters_as_sqlalchemy_took_them_and_the_result_helpers(engines):
    with engines.writer.begin() as conn:
        assert conn.exec_driver_sql("INSERT INTO t (v) VALUES (?)", [("a",), ("b",), ("c",)]).rowcount == 3
        conn.exec_driver_sql("INSERT INTO t (v) VALUES (?)", [("d",)])
        conn.exec_driver_sql("INSERT INTO t (v) VALUES (:v)", {"v": "e"})
        assert conn.exec_driver_sql("UPDATE t SET v = v || '!' WHERE v > ?", ("c",)).rowcount == 2
    with engines.reader.connect() as conn:
        assert conn.exec_driver_sql("SELECT v FROM t ORDER BY v").first() == ("a",)
        assert conn.exec_driver_sql("SELECT v FROM t WHERE v = 'zz'").scalar() is None
        assert conn.exec_driver_sql("SELECT v FROM t ORDER BY v").fetchall()[-1] == ("e!",)
        with pytest.raises(ResultError):
            conn.exec_driver_sql("SELECT v FROM t").scalar_one()
        with pytest.raises(ResultError):
            conn.exec_driver_sql("SELECT v FROM t WHERE 0").scalar_one()
        raw = conn.connection.driver_connection  # the search's hot path: the DB-API cursor itself
        assert raw.cursor().execute("SELECT count(*) FROM t").fetchone() == (5,)


def _opening(path):
    """A creator of raw encrypted connections to `path`, and the list of those it opened."""
    key = os.urandom(32)
    opened = []

    def creator():
        opened.append(raw_connect(path, key))
        return opened[-1]

    return creator, opened


def test_the_pool_waits_for_a_free_connection_and_gives_the_last_used_first(tmp_path):
    creator, opened = _opening(tmp_path / "p.db")
    pool = Engine(creator, "BEGIN", 1, overflow=1, timeout=0.3)
    with pool.connect() as first, pool.connect() as second:
        assert first.driver_connection is not second.driver_connection
        with pytest.raises(TimeoutError):
            with pool.connect():
                pass
        held = second.driver_connection
    assert len(opened) == 2
    with pool.connect() as again:  # one kept idle (size 1): the first handed back; the other closed
        assert again.driver_connection is held

    released, holding = threading.Event(), threading.Event()

    def hold_then_release():
        with pool.connect(), pool.connect():
            holding.set()  # both checked out: the pool has none left
            released.wait(30)

    pool.timeout = 60
    worker = threading.Thread(target=hold_then_release)
    worker.start()
    try:
        assert holding.wait(30)
        threading.Timer(0.2, released.set).start()
        with pool.connect() as late:  # waited for one to come back, did not fail
            assert released.is_set(), "a third connection was handed out while both were held"
            assert late.exec_driver_sql("SELECT 1").scalar_one() == 1
    finally:
        released.set()
        worker.join(10)
    pool.dispose()


def test_a_connection_comes_back_out_of_its_transaction_and_dispose_closes_them(tmp_path):
    creator, opened = _opening(tmp_path / "d.db")
    pool = Engine(creator, "BEGIN", 2)
    with pool.connect() as conn:
        conn.exec_driver_sql("SELECT count(*) FROM sqlite_master").fetchall()
        assert conn.in_transaction
        raw = conn.driver_connection
    assert not raw.in_transaction  # rolled back as it came back: no snapshot held while idle
    with pool.connect() as busy:
        pool.dispose()
        busy.exec_driver_sql("SELECT 1").fetchall()  # still usable until handed back
    for conn in opened:
        with pytest.raises(sqlcipher3.dbapi2.ProgrammingError):
            conn.execute("SELECT 1")
