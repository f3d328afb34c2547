"""This device's identity: its Ed25519 signing key and what HQ told it at enrolment.

DATA_DIR/device/
  signing_key.json   Ed25519 private key, mode 0600, wrapped by the DB key (fundclient/device_key.py:
                     created at setup, unlocked at login, never leaves)
  enrolment.json     device id, device number, office, HQ URL, HQ public keys (encryption + signing)
  sequence           last batch sequence number used (bumped and fsynced *before* a batch is written,
                     under the OS lock `sequence.lock`: the app and `fundclient import` may seal at once)
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from fundclient.errors import Message, SyncError
from fundclient.oslock import exclusive
from fundclient.private_files import private_dir, write_bytes_atomic, write_json_atomic
from fundclient import device_key
from fundclient.encoding import b64d

NOT_ENROLLED = Message("This device is not enrolled with HQ yet.")


def device_dir(data_dir: Path) -> Path:
    return Path(data_dir) / "device"  # 0700 (private_dir), its files 0600


def ensure_signing_key(data_dir: Path) -> bytes:
    """Returns the device public key (no password needed), creating the key pair the first time
    (under an OS lock: two processes creating it at once would leave HQ a key the device no
    longer has). See fundclient/device_key.py."""
    return device_key.ensure(Path(data_dir))


@dataclass(frozen=True)
class Device:
    data_dir: Path
    device_id: str
    device_number: int
    office_code: str
    hq_url: str
    hq_encryption_keys: dict[str, bytes]  # key id -> public bytes
    hq_active_key_id: str
    hq_signing_keys: dict[str, bytes]

    @classmethod
    def load(cls, data_dir: Path) -> "Device":
        path = device_dir(data_dir) / "enrolment.json"
        if not path.exists():
            raise SyncError(NOT_ENROLLED, code="not_enrolled")
        doc = json.loads(path.read_text(encoding="utf-8"))
        return cls(Path(data_dir), doc["device_id"], int(doc["device_number"]), doc["office_code"], doc["hq_url"],
                   {k: b64d(v) for k, v in doc["hq_encryption_keys"].items()}, doc["hq_active_key_id"],
                   {k: b64d(v) for k, v in doc["hq_signing_keys"].items()})

    def signing_private(self) -> bytes:
        """Raises SyncError(device_key_locked) in a process where no operator logged in."""
        return device_key.private_key(self.data_dir)

    def next_sequence(self) -> int:
        """Allocate the next batch number; durable before use so a crash never reuses one, and
        drawn under an OS file lock so two processes never get the same one."""
        path = device_dir(self.data_dir) / "sequence"
        with exclusive(path.with_name("sequence.lock")):
            last = int(path.read_text()) if path.exists() else 0
            write_bytes_atomic(path, str(last + 1).encode("ascii"))
            return last + 1


def save_enrolment(data_dir: Path, doc: dict) -> None:
    write_json_atomic(private_dir(device_dir(data_dir)) / "enrolment.json", doc)
