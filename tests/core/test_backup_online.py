"""Backups never block work (issue #11 item 2), on a real encrypted store: the copy reads one
snapshot on its own connection in small steps; a save made meanwhile is not held up by it
(and is not in that copy); closing the store during a backup stops it, leaves no partial
file, and the next start makes it again; leftovers of a killed backup are removed."""

from __future__ import annotations

import threading
import zipfile

import pytest

from fundclient import storage
from fundclient.domain.records import Photo
from fundclient.domain.synthetic import generate
from fundclient.storage.backup import SUFFIX, backup_due, create_backup, read_manifest
from fundclient.storage.bulk import bulk_add
from fundclient.storage.errors import BackupCancelled

PASSWORD = "admin-pass-1"


@pytest.fixture
def office(data_dir):
    storage.initialise(data_dir, "SEB", "admin", PASSWORD, "مدير النظام")
    store, _ = storage.open_store(data_dir, "admin", PASSWORD)
    bulk_add(store, generate(1500, seed=5), by="admin")
    store.close()
    return data_dir


def slow_backup(store, started: threading.Event, **kw):
    """A backup whose every step (one page) waits a little: long enough to act during it."""
    result: dict = {}

    def run():
        original = storage.backup.time.sleep

        def pause(seconds):
            started.set()
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
    started = threading.Event()
    thread, result = slow_backup(store, started)
    try:
        assert started.wait(30)
        newcomer = generate(1, seed=99)[0]
        store.beneficiaries.add(newcomer, by="admin", photos=[Photo(b"\xff\xd8" + bytes(30_000))])
        assert thread.is_alive(), "the save waited for the whole backup"
        assert store.beneficiaries.get(newcomer.record_id).record_id == newcomer.record_id
    finally:
        thread.join(120)
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
