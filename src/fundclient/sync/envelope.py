"""The sealed batch: one byte format for the network and the USB drive.

    "FCB1" | u32 header_len | header (canonical JSON) | u64 ct_len | HPKE ciphertext | Ed25519 sig (64)

- header: {v, batch_id, device_id, seq, count, hq_key_id, created_at} — readable without keys so
  HQ can route, de-duplicate and pick the decryption key, but bound into the HPKE `info`, so
  changing any field makes decryption fail.
- ciphertext: HPKE base mode (RFC 9180), ML-KEM-768+X25519 / HKDF-SHA256 / AES-256-GCM, to the
  HQ public key named by hq_key_id. Plaintext = "FCP1" | u32 len | zlib(JSON items) | photo bytes
  (JPEG is already compressed: zlib only the JSON part).
- signature: device Ed25519 over a context string + every byte before it, so HQ checks who sent
  it before spending any work on decryption.
"""

from __future__ import annotations

import hashlib
import json
import re
import struct
import zlib
from dataclasses import dataclass, field
from datetime import datetime

import orjson

from fundclient.errors import SyncError
from fundclient.sync.keys import HPKE_SUITE, canonical_json, hpke_private_key, hpke_public_key, signing_key, \
    verify_signature
from fundclient.sync.reasons import reason_message

FORMAT_VERSION = 1
MAGIC = b"FCB1"
PAYLOAD_MAGIC = b"FCP1"
INFO_CONTEXT = b"fundclient/batch/v1\x00"
SIG_CONTEXT = b"fundclient/batch-signature/v1\x00"
SIG_LEN = 64
MAX_HEADER = 4096
HEADER_FIELDS = {"v", "batch_id", "device_id", "seq", "count", "hq_key_id", "created_at"}
# Fixed cost of one batch beyond its payload: KEM ciphertext, GCM tag, framing, header, signature.
ENVELOPE_OVERHEAD = 1120 + 16 + 4 + 4 + 8 + SIG_LEN + 400


UUID_RE = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
KEY_ID_RE = re.compile(r"[0-9a-f]{16}")
MAX_SEQ = 2**31 - 1  # HQ stores it in a 32-bit INTEGER column (PostgreSQL)
MAX_COUNT = 1_000_000


@dataclass(frozen=True)
class BatchHeader:
    """The batch header, typed: every field checked for type, length and pattern before HQ
    uses any of it (database, key lookup, allocation). Used by HTTP and USB alike."""

    v: int
    batch_id: str
    device_id: str
    seq: int
    count: int
    hq_key_id: str
    created_at: str

    @classmethod
    def parse(cls, header: object) -> "BatchHeader":
        """Raises ValueError naming the first bad field."""
        if not isinstance(header, dict) or set(header) != HEADER_FIELDS:
            raise ValueError("header fields")
        if not _is_int(header["v"]) or header["v"] != FORMAT_VERSION:
            raise ValueError("header v")
        for name, pattern in (("batch_id", UUID_RE), ("device_id", UUID_RE), ("hq_key_id", KEY_ID_RE)):
            if not isinstance(header[name], str) or not pattern.fullmatch(header[name]):
                raise ValueError(f"header {name}")
        if not _is_int(header["seq"]) or not 1 <= header["seq"] <= MAX_SEQ:
            raise ValueError("header seq")
        if not _is_int(header["count"]) or not 0 <= header["count"] <= MAX_COUNT:
            raise ValueError("header count")
        created = header["created_at"]
        if not isinstance(created, str) or len(created) > 40:
            raise ValueError("header created_at")
        datetime.fromisoformat(created)  # ValueError when not a date-time
        return cls(**header)


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def is_uuid(value: object) -> bool:
    return isinstance(value, str) and UUID_RE.fullmatch(value) is not None


class EnvelopeError(SyncError):
    """A batch failed a check; `code` is one of sync.reasons."""

    def __init__(self, code: str, detail: str = "") -> None:
        super().__init__(reason_message(code), code=code)
        self.detail = detail


