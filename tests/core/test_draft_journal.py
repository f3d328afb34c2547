"""The drafts' journal (storage/draft_journal.py): encrypted at rest, bound to its file name,
never waiting for the writer, folded into the DB at login — on a real encrypted store."""

from __future__ import annotations

import json
import threading

import pytest

from fundclient.storage import initialise, open_store
from fundclient.storage.draft_journal import JOURNAL_DIR

PAYLOAD = json.dumps({"version": 1, "values": {"name.first": "سالم", "national_number": "119480123456"}},
                     ensure_ascii=False)


@pytest.fixture
def store(data_dir):
    initialise(data_dir, "SBH", "admin", "admin-pass-1")
    store, _ = open_store(data_dir, "admin", "admin-pass-1")
    yield store
    store.close()


def _files(store):
    return sorted((store.data_dir / JOURNAL_DIR).glob("*.draft"))


def test_a_draft_is_an_encrypted_file_that_names_nobody(store):
    store.drafts.save("admin", "draft-1", PAYLOAD)
    [path] = _files(store)
    raw = path.read_bytes()
    for plain in ("119480123456", "سالم", "admin", "draft-1"):
        assert plain.encode() not in raw and plain not in path.name
    assert path.stat().st_mode & 0o777 == 0o600
    assert (store.data_dir / JOURNAL_DIR).stat().st_mode & 0o777 == 0o700
    assert store.drafts.load("admin", "draft-1") == PAYLOAD
    assert [d.draft_id for d in store.drafts.list("admin")] == ["draft-1"]
    assert store.drafts.list("someone-else") == []


def test_a_draft_is_saved_while_another_process_holds_the_writer(store):
    held, release = threading.Event(), threading.Event()

    def long_write():
        with store.writer_connection():
            held.set()
            release.wait(30)

    worker = threading.Thread(target=long_write)
    worker.start()
    try:
        assert held.wait(10)
        store.drafts.save("admin", "draft-1", PAYLOAD)  # returns while the writer is still held
        assert worker.is_alive() and not release.is_set()
        assert store.drafts.load("admin", "draft-1") == PAYLOAD
    finally:
        release.set()
        worker.join()


def test_tampered_or_swapped_files_are_skipped_not_trusted(store):
    store.drafts.save("admin", "draft-1", PAYLOAD)
    store.drafts.save("admin", "draft-2", PAYLOAD.replace("سالم", "عمر"))
    first, second = _files(store)
    first.write_bytes(second.read_bytes())  # a file copied over another: bound to its name
    data = json.loads(second.read_text())
    data["data"] = data["data"][:-4] + ("AAAA" if not data["data"].endswith("AAAA") else "BBBB")
    second.write_text(json.dumps(data))  # altered content
    (store.data_dir / JOURNAL_DIR / "junk.draft").write_text("not json")
    assert store.drafts.list("admin") == []


def test_login_folds_the_journal_into_the_db_and_later_saves_win(store, data_dir):
    store.drafts.save("admin", "draft-1", PAYLOAD)
    store.close()
    again, _ = open_store(data_dir, "admin", "admin-pass-1")
    try:
        assert _files(again) == []  # folded into the encrypted DB
        with again.read() as conn:
            assert conn.exec_driver_sql("SELECT count(*) FROM drafts").scalar_one() == 1
        newer = PAYLOAD.replace("سالم", "سالمة")
        again.drafts.save("admin", "draft-1", newer)  # the journal's copy is the newer one
        assert again.drafts.load("admin", "draft-1") == newer
        assert len(again.drafts.list("admin")) == 1
        assert again.drafts.delete("admin", "draft-1")
        assert again.drafts.list("admin") == [] and _files(again) == []
    finally:
        again.close()


def test_key_rotation_keeps_the_drafts(store, data_dir):
    store.drafts.save("admin", "draft-1", PAYLOAD)
    store.rekey("admin")
    assert _files(store) == []
    assert store.drafts.load("admin", "draft-1") == PAYLOAD
    store.drafts.save("admin", "draft-2", PAYLOAD)  # under the new key
    assert {d.draft_id for d in store.drafts.list("admin")} == {"draft-1", "draft-2"}
