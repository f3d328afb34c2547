"""Attacks against a real HQ on 127.0.0.1: each refused with its reason, nothing stored."""

from __future__ import annotations

import json
import shutil

import pytest
from sqlalchemy import func, select

from fundclient.hq.db import records, rejections
from fundclient.hq.devices import revoke_device
from fundclient.sync import envelope
from fundclient.sync.ack import sign_ack
from fundclient.sync.engine import run_sync
from fundclient.sync.keys import generate_signing_private
from fundclient.sync.outbox import Outbox

from sync_helpers import enrol_office, people, photos_for


def _held(hq) -> int:
    with hq.ingestor.engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(records)).scalar()


def _rejection_codes(hq) -> list[str]:
    with hq.ingestor.engine.connect() as conn:
        return [r.code for r in conn.execute(select(rejections.c.code))]


def _tamper(path, at_from_end: int) -> None:
    blob = bytearray(path.read_bytes())
    blob[len(blob) - at_from_end] ^= 0x01
    path.write_bytes(bytes(blob))


@pytest.mark.parametrize("where,code", [(200, "bad_signature"), (10, "bad_signature")])
def test_tampered_batch_is_quarantined_with_reason(hq_sqlite, data_dir, where, code):
    enrol_office(hq_sqlite, data_dir)
    outbox = Outbox(data_dir)
    [path] = outbox.seal([p.to_dict() for p in people(3)])
    _tamper(path, where)
    summary = run_sync(data_dir)
    assert summary.batches_quarantined == 1 and summary.quarantined[0]["code"] == code
    [q] = outbox.quarantined()
    assert q.code == code and q.message.ar and q.path.exists()  # kept for the supervisor
    assert _held(hq_sqlite) == 0 and code in _rejection_codes(hq_sqlite)


def test_tampered_header_is_malformed_or_unsigned(hq_sqlite, data_dir):
    enrol_office(hq_sqlite, data_dir)
    outbox = Outbox(data_dir)
    [path] = outbox.seal([p.to_dict() for p in people(2)])
    path.write_bytes(path.read_bytes().replace(b'"count":2', b'"count":3', 1))
    run_sync(data_dir)
    assert [q.code for q in outbox.quarantined()] == ["bad_signature"]
    path2 = outbox.seal([p.to_dict() for p in people(1, seed=5)])[0]
    path2.write_bytes(path2.read_bytes()[:-500])
    run_sync(data_dir)
    assert sorted(q.code for q in outbox.quarantined()) == ["bad_signature", "malformed"]
    assert _held(hq_sqlite) == 0


def test_replayed_batch_is_stored_once_and_reused_sequence_refused(hq_sqlite, data_dir):
    enrol_office(hq_sqlite, data_dir)
    outbox = Outbox(data_dir)
    [path] = outbox.seal([p.to_dict() for p in people(3)])
    copy = path.read_bytes()
    assert run_sync(data_dir).status == "ok"
    first_ack = hq_sqlite.ingestor.stored_ack(path.name[11:-4])
    # Replay of the very same bytes: same ack, no second copy.
    assert hq_sqlite.ingestor.ingest(copy) == first_ack
    assert _held(hq_sqlite) == 3
    # Same sequence number, other content (the device's counter rolled back, or a forgery).
    (data_dir / "device" / "sequence").write_text("0")
    outbox.seal([p.to_dict() for p in people(2, seed=9)])
    summary = run_sync(data_dir)
    assert summary.quarantined[0]["code"] == "sequence_reused"
    assert _held(hq_sqlite) == 3


@pytest.mark.parametrize("photos", [False, True], ids=["small batch", "batch of 400 KB"])
def test_revoked_device_is_refused(hq_sqlite, data_dir, photos):
    """A small batch goes with its creation request: HQ reads the body of an enrolled device's
    batch before it answers `revoked_device` (hq/app.py `_drain`), so the office gets the
    answer, not a connection closed under its feet (which it would take for a cut); a large
    one is created first and refused before it is sent."""
    device = enrol_office(hq_sqlite, data_dir)
    revoke_device(hq_sqlite.ingestor.engine, device.device_id, "stolen laptop")
    outbox = Outbox(data_dir)
    persons = people(20 if photos else 2)
    outbox.seal([p.to_dict() for p in persons], photos_for(persons) if photos else None)
    if photos:
        assert [b.stat().st_size > 256 * 1024 for b in outbox.pending()] == [True]
    summary = run_sync(data_dir)
    assert summary.quarantined[0]["code"] == "revoked_device"
    assert "أُلغي" in outbox.quarantined()[0].message.ar
    assert _held(hq_sqlite) == 0


def test_foreign_device_key_is_refused(hq_sqlite, data_dir, tmp_path):
    """A batch claiming an enrolled device id but signed by another key."""
    enrol_office(hq_sqlite, data_dir)
    thief = tmp_path / "thief"
    shutil.copytree(data_dir, thief)
    from fundclient.sync.keys import signing_public_bytes, write_private_key_file
    priv = generate_signing_private()
    write_private_key_file(thief / "device" / "signing_key.json", kind="device-signing", private_raw=priv,
                           public_raw=signing_public_bytes(priv))
    Outbox(thief).seal([p.to_dict() for p in people(2)])
    summary = run_sync(thief)
    assert summary.quarantined[0]["code"] == "bad_signature"
    assert _held(hq_sqlite) == 0


def test_unknown_key_id_is_refused(hq_sqlite, data_dir):
    enrol_office(hq_sqlite, data_dir)
    from fundclient.sync.device import Device
    from fundclient.sync.keys import generate_hpke_private, hpke_public_bytes
    device = Device.load(data_dir)
    blob = envelope.seal(header={"v": 1, "batch_id": "00000000-0000-4000-8000-000000000001",
                                 "device_id": device.device_id, "seq": 99, "count": 0, "hq_key_id": "feedfeedfeedfeed",
                                 "created_at": "2026-01-01T00:00:00+00:00"},
                         items=[], hq_public=hpke_public_bytes(generate_hpke_private()),
                         device_private=device.signing_private())
    with pytest.raises(envelope.EnvelopeError) as exc:
        hq_sqlite.ingestor.ingest(blob)
    assert exc.value.code == "unknown_key_id"


def test_ack_forged_by_non_hq_key_keeps_batch_pending(hq_sqlite, data_dir):
    enrol_office(hq_sqlite, data_dir)
    outbox = Outbox(data_dir)
    [path] = outbox.seal([p.to_dict() for p in people(1)])
    forged = sign_ack({"batch_id": path.name[11:-4], "device_id": json.loads(
        (data_dir / "device" / "enrolment.json").read_text())["device_id"], "results": []}, generate_signing_private())
    with pytest.raises(Exception) as exc:
        outbox.store_ack(path, forged)
    assert getattr(exc.value, "code", "") == "forged_ack"
    assert outbox.pending() == [path] and not list((outbox.root / "acks").iterdir())


def test_oversize_upload_refused_before_upload(hq_sqlite, data_dir):
    enrol_office(hq_sqlite, data_dir)
    hq_sqlite.ingestor.max_batch_bytes = 100_000
    outbox = Outbox(data_dir)
    persons = people(6)  # ~125 KB: above the single-request size, so HQ refuses before any byte
    outbox.seal([p.to_dict() for p in persons], photos_for(persons))
    summary = run_sync(data_dir)
    assert summary.quarantined[0]["code"] == "oversize" and summary.bytes_sent == 0
