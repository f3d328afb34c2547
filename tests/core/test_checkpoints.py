"""A save never checkpoints the WAL; the store's checkpointer does, on a thread of its own
(storage/checkpoints.py, issue #11 item 2), on a real encrypted store: SQLite would have
copied the WAL back inside the commit that crossed 1000 pages; here the DB file does not
change until the checkpointer runs, and it then holds every save. Closing the store stops
the thread and closes its connection; the WAL a backup's snapshot held back is copied by it
after the backup, not by the next save."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest

from fundclient import storage
from fundclient.domain.records import Photo
from fundclient.domain.synthetic import generate
from fundclient.storage import backup
from fundclient.storage.engine import raw_connect
from waiting import wait_for

PASSWORD = "admin-pass-1"
PAGE = 4096


@pytest.fixture
def store(data_dir):
    storage.initialise(data_dir, "SEB", "admin", PASSWORD)
    opened, _ = storage.open_store(data_dir, "admin", PASSWORD)
    yield opened
    opened.close()


def _save_many(store, count: int, seed: int) -> list:
    people = generate(count, seed=seed)
    for person in people:
        store.beneficiaries.add(person, by="admin", photos=[Photo(b"\xff\xd8" + bytes(30_000))])
    return people


def _checkpointer_threads() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name == "checkpoints"]


def test_saves_leave_the_wal_to_the_checkpointer_which_copies_it_into_the_db_file(store, data_dir):
    db, wal = data_dir / "fundclient.db", data_dir / "fundclient.db-wal"
    assert wait_for(lambda: store._checkpoints.runs > 0, 30)  # the login's write, checkpointed
    store._checkpoints.close()  # none now: whatever reaches the DB file, a commit wrote it
    size = db.stat().st_size
    people = _save_many(store, 200, seed=41)  # ~6 MB of new pages: SQLite's default is 1000 (4 MB)
    assert wal.stat().st_size > 1000 * PAGE
    assert db.stat().st_size == size, "a save's commit checkpointed the WAL into the DB file"
    store._checkpoints = store._checkpointer()  # as the store made it
    store.beneficiaries.add(generate(1, seed=42)[0], by="admin")
    assert wait_for(lambda: store._checkpoints.runs > 0, 30)
    frames, copied = store._checkpoints.last
    assert copied == frames > 1000  # the whole WAL, in the checkpointer's run
    assert db.stat().st_size > size + 200 * 30_000  # the photos are in the DB file now
    # and the file alone (no WAL) holds every save: read through a copy of it without the WAL
    copy = data_dir.parent / "copy.db"
    copy.write_bytes(db.read_bytes())
    conn = raw_connect(copy, store.db_key)
    try:
        found = {r[0] for r in conn.execute("SELECT record_id FROM beneficiaries")}
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    finally:
        conn.close()
    assert {p.record_id for p in people} <= found


def test_closing_the_store_stops_the_checkpointer_and_leaves_no_thread_and_no_wal(data_dir):
    storage.initialise(data_dir, "SEB", "admin", PASSWORD)
    store, _ = storage.open_store(data_dir, "admin", PASSWORD)
    _save_many(store, 5, seed=43)
    assert _checkpointer_threads()
    store.close()
    assert not _checkpointer_threads()
    assert not (data_dir / "fundclient.db-wal").exists()  # the last connection closed cleanly
    store._checkpoints.wrote()  # as a write would after close: no thread starts again
    assert not _checkpointer_threads()


def test_what_a_backup_held_back_is_checkpointed_after_it_by_the_checkpointer(store, data_dir, monkeypatch):
    """During a backup the DB file is its snapshot: the saves stay in the WAL. After it, the
    checkpointer copies them in — the first save after the backup finds nothing to copy."""
    db = data_dir / "fundclient.db"
    _save_many(store, 20, seed=44)
    started, hold = threading.Event(), threading.Event()
    result: dict = {}
    real_step = backup._Pacer.step

    def held_step(pacer):
        started.set()
        hold.wait(120)
        real_step(pacer)

    monkeypatch.setattr(backup._Pacer, "step", held_step)
    try:
        thread = threading.Thread(target=lambda: result.update(
            path=store.backup_if_due("admin", max_age=timedelta(0))))
        thread.start()
        assert started.wait(60)
        size = db.stat().st_size
        _save_many(store, 60, seed=45)  # while the copy holds its snapshot
        runs = store._checkpoints.runs
        assert db.stat().st_size == size  # nothing written back during the copy
    finally:
        hold.set()
        thread.join(120)
    assert result["path"].exists()
    # woken by the backup's end, with no save after it
    assert wait_for(lambda: store._checkpoints.runs > runs and db.stat().st_size > size + 60 * 30_000, 30)
    frames, copied = store._checkpoints.last
    assert copied == frames > 60 * 7


def test_the_writer_checkpoints_only_as_a_backstop_for_a_wal_the_checkpointer_left(store):
    """Never inside a save (above), but never a WAL without bound either: a checkpointer dead
    or starved of the disk leaves it to the writer's commit past BACKSTOP_PAGES."""
    from fundclient.storage.engine import BACKSTOP_PAGES

    with store._engines.writer.connect() as conn:
        pages = conn.exec_driver_sql("PRAGMA wal_autocheckpoint").scalar_one()
    assert pages == BACKSTOP_PAGES
    assert BACKSTOP_PAGES * PAGE >= 50 * 2**20  # far beyond a day of saves between checkpoints


def test_a_checkpointer_thread_found_dead_is_started_again_by_the_next_write(store, data_dir):
    assert wait_for(lambda: store._checkpoints.runs > 0, 30)
    checkpoints = store._checkpoints
    with checkpoints._cond:  # as if the thread had ended on an error of its own
        dead = threading.Thread(target=lambda: None, name="checkpoints")
        dead.start()
        dead.join()
        alive, checkpoints._thread = checkpoints._thread, dead
    runs = checkpoints.runs
    _save_many(store, 3, seed=44)
    assert checkpoints._thread is not dead and checkpoints._thread.is_alive()
    assert wait_for(lambda: checkpoints.runs > runs, 30)
    with checkpoints._cond:
        checkpoints._closed = True
        checkpoints._cond.notify_all()
    alive.join(30)  # the replaced thread of this test ends too
    checkpoints._closed = False


def test_paused_keeps_checkpoints_out_and_they_run_after(store, data_dir):
    """The backup's freeze pauses the checkpointer: no checkpoint holds SQLite's checkpoint
    lock while it tries, and the writes of that time are checkpointed after it."""
    checkpoints = store._checkpoints
    assert wait_for(lambda: checkpoints.runs > 0, 30)
    wal = data_dir / "fundclient.db-wal"
    with checkpoints.paused():
        runs = checkpoints.runs
        _save_many(store, 20, seed=45)
        # several delays pass: no checkpoint ran, the saves stay in the WAL
        assert not wait_for(lambda: checkpoints.runs > runs, 4 * checkpoints.delay)
        other = raw_connect(data_dir / "fundclient.db", store.db_key)
        try:
            busy, in_wal, copied = other.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
        finally:
            other.close()
        assert busy == 0, "the checkpointer held the checkpoint lock while paused"
    assert wal.exists()
    assert wait_for(lambda: checkpoints.runs > runs, 30)  # asked again at the pause's end
