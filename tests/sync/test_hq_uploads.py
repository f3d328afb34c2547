"""Uploads in progress, held in HQ's database (hq/uploads.py): gone as soon as a batch is ingested
or refused, cut uploads resume, a device holds a bounded number of unfinished uploads, and the
sweep (at start and periodically) removes what finished or abandoned uploads left."""

from __future__ import annotations

import os
import uuid
from datetime import datetime, timedelta, timezone

import requests

from fundclient.config import Settings
from fundclient.hq.limits import Limits
from fundclient.hq.db import batches, devices, open_engine, upload_parts, uploads
from fundclient.hq import db as hq_db
from fundclient.hq.server import start_in_thread
from fundclient.hq.uploads import UploadStore
from fundclient.sync.engine import run_sync
from fundclient.sync.outbox import Outbox

from sync_helpers import enrol_office, people, photos_for, rewriting_middlebox
from test_hq_abuse import TUS, _signed_meta

MB = 1024 * 1024


def _held(server) -> list[str]:
    """Batch ids of the uploads HQ holds in progress."""
    return server.app.state.uploads.held_batches()


def test_upload_files_go_when_batches_are_ingested(hq_sqlite, hq_dir, data_dir):
    enrol_office(hq_sqlite, data_dir)
    settings = Settings.load(data_dir)
    settings.batch_max_bytes = 256 * 1024  # (the default, 4 MiB, holds these 30 in one batch)
    settings.save(data_dir)
    persons = people(30)
    Outbox(data_dir).seal([p.to_dict() for p in persons], photos_for(persons))  # several batches, some large
    summary = run_sync(data_dir)
    assert summary.batches_acknowledged >= 2 and summary.error is None
    assert _held(hq_sqlite) == []


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
        assert _held(server) == [batch_id]
        head = requests.head(f"{server.url}/tus/{batch_id}", headers=TUS, timeout=10)
        assert head.headers["Upload-Offset"] == str(half)
        # A wrong offset is refused; the right one finishes it.
        wrong = requests.patch(f"{server.url}/tus/{batch_id}", data=blob[half:],
                               headers={**patch, "Upload-Offset": "1"}, timeout=10)
        assert (wrong.status_code, wrong.json()["code"]) == (409, "offset_mismatch")
        done = requests.patch(f"{server.url}/tus/{batch_id}", data=blob[half:],
                              headers={**patch, "Upload-Offset": str(half)}, timeout=30)
        assert done.status_code == 204 and done.headers.get("Fundclient-Ack")
        assert _held(server) == []
        # The office asks again (it never saw the answer): the same signed ack, nothing on disk.
        assert run_sync(data_dir).batches_acknowledged == 1 and _held(server) == []
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
        assert _held(server) == []
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
        assert len(_held(server)) == 32
    finally:
        server.stop()


def test_the_sweep_removes_leftovers(tmp_path):
    engine = open_engine(tmp_path)
    store = UploadStore(engine, stale_days=14)
    held, fresh, stale = (str(uuid.uuid4()) for _ in range(3))
    for batch_id in (held, fresh, stale):
        store.create(batch_id, 10, "0" * 64, str(uuid.uuid4()))
        assert store.append(batch_id, 0, b"12345")
    with engine.begin() as conn:
        conn.execute(uploads.update().where(uploads.c.batch_id == stale)
                     .values(updated_at=datetime.now(timezone.utc) - timedelta(days=15)))
        conn.execute(upload_parts.insert().values(batch_id=str(uuid.uuid4()), start_byte=0, data=b"orphan"))
    with engine.begin() as conn:  # the batch `held` is one HQ holds already
        conn.execute(devices.insert().values(device_id="d", office_code="SEB", device_number=1, public_key=b"k",
                                             label="", enrolled_at=datetime.now(timezone.utc)))
        conn.execute(batches.insert().values(batch_id=held, device_id="d", seq=1, sha256="0" * 64, source="network",
                                             received_at=datetime.now(timezone.utc), ack="{}"))
    assert store.sweep() == 2
    assert store.held_batches() == [fresh]
    with engine.connect() as conn:
        assert conn.execute(upload_parts.select()).all() == [(fresh, 0, b"12345")]
    assert store.read(fresh) == b"12345" and store.state(fresh).offset == 5
    assert not store.sweep_due()
    engine.dispose()


