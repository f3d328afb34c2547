"""Key material shared by the office client and HQ: one place for encodings and key files.

- HQ decryption key: HPKE hybrid ML-KEM-768 + X25519. Private part stored as the ML-KEM seed
  (64 bytes) + X25519 scalar (32 bytes); public part as ML-KEM public (1184) + X25519 (32).
- Signing keys (device, HQ): Ed25519, raw 32-byte keys.
- Key id: first 16 hex digits of SHA-256 over the public bytes, so both ends derive it.
- Private key files are JSON, mode 0600, optionally sealed with a passphrase
  (scrypt n=2^15 -> AES-256-GCM), so a copied disk alone does not give the key.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hpke
from cryptography.hazmat.primitives.asymmetric import ed25519, mlkem, x25519
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

from fundclient.encoding import b64d, b64e
from fundclient.errors import Message, SyncError
from fundclient.private_files import write_bytes_atomic

HPKE_SUITE = hpke.Suite(hpke.KEM.MLKEM768_X25519, hpke.KDF.HKDF_SHA256, hpke.AEAD.AES_256_GCM)
MLKEM_PUBLIC_LEN = 1184

WRONG_PASSPHRASE = Message("Wrong passphrase for the key file.")
NEEDS_PASSPHRASE = Message("The key file is protected by a passphrase.")


def canonical_json(value: object) -> bytes:
    """The one byte form of JSON that is signed or bound into encryption."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def key_id(public_bytes: bytes) -> str:
    return hashlib.sha256(public_bytes).hexdigest()[:16]


# --- HPKE hybrid key -----------------------------------------------------------------

def generate_hpke_private() -> bytes:
    """Raw private bytes: ML-KEM-768 seed (64) + X25519 scalar (32)."""
    seed = mlkem.MLKEM768PrivateKey.generate().private_bytes_raw()
    return seed + x25519.X25519PrivateKey.generate().private_bytes_raw()


def hpke_private_key(raw: bytes) -> hpke.MLKEM768X25519PrivateKey:
    return hpke.MLKEM768X25519PrivateKey(
        mlkem.MLKEM768PrivateKey.from_seed_bytes(raw[:64]), x25519.X25519PrivateKey.from_private_bytes(raw[64:96])
    )


def hpke_public_bytes(private_raw: bytes) -> bytes:
    ml = mlkem.MLKEM768PrivateKey.from_seed_bytes(private_raw[:64]).public_key().public_bytes_raw()
    xp = x25519.X25519PrivateKey.from_private_bytes(private_raw[64:96]).public_key().public_bytes_raw()
    return ml + xp


def hpke_public_key(public_raw: bytes) -> hpke.MLKEM768X25519PublicKey:
    if len(public_raw) != MLKEM_PUBLIC_LEN + 32:
        raise ValueError("bad HPKE public key length")
    return hpke.MLKEM768X25519PublicKey(
        mlkem.MLKEM768PublicKey.from_public_bytes(public_raw[:MLKEM_PUBLIC_LEN]),
        x25519.X25519PublicKey.from_public_bytes(public_raw[MLKEM_PUBLIC_LEN:]),
    )


# --- Ed25519 -------------------------------------------------------------------------

def generate_signing_private() -> bytes:
    return ed25519.Ed25519PrivateKey.generate().private_bytes_raw()


def signing_key(raw: bytes) -> ed25519.Ed25519PrivateKey:
    return ed25519.Ed25519PrivateKey.from_private_bytes(raw)


def signing_public_bytes(private_raw: bytes) -> bytes:
    return signing_key(private_raw).public_key().public_bytes_raw()


def verify_signature(public_raw: bytes, signature: bytes, data: bytes) -> bool:
    try:
        ed25519.Ed25519PublicKey.from_public_bytes(public_raw).verify(signature, data)
        return True
    except Exception:  # InvalidSignature or a malformed key: both mean "not signed by this key"
        return False


# --- Private key files ---------------------------------------------------------------

def write_private_key_file(path: Path, *, kind: str, private_raw: bytes, public_raw: bytes,
                           passphrase: bytes | None = None, extra: dict | None = None) -> None:
    """Write atomically with mode 0600 from the first byte (no window where it is world-readable)."""
    doc: dict = {"kind": kind, "key_id": key_id(public_raw), "public": b64e(public_raw), **(extra or {})}
    if passphrase:
        salt, nonce = os.urandom(16), os.urandom(12)
        wrap = Scrypt(salt=salt, length=32, n=2**15, r=8, p=1).derive(passphrase)
        doc["private_sealed"] = {"kdf": "scrypt-n15-r8-p1", "salt": b64e(salt), "nonce": b64e(nonce),
                                 "ct": b64e(AESGCM(wrap).encrypt(nonce, private_raw, kind.encode()))}
    else:
        doc["private"] = b64e(private_raw)
    write_bytes_atomic(path, json.dumps(doc, indent=1).encode("utf-8"))  # 0600, fsynced, renamed


def read_private_key_file(path: Path, passphrase: bytes | None = None) -> tuple[dict, bytes]:
    """Returns (document without secrets, private raw bytes)."""
    doc = json.loads(path.read_text(encoding="utf-8"))
    if "private" in doc:
        raw = b64d(doc.pop("private"))
    else:
        sealed = doc.pop("private_sealed")
        if not passphrase:
            raise SyncError(NEEDS_PASSPHRASE, code="key_passphrase_needed")
        wrap = Scrypt(salt=b64d(sealed["salt"]), length=32, n=2**15, r=8, p=1).derive(passphrase)
        try:
            raw = AESGCM(wrap).decrypt(b64d(sealed["nonce"]), b64d(sealed["ct"]), doc["kind"].encode())
        except InvalidTag:
            raise SyncError(WRONG_PASSPHRASE, code="key_passphrase_wrong") from None
    return doc, raw
