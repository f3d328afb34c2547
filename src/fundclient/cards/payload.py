"""The signed payload in a card's QR code: compact binary, Ed25519-signed by the issuing device.

QR text = "FC:" + Base45(body + signature). Base45 (RFC 9285) uses only the QR alphanumeric
set, so a worst-case payload stays within QR version 10 at error level M. Body (version 1,
integers big-endian):

    u8   version (1)
    u8   flags: 1 = dependant's card, 2 = device id packed as a UUID, 4 = national number is text
    str  card number, compact ASCII ("SEB007000123" + check digits)
    nat  national number: u8 digit count + packed BCD (flag 4: str UTF-8)
    str  short name (first + family name, UTF-8, at most 32 bytes, cut at a character)
    8B   name digest: SHA-256 of the normalised full Arabic name, first 8 bytes
    u16  date of birth, u16 issue date, u16 expiry date: days since 1900-01-01 (0xFFFF unknown)
    dev  device id: 16-byte UUID (flag 2) or str UTF-8
    str  principal's card number (only with flag 1)
    64B  Ed25519 signature over SIGNING_CONTEXT + body

`str` is u8 length + bytes. No Qt here: verification runs headless (`fundclient verify-card`).
"""

from __future__ import annotations

import hashlib
import json
import struct
import unicodedata
import uuid
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Mapping, Protocol

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from fundclient.cards import base45
from fundclient.domain.card_numbers import normalise as normalise_card_number, parse as parse_card_number
from fundclient.encoding import b64d, b64url_d
from fundclient.errors import FundError, Message
from fundclient import drive

PAYLOAD_VERSION = 1
QR_PREFIX = "FC:"
SIGNING_CONTEXT = b"fundclient/card-qr/v1\x00"
SIGNATURE_BYTES = 64
SHORT_NAME_BYTES = 32
NAME_DIGEST_BYTES = 8
_EPOCH = date(1900, 1, 1)
_NO_DATE = 0xFFFF
_DEPENDANT, _UUID_DEVICE, _TEXT_NATIONAL = 1, 2, 4


class Signer(Protocol):
    device_id: str

    def sign(self, data: bytes) -> bytes: ...


class CardPayloadError(FundError):
    """A QR payload cannot be built or read."""


MALFORMED = Message("The QR code is not a valid insurance-card code")
UNKNOWN_DEVICE = Message("Signing device '{device}' is not known")
BAD_SIGNATURE = Message("Signature does not match: the data was altered or forged")
EXPIRED = Message("The insurance card expired on {date}")
REVOKED = Message("The insurance card was revoked ({reason})")
REVOKED_DEVICE = Message("The signing device '{device}' was revoked by HQ on {date}; the card was issued on "
                         "{issued}, on or after that day")
TOO_LONG = Message("QR payload field is too long")


@dataclass(frozen=True)
class CardClaims:
    """What the QR code states about a card; signed as a whole."""

    card_number: str
    national_number: str
    short_name: str
    name_digest: bytes
    date_of_birth: date | None
    issued_on: date
    expires_on: date
    device_id: str
    principal_card_number: str = ""

    @property
    def is_dependant(self) -> bool:
        return bool(self.principal_card_number)

    def name_matches(self, full_name: str) -> bool:
        """True when `full_name` is the name the card was issued to."""
        return name_digest(full_name) == self.name_digest


@dataclass(frozen=True)
class Verification:
    authentic: bool  # signature valid and made by a known device
    valid: bool  # authentic and not expired on the day checked
    device_id: str
    claims: CardClaims | None
    problem: Message | None = None
    device_revoked: bool = False  # signed by a device HQ revoked, issued on or after that day


@dataclass
class KeySigner:
    """A Signer over an Ed25519 private key (the device identity in sync/ offers the same two members)."""

    device_id: str
    private_key: Ed25519PrivateKey

    def sign(self, data: bytes) -> bytes:
        return self.private_key.sign(data)


def normalise_name(full_name: str) -> str:
    """NFC, single spaces, no tatweel: the form the name digest is taken over."""
    text = unicodedata.normalize("NFC", full_name).replace("\u0640", "")
    return " ".join(text.split())


def name_digest(full_name: str) -> bytes:
    return hashlib.sha256(normalise_name(full_name).encode("utf-8")).digest()[:NAME_DIGEST_BYTES]


def short_name(first: str, family: str) -> str:
    """First + family name, cut at a character so that it fits SHORT_NAME_BYTES."""
    text = normalise_name(f"{first} {family}")
    while len(text.encode("utf-8")) > SHORT_NAME_BYTES:
        text = text[:-1]
    return text.strip()