def test_hq_sweeps_at_start(hq_dir, data_dir):
    server = start_in_thread(hq_dir)
    try:
        enrol_office(server, data_dir)
        Outbox(data_dir).seal([p.to_dict() for p in people(1)])
        run_sync(data_dir)
        [batch_id] = [p.stem.split("-", 1)[1] for p in Outbox(data_dir).root.glob("sent/*.fcb")]
        store = server.app.state.uploads  # as a crash between ingest and clean-up leaves it
        store.create(batch_id, 5, "0" * 64, str(uuid.uuid4()))
        store.append(batch_id, 0, b"12345")
        assert _held(server) == [batch_id]
    finally:
        server.stop()
    server = start_in_thread(hq_dir)
    try:
        assert _held(server) == []
    finally:
        server.stop()


def test_a_creation_with_its_body_writes_no_upload_row_unless_it_is_cut(hq_dir, data_dir, monkeypatch):
    """A small batch comes whole with its creation request (an office seals one per save): HQ
    writes no upload row for it — the batch's own commit is its only write. Cut half-way, the
    bytes that came are held (row and all) and the office resumes from them."""
    import socket
    import time

    from sqlalchemy import event

    server = start_in_thread(hq_dir, limits=Limits(max_batch_bytes=8 * MB, rates=[]))
    written: list[str] = []

    def note(statement):
        if statement.lstrip().upper().startswith("INSERT INTO UPLOADS"):
            written.append(statement)
    # every statement HQ sends: through SQLAlchemy, and on the driver's cursor (hq/db.py `on_driver`)
    event.listen(server.ingestor.engine, "before_cursor_execute", lambda conn, cursor, statement, *rest: note(statement))
    driver_execute = hq_db._driver_execute

    def spied(conn, cursor, sql, values, many):
        note(sql)
        return driver_execute(conn, cursor, sql, values, many)
    monkeypatch.setattr(hq_db, "_driver_execute", spied)
    try:
        device = enrol_office(server, data_dir)
        outbox = Outbox(data_dir)
        [path] = outbox.seal([p.to_dict() for p in people(2)])
        blob = path.read_bytes()
        batch_id = path.stem.split("-", 1)[1]
        headers = {**TUS, "Upload-Length": str(len(blob)), "Upload-Metadata": _signed_meta(device, blob, batch_id),
                   "Content-Type": "application/offset+octet-stream"}
        whole = requests.post(f"{server.url}/tus/", data=blob, headers=headers, timeout=30)
        assert whole.status_code == 201 and whole.headers.get("Fundclient-Ack")
        assert written == [] and _held(server) == []
        # Cut after a third: what came is held, from any node's point of view (HEAD).
        persons = people(3, seed=7)
        [path] = outbox.seal([p.to_dict() for p in persons], photos_for(persons, size=30_000))
        blob = path.read_bytes()
        batch_id = path.stem.split("-", 1)[1]
        third = len(blob) // 3
        host, port = server.url.removeprefix("http://").split(":")
        with socket.create_connection((host, int(port)), timeout=10) as sock:
            sock.sendall(f"POST /tus/ HTTP/1.1\r\nHost: hq\r\nTus-Resumable: 1.0.0\r\nUpload-Length: {len(blob)}\r\n"
                         f"Upload-Metadata: {_signed_meta(device, blob, batch_id)}\r\n"
                         f"Content-Type: application/offset+octet-stream\r\nContent-Length: {len(blob)}\r\n\r\n"
                         .encode() + blob[:third])
            time.sleep(1.0)  # longer than HQ holds bytes before writing them (FLUSH_SECONDS)
        deadline = time.monotonic() + 10
        while _held(server) != [batch_id] and time.monotonic() < deadline:
            time.sleep(0.1)
        head = requests.head(f"{server.url}/tus/{batch_id}", headers=TUS, timeout=10)
        assert head.status_code == 200 and head.headers["Upload-Offset"] == str(third)
        assert len(written) == 1
        done = requests.patch(f"{server.url}/tus/{batch_id}", data=blob[third:],
                              headers={**TUS, "Upload-Offset": str(third),
                                       "Content-Type": "application/offset+octet-stream"}, timeout=30)
        assert done.status_code == 204 and done.headers.get("Fundclient-Ack") and _held(server) == []
        # A creation announcing a body that never comes is held from byte 0, as a plain creation.
        [path] = outbox.seal([p.to_dict() for p in people(1, seed=9)])
        blob = path.read_bytes()
        batch_id = path.stem.split("-", 1)[1]
        empty = requests.post(f"{server.url}/tus/", data=b"", headers={
            **TUS, "Upload-Length": str(len(blob)), "Upload-Metadata": _signed_meta(device, blob, batch_id),
            "Content-Type": "application/offset+octet-stream"}, timeout=10)
        assert empty.status_code == 201 and empty.headers["Upload-Offset"] == "0" and _held(server) == [batch_id]
        assert run_sync(data_dir).batches_acknowledged >= 1 and _held(server) == []
    finally:
        server.stop()


