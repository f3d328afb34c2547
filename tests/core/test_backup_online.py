"""Backups never block work (issue #11 item 2), on a real encrypted store: the copy reads one
snapshot on its own connection in small steps; a save made meanwhile is not held up by it
(and is not in that copy); closing the store during a backup stops it, leaves no partial
file, and the next start makes it again; leftovers of a killed backup are removed."""

from __future__ import annotations

import os
import signal
import sys
import threading
import zipfile

import pytest

from fundclient import storage, threadprio
from fundclient.domain.records import Photo
from fundclient.domain.synthetic import generate
from fundclient.storage import backup, backup_pacing
from fundclient.storage.backup import SUFFIX, backup_due, create_backup, read_manifest
from fundclient.storage.bulk import bulk_add
from fundclient.storage.engine import raw_connect
from fundclient.storage.errors import BackupCancelled
from waiting import wait_for

PASSWORD = "admin-pass-1"


@pytest.fixture
def office(data_dir):
    storage.initialise(data_dir, "SEB", "admin", PASSWORD, "مدير النظام")
    store, _ = storage.open_store(data_dir, "admin", PASSWORD)
    bulk_add(store, generate(1500, seed=5), by="admin")
    store.close()
    return data_dir


def slow_backup(store, started: threading.Event, hold: threading.Event | None = None, **kw):
    """A backup whose every step (one page) waits a little: long enough to act during it. With
    `hold`, its first step waits until `hold` is set (at most 120 s): whatever the test does
    meanwhile is done while the backup is provably under way."""
    result: dict = {}

    def run():
        original = storage.backup.time.sleep

        def pause(seconds):
            started.set()
            if hold is not None:
                result["held_until_set"] = hold.wait(120)
            original(seconds)

        try:
            storage.backup.time.sleep = pause
            result["path"] = store.backup_if_due("admin", step_pages=1, pause=0.002, **kw)
        except BackupCancelled as exc:
            result["cancelled"] = exc
        finally:
            storage.backup.time.sleep = original

    thread = threading.Thread(target=run)
    thread.start()
    return thread, result


def test_a_save_during_a_backup_goes_through_and_the_copy_is_the_snapshot(office):
    store, _ = storage.open_store(office, "admin", PASSWORD)
    before = store.counters()["records"]
    started, hold = threading.Event(), threading.Event()
    thread, result = slow_backup(store, started, hold)
    try:
        assert started.wait(30)
        newcomer = generate(1, seed=99)[0]
        store.beneficiaries.add(newcomer, by="admin", photos=[Photo(b"\xff\xd8" + bytes(30_000))])
        assert store.beneficiaries.get(newcomer.record_id).record_id == newcomer.record_id
    finally:
        hold.set()  # the backup goes on only now: the save went through while it was held
        thread.join(120)
    assert result["held_until_set"], "the save waited for the whole backup"
    path = result["path"]
    assert read_manifest(path)["counts"]["records"] == before
    with zipfile.ZipFile(path) as archive:
        assert sorted(archive.namelist()) == ["audit_head.json", "fundclient.db", "keystore.json", "manifest.json",
                                              "sequences.json", "settings.json"]
    assert not backup_due(office)
    assert not [p for p in path.parent.iterdir() if p.name.startswith(".")]
    store.close()


def test_closing_during_a_backup_leaves_nothing_and_the_next_start_redoes_it(office):
    store, _ = storage.open_store(office, "admin", PASSWORD)
    started = threading.Event()
    thread, result = slow_backup(store, started)
    assert started.wait(30)
    saver = threading.Thread(target=lambda: store.beneficiaries.add(generate(1, seed=98)[0], by="admin"))
    saver.start()  # a save made while the backup runs, then the office closes
    saver.join(30)
    store.close()  # sign-out / quit: stops the backup within one step
    thread.join(30)
    assert not thread.is_alive() and "cancelled" in result
    backups = office / "backups"
    assert not list(backups.iterdir()), "a partial backup was left behind"
    assert backup_due(office)
    # The next start makes it again, whole.
    store, _ = storage.open_store(office, "admin", PASSWORD)
    try:
        path = store.backup_if_due("admin")
        assert path is not None and path.name.endswith(SUFFIX)
        assert read_manifest(path)["counts"]["records"] == 1501
    finally:
        store.close()


