"""Outbox without a server: batch splitting, sequence numbers, ack handling, results API.
HQ's keys are made here, so this runs in the core venv (no fastapi)."""

from __future__ import annotations

import os
import struct
import uuid

import pytest

from fundclient.config import Settings
from fundclient.domain.records import Beneficiary, Photo
from fundclient.errors import SyncError
from fundclient.sync import envelope
from fundclient.sync.ack import sign_ack
from fundclient.sync.device import ensure_signing_key, save_enrolment
from fundclient.encoding import b64e
from fundclient.sync.keys import (generate_hpke_private, generate_signing_private, hpke_public_bytes, key_id,
                                  read_private_key_file, signing_public_bytes)
from fundclient.sync.outbox import Outbox, batch_id_of


@pytest.fixture
def office(data_dir):
    hq_priv, hq_sign = generate_hpke_private(), generate_signing_private()
    device_public = ensure_signing_key(data_dir)
    kid = key_id(hpke_public_bytes(hq_priv))
    save_enrolment(data_dir, {"device_id": str(uuid.uuid4()), "device_number": 1, "office_code": "SBH",
                              "hq_url": "http://127.0.0.1:9", "hq_encryption_keys": {kid: b64e(hpke_public_bytes(hq_priv))},
                              "hq_active_key_id": kid,
                              "hq_signing_keys": {key_id(signing_public_bytes(hq_sign)): b64e(signing_public_bytes(hq_sign))}})
    settings = Settings(batch_max_bytes=100_000)
    settings.save(data_dir)
    return data_dir, hq_priv, hq_sign, device_public


def _people(n):
    out = []
    for i in range(n):
        b = Beneficiary(national_number=f"1199000000{i:02d}")
        out.append((b, [Photo(data=b"\xff\xd8" + os.urandom(20_000))]))
    return out


def test_seal_splits_under_the_cap_and_numbers_batches(office):
    data_dir, hq_priv, _, device_public = office
    persons = _people(12)
    outbox = Outbox(data_dir)
    paths = outbox.seal([b.to_dict() for b, _ in persons], {b.record_id: ph for b, ph in persons})
    assert len(paths) >= 3 and all(p.stat().st_size <= 100_000 for p in paths)
    seqs = [envelope.parse(p.read_bytes()).header["seq"] for p in paths]
    assert seqs == list(range(1, len(paths) + 1))
    opened = []
    for p in paths:
        env = envelope.parse(p.read_bytes())
        envelope.check_signature(env, device_public)
        opened += envelope.open_items(env, hq_priv)
    assert [i["record"]["record_id"] for i in opened] == [b.record_id for b, _ in persons]
    assert opened[0]["photos"][0]["data"] == persons[0][1][0].data


def test_records_that_compress_very_well_are_sealed_in_batches_hq_decodes(office):
    """The office bounds a batch by its compressed bytes, HQ by the JSON it inflates to
    (MAX_PAYLOAD_JSON, refused whole as malformed past it): photo-less records holding the same
    dependant 30 times compress ~11× — ~43 MiB of JSON in one batch of the default 4 MiB."""
    import zlib

    from fundclient.domain.synthetic import generate
    from fundclient.sync.keys import HPKE_SUITE, hpke_private_key

    data_dir, hq_priv, _, _ = office
    Settings().save(data_dir)  # (the default size)
    assert Settings.load(data_dir).batch_max_bytes == 4 * 1024 * 1024
    people = [p.to_dict() for p in generate(100, seed=3)]
    dependant = next(d for p in people for d in p["dependants"])
    records = [dict(people[i % len(people)], record_id=str(uuid.uuid4()), dependants=[dependant] * 30)
               for i in range(4_800)]
    paths = Outbox(data_dir).seal(records)
    decoded = []
    for path in paths:
        env = envelope.parse(path.read_bytes())
        plaintext = HPKE_SUITE.decrypt(env.ciphertext_view, hpke_private_key(hq_priv),
                                       info=envelope.INFO_CONTEXT + env.header_bytes)
        decoded += envelope.decode_payload(plaintext)  # (EnvelopeError "malformed" past HQ's cap)
        (json_len,) = struct.unpack(">I", plaintext[4:8])
        assert len(zlib.decompress(plaintext[8:8 + json_len])) <= envelope.MAX_BATCH_JSON
    assert [item["record"] for item in decoded] == records and len(paths) >= 3


