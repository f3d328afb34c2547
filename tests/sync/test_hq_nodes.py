"""Two HQ nodes on one PostgreSQL (#15): a node keeps nothing of its own, so an upload cut on
node 1 resumes on node 2 from the byte the database holds; two nodes handed the same upload
never write a byte twice; photos are stored once by hash; /healthz and /metrics answer.

Real servers on 127.0.0.1, real HTTP, the real PostgreSQL of FUNDCLIENT_TEST_PG_URL. (The
whole picture — nginx in front, a node SIGKILLed mid-way, many offices — is
tests/sync/test_hq_national_load.py and benchmarks/hq_load.py.)
"""

from __future__ import annotations

import base64
import hashlib
import json
import socket
import time
import uuid

import pytest
import requests
from sqlalchemy import create_engine, func, select

from fundclient.hq.db import blobs, photos, records
from fundclient.hq.keys import HQKeys
from fundclient.hq.operations import health, may_scrape
from fundclient.hq.server import start_in_thread
from fundclient.sync.ack import verify_ack
from fundclient.sync.device import Device
from fundclient.sync.engine import run_sync
from fundclient.sync.keys import signing_public_bytes
from fundclient.sync.outbox import Outbox

from conftest import _fresh_database_url
from sync_helpers import enrol_office, people, photos_for
from test_hq_abuse import TUS, _signed_meta

PATCH = {**TUS, "Content-Type": "application/offset+octet-stream"}


@pytest.fixture
def two_nodes(hq_dir):
    url = _fresh_database_url("postgres")
    one = start_in_thread(hq_dir, url)
    two = start_in_thread(hq_dir, url)  # same keys (copied to every node), same database
    yield one, two
    one.stop()
    two.stop()


def _one_batch(data_dir, count: int = 4, size: int = 30_000):
    persons = people(count)
    [path] = Outbox(data_dir).seal([p.to_dict() for p in persons], photos_for(persons, size=size))
    return path, path.read_bytes(), path.stem.split("-", 1)[1]


def _head(node, batch_id: str) -> requests.Response:
    return requests.head(f"{node.url}/tus/{batch_id}", headers=TUS, timeout=10)


def _signed(ack_header: str, node, device: Device, batch_id: str) -> dict:
    return verify_ack(json.loads(base64.b64decode(ack_header)), _public(node),
                      batch_id=batch_id, device_id=device.device_id)


def _public(node) -> dict[str, bytes]:
    """HQ's signing public keys, as a device holds them."""
    return {kid: signing_public_bytes(private) for kid, private in node.ingestor.keys.sign_private.items()}


def _held_records(node) -> int:
    with node.ingestor.engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(records)).scalar_one()


def test_an_upload_cut_on_node_one_resumes_on_node_two_from_the_byte_hq_holds(two_nodes, data_dir):
    one, two = two_nodes
    device = enrol_office(one, data_dir)
    path, blob, batch_id = _one_batch(data_dir)
    headers = {**TUS, "Upload-Length": str(len(blob)), "Upload-Metadata": _signed_meta(device, blob, batch_id)}
    assert requests.post(f"{one.url}/tus/", headers=headers, timeout=10).status_code == 201
    # The client announces the whole batch to node 1, sends a third of it and is cut off.
    third = len(blob) // 3
    host, port = one.url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=10) as sock:
        sock.sendall(f"PATCH /tus/{batch_id} HTTP/1.1\r\nHost: hq\r\nTus-Resumable: 1.0.0\r\n"
                     f"Upload-Offset: 0\r\nContent-Type: application/offset+octet-stream\r\n"
                     f"Content-Length: {len(blob)}\r\n\r\n".encode() + blob[:third])
        time.sleep(1.0)  # longer than a node holds bytes before writing them (FLUSH_SECONDS)
    deadline = time.monotonic() + 10
    while int(_head(two, batch_id).headers.get("Upload-Offset", 0)) < third and time.monotonic() < deadline:
        time.sleep(0.1)
    # Node 2 knows the upload and holds every byte node 1 received.
    head = _head(two, batch_id)
    assert head.status_code == 200 and int(head.headers["Upload-Length"]) == len(blob)
    held = int(head.headers["Upload-Offset"])
    assert held == third
    # A PATCH from the wrong offset is refused by node 2 as it would be by node 1.
    wrong = requests.patch(f"{two.url}/tus/{batch_id}", data=blob[:10], headers={**PATCH, "Upload-Offset": "0"},
                           timeout=10)
    assert (wrong.status_code, wrong.json()["code"]) == (409, "offset_mismatch")
    done = requests.patch(f"{two.url}/tus/{batch_id}", data=blob[held:], headers={**PATCH, "Upload-Offset": str(held)},
                          timeout=30)
    assert done.status_code == 204 and int(done.headers["Upload-Offset"]) == len(blob)
    ack = _signed(done.headers["Fundclient-Ack"], two, device, batch_id)
    assert [r["status"] for r in ack["results"]] == ["accepted"] * 4
    assert _held_records(one) == 4
    # Nothing of the upload is left, seen from either node; node 1 answers with the same ack.
    assert one.app.state.uploads.held_batches() == [] and _head(one, batch_id).status_code == 404
    again = requests.get(f"{one.url}/api/v1/batches/{batch_id}/ack", timeout=10).json()
    assert verify_ack(again, _public(one), batch_id=batch_id, device_id=device.device_id) == ack
    # The office's own sync (it never saw the answer) ends with that same ack, through node 1.
    assert run_sync(data_dir).batches_acknowledged == 1 and _held_records(two) == 4