def make_claims(*, card_number: str, national_number: str, first_name: str, family_name: str,
                full_name: str, date_of_birth: date | None, issued_on: date, expires_on: date,
                device_id: str, principal_card_number: str = "") -> CardClaims:
    return CardClaims(
        card_number=normalise_card_number(card_number),
        national_number=national_number.strip(),
        short_name=short_name(first_name, family_name),
        name_digest=name_digest(full_name),
        date_of_birth=date_of_birth, issued_on=issued_on, expires_on=expires_on,
        device_id=device_id,
        principal_card_number=normalise_card_number(principal_card_number) if principal_card_number else "",
    )


def encode_body(claims: CardClaims) -> bytes:
    flags = 0
    out = bytearray()
    national = claims.national_number
    if national.isascii() and national.isdigit():
        digits = national + ("0" if len(national) % 2 else "")
        national_bytes = bytes([len(national)]) + bytes.fromhex(digits)
    else:
        flags |= _TEXT_NATIONAL
        national_bytes = _str(national)
    device_uuid = _as_uuid(claims.device_id)
    if device_uuid:
        flags |= _UUID_DEVICE
    if claims.principal_card_number:
        flags |= _DEPENDANT
    out += bytes([PAYLOAD_VERSION, flags])
    out += _str(parse_card_number(claims.card_number).compact)
    out += national_bytes
    out += _str(claims.short_name)
    out += claims.name_digest[:NAME_DIGEST_BYTES].ljust(NAME_DIGEST_BYTES, b"\0")
    out += struct.pack(">HHH", _days(claims.date_of_birth), _days(claims.issued_on), _days(claims.expires_on))
    out += device_uuid.bytes if device_uuid else _str(claims.device_id)
    if claims.principal_card_number:
        out += _str(parse_card_number(claims.principal_card_number).compact)
    return bytes(out)


def sign_payload(claims: CardClaims, signer: Signer) -> str:
    """The QR text for a card, signed by `signer` (whose device id must be the claims')."""
    if signer.device_id != claims.device_id:
        raise ValueError("claims name another device than the signer")
    body = encode_body(claims)
    signature = signer.sign(SIGNING_CONTEXT + body)
    if len(signature) != SIGNATURE_BYTES:
        raise ValueError("signer did not return a 64-byte Ed25519 signature")
    return QR_PREFIX + base45.encode(body + signature)


def decode_payload(text: str) -> tuple[CardClaims, bytes, bytes]:
    """(claims, signed body, signature) of a QR text; CardPayloadError when malformed. Not verified."""
    try:
        text = text.strip()
        if not text.startswith(QR_PREFIX):
            raise ValueError("prefix")
        raw = base45.decode(text[len(QR_PREFIX):])
        body, signature = raw[:-SIGNATURE_BYTES], raw[-SIGNATURE_BYTES:]
        return _parse_body(body), body, signature
    except (ValueError, IndexError, struct.error, UnicodeDecodeError, FundError) as exc:
        raise CardPayloadError(MALFORMED, code="card_payload") from exc


def verify_payload(text: str, public_keys: Mapping[str, Ed25519PublicKey], *,
                   today: date | None = None, revoked: Mapping[str, str] | None = None,
                   revoked_devices: Mapping[str, date] | None = None) -> Verification:
    """Check a QR text offline against the known devices' public keys and, when given, the
    revoked card numbers (number -> reason, as pulled from HQ) and the revoked devices (device id
    -> day of revocation: a card that device issued on or after that day is REVOKED DEVICE; one
    issued before stays valid). Never raises for bad input."""
    try:
        claims, body, signature = decode_payload(text)
    except CardPayloadError as exc:
        return Verification(False, False, "", None, exc.message)
    key = public_keys.get(claims.device_id)
    if key is None:
        return Verification(False, False, claims.device_id, claims, UNKNOWN_DEVICE.format(device=claims.device_id))
    try:
        key.verify(signature, SIGNING_CONTEXT + body)
    except InvalidSignature:
        return Verification(False, False, claims.device_id, claims, BAD_SIGNATURE)
    revoked_on = (revoked_devices or {}).get(claims.device_id)
    if revoked_on is not None and claims.issued_on >= revoked_on:
        return Verification(True, False, claims.device_id, claims,
                            REVOKED_DEVICE.format(device=claims.device_id, date=revoked_on.isoformat(),
                                                  issued=claims.issued_on.isoformat()), device_revoked=True)
    if revoked and claims.card_number in revoked:
        reason = revoked[claims.card_number] or "—"
        return Verification(True, False, claims.device_id, claims, REVOKED.format(reason=reason))
    today = today or date.today()
    if claims.expires_on < today:
        return Verification(True, False, claims.device_id, claims, EXPIRED.format(date=claims.expires_on.isoformat()))
    return Verification(True, True, claims.device_id, claims)