def test_record_larger_than_a_batch_is_refused(office):
    data_dir = office[0]
    b = Beneficiary(national_number="119900000001")
    with pytest.raises(SyncError) as exc:
        Outbox(data_dir).seal([b.to_dict()], {b.record_id: [Photo(data=os.urandom(150_000))]})
    assert exc.value.code == "record_too_large"


def test_signed_ack_moves_batch_and_exposes_results(office):
    data_dir, _, hq_sign, _ = office
    outbox = Outbox(data_dir)
    (b, photos), = _people(1)
    [path] = outbox.seal([b.to_dict()], {b.record_id: photos})
    device_id = envelope.parse(path.read_bytes()).header["device_id"]
    results = [{"type": "record", "record_id": b.record_id, "revision": 1, "status": "duplicate",
                "reason": "duplicate", "duplicate_of": "other"}]
    ack = {"batch_id": batch_id_of(path), "device_id": device_id, "results": results}
    with pytest.raises(SyncError):
        outbox.store_ack(path, sign_ack(ack, generate_signing_private()))
    assert outbox.pending() == [path]
    outbox.store_ack(path, sign_ack(ack, hq_sign))
    assert outbox.pending() == [] and len(outbox.sent()) == 1
    [result] = list(outbox.iter_record_results())
    assert (result.status, result.duplicate_of) == ("duplicate", "other") and result.message.ar
    outbox.mark_applied([result.batch_id])
    assert list(outbox.iter_record_results()) == []
    assert outbox.result_for(b.record_id, 1).status == "duplicate"


def test_quarantine_keeps_the_batch_with_a_bilingual_reason(office):
    data_dir = office[0]
    outbox = Outbox(data_dir)
    [path] = outbox.seal([_people(1)[0][0].to_dict()])
    outbox.quarantine(path, "revoked_device")
    [q] = outbox.quarantined()
    assert q.path.exists() and q.code == "revoked_device" and q.message.en.startswith("This device")
    assert outbox.pending() == []
    assert outbox.requeue(q.batch_id) == path and outbox.quarantined() == []
    with pytest.raises(SyncError):
        outbox.requeue(q.batch_id)


def test_prune_sent_keeps_recent_batches(office):
    data_dir, _, hq_sign, _ = office
    outbox = Outbox(data_dir)
    [path] = outbox.seal([_people(1)[0][0].to_dict()])
    device_id = envelope.parse(path.read_bytes()).header["device_id"]
    outbox.store_ack(path, sign_ack({"batch_id": batch_id_of(path), "device_id": device_id, "results": []}, hq_sign))
    assert outbox.prune_sent(1) == 0 and len(outbox.sent()) == 1
    old = outbox.sent()[0]
    os.utime(old, (0, 0))
    assert outbox.prune_sent(1) == 1 and outbox.sent() == []


def test_device_key_file_is_private(office):
    data_dir = office[0]
    path = data_dir / "device" / "signing_key.json"
    assert oct(path.stat().st_mode & 0o777) == "0o600"
    assert len(read_private_key_file(path)[1]) == 32


def test_hq_is_reached_over_https_only_except_on_this_machine():
    from fundclient.errors import SyncError
    from fundclient.sync.http import require_https

    for ok in ("https://hq.fund.ly/", "http://127.0.0.1:8080", "http://localhost:9"):
        assert require_https(ok) == ok
    for bad in ("http://hq.fund.ly/", "http://10.0.0.5/", "ftp://hq.fund.ly/", "hq.fund.ly"):
        with pytest.raises(SyncError) as info:
            require_https(bad)
        assert info.value.code == "plain_http" and "https" in info.value.message.ar
