"""The office's copy of HQ's national-number digest (domain.number_digest; #14 item 3), pulled
with the reference data at each sync — the whole digest once, then deltas — and consulted by the
duplicate check with no network: "this national number is registered at another office".

DATA_DIR/reference/digest/ (0700): `state.json` (HQ's token; not secret), `full.fcd` and
`delta-<token>.fcd`. Each .fcd file is the digest blob encrypted at rest with AES-256-GCM under
a key derived (HKDF-SHA256) from this device's signing key — which only a process where an operator
logged in holds (fundclient/device_key.py): the app's sync pulls the digest; the unattended nightly
sync skips it (logged, not an error of the run) — with the file name as associated data.
A new device key (re-enrolment) cannot open the old files: they are dropped and the digest is
pulled whole again. After MAX_DELTAS deltas they are folded into the full file.

Every answer is checked before it is kept: HQ's signature over its description (device, since,
token, SHA-256 and size of the blob), then the blob decoded (DigestError on anything else).
"""

from __future__ import annotations

import json
import logging
import os
import threading
from pathlib import Path

import requests
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from fundclient.domain.number_digest import DigestError, NumberDigest, decode
from fundclient.encoding import b64d
from fundclient.errors import Message, SyncError
from fundclient.private_files import private_dir, write_bytes_atomic, write_json_atomic
from fundclient.sync.ack import verify_signed
from fundclient.sync.device import Device
from fundclient.sync.device_requests import sign_claim
from fundclient.sync.http import TransportOptions, check

log = logging.getLogger(__name__)
REQUEST_CONTEXT = b"fundclient/digest-request/v1\x00"
META_CONTEXT = b"fundclient/digest/v1\x00"
AT_REST_INFO = b"fundclient/digest-at-rest/v1"
DIGEST_HEADER = "Fundclient-Digest"
MAX_DIGEST_BYTES = 64 * 1024 * 1024
MAX_DELTAS = 30
FORGED_DIGEST = Message("The national-number digest received is not signed by HQ; it was not used.")


def _key(device: Device) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=AT_REST_INFO).derive(device.signing_private())


_cache_lock = threading.Lock()
_cache: dict[str, tuple[tuple, NumberDigest]] = {}


class DigestStore:
    def __init__(self, data_dir: Path) -> None:
        self.root = Path(data_dir) / "reference" / "digest"

    # --- state ------------------------------------------------------------------------------
    @property
    def token(self) -> int:
        try:
            return int(json.loads((self.root / "state.json").read_text(encoding="utf-8")).get("token", 0))
        except (OSError, ValueError, AttributeError, TypeError):
            return 0

    def _files(self) -> list[Path]:
        if not self.root.exists():
            return []
        deltas = sorted(self.root.glob("delta-*.fcd"), key=lambda p: int(p.stem.partition("-")[2] or 0))
        full = self.root / "full.fcd"
        return ([full] if full.exists() else []) + deltas

    # --- at rest ----------------------------------------------------------------------------
    def _write(self, device: Device, name: str, blob: bytes) -> None:
        nonce = os.urandom(12)
        write_bytes_atomic(private_dir(self.root) / name, nonce + AESGCM(_key(device)).encrypt(nonce, blob,
                                                                                               name.encode()))

    def _read(self, device: Device, path: Path) -> bytes:
        raw = path.read_bytes()
        return AESGCM(_key(device)).decrypt(raw[:12], raw[12:], path.name.encode())

    def clear(self) -> None:
        for path in self._files():
            path.unlink(missing_ok=True)
        (self.root / "state.json").unlink(missing_ok=True)

    # --- apply an answer --------------------------------------------------------------------
    def apply(self, device: Device, meta: dict, blob: bytes) -> int:
        """Keep one verified part; returns how many numbers it carried."""
        part = NumberDigest(*decode(blob))  # DigestError when it is not a digest
        if meta["full"]:
            self.clear()
            self._write(device, "full.fcd", blob)
        elif len(part):
            self._write(device, f"delta-{int(meta['token'])}.fcd", blob)
        write_json_atomic(private_dir(self.root) / "state.json", {"token": int(meta["token"])})
        if len(self._files()) > MAX_DELTAS + 1:
            self._fold(device)
        return len(part)

    def _fold(self, device: Device) -> None:
        merged = self.load(device)
        old = self._files()
        self._write(device, "full.fcd", merged.to_blob())
        for path in old:
            if path.name != "full.fcd":
                path.unlink(missing_ok=True)

    # --- read -------------------------------------------------------------------------------
    def load(self, device: Device) -> NumberDigest:
        """The digest held (full + deltas), cached in this process until a file changes. Files
        this device key cannot open (another device's, damaged) are dropped with the token, so
        the next sync pulls the whole digest again."""
        files = self._files()
        stamp = tuple((p.name, p.stat().st_mtime_ns, p.stat().st_size) for p in files)
        with _cache_lock:
            cached = _cache.get(str(self.root))
            if cached is not None and cached[0] == stamp:
                return cached[1]
        digest = NumberDigest()
        try:
            for path in files:
                part = NumberDigest.from_blob(self._read(device, path))
                digest = part if not len(digest) else digest.merge(part)
        except (InvalidTag, DigestError, OSError, ValueError):
            log.warning("national-number digest unreadable here: dropped, pulled whole at the next sync")
            self.clear()
            return NumberDigest()
        with _cache_lock:
            _cache[str(self.root)] = (stamp, digest)
        return digest