def test_leftovers_of_a_killed_backup_are_removed_by_the_next(office):
    backups = office / "backups"
    backups.mkdir()
    (backups / f".fundclient-SEB-20260101T000000Z{SUFFIX}.partial").mkdir()
    (backups / f".fundclient-SEB-20260101T000000Z{SUFFIX}.partial" / "fundclient.db").write_bytes(b"x" * 100)
    (backups / f".fundclient-SEB-20260101T000000Z{SUFFIX}.tmp").write_bytes(b"y")
    store, _ = storage.open_store(office, "admin", PASSWORD)
    try:
        path = create_backup(store, by="admin")
    finally:
        store.close()
    assert [p.name for p in backups.iterdir()] == [path.name]


# --- how the copy is made (issue #11 item 2: a save during a backup waits < 100 ms) ----------


def _copied_db(path, tmp_path, key):
    """The backup's DB member opened with the office's key: (integrity check, record ids)."""
    with zipfile.ZipFile(path) as archive:
        archive.extract("fundclient.db", tmp_path / "copy")
    conn = raw_connect(tmp_path / "copy" / "fundclient.db", key)
    try:
        return (conn.execute("PRAGMA integrity_check").fetchone()[0],
                {row[0] for row in conn.execute("SELECT record_id FROM beneficiaries")})
    finally:
        conn.close()


def test_the_db_file_is_frozen_for_the_copy_and_the_zip_holds_exactly_the_snapshot(office, tmp_path, monkeypatch):
    """The backup copies the DB file's encrypted pages as they are: the WAL is checkpointed
    before its snapshot, and no checkpoint may write into the file while it copies — though
    saves go on and another connection asks for checkpoints meanwhile."""
    store, _ = storage.open_store(office, "admin", PASSWORD)
    api_copies = []
    monkeypatch.setattr(backup, "_copy_snapshot", lambda *a: api_copies.append(a))
    with store.read() as conn:
        before = {row[0] for row in conn.exec_driver_sql("SELECT record_id FROM beneficiaries")}
    started, hold = threading.Event(), threading.Event()
    thread, result = slow_backup(store, started, hold)
    checkpoints = []
    try:
        assert started.wait(30)
        newcomers = generate(3, seed=97)
        other = raw_connect(office / "fundclient.db", store.db_key)
        try:
            for newcomer in newcomers:
                store.beneficiaries.add(newcomer, by="admin", photos=[Photo(b"\xff\xd8" + bytes(30_000))])
                checkpoints.append(other.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone())
        finally:
            other.close()
    finally:
        hold.set()  # the backup goes on only now: the saves went through while it was held
        thread.join(120)
    assert result["held_until_set"], "the saves waited for the whole backup"
    assert api_copies == [], "the DB file was not the snapshot: the backup API copied it"
    # while the copy ran, the saves stayed in the WAL: nothing was written back into the file
    # (busy: the store's own checkpointer was trying at that moment — it copies nothing either)
    assert any(busy == 0 for busy, _, _ in checkpoints), checkpoints
    assert all(busy == 1 or copied < in_wal for busy, in_wal, copied in checkpoints), checkpoints
    integrity, ids = _copied_db(result["path"], tmp_path, store.db_key)
    assert integrity == "ok"
    assert ids == before and not {n.record_id for n in newcomers} & ids
    store.close()


