"""The sealed batch format: round trip and every tampering refused (pure crypto, no server)."""

from __future__ import annotations

import os
import stat
import uuid

import pytest

from fundclient.errors import SyncError
from fundclient.sync import envelope
from fundclient.sync.ack import sign_ack, verify_ack
from fundclient.sync.envelope import EnvelopeError
from fundclient.sync.keys import (generate_hpke_private, generate_signing_private, hpke_public_bytes, key_id,
                                  read_private_key_file, signing_public_bytes, write_private_key_file)

HQ_PRIV = generate_hpke_private()
HQ_PUB = hpke_public_bytes(HQ_PRIV)
DEV_PRIV = generate_signing_private()
DEV_PUB = signing_public_bytes(DEV_PRIV)


def _header(**over):
    h = {"v": 1, "batch_id": str(uuid.uuid4()), "device_id": str(uuid.uuid4()), "seq": 7, "count": 2,
         "hq_key_id": key_id(HQ_PUB), "created_at": "2026-11-23T09:00:00+00:00"}
    h.update(over)
    return h


ITEMS = [{"type": "record", "record": {"record_id": "r1", "revision": 1, "national_number": "119900000001",
                                       "name": {"first": "محمد"}},
          "photos": [{"data": b"\xff\xd8" + os.urandom(5000), "mime": "image/jpeg", "kind": "portrait",
                      "quality": {"sharpness": 0.8}}]},
         {"type": "card_revocation", "card_number": "SBH-1-000123", "reason": "lost"}]


def _sealed(header=None):
    return envelope.seal(header=header or _header(), items=ITEMS, hq_public=HQ_PUB, device_private=DEV_PRIV)


def test_round_trip_keeps_records_and_photo_bytes():
    blob = _sealed()
    env = envelope.parse(blob)
    envelope.check_signature(env, DEV_PUB)
    items = envelope.open_items(env, HQ_PRIV)
    assert items[0]["record"] == ITEMS[0]["record"]
    assert items[0]["photos"][0]["data"] == ITEMS[0]["photos"][0]["data"]
    assert items[1]["card_number"] == "SBH-1-000123"
    assert b"119900000001" not in blob and "محمد".encode() not in blob  # nothing personal in clear


def test_flipped_ciphertext_byte_fails_signature_and_decryption():
    blob = bytearray(_sealed())
    env0 = envelope.parse(bytes(blob))
    pos = len(env0.signed_part) - 100
    blob[pos] ^= 1
    env = envelope.parse(bytes(blob))
    with pytest.raises(EnvelopeError) as exc:
        envelope.check_signature(env, DEV_PUB)
    assert exc.value.code == "bad_signature"
    with pytest.raises(EnvelopeError) as exc:
        envelope.open_items(env, HQ_PRIV)
    assert exc.value.code == "decrypt_failed"


def test_header_swapped_and_resigned_still_fails_decryption():
    """Even a signer cannot move a ciphertext under another header: the header is the HPKE info."""
    blob = _sealed()
    env = envelope.parse(blob)
    forged = envelope.seal(header=_header(seq=8), items=ITEMS, hq_public=HQ_PUB, device_private=DEV_PRIV)
    fenv = envelope.parse(forged)
    import struct
    spliced = fenv.signed_part[: 16 + len(fenv.header_bytes) - 8] + struct.pack(">Q", len(env.ciphertext)) + env.ciphertext
    from fundclient.sync.envelope import SIG_CONTEXT
    from fundclient.sync.keys import signing_key
    spliced += signing_key(DEV_PRIV).sign(SIG_CONTEXT + spliced)
    senv = envelope.parse(spliced)
    envelope.check_signature(senv, DEV_PUB)
    with pytest.raises(EnvelopeError) as exc:
        envelope.open_items(senv, HQ_PRIV)
    assert exc.value.code == "decrypt_failed"


