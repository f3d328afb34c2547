"""Abuse of a real HQ on 127.0.0.1 (uvicorn), the way someone with a network cable would try it:
oversize and endless bodies, hostile fields, unsigned and forged upload creation, floods of
unauthenticated requests, a record filed for another office, a middlebox that alters the
reference data. Every refusal is a 4xx with a reason code, nothing lands on disk or in the
database, and HQ stays healthy. Bounded in count and time (socket timeouts, no sleeps)."""

from __future__ import annotations

import base64
import json
import socket
import uuid

import pytest
import requests
from sqlalchemy import func, select

from fundclient.hq.db import records
from fundclient.hq.limits import Limits, Rate
from fundclient.hq.refdata import set_reference
from fundclient.hq.server import start_in_thread
from fundclient.sync import envelope
from fundclient.sync.device import Device
from fundclient.sync.engine import run_sync
from fundclient.sync.outbox import Outbox
from fundclient.sync.reference import ReferenceStore

from hostile_batches import mutated_header
from sync_helpers import enrol_office, people, rewriting_middlebox

TUS = {"Tus-Resumable": "1.0.0"}
MB = 1024 * 1024


def _b64(value: str | bytes) -> str:
    return base64.b64encode(value.encode() if isinstance(value, str) else value).decode()


def _meta(**values: str | bytes) -> str:
    return ",".join(f"{k} {_b64(v)}" for k, v in values.items())


def _signed_meta(device: Device, blob: bytes, batch_id: str | None = None) -> str:
    batch_id = batch_id or str(uuid.uuid4())
    digest, sig = envelope.sign_upload(blob, batch_id=batch_id, device_id=device.device_id,
                                       device_private=device.signing_private())
    return _meta(batch_id=batch_id, device_id=device.device_id, sha256=digest, signature=_b64(sig))


def _uploads(server) -> list[str]:
    """Batch ids of the uploads HQ holds in progress (in its database: hq/uploads.py)."""
    return server.app.state.uploads.held_batches()


def _healthy(url: str) -> None:
    answer = requests.get(f"{url}/api/v1/keys", timeout=10)
    assert answer.status_code == 200 and "keyset" in answer.json()


def _raw(url: str, request: bytes, body_chunks=(), timeout: float = 20) -> tuple[int, bytes]:
    """Send a raw HTTP/1.1 request (and body pieces while HQ listens); (status, response)."""
    host, port = url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=timeout) as sock:
        sock.sendall(request)
        for chunk in body_chunks:
            try:
                sock.sendall(chunk)
            except (BrokenPipeError, ConnectionResetError):
                break  # HQ refused and closed: what we want
        data = b""
        while b"\r\n\r\n" not in data:
            piece = sock.recv(65536)
            if not piece:
                break
            data += piece
    return int(data.split(b" ", 2)[1]), data


@pytest.fixture
def open_hq(hq_dir):
    """HQ without per-client rate limits (the flood test has its own)."""
    server = start_in_thread(hq_dir, limits=Limits(max_batch_bytes=8 * MB, rates=[]))
    yield server
    server.stop()


@pytest.mark.parametrize("since", [str(2**70), "-1", "abc", "1e5", "", str(2**63)])
def test_pull_with_a_hostile_token_is_a_400(open_hq, since):
    answer = requests.get(f"{open_hq.url}/api/v1/pull", params={"since": since}, timeout=10)
    assert answer.status_code == 400 and answer.json() == {"code": "malformed"}


@pytest.mark.parametrize("length", ["-5", "abc", "", str(2**70), "0", "7.5", "1_000", "+5", "0x10"])
def test_hostile_upload_length_is_refused_and_nothing_is_written(open_hq, hq_dir, data_dir, length):
    device = enrol_office(open_hq, data_dir)
    headers = {**TUS, "Upload-Length": length, "Upload-Metadata": _signed_meta(device, b"x" * 10)}
    answer = requests.post(f"{open_hq.url}/tus/", headers=headers, timeout=10)
    assert answer.status_code == 400 and answer.json()["code"] == "malformed"
    assert _uploads(open_hq) == []