def test_when_the_wal_cannot_be_emptied_the_backup_api_copies_the_snapshot(office, tmp_path, monkeypatch):
    """A long read holding an older snapshot keeps frames in the WAL: the DB file is not the
    snapshot, and the backup copies it the slow way — still whole, still without the saves
    made after it began."""
    store, _ = storage.open_store(office, "admin", PASSWORD)
    monkeypatch.setattr(backup, "FREEZE_TRIES", 2)
    api_copies = []
    real_copy = backup._copy_snapshot

    def counted(*args):
        api_copies.append(args[1])
        return real_copy(*args)

    monkeypatch.setattr(backup, "_copy_snapshot", counted)
    reader = raw_connect(office / "fundclient.db", store.db_key)
    try:
        reader.execute("BEGIN")
        reader.execute("SELECT count(*) FROM beneficiaries").fetchone()  # an older snapshot, held
        first = generate(1, seed=96)[0]
        store.beneficiaries.add(first, by="admin")  # its frames stay in the WAL for that reader
        path = store.backup_if_due("admin")
    finally:
        reader.close()
    assert len(api_copies) == 1
    integrity, ids = _copied_db(path, tmp_path, store.db_key)
    assert integrity == "ok" and first.record_id in ids
    assert read_manifest(path)["counts"]["records"] == len(ids)
    store.close()


def test_a_backup_step_waits_while_a_save_waits_for_or_holds_the_writer(office, monkeypatch):
    store, _ = storage.open_store(office, "admin", PASSWORD)
    monkeypatch.setattr(backup_pacing, "MAX_YIELD_SECONDS", 60)
    pacer = backup._Pacer(store, None, 0.0)
    stepped = threading.Event()
    try:
        with store.writes.busy():  # as Store.write holds it from before the writer's turn to after the anchor
            thread = threading.Thread(target=lambda: (pacer.step(), stepped.set()))
            thread.start()
            assert wait_for(lambda: store.writes.yields == 1, timeout=10)
            assert not stepped.is_set()
        assert stepped.wait(10)
        thread.join(10)
        # and Store.write is what raises the flag
        seen = []
        monkeypatch.setattr(store, "_writer_turn", _spy_turn(store._writer_turn, store, seen))
        store.beneficiaries.add(generate(1, seed=95)[0], by="admin")
        assert seen == [True]
        assert not store.writes.active()
    finally:
        store.close()


def test_the_snapshot_is_frozen_after_a_save_waiting_for_the_writer(office, monkeypatch):
    """The backup's freeze takes the writer's turn only once the writes of this process that wait
    for or hold it have gone through (a save at the backup's start never waits for the freeze's
    checkpoint)."""
    store, _ = storage.open_store(office, "admin", PASSWORD)
    monkeypatch.setattr(backup_pacing, "MAX_YIELD_SECONDS", 60)
    turns = []
    plain_turn = store._writer_turn

    def turn(*args, **kw):
        turns.append((threading.current_thread().name, store.writes.active()))
        return plain_turn(*args, **kw)

    monkeypatch.setattr(store, "_writer_turn", turn)
    frozen = threading.Event()
    plain_freeze = backup._freeze_snapshot
    monkeypatch.setattr(backup, "_freeze_snapshot", lambda *a: (frozen.set(), plain_freeze(*a))[1])
    try:
        with store.writes.busy():  # a save waiting for the writer when the backup starts
            thread = threading.Thread(target=lambda: store.backup_if_due("admin"), name="backup-test")
            thread.start()
            assert wait_for(lambda: frozen.is_set() and store.writes.yields >= 1, timeout=30)
            # the backup's audit entry went through its own write; the freeze has not taken the turn
            assert [t for t in turns if t[0] == "backup-test"] == [("backup-test", True)]
        thread.join(60)
        backups = [t for t in turns if t[0] == "backup-test"]
        assert len(backups) >= 2 and backups[1] == ("backup-test", False)  # the freeze's turn: after the save
        assert list((office / "backups").glob(f"*{SUFFIX}"))
    finally:
        store.close()


def _spy_turn(turn, store, seen):
    def spy(*args, **kw):
        seen.append(store.writes.active())
        return turn(*args, **kw)
    return spy