def signed_params(device: Device, since: int, at: int | None = None) -> dict:
    at, sig = sign_claim(device.signing_private(), REQUEST_CONTEXT, device.device_id, (since,), at)
    return {"device_id": device.device_id, "since": since, "at": at, "sig": sig}


def verify_meta(header: str | None, device: Device, since: int, blob: bytes) -> dict:
    import hashlib

    try:
        signed = json.loads(b64d(header or ""))
        meta = signed["body"]
        ok = verify_signed(signed["sigs"], META_CONTEXT, meta, device.hq_signing_keys) \
            and meta["device_id"] == device.device_id and meta["since"] == since \
            and isinstance(meta["token"], int) and not isinstance(meta["token"], bool) and meta["token"] >= 0 \
            and isinstance(meta["full"], bool) and isinstance(meta["more"], bool) \
            and meta["size"] == len(blob) and meta["sha256"] == hashlib.sha256(blob).hexdigest() \
            and (meta["full"] or meta["token"] >= since)
    except (ValueError, KeyError, TypeError, AttributeError):
        ok = False
    if not ok:
        raise SyncError(FORGED_DIGEST, code="forged_digest")
    return meta


def pull_digest(session: requests.Session, base_url: str, data_dir: Path, device: Device,
                options: TransportOptions) -> int:
    """Pull what is new since the stored token; returns how many numbers arrived."""
    store = DigestStore(data_dir)
    total = 0
    for _ in range(1000):  # each answer moves the token on; a bound all the same
        since = store.token
        response = check(session.get(f"{base_url.rstrip('/')}/api/v1/digest", params=signed_params(device, since),
                                      timeout=options.timeout, stream=True))
        blob = response.raw.read(MAX_DIGEST_BYTES + 1, decode_content=True)
        if len(blob) > MAX_DIGEST_BYTES:
            raise SyncError(FORGED_DIGEST, code="forged_digest")
        meta = verify_meta(response.headers.get(DIGEST_HEADER), device, since, blob)
        try:
            total += store.apply(device, meta, blob)
        except DigestError:
            raise SyncError(FORGED_DIGEST, code="forged_digest") from None
        if not meta["more"] or meta["token"] == since:
            return total
    return total


def registered_elsewhere(data_dir: Path, numbers: list[str]) -> dict[str, list[str]]:
    """number -> the offices HQ's digest says hold it (only numbers held somewhere); {} when this
    PC is not enrolled or holds no digest yet."""
    try:
        device = Device.load(data_dir)
        digest = DigestStore(data_dir).load(device)
    except (SyncError, OSError, ValueError, KeyError):  # not enrolled; the device key locked
        return {}
    found = {n: digest.offices_of(n) for n in numbers if n}
    return {n: offices for n, offices in found.items() if offices}