@dataclass(frozen=True)
class Envelope:
    """A parsed batch. Its parts are read through views of the batch's bytes (`signed_view`,
    `ciphertext_view`): a batch is up to 8 MiB, and copying each part out of it — the
    ciphertext, the signed part, then the signed part again behind the signature's context —
    cost HQ ~1.5 ms of CPU per 2 MiB batch (#11 item 7, hq-core). `ciphertext` and
    `signed_part` give copies, as bytes, to whoever wants them."""

    header: dict  # checked by BatchHeader.parse: every value has its type and pattern
    header_bytes: bytes
    signature: bytes
    blob: memoryview = field(repr=False)  # the whole batch (bytes or bytearray underneath)
    start: int  # where the ciphertext starts in `blob`
    end: int  # where it ends (the signature follows)

    @property
    def fields(self) -> BatchHeader:
        return BatchHeader(**self.header)

    @property
    def signed_view(self) -> memoryview:
        """What the device signed (everything before the signature), without a copy."""
        return self.blob[:self.end]

    @property
    def ciphertext_view(self) -> memoryview:
        return self.blob[self.start:self.end]

    @property
    def signed_part(self) -> bytes:
        return bytes(self.signed_view)

    @property
    def ciphertext(self) -> bytes:
        return bytes(self.ciphertext_view)


def encode_payload(items: list[dict]) -> bytes:
    """items: dicts; a record item may carry photos [{data: bytes, mime, kind, quality, ...}]."""
    blobs: list[bytes] = []
    offset = 0
    clean_items = []
    for item in items:
        item = dict(item)
        if "photos" in item:
            metas = []
            for photo in item["photos"]:
                data = photo["data"]
                meta = {k: v for k, v in photo.items() if k != "data"}
                meta.update(offset=offset, length=len(data), sha256=hashlib.sha256(data).hexdigest())
                metas.append(meta)
                blobs.append(data)
                offset += len(data)
            item["photos"] = metas
        clean_items.append(item)
    packed = zlib.compress(json.dumps({"items": clean_items}, ensure_ascii=False).encode("utf-8"), 9)
    return PAYLOAD_MAGIC + struct.pack(">I", len(packed)) + packed + b"".join(blobs)


# The JSON part of a batch (records without photos) never comes near this; the cap stops a
# small compressed payload from expanding into gigabytes at HQ.
MAX_PAYLOAD_JSON = 32 * 1024 * 1024
# What an office puts in one batch's JSON at most (sync/outbox.py `_groups`, counted before
# compression): half HQ's cap. The office bounds a batch by its compressed bytes too, and records
# that compress very well (the same dependants repeated) would otherwise fill a 4 MiB batch with
# more JSON than HQ decodes — refused whole as "malformed", for good (docs/decisions/office-batch-size.md).
MAX_BATCH_JSON = MAX_PAYLOAD_JSON // 2


_DIGITS_AS_NINES = bytes.maketrans(b"0123456789", b"9" * 10)
_NINETEEN_NINES = b"9" * 19


def _has_long_digit_run(text: bytes) -> bool:
    """Whether `text` holds 19 ASCII digits in a row: every digit made a 9 (no other byte
    becomes one), then one byte search — 5 × cheaper than the regular expression `[0-9]{19}`
    on a batch's JSON, whose Arabic text (multi-byte UTF-8) the regex engine walks byte by byte
    (~1 ms per batch of 24 at HQ; the same answer: tests/sync/test_hq_properties.py)."""
    return _NINETEEN_NINES in text.translate(_DIGITS_AS_NINES)


def _loads(text: bytes):
    """`json.loads(text)`, by orjson when it gives the same answer, at a third of the CPU (HQ
    decodes every batch): orjson reads integers beyond 64 bits as floats, so a text with a run
    of 19 digits or more anywhere (in a string too: that only costs the slower path) goes to
    `json.loads`, and so does whatever orjson refuses (NaN, lone surrogates, other encodings,
    depth) — the answer is always exactly the standard library's, a refusal included
    (tests/sync/test_hq_properties.py)."""
    return _read(text)[0]