def _statements(server, monkeypatch) -> list[str]:
    """Every statement HQ sends from now on (through SQLAlchemy and on the driver's cursor),
    savepoints included; the list grows as HQ works."""
    from sqlalchemy import event

    sent: list[str] = []
    engine = server.ingestor.engine
    event.listen(engine, "before_cursor_execute", lambda conn, cursor, statement, *rest: sent.append(statement))
    for name in ("savepoint", "release_savepoint", "rollback_savepoint"):
        event.listen(engine, name, lambda conn, *rest, name=name: sent.append(name.upper()))
    driver_execute = hq_db._driver_execute

    def spied(conn, cursor, sql, values, many):
        sent.append(sql)
        return driver_execute(conn, cursor, sql, values, many)
    monkeypatch.setattr(hq_db, "_driver_execute", spied)
    return sent


def test_an_upload_costs_hq_few_statements(hq, data_dir, monkeypatch):
    """A batch over the creation-with-body size goes as a creation, then a PATCH with every byte
    (the office's uploader): the creation reads once and writes the upload's row once, with no
    savepoint; the PATCH reads the upload once before ingest; the batch's commit removes the
    upload's rows (one statement on PostgreSQL). Same answers: the ack, no upload left."""
    device = enrol_office(hq, data_dir)
    persons = people(3, seed=11)
    [path] = Outbox(data_dir).seal([p.to_dict() for p in persons], photos_for(persons, size=30_000))
    blob = path.read_bytes()
    assert len(blob) > 64 * 1024
    batch_id = path.stem.split("-", 1)[1]
    sent = _statements(hq, monkeypatch)
    created = requests.post(f"{hq.url}/tus/", headers={**TUS, "Upload-Length": str(len(blob)),
                                                       "Upload-Metadata": _signed_meta(device, blob, batch_id)},
                            timeout=30)
    assert created.status_code == 201 and created.headers["Location"] == f"/tus/{batch_id}"
    creation = list(sent)
    assert [s.split()[0].upper() for s in creation] == ["SELECT", "INSERT"], creation
    assert "ON CONFLICT DO NOTHING" in creation[1]
    assert _held(hq) == [batch_id]
    del sent[:]
    done = requests.patch(f"{hq.url}/tus/{batch_id}", data=blob,
                          headers={**TUS, "Upload-Offset": "0", "Content-Type": "application/offset+octet-stream"},
                          timeout=30)
    assert done.status_code == 204 and done.headers.get("Fundclient-Ack")
    assert sent[0].split()[0].upper() == "SELECT" and "FROM uploads" in sent[0]
    removals = [s for s in sent if s.upper().startswith(("DELETE FROM UPLOAD", "WITH PARTS AS (DELETE"))]
    postgres = hq.ingestor.engine.dialect.name == "postgresql"
    assert len(removals) == (1 if postgres else 2), removals
    assert _held(hq) == []
    assert [r["status"] for r in hq.ingestor.stored_ack(batch_id)["ack"]["results"]] == ["accepted"] * 3