def test_two_nodes_handed_the_same_upload_never_write_a_byte_twice(two_nodes, data_dir):
    """The row is the lock: the second node's write from a stale offset is refused (409), and
    the bytes HQ holds are exactly the device's."""
    one, two = two_nodes
    device = enrol_office(one, data_dir)
    _path, blob, batch_id = _one_batch(data_dir)
    headers = {**TUS, "Upload-Length": str(len(blob)), "Upload-Metadata": _signed_meta(device, blob, batch_id)}
    assert requests.post(f"{one.url}/tus/", headers=headers, timeout=10).status_code == 201
    half = len(blob) // 2
    first = requests.patch(f"{one.url}/tus/{batch_id}", data=blob[:half], headers={**PATCH, "Upload-Offset": "0"},
                           timeout=10)
    late = requests.patch(f"{two.url}/tus/{batch_id}", data=blob[:half], headers={**PATCH, "Upload-Offset": "0"},
                          timeout=10)
    assert first.status_code == 204 and (late.status_code, late.json()["code"]) == (409, "offset_mismatch")
    store = two.app.state.uploads
    # A node that started from offset 0 before the other moved on loses the compare-and-set.
    assert store.append(batch_id, 0, blob[:half]) is False
    assert store.read(batch_id) == blob[:half]
    done = requests.patch(f"{two.url}/tus/{batch_id}", data=blob[half:], headers={**PATCH, "Upload-Offset": str(half)},
                          timeout=30)
    assert done.status_code == 204 and _signed(done.headers["Fundclient-Ack"], two, device, batch_id)
    assert _held_records(one) == 4


def test_photos_are_stored_once_by_hash_and_the_console_shows_them(two_nodes, data_dir, hq_dir):
    one, two = two_nodes
    enrol_office(one, data_dir)
    persons = people(6)
    shots = photos_for(persons)
    same = shots[persons[0].record_id]
    shots[persons[1].record_id] = same  # two registrations carrying the same picture
    Outbox(data_dir).seal([p.to_dict() for p in persons], shots)
    assert run_sync(data_dir).batches_acknowledged >= 1
    with one.ingestor.engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(photos)).scalar_one() == 6
        held = dict(conn.execute(select(blobs.c.sha256, blobs.c.size)).all())
        assert "data" not in photos.c  # record rows and photo rows carry no bytes
        shot = conn.execute(select(photos.c.id, photos.c.sha256).where(
            photos.c.record_id == persons[1].record_id)).first()
    assert len(held) == 5 and held[hashlib.sha256(same[0].data).hexdigest()] == len(same[0].data)
    # The console (through the other node) shows the record's photo: the bytes come from blobs.
    from fundclient.hq.console.auth import add_user
    add_user(two.ingestor.engine, "amal", "reviewer", "a-long-passphrase-1")
    session = requests.Session()
    login = session.get(f"{two.url}/console/login", timeout=10)
    csrf = login.text.split('name="csrf" value="', 1)[1].split('"', 1)[0]
    answer = session.post(f"{two.url}/console/login", data={"username": "amal", "password": "a-long-passphrase-1",
                                                            "csrf": csrf}, timeout=10)
    assert answer.status_code == 200, answer.text[:300]
    page = session.get(f"{two.url}/console/records/{persons[1].record_id}", timeout=10)
    assert f"/console/photos/{shot.id}" in page.text
    picture = session.get(f"{two.url}/console/photos/{shot.id}", timeout=10)
    assert picture.status_code == 200 and picture.content == same[0].data
    assert hashlib.sha256(picture.content).hexdigest() == shot.sha256