def _read(text: bytes) -> tuple[object, bool]:
    """(`_loads(text)`, whether orjson read it)."""
    if not _has_long_digit_run(text):
        try:
            return orjson.loads(text), True
        except orjson.JSONDecodeError:
            pass
    return json.loads(text), False


# orjson writes only JSON's own types here: anything else (a str or int subclass, a dataclass, a
# date) is refused, and goes to canonical_json, as it would raise there or be written its way.
_ORJSON_CANONICAL = (orjson.OPT_SORT_KEYS | orjson.OPT_PASSTHROUGH_SUBCLASS | orjson.OPT_PASSTHROUGH_DATACLASS
                     | orjson.OPT_PASSTHROUGH_DATETIME)


def canonical_json_of_read(value: object) -> bytes:
    """`canonical_json(value)`, byte for byte, at under half its CPU (HQ writes every received
    record so: what it stores and hashes), for a value orjson read from JSON text
    (`Items.read_by_orjson`: valid Unicode, finite floats, integers of at most 64 bits). orjson
    then writes it as `json.dumps` does — keys sorted by code point, the same escapes, text as
    UTF-8 — except a float (`1e-05` is its `0.00001`): a value holding a number with a fraction
    or an exponent, and whatever orjson refuses (depth), is written by `canonical_json`
    (tests/sync/test_hq_canonical.py)."""
    try:
        out = orjson.dumps(value, option=_ORJSON_CANONICAL)
    except TypeError:  # (orjson.JSONEncodeError is one)
        return canonical_json(value)
    return canonical_json(value) if _holds_float(out) else out


def _holds_float(text: bytes) -> bool:
    """Whether orjson's `text` holds a float: a `.` or an `e` outside its strings (which hold a
    `\\` or `\"` only as escapes, so with those gone every `"` opens or closes one), `true`
    and `false` aside."""
    if b"\\" in text:  # (a record's text seldom holds an escape: two copies spared)
        text = text.replace(b"\\\\", b"").replace(b'\\"', b"")
    outside = b"".join(text.split(b'"')[::2])
    return b"." in outside or b"e" in outside.replace(b"true", b"").replace(b"false", b"")


class Items(list):
    """A payload's items (`decode_payload`), and whether orjson read their JSON: then every
    text in them is valid Unicode, every number a finite float or an integer of at most 64
    bits (orjson refuses the rest), and `canonical_json_of_read` may write them."""

    read_by_orjson = False


def decode_payload(plaintext: bytes) -> Items:
    try:
        if plaintext[:4] != PAYLOAD_MAGIC:
            raise ValueError("payload magic")
        (json_len,) = struct.unpack(">I", plaintext[4:8])
        view = memoryview(plaintext)  # (the parts are read in place: one copy of each photo, no more)
        inflater = zlib.decompressobj()
        text = inflater.decompress(view[8:8 + json_len], MAX_PAYLOAD_JSON)
        if inflater.unconsumed_tail:  # a "zip bomb": more than any honest batch holds
            raise ValueError("payload expands beyond the limit")
        doc, by_orjson = _read(text)
        blobs = view[8 + json_len:]
        items = doc["items"]
        if not isinstance(items, list) or not all(isinstance(i, dict) for i in items):
            raise ValueError("items")
        items = Items(items)
        items.read_by_orjson = by_orjson
        for item in items:
            photos = item.get("photos", [])
            if not isinstance(photos, list) or not all(isinstance(m, dict) for m in photos):
                raise ValueError("photos")
            for meta in photos:
                data = blobs[meta["offset"]:meta["offset"] + meta["length"]]
                if len(data) != meta["length"] or hashlib.sha256(data).hexdigest() != meta["sha256"]:
                    raise ValueError("photo bytes")
                meta["data"] = bytes(data)
        return items
    except (ValueError, KeyError, TypeError, AttributeError, struct.error, zlib.error) as exc:
        raise EnvelopeError("malformed", f"payload: {exc}") from None