def test_a_batch_that_arrives_fast_is_held_in_memory_to_its_end(hq, data_dir, monkeypatch):
    """An upload that arrives before `flush_seconds` passes is written to `upload_parts` by size
    only past the batch limit: a batch over the old 1 MiB threshold (the offices seal up to 2 MiB)
    goes straight from memory to ingest — no part written, read back and deleted. A slow one is
    written every `flush_seconds` as before (test_a_creation_with_its_body_...: the cut third)."""
    hq.app.state.uploads.flush_seconds = 3600.0  # (so that a slow test machine never writes by time)
    device = enrol_office(hq, data_dir)
    persons = people(45, seed=13)
    [path] = Outbox(data_dir).seal([p.to_dict() for p in persons], photos_for(persons, size=30_000))
    blob = path.read_bytes()
    assert len(blob) > 1 * MB
    batch_id = path.stem.split("-", 1)[1]
    sent = _statements(hq, monkeypatch)
    created = requests.post(f"{hq.url}/tus/", headers={**TUS, "Upload-Length": str(len(blob)),
                                                       "Upload-Metadata": _signed_meta(device, blob, batch_id)},
                            timeout=30)
    assert created.status_code == 201
    done = requests.patch(f"{hq.url}/tus/{batch_id}", data=blob,
                          headers={**TUS, "Upload-Offset": "0", "Content-Type": "application/offset+octet-stream"},
                          timeout=60)
    assert done.status_code == 204 and done.headers["Upload-Offset"] == str(len(blob))
    assert [s for s in sent if "upload_parts" in s and not s.upper().startswith(("DELETE", "WITH PARTS"))] == []
    assert _held(hq) == []
    assert [r["status"] for r in hq.ingestor.stored_ack(batch_id)["ack"]["results"]] == ["accepted"] * 45


def test_the_ack_comes_as_the_body_when_the_office_asks(hq, data_dir):
    """An ack too large for the `Fundclient-Ack` header (a batch of ~90 registrations or more)
    cost the office a third request (GET .../ack). Asked with `Prefer: return=representation`
    (the office's uploader asks), HQ answers the completing PATCH with 200 and the signed ack as
    its body; without it (an older office) as before: 204, no header, and the GET answers the
    stored ack — the same document the office verifies."""
    from fundclient.sync.device import Device
    from fundclient.sync.http import TransportOptions, make_session
    from fundclient.sync.upload import BatchUploader

    device = enrol_office(hq, data_dir)
    settings = Settings.load(data_dir)
    settings.batch_max_bytes = 8 * MB
    settings.save(data_dir)
    outbox = Outbox(data_dir)
    persons = people(240, seed=17)
    [path, older] = (outbox.seal([p.to_dict() for p in persons[:120]], photos_for(persons[:120], size=1_000))
                     + outbox.seal([p.to_dict() for p in persons[120:]], photos_for(persons[120:], size=1_000)))
    blob = path.read_bytes()
    assert len(blob) > 64 * 1024
    # An older office: no preference; the ack is over the header's size, so it GETs it.
    old_blob, old_id = older.read_bytes(), older.stem.split("-", 1)[1]
    meta = {**TUS, "Upload-Length": str(len(old_blob)), "Upload-Metadata": _signed_meta(device, old_blob, old_id)}
    assert requests.post(f"{hq.url}/tus/", headers=meta, timeout=30).status_code == 201
    done = requests.patch(f"{hq.url}/tus/{old_id}", data=old_blob, timeout=60,
                          headers={**TUS, "Upload-Offset": "0", "Content-Type": "application/offset+octet-stream"})
    assert done.status_code == 204 and done.content == b"" and "Preference-Applied" not in done.headers
    fetched = requests.get(f"{hq.url}/api/v1/batches/{old_id}/ack", timeout=10)
    assert fetched.status_code == 200 and fetched.headers["Content-Type"] == "application/json"
    assert fetched.json() == hq.ingestor.stored_ack(old_id) and fetched.json()["ack"]["batch_id"] == old_id
    assert len(fetched.content) * 4 // 3 > 16_000  # (too large for the header)
    # The office's uploader: creation, one PATCH answered with the ack as its body, nothing else.
    session = make_session(settings)
    asked: list[tuple[str, str, int]] = []
    session.hooks["response"].append(lambda r, *a, **k: asked.append((r.request.method, r.request.path_url,
                                                                       r.status_code)))
    uploader = BatchUploader(session, hq.url, outbox, Device.load(data_dir), TransportOptions())
    ack = uploader.attempt(path)
    batch_id = path.stem.split("-", 1)[1]
    assert asked == [("POST", "/tus/", 201), ("PATCH", f"/tus/{batch_id}", 200)]
    assert ack["batch_id"] == batch_id and len(ack["results"]) == 120
    assert ack == hq.ingestor.stored_ack(batch_id)["ack"]  # what HQ stored and signed, verified by the office
    assert path not in outbox.pending()
    session.close()


