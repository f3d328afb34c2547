"""The device signing key at rest: wrapped by the office's database key, so that only a process
where an operator logged in (or the recovery key was typed) can sign a card or a batch.

DATA_DIR/device/signing_key.json (0600, in device/ 0700):

    {"kind": "device-signing", "key_id": …, "public": <base64>,
     "wrapped": [{"by": <DB key id>, "nonce": <base64>, "ct": <base64>}, …]}

Each `wrapped` entry is the Ed25519 private key under AES-256-GCM with the key
HKDF-SHA256(DB key, info="fundclient/device-key-wrap/v1") (associated data: kind and public key);
`by` = the first 16 hex digits of HKDF(DB key, info="fundclient/db-key-id/v1"), which says which
DB key opens it without trying each. `fundclient rekey` adds an entry under the new DB key and
keeps the older ones, so a backup from before the rotation still unlocks the device key after a
restore. The DB key is itself wrapped by each operator's password and by the recovery key
(storage/keystore.py): a copy of the data folder without a password signs nothing.

Life cycle (docs/decisions/device-key-at-rest.md):
- created wrapped at `setup` (storage.initialise) — or at the first login of an office set up
  before this version that had none;
- unlocked at every login (`storage.open_store`, `open_store_with_recovery`) and then held in this
  process's memory only (`_UNLOCKED`), like the DB key;
- a clear key left by an older version (`"private"` in the file) is still used until the first
  login after the upgrade, which wraps it and replaces the file (atomic rename: the clear file is
  gone, not kept beside it);
- a data dir with no office (no keystore.json: tests, tools) has nothing to wrap with and keeps a
  clear key; it has no records either.

Beside private_files.py: storage (login, setup, rekey) and sync (sealing, uploads) both use it.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import threading
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ed25519
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from fundclient.encoding import b64d, b64e
from fundclient.errors import Message, SyncError
from fundclient.oslock import exclusive
from fundclient.private_files import private_dir, write_json_atomic

log = logging.getLogger(__name__)

KIND = "device-signing"
FILE_NAME = "signing_key.json"

DEVICE_KEY_LOCKED = Message("This device's signing key is locked: nothing is signed until an operator logs "
                            "in with their password (in the app, or with --user on the command line).")
DEVICE_KEY_MISSING = Message("This PC has no device signing key yet (restored or upgraded): an operator logs "
                             "in once first — in the app, or with --user on this command — which creates it, "
                             "protected by their password.")
DEVICE_KEY_OTHER_OFFICE = Message("This device's signing key does not open with the current database key "
                                  "(files from another office?).")

_UNLOCKED: dict[str, bytes] = {}
_LOCK = threading.Lock()


def key_path(data_dir: Path) -> Path:
    return Path(data_dir) / "device" / FILE_NAME


def _hkdf(db_key: bytes, info: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=info).derive(db_key)


def db_key_id(db_key: bytes) -> str:
    return _hkdf(db_key, b"fundclient/db-key-id/v1")[:8].hex()


def _public_of(private_raw: bytes) -> bytes:
    return ed25519.Ed25519PrivateKey.from_private_bytes(private_raw).public_key().public_bytes_raw()


def _aad(public_raw: bytes) -> bytes:
    return KIND.encode() + b"\0" + public_raw


def _wrap(private_raw: bytes, db_key: bytes) -> dict:
    nonce = os.urandom(12)
    ct = AESGCM(_hkdf(db_key, b"fundclient/device-key-wrap/v1")).encrypt(nonce, private_raw,
                                                                          _aad(_public_of(private_raw)))
    return {"by": db_key_id(db_key), "nonce": b64e(nonce), "ct": b64e(ct)}


def _unwrap(doc: dict, db_key: bytes) -> bytes | None:
    wanted = db_key_id(db_key)
    public_raw = b64d(doc["public"])
    for entry in doc.get("wrapped", []):
        if entry.get("by") != wanted:
            continue
        try:
            raw = AESGCM(_hkdf(db_key, b"fundclient/device-key-wrap/v1")).decrypt(
                b64d(entry["nonce"]), b64d(entry["ct"]), _aad(public_raw))
        except (InvalidTag, KeyError, ValueError):
            return None
        return raw if _public_of(raw) == public_raw else None
    return None


def _write(path: Path, private_raw: bytes, wraps: list[dict] | None) -> None:
    """The one writer of the key file (atomic, 0600). wraps=None: the clear form (no office here)."""
    from hashlib import sha256

    public_raw = _public_of(private_raw)
    doc: dict = {"kind": KIND, "key_id": sha256(public_raw).hexdigest()[:16], "public": b64e(public_raw)}
    if wraps is None:
        doc["private"] = b64e(private_raw)
    else:
        doc["wrapped"] = wraps
    private_dir(path.parent)
    write_json_atomic(path, doc)


def _read(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def _office_here(data_dir: Path) -> bool:
    return (Path(data_dir) / "keystore.json").exists()


def _remember(data_dir: Path, private_raw: bytes) -> None:
    with _LOCK:
        _UNLOCKED[str(Path(data_dir).resolve())] = private_raw


def forget(data_dir: Path | None = None) -> None:
    """Drop the unlocked key from this process (all of them with no argument)."""
    with _LOCK:
        if data_dir is None:
            _UNLOCKED.clear()
        else:
            _UNLOCKED.pop(str(Path(data_dir).resolve()), None)


def is_unlocked(data_dir: Path) -> bool:
    with _LOCK:
        return str(Path(data_dir).resolve()) in _UNLOCKED


def is_wrapped(data_dir: Path) -> bool:
    path = key_path(data_dir)
    return path.exists() and "private" not in _read(path)


def public_key(data_dir: Path) -> bytes | None:
    """The device's public key (no password needed), or None before the key exists."""
    path = key_path(data_dir)
    return b64d(_read(path)["public"]) if path.exists() else None