def seal(*, header: dict, items: list[dict], hq_public: bytes, device_private: bytes) -> bytes:
    if set(header) != HEADER_FIELDS:
        raise ValueError(f"header fields must be {sorted(HEADER_FIELDS)}")
    header_bytes = canonical_json(header)
    ct = HPKE_SUITE.encrypt(encode_payload(items), hpke_public_key(hq_public), info=INFO_CONTEXT + header_bytes)
    signed = MAGIC + struct.pack(">I", len(header_bytes)) + header_bytes + struct.pack(">Q", len(ct)) + ct
    return signed + signing_key(device_private).sign(SIG_CONTEXT + signed)


def parse(blob: bytes, *, max_bytes: int | None = None) -> Envelope:
    """Split a batch into its parts; checks framing only (no keys needed)."""
    if max_bytes is not None and len(blob) > max_bytes:
        raise EnvelopeError("oversize", f"{len(blob)} > {max_bytes}")
    try:
        if blob[:4] != MAGIC:
            raise ValueError("magic")
        (hlen,) = struct.unpack(">I", blob[4:8])
        if hlen > MAX_HEADER:
            raise ValueError("header length")
        header_bytes = bytes(blob[8:8 + hlen])  # (a copy: `blob` may be a bytearray, HQ's upload buffer)
        (ctlen,) = struct.unpack(">Q", blob[8 + hlen:16 + hlen])
        end = 16 + hlen + ctlen
        if len(blob) != end + SIG_LEN:
            raise ValueError("length")
        header = json.loads(header_bytes)
        BatchHeader.parse(header)
        if canonical_json(header) != header_bytes:
            raise ValueError("header not canonical")
    except (ValueError, TypeError, RecursionError, struct.error, UnicodeDecodeError) as exc:
        raise EnvelopeError("malformed", str(exc)) from None
    return Envelope(header, header_bytes, bytes(blob[end:]), memoryview(blob), 16 + hlen, end)


def check_signature(env: Envelope, device_public: bytes) -> None:
    if not verify_signature(device_public, env.signature, b"".join((SIG_CONTEXT, env.signed_view))):  # (one copy)
        raise EnvelopeError("bad_signature")


def open_items(env: Envelope, hq_private) -> list[dict]:
    """Decrypt and decode; the header was bound as HPKE info, so a changed header fails here.
    `hq_private`: HQ's raw private key bytes, or the key object `hpke_private_key` made of them
    (HQ keeps that one: a batch then costs no ML-KEM key expansion)."""
    try:
        key = hpke_private_key(hq_private) if isinstance(hq_private, (bytes, bytearray)) else hq_private
        plaintext = HPKE_SUITE.decrypt(env.ciphertext_view, key, info=INFO_CONTEXT + env.header_bytes)
    except Exception:  # InvalidTag or a ciphertext too short for the KEM
        raise EnvelopeError("decrypt_failed") from None
    items = decode_payload(plaintext)
    if len(items) != env.header["count"]:
        raise EnvelopeError("header_mismatch", "count")
    return items


# --- device-signed upload creation ---------------------------------------------------------
# HQ allocates nothing for an upload until the device that will send the batch has signed
# "this batch, this length, these bytes" (tus Upload-Metadata `sha256` and `signature`).
UPLOAD_CONTEXT = b"fundclient/upload/v1\x00"
SHA256_RE = re.compile(r"[0-9a-f]{64}")


def upload_claim(batch_id: str, device_id: str, length: int, sha256: str) -> bytes:
    return UPLOAD_CONTEXT + f"{batch_id}|{device_id}|{length}|{sha256}".encode()


def sign_upload(blob: bytes, *, batch_id: str, device_id: str, device_private: bytes) -> tuple[str, bytes]:
    """(sha256 hex, signature) for the creation request of this batch."""
    digest = hashlib.sha256(blob).hexdigest()
    return digest, signing_key(device_private).sign(upload_claim(batch_id, device_id, len(blob), digest))


def check_upload(device_public: bytes, signature: bytes, *, batch_id: str, device_id: str, length: int,
                 sha256: str) -> bool:
    return verify_signature(device_public, signature, upload_claim(batch_id, device_id, length, sha256))