def test_upload_creation_needs_the_device_signature(open_hq, hq_dir, data_dir):
    device = enrol_office(open_hq, data_dir)
    blob = b"B" * 1000
    batch_id = str(uuid.uuid4())
    base = {**TUS, "Upload-Length": str(len(blob))}
    unsigned = _meta(batch_id=batch_id, device_id=device.device_id)
    answer = requests.post(f"{open_hq.url}/tus/", headers={**base, "Upload-Metadata": unsigned}, timeout=10)
    assert (answer.status_code, answer.json()["code"]) == (401, "unsigned_upload")
    # Signed by another key (someone who only knows the device id).
    from fundclient.sync.keys import generate_signing_private
    digest, sig = envelope.sign_upload(blob, batch_id=batch_id, device_id=device.device_id,
                                       device_private=generate_signing_private())
    forged = _meta(batch_id=batch_id, device_id=device.device_id, sha256=digest, signature=_b64(sig))
    answer = requests.post(f"{open_hq.url}/tus/", headers={**base, "Upload-Metadata": forged}, timeout=10)
    assert (answer.status_code, answer.json()["code"]) == (403, "bad_signature")
    # Signed for another length than asked for.
    answer = requests.post(f"{open_hq.url}/tus/", headers={**base, "Upload-Length": "999999",
                                                           "Upload-Metadata": _signed_meta(device, blob, batch_id)},
                           timeout=10)
    assert (answer.status_code, answer.json()["code"]) == (403, "bad_signature")
    # An unknown device id, and ids that are not ids.
    for device_id in (str(uuid.uuid4()), '["x"]', '{"a":1}', "' OR 1=1 --", "x" * 5000):
        meta = _meta(batch_id=batch_id, device_id=device_id, sha256=digest, signature=_b64(sig))
        answer = requests.post(f"{open_hq.url}/tus/", headers={**base, "Upload-Metadata": meta}, timeout=10)
        assert answer.status_code in (400, 403) and answer.json()["code"] in ("malformed", "unknown_device")
    for meta in ("batch_id", "batch_id !!!", "a b c", "batch_id " + "A" * 3000, "device_id eA==, device_id eA=="):
        answer = requests.post(f"{open_hq.url}/tus/", headers={**base, "Upload-Metadata": meta}, timeout=10)
        assert answer.status_code == 400, meta
    assert _uploads(open_hq) == []
    _healthy(open_hq.url)


def test_a_hostile_header_over_http_is_a_422_not_a_500(open_hq, hq_dir, data_dir):
    device = enrol_office(open_hq, data_dir)
    [path] = Outbox(data_dir).seal([p.to_dict() for p in people(2)])
    good = path.read_bytes()
    for fields in ({"device_id": ["x", {"y": 1}]}, {"device_id": {"$ne": None}}, {"hq_key_id": ["k"]},
                   {"seq": 2**70}, {"seq": True}, {"count": "2"}, {"batch_id": "../../etc/passwd"}):
        blob = mutated_header(good, **fields)
        headers = {**TUS, "Upload-Length": str(len(blob)), "Upload-Metadata": _signed_meta(device, blob),
                   "Content-Type": "application/offset+octet-stream"}
        answer = requests.post(f"{open_hq.url}/tus/", data=blob, headers=headers, timeout=30)
        assert answer.status_code == 422 and answer.json()["code"] == "malformed", fields
    assert _uploads(open_hq) == []  # refused uploads leave nothing behind
    # The real batch still goes through, and the upload files go with it.
    assert run_sync(data_dir).batches_acknowledged == 1
    assert _uploads(open_hq) == []
    _healthy(open_hq.url)