def test_the_backup_flushes_in_steps_and_copies_at_a_lowered_priority(office, monkeypatch):
    """No single huge flush for a save's fsync to queue behind: the backup's own fdatasync every
    FLUSH_BYTES; and its copy runs on a thread of its own at nice 5 (threadprio.LOW_NICE, never lower than 10)."""
    monkeypatch.setattr(backup, "FLUSH_BYTES", 256 * 1024)
    flushes = []
    real = os.fdatasync
    monkeypatch.setattr(os, "fdatasync", lambda fd: (flushes.append(fd), real(fd))[1])
    niceness, threads = [], []
    real_stream = backup._stream_into

    def watched(*args):
        niceness.append(threadprio.current_thread_nice())
        threads.append(threading.current_thread())
        return real_stream(*args)

    monkeypatch.setattr(backup, "_stream_into", watched)
    store, _ = storage.open_store(office, "admin", PASSWORD)
    try:
        nice_before = threadprio.current_thread_nice()
        path = store.backup_if_due("admin", step_pages=16)  # 64 KiB steps
        assert threadprio.current_thread_nice() == nice_before, "the caller's thread was lowered"
    finally:
        store.close()
    size = (office / "fundclient.db").stat().st_size
    assert len(flushes) >= size // (256 * 1024)
    assert threads and threads[0] is not threading.main_thread()
    if sys.platform.startswith("linux"):
        assert niceness == [max(threadprio.LOW_NICE, nice_before)] and threadprio.LOW_NICE <= 10
    assert path.exists()


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="signal.pthread_kill")
def test_ctrl_c_while_waiting_for_the_copy_stops_it_first_then_removes_the_partial_file(office, monkeypatch):
    """Ctrl+C reaches only the thread that waits for the copy (`fundclient backup`): the copy is
    stopped and has ended before its connection is closed and its partial zip removed; nothing
    is left, the backup is still due, and the next one is made whole (review finding 4)."""
    assert threading.current_thread() is threading.main_thread()
    seen: dict = {}
    real_step = backup._Pacer.step

    def interrupting_step(pacer):
        if "interrupted" not in seen:  # the first step: Ctrl+C, then wait for run_low's stop
            seen["interrupted"] = True
            seen["partial"] = [p.name for p in (office / "backups").iterdir()]
            signal.pthread_kill(threading.main_thread().ident, signal.SIGUSR1)
            seen["stop_set"] = pacer.stop.wait(60)
        seen["copy_thread"] = threading.current_thread()
        return real_step(pacer)

    def keyboard_interrupt(signum, frame):
        raise KeyboardInterrupt

    def watched_connect(*args, **kw):  # the backup's source connection: closed only after the copy ended
        conn = real_connect(*args, **kw)
        return _CloseWatch(conn, seen)

    real_connect = backup.raw_connect
    monkeypatch.setattr(backup, "raw_connect", watched_connect)
    monkeypatch.setattr(backup._Pacer, "step", interrupting_step)
    previous = signal.signal(signal.SIGUSR1, keyboard_interrupt)
    store, _ = storage.open_store(office, "admin", PASSWORD)
    try:
        with pytest.raises(KeyboardInterrupt):
            store.backup_if_due("admin", step_pages=1)
    finally:
        signal.signal(signal.SIGUSR1, previous)
    try:
        assert seen["stop_set"] and seen["partial"], seen
        assert seen["closed_while_copying"] is False
        assert not seen["copy_thread"].is_alive()
        assert not list((office / "backups").iterdir()), "a partial backup was left behind"
        assert backup_due(office)
        monkeypatch.setattr(backup._Pacer, "step", real_step)
        path = store.backup_if_due("admin")
        assert path is not None and read_manifest(path)["counts"]["records"] == 1500
    finally:
        store.close()


class _CloseWatch:
    """A DB-API connection that notes, when closed, whether the backup's copy thread still ran."""

    def __init__(self, conn, seen):
        self._conn, self._seen = conn, seen

    def __getattr__(self, name):
        return getattr(self._conn, name)

    def close(self):
        thread = self._seen.get("copy_thread")
        self._seen["closed_while_copying"] = bool(thread and thread.is_alive())
        return self._conn.close()