MAX_DEVICES_FILE_BYTES = 4 * 1024 * 1024
BAD_DEVICES_FILE = Message("The devices file {file} is not valid: expected JSON of device ids and public keys")


def load_public_keys(path: Path) -> dict[str, Ed25519PublicKey]:
    """Read a devices file: {"device-id": "<key>", ...} or {"devices": [{"device_id", "public_key"}]}.

    A key is the raw 32 bytes as hex or base64, or a PEM SubjectPublicKeyInfo.
    """
    data = drive.read_user_file(path, MAX_DEVICES_FILE_BYTES)  # a link, FIFO, folder or oversize file: refused
    try:
        raw = json.loads(data.decode("utf-8"))
        entries = raw.get("devices", raw) if isinstance(raw, dict) else raw
        if isinstance(entries, list):
            entries = {e["device_id"]: e["public_key"] for e in entries}
        return {str(device): public_key_from_text(str(key)) for device, key in entries.items()}
    except (UnicodeDecodeError, ValueError, TypeError, KeyError, AttributeError, RecursionError):
        raise FundError(BAD_DEVICES_FILE.format(file=drive.display_name(str(path))), code="bad_file") from None


def public_key_from_text(text: str) -> Ed25519PublicKey:
    from cryptography.hazmat.primitives.serialization import load_pem_public_key  # lazy: start-up (cryptography)

    text = text.strip()
    if text.startswith("-----BEGIN"):
        key = load_pem_public_key(text.encode())
        if not isinstance(key, Ed25519PublicKey):
            raise ValueError("not an Ed25519 public key")
        return key
    try:
        data = bytes.fromhex(text)
    except ValueError:
        data = b64url_d(text) if "-" in text or "_" in text else b64d(text + "=" * (-len(text) % 4))
    return Ed25519PublicKey.from_public_bytes(data)


def _parse_body(body: bytes) -> CardClaims:
    reader = _Reader(body)
    version, flags = reader.take(1)[0], reader.take(1)[0]
    if version != PAYLOAD_VERSION:
        raise ValueError(f"payload version {version}")
    card_number = normalise_card_number(reader.str())
    if flags & _TEXT_NATIONAL:
        national = reader.str()
    else:
        count = reader.take(1)[0]
        national = reader.take((count + 1) // 2).hex()[:count]
        if not national.isdigit():
            raise ValueError("national number")
    name = reader.str()
    digest = reader.take(NAME_DIGEST_BYTES)
    dob, issued, expires = struct.unpack(">HHH", reader.take(6))
    device_id = str(uuid.UUID(bytes=reader.take(16))) if flags & _UUID_DEVICE else reader.str()
    principal = normalise_card_number(reader.str()) if flags & _DEPENDANT else ""
    if reader.left():
        raise ValueError("trailing bytes")
    issued_on, expires_on = _date(issued), _date(expires)
    if issued_on is None or expires_on is None:
        raise ValueError("dates")
    return CardClaims(card_number, national, name, digest, _date(dob), issued_on, expires_on, device_id, principal)


class _Reader:
    def __init__(self, data: bytes) -> None:
        self.data, self.pos = data, 0

    def take(self, n: int) -> bytes:
        if self.pos + n > len(self.data):
            raise ValueError("truncated")
        chunk = self.data[self.pos:self.pos + n]
        self.pos += n
        return chunk

    def str(self) -> str:
        return self.take(self.take(1)[0]).decode("utf-8")

    def left(self) -> int:
        return len(self.data) - self.pos


def _str(text: str) -> bytes:
    data = text.encode("utf-8")
    if len(data) > 255:
        raise CardPayloadError(TOO_LONG, code="card_payload")
    return bytes([len(data)]) + data


def _as_uuid(text: str) -> uuid.UUID | None:
    try:
        value = uuid.UUID(text)
    except ValueError:
        return None
    return value if str(value) == text else None  # only when it round-trips exactly


def _days(value: date | None) -> int:
    if value is None:
        return _NO_DATE
    days = (value - _EPOCH).days
    if not 0 <= days < _NO_DATE:
        raise CardPayloadError(MALFORMED, code="card_payload")
    return days


def _date(days: int) -> date | None:
    return None if days == _NO_DATE else _EPOCH + timedelta(days=days)

