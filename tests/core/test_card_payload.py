"""The signed QR payload: round trip, size, tampering, unknown devices, expiry."""

from __future__ import annotations

import json
from datetime import date

import pytest
import segno
from hypothesis import given
from hypothesis import settings as hsettings
from hypothesis import strategies as st
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from fundclient.cards import base45
from fundclient.domain.card_numbers import make_card_number
from fundclient.cards.payload import (
    QR_PREFIX, KeySigner, decode_payload, load_public_keys, make_claims, sign_payload, verify_payload)

DEVICE = "7d3c1f0e-7a52-4c1e-9b7e-2f4b8f5d9a10"
_KEY = Ed25519PrivateKey.generate()


@pytest.fixture
def signer():
    return KeySigner(DEVICE, Ed25519PrivateKey.generate())


def _claims(device=DEVICE, principal="", national="119850123456", first="محمد", family="الحضيري"):
    return make_claims(
        card_number=make_card_number("SEB", 7, 123), national_number=national, first_name=first,
        family_name=family, full_name=f"{first} علي عبدالسلام {family}", date_of_birth=date(1952, 3, 4),
        issued_on=date(2026, 11, 23), expires_on=date(2031, 11, 23), device_id=device,
        principal_card_number=principal)


def test_round_trip_and_verification(signer):
    claims = _claims()
    text = sign_payload(claims, signer)
    assert text.startswith(QR_PREFIX)
    assert decode_payload(text)[0] == claims
    result = verify_payload(text, {DEVICE: signer.private_key.public_key()}, today=date(2027, 1, 1))
    assert result.valid and result.authentic and result.device_id == DEVICE
    assert result.claims.name_matches("محمد  علي عبدالسلام الحضيري")  # spacing does not matter
    assert not result.claims.name_matches("محمد علي الحضيري")


def test_dependant_text_national_number_and_plain_device_id():
    signer = KeySigner("BRK-dev-02", Ed25519PrivateKey.generate())
    claims = _claims(device="BRK-dev-02", principal=make_card_number("BRK", 2, 9), national="P-123")
    text = sign_payload(claims, signer)
    decoded = decode_payload(text)[0]
    assert decoded == claims and decoded.is_dependant
    assert verify_payload(text, {"BRK-dev-02": signer.private_key.public_key()}, today=date(2027, 1, 1)).valid


def test_worst_case_fits_a_small_qr(signer):
    """Longest names (cut to 32 bytes), a dependant, a long non-UUID device id: still ≤ version 10-M."""
    long_device = "office-BWN-device-number-0999-x"
    long_signer = KeySigner(long_device, signer.private_key)
    claims = _claims(device=long_device, principal=make_card_number("WXYZ", 999, 999999),
                     first="عبدالرحمنعبدالرحمنعبدالرحمن", family="الشريفالشريفالشريفالشريف")
    text = sign_payload(claims, long_signer)
    qr = segno.make(text, error="m", micro=False)
    assert qr.version <= 10, (qr.version, len(text))
    assert len(claims.short_name.encode()) <= 32
    # The usual case (UUID device, principal) is much smaller.
    assert segno.make(sign_payload(_claims(), signer), error="m", micro=False).version <= 8


def test_any_changed_byte_is_rejected(signer):
    text = sign_payload(_claims(), signer)
    keys = {DEVICE: signer.private_key.public_key()}
    raw = base45.decode(text[len(QR_PREFIX):])
    for i in range(len(raw)):
        forged = bytearray(raw)
        forged[i] ^= 0x01
        result = verify_payload(QR_PREFIX + base45.encode(bytes(forged)), keys, today=date(2027, 1, 1))
        assert not result.valid and not result.authentic, i
        assert result.problem is not None


def test_other_devices_key_unknown_device_garbage_and_expiry(signer):
    text = sign_payload(_claims(), signer)
    other = Ed25519PrivateKey.generate().public_key()
    assert not verify_payload(text, {DEVICE: other}).authentic
    unknown = verify_payload(text, {})
    assert not unknown.valid and unknown.device_id == DEVICE and "7d3c1f0e" in unknown.problem.en
    for junk in ("", "hello", QR_PREFIX + "%%%", QR_PREFIX + "AAA"):
        assert verify_payload(junk, {DEVICE: signer.private_key.public_key()}).problem is not None
    expired = verify_payload(text, {DEVICE: signer.private_key.public_key()}, today=date(2032, 1, 1))
    assert expired.authentic and not expired.valid and "2031-11-23" in expired.problem.en


def test_signer_must_be_the_claimed_device(signer):
    with pytest.raises(ValueError):
        sign_payload(_claims(device="someone-else"), signer)


@pytest.mark.parametrize("form", ["hex", "base64", "pem", "list"])
def test_devices_file_formats(tmp_path, signer, form):
    public = signer.private_key.public_key()
    raw = public.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    pem = public.public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    import base64
    key_text = {"hex": raw.hex(), "base64": base64.b64encode(raw).decode(), "pem": pem.decode(),
                "list": raw.hex()}[form]
    content = ({"devices": [{"device_id": DEVICE, "public_key": key_text}]} if form == "list"
               else {DEVICE: key_text})
    path = tmp_path / "devices.json"
    path.write_text(json.dumps(content))
    keys = load_public_keys(path)
    assert verify_payload(sign_payload(_claims(), signer), keys, today=date(2027, 1, 1)).valid


def test_base45_rfc_vectors():
    assert base45.encode(b"AB") == "BB8"
    assert base45.encode(b"Hello!!") == "%69 VD92EX0"
    assert base45.decode("QED8WEX0") == b"ietf!"
    with pytest.raises(ValueError):
        base45.decode("GGW")  # 65535 < value: out of range


_arabic = st.text(alphabet=st.characters(min_codepoint=0x0621, max_codepoint=0x064A), min_size=1, max_size=30)
_dates = st.dates(min_value=date(1900, 1, 1), max_value=date(2078, 12, 31))


@hsettings(max_examples=150, deadline=None)
@given(first=_arabic, family=_arabic, national=st.text(alphabet="0123456789", max_size=20) | st.text(max_size=20),
       dob=st.none() | _dates, issued=_dates, expires=_dates,
       device=st.uuids().map(str) | st.text(min_size=1, max_size=60),
       office=st.sampled_from(["SBH", "BRK", "TRG", "QRQ", "GHT", "BWN"]),
       device_number=st.integers(1, 999), sequence=st.integers(1, 999_999), dependant=st.booleans())
def test_any_claims_round_trip_and_verify(first, family, national, dob, issued, expires, device, office,
                                          device_number, sequence, dependant):
    signer = KeySigner(device, _KEY)
    claims = make_claims(
        card_number=make_card_number(office, device_number, sequence), national_number=national,
        first_name=first, family_name=family, full_name=f"{first} {family}", date_of_birth=dob,
        issued_on=issued, expires_on=expires, device_id=device,
        principal_card_number=make_card_number(office, device_number, sequence % 999_999 + 1) if dependant else "")
    text = sign_payload(claims, signer)
    assert decode_payload(text)[0] == claims
    result = verify_payload(text, {device: _KEY.public_key()}, today=issued)
    assert result.authentic and result.valid == (expires >= issued)