def test_healthz_and_metrics(two_nodes, data_dir, hq_dir):
    one, two = two_nodes
    assert requests.get(f"{one.url}/healthz", timeout=10).json() == {"status": "ok", "database": "ok", "keys": "ok"}
    device = enrol_office(one, data_dir)
    # An upload in progress: every node reports its age (it is in the database).
    _path, blob, batch_id = _one_batch(data_dir)
    headers = {**TUS, "Upload-Length": str(len(blob)), "Upload-Metadata": _signed_meta(device, blob, batch_id)}
    assert requests.post(f"{one.url}/tus/", headers=headers, timeout=10).status_code == 201
    time.sleep(1.1)
    assert _metric(two, "fundclient_hq_oldest_pending_upload_seconds") >= 1.0
    assert run_sync(data_dir).batches_acknowledged == 1  # the office finishes it (through node 1)
    assert _metric(two, "fundclient_hq_oldest_pending_upload_seconds") == 0.0
    text = requests.get(f"{one.url}/metrics", timeout=10).text
    assert 'fundclient_hq_intake_records_total{office="SBH",reason="accepted"} 4.0' in text
    assert _metric(one, "fundclient_hq_upload_bytes_total") >= len(blob)
    assert _metric(one, "fundclient_hq_ack_latency_seconds_count") == 1.0
    assert _metric(one, 'fundclient_hq_batches_ingested_total{source="network"}') == 1.0
    # A refused batch is counted by reason, never with personal data.
    forged = requests.post(f"{one.url}/tus/", data=b"x" * 100, headers={
        **TUS, "Upload-Length": "100", "Upload-Metadata": _signed_meta(device, b"x" * 100),
        "Content-Type": "application/offset+octet-stream"}, timeout=10)
    assert forged.status_code == 422
    assert _metric(one, f'fundclient_hq_batch_refusals_total{{reason="{forged.json()["code"]}"}}') == 1.0
    # A database that cannot be reached: /healthz's check says so (a load balancer takes the node out).
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    nowhere = create_engine(f"postgresql+psycopg://fund@127.0.0.1:{port}/none", connect_args={"connect_timeout": 2})
    assert health(nowhere, HQKeys(hq_dir)) == (False, {"database": "unreachable", "keys": "ok"})
    # /metrics answers the HQ network only (a node facing the internet publishes nothing).
    assert may_scrape("127.0.0.1") and may_scrape("10.0.0.9") and may_scrape("::1")
    assert not may_scrape("41.208.1.1") and not may_scrape("") and not may_scrape("2001:4860::8888")


def _metric(node, name: str) -> float:
    for line in requests.get(f"{node.url}/metrics", timeout=10).text.splitlines():
        if line.startswith(name + " ") or (("{" in name) and line.startswith(name)):
            return float(line.rsplit(" ", 1)[1])
    raise AssertionError(f"{name} not in /metrics")


def test_a_key_rotated_on_one_node_is_taken_by_the_others_without_a_restart(two_nodes, data_dir, hq_dir):
    """Rotation on a multi-node HQ (docs/hq-deploy.md): the key files reach every node, node 1 is
    restarted and hands offices the new key; node 2, still running, opens their batches."""
    from fundclient.config import Settings
    from fundclient.hq.keys import rotate_keys
    one, two = two_nodes
    enrol_office(one, data_dir)
    old = one.ingestor.keys.active_decrypt
    ring = rotate_keys(hq_dir)  # (every node shares hq_dir here: the copy is already everywhere)
    restarted = start_in_thread(hq_dir, _database_url_of(one))
    try:
        settings = Settings.load(data_dir)
        settings.hq_url = restarted.url
        settings.save(data_dir)
        assert run_sync(data_dir).error is None  # the office adopts the new key set
        assert Device.load(data_dir).hq_active_key_id == ring["active_decrypt"] != old
        persons = people(2)
        Outbox(data_dir).seal([p.to_dict() for p in persons], photos_for(persons))
        settings.hq_url = two.url  # node 2 never restarted: it still had only the old key in memory
        settings.save(data_dir)
        assert ring["active_decrypt"] not in two.ingestor.keys.decrypt_private
        summary = run_sync(data_dir)
        assert summary.batches_acknowledged == 1 and summary.batches_quarantined == 0
        assert ring["active_decrypt"] in two.ingestor.keys.decrypt_private
    finally:
        restarted.stop()


def _database_url_of(node) -> str:
    return node.ingestor.engine.url.render_as_string(hide_password=False)
