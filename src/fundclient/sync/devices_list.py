"""HQ's signed list of the fund's devices: who signs cards and batches, and since when a device is
revoked. One format, two ways to an office or a clinic:

- `fundclient hq devices --export FILE` writes it as a file (for `verify-card --devices FILE`);
- every office pulls the same entries with its reference data (change kind `device`, in the
  signed pull answer) into DATA_DIR/reference/device.json, which `verify-card` reads by default.

File:  {"kind": "fundclient-devices", "v": 1, "issued_at": ISO,
        "devices": {DEVICE_ID: {"public_key": b64, "office_code", "device_number",
                                "enrolled_at": ISO, "revoked_at": ISO | null}},
        "sigs": {HQ signing key id: Ed25519 over "fundclient/devices/v1\\0" + canonical JSON of the rest}}

A card signed by a revoked device and issued on or after the day of the revocation is not
valid (REVOKED DEVICE); one issued before it still is (cards/payload.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from fundclient.errors import Message, SyncError
from fundclient.sync.ack import sign_body, verify_signed
from fundclient.encoding import b64d, b64e

KIND = "fundclient-devices"
DEVICES_CONTEXT = b"fundclient/devices/v1\x00"
MAX_DEVICES = 100_000

NOT_SIGNED_BY_HQ = Message("The devices list is not signed by HQ (or was changed after signing).")


@dataclass(frozen=True)
class DeviceEntry:
    device_id: str
    public_key: bytes
    office_code: str
    device_number: int
    revoked_on: date | None  # the day HQ revoked it (cards issued on or after it are refused)


def entry_data(*, public_key: bytes, office_code: str, device_number: int, enrolled_at: datetime,
               revoked_at: datetime | None) -> dict:
    """The one JSON form of a device, in the file and in the pulled change log."""
    return {"public_key": b64e(public_key), "office_code": office_code,
            "device_number": int(device_number), "enrolled_at": enrolled_at.isoformat(),
            "revoked_at": revoked_at.isoformat() if revoked_at else None}


def sign_devices_list(devices: dict[str, dict], hq_signing_private: dict[str, bytes], issued_at: datetime) -> dict:
    body = {"kind": KIND, "v": 1, "issued_at": issued_at.isoformat(), "devices": devices}
    return {**body, "sigs": sign_body(DEVICES_CONTEXT, body, hq_signing_private)}


def is_devices_list(doc: object) -> bool:
    return isinstance(doc, dict) and doc.get("kind") == KIND


def verify_devices_list(doc: dict, hq_signing_keys: dict[str, bytes]) -> dict[str, DeviceEntry]:
    """The entries of a signed list, after checking HQ's signature (SyncError not_hq otherwise)."""
    body = {k: v for k, v in doc.items() if k != "sigs"}
    if not verify_signed(doc.get("sigs"), DEVICES_CONTEXT, body, hq_signing_keys):
        raise SyncError(NOT_SIGNED_BY_HQ, code="not_hq")
    return parse_entries(doc.get("devices"))


def parse_entries(devices: object) -> dict[str, DeviceEntry]:
    """Typed entries; one that is not well formed is left out (never a crash)."""
    out: dict[str, DeviceEntry] = {}
    if not isinstance(devices, dict):
        return out
    for device_id, data in list(devices.items())[:MAX_DEVICES]:
        entry = parse_entry(device_id, data)
        if entry is not None:
            out[device_id] = entry
    return out


def parse_entry(device_id: object, data: object) -> DeviceEntry | None:
    try:
        if not (isinstance(device_id, str) and 0 < len(device_id) <= 64 and isinstance(data, dict)):
            return None
        public = b64d(data["public_key"])
        if len(public) != 32:
            return None
        revoked = data.get("revoked_at")
        revoked_on = datetime.fromisoformat(revoked).date() if isinstance(revoked, str) else None
        return DeviceEntry(device_id, public, str(data.get("office_code", ""))[:32],
                           int(data.get("device_number", 0)), revoked_on)
    except (KeyError, TypeError, ValueError):
        return None