def _older_hq(app):
    """An HQ from before the ack as the body: the office's `Prefer` never reaches the app."""
    async def wrapped(scope, receive, send):
        if scope["type"] == "http":
            scope = {**scope, "headers": [(k, v) for k, v in scope["headers"] if k != b"prefer"]}
        return await app(scope, receive, send)
    return wrapped


def test_an_office_gets_its_acks_from_an_hq_that_ignores_the_preference(hq_dir, data_dir):
    """The office asks for the ack as the body; an HQ that does not know the preference answers
    as tus does (204, the ack in the header when it fits) and the office takes it from there, or
    fetches it (an ack over the header's 16 KB)."""
    server = start_in_thread(hq_dir, limits=Limits(max_batch_bytes=8 * MB, rates=[]), wrap=_older_hq)
    try:
        enrol_office(server, data_dir)
        settings = Settings.load(data_dir)
        settings.batch_max_bytes = 8 * MB
        settings.save(data_dir)
        outbox = Outbox(data_dir)
        small, large = people(3, seed=29), people(120, seed=31)
        outbox.seal([p.to_dict() for p in small], photos_for(small, size=30_000))  # ack in the header
        outbox.seal([p.to_dict() for p in large], photos_for(large, size=1_000))  # ack fetched
        summary = run_sync(data_dir)
        assert (summary.batches_acknowledged, summary.error) == (2, None)
        assert outbox.pending() == [] and len(list((outbox.root / "acks").iterdir())) == 2
    finally:
        server.stop()


def _forging_hq(app):
    """A middlebox that replaces the ack in a response's body by one signed with another key."""
    import json

    from fundclient.sync.ack import sign_ack
    from fundclient.sync.keys import generate_signing_private

    def forge(body: bytes) -> bytes:
        return json.dumps(sign_ack(json.loads(body)["ack"], generate_signing_private())).encode() if body else body

    return rewriting_middlebox(app, lambda scope: scope["method"] == "PATCH", forge)


def test_a_forged_ack_in_the_body_leaves_the_batch_pending(hq_dir, data_dir):
    server = start_in_thread(hq_dir, limits=Limits(max_batch_bytes=8 * MB, rates=[]), wrap=_forging_hq)
    try:
        enrol_office(server, data_dir)
        outbox = Outbox(data_dir)
        persons = people(3, seed=37)
        [path] = outbox.seal([p.to_dict() for p in persons], photos_for(persons, size=30_000))
        summary = run_sync(data_dir)
        assert summary.batches_acknowledged == 0 and summary.error["code"] == "forged_ack"
        assert outbox.pending() == [path] and not list((outbox.root / "acks").iterdir())
    finally:
        server.stop()