def test_foreign_device_signature_refused():
    other = signing_public_bytes(generate_signing_private())
    with pytest.raises(EnvelopeError) as exc:
        envelope.check_signature(envelope.parse(_sealed()), other)
    assert exc.value.code == "bad_signature"


@pytest.mark.parametrize("cut", [1, 10, 100, 2000])
def test_truncated_batches_are_malformed(cut):
    blob = _sealed()
    with pytest.raises(EnvelopeError) as exc:
        envelope.parse(blob[:-cut])
    assert exc.value.code == "malformed"


def test_garbage_and_oversize():
    with pytest.raises(EnvelopeError) as exc:
        envelope.parse(b"GIF89a" + os.urandom(100))
    assert exc.value.code == "malformed"
    with pytest.raises(EnvelopeError) as exc:
        envelope.parse(_sealed(), max_bytes=1000)
    assert exc.value.code == "oversize"


def test_wrong_hq_key_cannot_open():
    with pytest.raises(EnvelopeError) as exc:
        envelope.open_items(envelope.parse(_sealed()), generate_hpke_private())
    assert exc.value.code == "decrypt_failed"


def test_count_in_header_must_match_payload():
    blob = envelope.seal(header=_header(count=3), items=ITEMS, hq_public=HQ_PUB, device_private=DEV_PRIV)
    with pytest.raises(EnvelopeError) as exc:
        envelope.open_items(envelope.parse(blob), HQ_PRIV)
    assert exc.value.code == "header_mismatch"


def test_ack_forged_by_non_hq_key_is_refused():
    hq_sign = generate_signing_private()
    trusted = {key_id(signing_public_bytes(hq_sign)): signing_public_bytes(hq_sign)}
    ack = {"batch_id": "b", "device_id": "d", "results": []}
    assert verify_ack(sign_ack(ack, hq_sign), trusted, batch_id="b", device_id="d") == ack
    with pytest.raises(SyncError):
        verify_ack(sign_ack(ack, generate_signing_private()), trusted, batch_id="b", device_id="d")
    with pytest.raises(SyncError):  # a genuine ack for another batch is not this batch's ack
        verify_ack(sign_ack(ack, hq_sign), trusted, batch_id="other", device_id="d")
    doc = sign_ack(ack, hq_sign)
    doc["ack"] = {**ack, "results": [{"status": "accepted"}]}
    with pytest.raises(SyncError):
        verify_ack(doc, trusted, batch_id="b", device_id="d")


def test_private_key_file_is_0600_and_passphrase_protected(tmp_path):
    priv = generate_signing_private()
    path = tmp_path / "k.json"
    write_private_key_file(path, kind="t", private_raw=priv, public_raw=signing_public_bytes(priv), passphrase=b"pw")
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert priv.hex() not in path.read_text()
    assert read_private_key_file(path, b"pw")[1] == priv
    with pytest.raises(SyncError) as exc:
        read_private_key_file(path, b"wrong")
    assert exc.value.code == "key_passphrase_wrong"
    with pytest.raises(SyncError):
        read_private_key_file(path)


def test_a_compressed_bomb_or_odd_items_are_malformed_not_a_crash():
    import json
    import struct
    import zlib

    from fundclient.sync.envelope import MAX_PAYLOAD_JSON, PAYLOAD_MAGIC, EnvelopeError, decode_payload

    def payload(doc_bytes: bytes) -> bytes:
        packed = zlib.compress(doc_bytes, 9)
        return PAYLOAD_MAGIC + struct.pack(">I", len(packed)) + packed

    bomb = b'{"items": [{"x": "' + b"A" * (MAX_PAYLOAD_JSON + 10) + b'"}]}'
    for bad in (bomb, json.dumps({"items": [1]}).encode(), json.dumps({"items": {"a": 1}}).encode(),
                json.dumps({"items": [{"photos": [7]}]}).encode()):
        with pytest.raises(EnvelopeError) as info:
            decode_payload(payload(bad))
        assert info.value.code == "malformed"