def ensure(data_dir: Path) -> bytes:
    """The public key, creating the key pair the first time (wrapped when this process holds it
    unlocked — impossible before it exists — so: wrapped at setup/login, clear only where no
    office is set up). Raises SyncError(device_key_locked) when an office exists but no operator
    logged in since the upgrade that introduced wrapped keys and the key is missing."""
    path = key_path(data_dir)
    private_dir(path.parent)
    with exclusive(path.with_name("key.lock")):
        if not path.exists():
            if _office_here(data_dir):  # wrapped from the first byte, so only a login can make it
                raise SyncError(DEVICE_KEY_MISSING, code="device_key_locked")
            _write(path, ed25519.Ed25519PrivateKey.generate().private_bytes_raw(), None)
    return public_key(data_dir)


def unlock(data_dir: Path, db_key: bytes) -> None:
    """At login: open (creating or migrating as needed) the device key with the DB key and keep
    it in this process. A clear key from an older version is wrapped and the clear file replaced."""
    path = key_path(data_dir)
    private_dir(path.parent)
    with exclusive(path.with_name("key.lock")):
        if not path.exists():
            private_raw = ed25519.Ed25519PrivateKey.generate().private_bytes_raw()
            _write(path, private_raw, [_wrap(private_raw, db_key)])
        else:
            doc = _read(path)
            if "private" in doc:  # written by an older version: wrap it now, the clear file goes
                private_raw = b64d(doc["private"])
                _write(path, private_raw, [_wrap(private_raw, db_key)])
                log.info("device key wrapped with the database key (clear file replaced)")
            else:
                private_raw = _unwrap(doc, db_key)
                if private_raw is None:
                    log.warning("device key: no wrap for this database key")
                    return
    _remember(data_dir, private_raw)


def add_wrap(data_dir: Path, new_db_key: bytes) -> None:
    """After a DB key rotation (this process holds the key unlocked): also wrap under the new key."""
    path = key_path(data_dir)
    with _LOCK:
        private_raw = _UNLOCKED.get(str(Path(data_dir).resolve()))
    if private_raw is None or not path.exists():
        return
    with exclusive(path.with_name("key.lock")):
        doc = _read(path)
        wraps = [w for w in doc.get("wrapped", []) if w.get("by") != db_key_id(new_db_key)]
        _write(path, private_raw, wraps + [_wrap(private_raw, new_db_key)])


def private_key(data_dir: Path) -> bytes:
    """The raw private key for signing: held by this process after a login, or (until the first
    login after an upgrade, and where no office is set up) read from a clear file."""
    with _LOCK:
        raw = _UNLOCKED.get(str(Path(data_dir).resolve()))
    if raw is not None:
        return raw
    path = key_path(data_dir)
    with contextlib.suppress(FileNotFoundError):
        doc = _read(path)
        if "private" in doc:
            return b64d(doc["private"])
    raise SyncError(DEVICE_KEY_LOCKED, code="device_key_locked")