def test_enrolment_body_limits(open_hq):
    url = open_hq.url
    # 100 MB announced: refused before a byte of it is read.
    status, _ = _raw(url, b"POST /api/v1/enrol HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                          b"Content-Length: 104857600\r\n\r\n")
    assert status == 413
    # No length announced (chunked): counted as it comes and cut at the limit.
    chunk = b"%x\r\n%s\r\n" % (MB, b"a" * MB)
    status, _ = _raw(url, b"POST /api/v1/enrol HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                          b"Transfer-Encoding: chunked\r\n\r\n", [chunk] * 100)
    assert status == 413
    for body in ({"token": ["a"], "public_key": "x" * 44}, {"token": {"$gt": ""}}, [], "x", 5,
                 {"token": "a" * 10, "public_key": "A" * 44, "label": ["x"]}):
        answer = requests.post(f"{url}/api/v1/enrol", json=body, timeout=10)
        assert answer.status_code == 400 and answer.json() == {"code": "malformed"}, body
    answer = requests.post(f"{url}/api/v1/enrol", json={"token": "wrong-token.0", "public_key": "A" * 43 + "="},
                           timeout=10)
    assert (answer.status_code, answer.json()["code"]) == (403, "bad_token")
    _healthy(url)


def test_every_other_body_is_bounded_too(open_hq, hq_dir, data_dir):
    device = enrol_office(open_hq, data_dir)
    for method, path in (("POST", "/api/v1/keys"), ("GET", "/api/v1/pull"), ("PATCH", f"/tus/{uuid.uuid4()}")):
        status, _ = _raw(open_hq.url, f"{method} {path} HTTP/1.1\r\nHost: x\r\nContent-Length: {100 * MB}\r\n\r\n"
                         .encode())
        assert status == 413, path
    # An upload body larger than the batch it announced: HQ keeps only the announced bytes.
    blob = b"x" * 100
    headers = {**TUS, "Upload-Length": "100", "Upload-Metadata": _signed_meta(device, blob),
               "Content-Type": "application/offset+octet-stream"}
    answer = requests.post(f"{open_hq.url}/tus/", data=blob * 50, headers=headers, timeout=30)
    assert answer.status_code == 422  # not a batch; and the 5000 bytes never reached the disk
    assert _uploads(open_hq) == []


def test_unauthenticated_floods_are_limited_per_client(hq_dir):
    server = start_in_thread(hq_dir, limits=Limits(max_batch_bytes=8 * MB,
                                                   rates=[("/api/v1/enrol", Rate(burst=5, per_second=0.01)),
                                                          ("/api/v1/", Rate(burst=40, per_second=0.01))]))
    try:
        codes = [requests.post(f"{server.url}/api/v1/enrol", json={"token": "x" * 10, "public_key": "A" * 44},
                               timeout=10).status_code for _ in range(12)]
        assert codes[:5] == [403] * 5 and set(codes[5:]) == {429}
        codes = [requests.get(f"{server.url}/api/v1/keys", timeout=10).status_code for _ in range(50)]
        assert codes.count(200) == 40 and codes.count(429) == 10
    finally:
        server.stop()


def test_a_device_cannot_file_records_for_another_office(open_hq, data_dir):
    enrol_office(open_hq, data_dir, office="SBH")
    mine, theirs = people(1, office="SBH", seed=1)[0], people(1, office="GHT", seed=2)[0]
    Outbox(data_dir).seal([mine.to_dict(), theirs.to_dict()])
    assert run_sync(data_dir).batches_acknowledged == 1
    results = {r.record_id: r for r in Outbox(data_dir).iter_record_results()}
    assert results[mine.record_id].status == "accepted"
    assert (results[theirs.record_id].status, results[theirs.record_id].reason) == ("rejected", "wrong_office")
    with open_hq.ingestor.engine.connect() as conn:
        offices = [r.office_code for r in conn.execute(select(records.c.office_code))]
        assert offices == ["SBH"] and conn.execute(select(func.count()).select_from(records)).scalar() == 1


def _tamper_pull(app):
    """A middlebox that adds a change to every pull answer (TLS alone would not stop a
    compromised proxy or a rogue CA)."""

    def rewrite(body: bytes) -> bytes:
        doc = json.loads(body)
        doc["changes"].append({"kind": "revoked_card", "key": "SBH-001-000001-00", "data": {"reason": "x"},
                               "deleted": False})
        return json.dumps(doc).encode()

    return rewriting_middlebox(app, lambda scope: scope["path"] == "/api/v1/pull", rewrite)


def test_reference_data_is_signed_by_hq_and_a_tampered_answer_is_not_used(hq_dir, data_dir):
    server = start_in_thread(hq_dir, wrap=_tamper_pull)
    try:
        enrol_office(server, data_dir)
        set_reference(server.ingestor.engine, "municipalities", "SBH", {"ar": "سبها", "en": "Sabha"})
        Outbox(data_dir).seal([people(1)[0].to_dict()])
        summary = run_sync(data_dir)
        assert summary.error["code"] == "forged_reference" and "not signed by HQ" in summary.error["en"]
        assert summary.status == "partial"  # `fundclient sync` exits 1 and prints the sentence
        assert summary.error["ar"] and summary.batches_acknowledged == 1  # the office keeps working
        store = ReferenceStore(data_dir)
        assert store.token == 0 and not store.is_card_revoked("SBH-001-000001-00")
        assert store.entries("municipalities") == {}
    finally:
        server.stop()
    server = start_in_thread(hq_dir)  # the same HQ without the middlebox
    try:
        settings_url = server.url
        from fundclient.config import Settings
        settings = Settings.load(data_dir)
        settings.hq_url = settings_url
        settings.save(data_dir)
        summary = run_sync(data_dir)
        # the municipality, and this device's entry in the devices list
        assert summary.error is None and summary.reference_changes == 2 and summary.status == "ok"
        assert ReferenceStore(data_dir).entries("municipalities")["SBH"]["en"] == "Sabha"
    finally:
        server.stop()


def _rss_kib(pid: int) -> int:
    for line in open(f"/proc/{pid}/status", encoding="ascii"):
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise AssertionError("no VmRSS")


@pytest.mark.skipif(not __import__("os").path.exists("/proc/self/status"), reason="reads /proc for memory")
def test_a_100_mb_enrolment_body_does_not_grow_hq_memory(tmp_path):
    """The issue's measurement, against `fundclient hq serve` in its own process: 100 MB sent
    as an enrolment body (announced, then chunked without a length) leave HQ's memory where it
    was (it grew from 108 to 416 MB before the limit)."""
    import subprocess
    import sys
    from test_hq_serve import _free_port
    hq_dir = tmp_path / "hq"
    subprocess.run([sys.executable, "-m", "fundclient", "hq", "--hq-dir", str(hq_dir), "init"], check=True,
                   capture_output=True, timeout=120)
    port = _free_port()
    server = subprocess.Popen([sys.executable, "-m", "fundclient", "hq", "serve", "--data-dir", str(hq_dir),
                               "--host", "127.0.0.1", "--port", str(port)],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            try:
                _healthy(url)
                break
            except requests.ConnectionError:
                __import__("time").sleep(0.1)
        before = _rss_kib(server.pid)
        status, _ = _raw(url, b"POST /api/v1/enrol HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                              b"Content-Length: 104857600\r\n\r\n", [b"a" * MB] * 100)
        assert status == 413
        chunk = b"%x\r\n%s\r\n" % (MB, b"a" * MB)
        status, _ = _raw(url, b"POST /api/v1/enrol HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                              b"Transfer-Encoding: chunked\r\n\r\n", [chunk] * 100)
        assert status == 413
        _healthy(url)
        assert _rss_kib(server.pid) - before < 20 * 1024, (before, _rss_kib(server.pid))
    finally:
        server.terminate()
        server.wait(timeout=30)
