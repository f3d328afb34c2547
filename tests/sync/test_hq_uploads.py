"""Upload files on HQ's disk: gone as soon as a batch is ingested or refused, cut uploads resume,
a device holds a bounded number of unfinished uploads, and the sweep (at start and periodically)
removes what finished or abandoned uploads left."""

from __future__ import annotations

import os
import time
import uuid

import requests

from fundclient.hq.limits import Limits
from fundclient.hq.server import start_in_thread
from fundclient.hq.uploads import UploadStore
from fundclient.sync import envelope
from fundclient.sync.engine import run_sync
from fundclient.sync.outbox import Outbox

from sync_helpers import enrol_office, people, photos_for
from test_hq_abuse import TUS, _signed_meta

MB = 1024 * 1024


def _files(hq_dir) -> list[str]:
    return sorted(p.name for p in (hq_dir / "uploads").iterdir())


def test_upload_files_go_when_batches_are_ingested(hq_sqlite, hq_dir, data_dir):
    enrol_office(hq_sqlite, data_dir)
    persons = people(30)
    Outbox(data_dir).seal([p.to_dict() for p in persons], photos_for(persons))  # several batches, some large
    summary = run_sync(data_dir)
    assert summary.batches_acknowledged >= 2 and summary.error is None
    assert _files(hq_dir) == []


def test_a_cut_upload_resumes_then_leaves_nothing(hq_dir, data_dir):
    server = start_in_thread(hq_dir, limits=Limits(max_batch_bytes=8 * MB, rates=[]))
    try:
        device = enrol_office(server, data_dir)
        persons = people(3)
        [path] = Outbox(data_dir).seal([p.to_dict() for p in persons], photos_for(persons, size=30_000))
        blob = path.read_bytes()
        batch_id = path.stem.split("-", 1)[1]
        headers = {**TUS, "Upload-Length": str(len(blob)), "Upload-Metadata": _signed_meta(device, blob, batch_id)}
        assert requests.post(f"{server.url}/tus/", headers=headers, timeout=10).status_code == 201
        half = len(blob) // 2
        patch = {**TUS, "Upload-Offset": "0", "Content-Type": "application/offset+octet-stream"}
        assert requests.patch(f"{server.url}/tus/{batch_id}", data=blob[:half], headers=patch,
                              timeout=10).status_code == 204
        assert sorted(_files(hq_dir)) == [f"{batch_id}.len", f"{batch_id}.part"]
        head = requests.head(f"{server.url}/tus/{batch_id}", headers=TUS, timeout=10)
        assert head.headers["Upload-Offset"] == str(half)
        # A wrong offset is refused; the right one finishes it.
        wrong = requests.patch(f"{server.url}/tus/{batch_id}", data=blob[half:],
                               headers={**patch, "Upload-Offset": "1"}, timeout=10)
        assert (wrong.status_code, wrong.json()["code"]) == (409, "offset_mismatch")
        done = requests.patch(f"{server.url}/tus/{batch_id}", data=blob[half:],
                              headers={**patch, "Upload-Offset": str(half)}, timeout=30)
        assert done.status_code == 204 and done.headers.get("Fundclient-Ack")
        assert _files(hq_dir) == []
        # The office asks again (it never saw the answer): the same signed ack, nothing on disk.
        assert run_sync(data_dir).batches_acknowledged == 1 and _files(hq_dir) == []
    finally:
        server.stop()


def test_bytes_that_are_not_what_the_device_signed_are_discarded(hq_dir, data_dir):
    server = start_in_thread(hq_dir, limits=Limits(max_batch_bytes=8 * MB, rates=[]))
    try:
        device = enrol_office(server, data_dir)
        [path] = Outbox(data_dir).seal([p.to_dict() for p in people(2)])
        blob = path.read_bytes()
        batch_id = path.stem.split("-", 1)[1]
        other = blob[:-1] + bytes([blob[-1] ^ 1])
        headers = {**TUS, "Upload-Length": str(len(blob)), "Upload-Metadata": _signed_meta(device, blob, batch_id),
                   "Content-Type": "application/offset+octet-stream"}
        answer = requests.post(f"{server.url}/tus/", data=other, headers=headers, timeout=10)
        assert (answer.status_code, answer.json()["code"]) == (409, "upload_mismatch")  # retried, not quarantined
        assert _files(hq_dir) == []
        assert run_sync(data_dir).batches_acknowledged == 1
    finally:
        server.stop()


def test_a_device_holds_a_bounded_number_of_unfinished_uploads(hq_dir, data_dir):
    server = start_in_thread(hq_dir, limits=Limits(max_batch_bytes=8 * MB, rates=[]))
    try:
        device = enrol_office(server, data_dir)
        codes = []
        for _ in range(40):
            blob = os.urandom(100)
            headers = {**TUS, "Upload-Length": "100", "Upload-Metadata": _signed_meta(device, blob)}
            codes.append(requests.post(f"{server.url}/tus/", headers=headers, timeout=10).status_code)
        assert codes.count(201) == 32 and codes.count(429) == 8
        assert len([n for n in _files(hq_dir) if n.endswith(".len")]) == 32
    finally:
        server.stop()


def test_the_sweep_removes_leftovers(tmp_path):
    store = UploadStore(tmp_path / "uploads", stale_days=14)
    held, fresh, stale = (str(uuid.uuid4()) for _ in range(3))
    for batch_id in (held, fresh, stale):
        store.create(batch_id, 10, "0" * 64, str(uuid.uuid4()))
    old = time.time() - 15 * 86400
    for suffix in (".len", ".part"):
        os.utime(store.folder / f"{stale}{suffix}", (old, old))
    orphan = store.folder / f"{uuid.uuid4()}.part"
    orphan.write_bytes(b"x")
    os.utime(orphan, (time.time() - 7200,) * 2)
    tmp = store.folder / f".{uuid.uuid4()}.len.tmp"
    tmp.write_text("1")
    os.utime(tmp, (time.time() - 7200,) * 2)
    legacy = store.folder / f"{uuid.uuid4()}.len"
    legacy.write_text("123")  # 0.1.0 wrote the length alone
    assert store.state(legacy.stem).length == 123
    assert store.sweep(lambda batch_id: batch_id == held) == 6
    assert sorted(p.name for p in store.folder.iterdir()) == sorted([f"{fresh}.len", f"{fresh}.part", legacy.name])
    assert not store.sweep_due()


def test_hq_sweeps_at_start(hq_dir, data_dir):
    server = start_in_thread(hq_dir)
    try:
        enrol_office(server, data_dir)
        Outbox(data_dir).seal([p.to_dict() for p in people(1)])
        run_sync(data_dir)
        [batch_id] = [p.stem.split("-", 1)[1] for p in Outbox(data_dir).root.glob("sent/*.fcb")]
    finally:
        server.stop()
    (hq_dir / "uploads" / f"{batch_id}.len").write_text('{"length": 5}')  # as a crash would leave it
    (hq_dir / "uploads" / f"{batch_id}.part").write_bytes(b"12345")
    server = start_in_thread(hq_dir)
    try:
        assert _files(hq_dir) == []
    finally:
        server.stop()
    assert envelope.UUID_RE.fullmatch(batch_id)
