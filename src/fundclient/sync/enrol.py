"""Enrolment of this device with HQ, and adopting HQ's rotated keys afterwards."""

from __future__ import annotations

import json
from datetime import datetime, timezone
from pathlib import Path

import requests

from fundclient.config import Settings
from fundclient.errors import Message, SyncError
from fundclient.sync.ack import verify_keyset
from fundclient.sync.device import Device, device_dir, ensure_signing_key, save_enrolment
from fundclient.sync.http import require_https, TransportOptions, make_session
from fundclient.sync.keys import b64d, b64e

ENROL_REFUSED = Message(ar="رفضت الإدارة العامة تسجيل الجهاز (رمز غير صالح أو منتهي).",
                        en="HQ refused the enrolment (invalid or expired token).")
ENROL_UNREACHABLE = Message(ar="تعذر الاتصال بالإدارة العامة لتسجيل الجهاز.",
                            en="Could not reach HQ to enrol the device.")
NOT_HQ = Message(ar="الخادم لم يثبت أنه الإدارة العامة التي أصدرت الرمز.",
                 en="The server did not prove it is the HQ that issued the token.")
ALREADY = Message(ar="هذا الجهاز مسجَّل من قبل.", en="This device is already enrolled.")


def enrol(data_dir: Path, server_url: str, token: str, *, label: str = "", settings: Settings | None = None,
          options: TransportOptions = TransportOptions()) -> Device:
    data_dir = Path(data_dir)
    if (device_dir(data_dir) / "enrolment.json").exists():
        raise SyncError(ALREADY, code="already_enrolled")
    settings = settings or Settings.load(data_dir)
    server_url = require_https(server_url)  # the one-time token must not cross the link in clear
    public = ensure_signing_key(data_dir)
    session = make_session(settings)
    try:
        response = session.post(f"{server_url.rstrip('/')}/api/v1/enrol",
                                json={"token": token, "public_key": b64e(public), "label": label},
                                timeout=options.timeout)
    except requests.RequestException:
        raise SyncError(ENROL_UNREACHABLE, code="transient") from None
    if response.status_code != 200:
        raise SyncError(ENROL_REFUSED, code="enrol_refused")
    doc = response.json()
    expected_kid = token.rsplit(".", 1)[-1]
    signing = {k: b64d(v) for k, v in doc.get("keyset", {}).get("signing", {}).items()}
    keyset = verify_keyset(doc, {expected_kid: signing[expected_kid]} if expected_kid in signing else {})
    if keyset is None:
        raise SyncError(NOT_HQ, code="not_hq")
    save_enrolment(data_dir, {
        "device_id": doc["device_id"], "device_number": doc["device_number"], "office_code": doc["office_code"],
        "hq_url": server_url.rstrip("/"), "hq_encryption_keys": keyset["encryption"],
        "hq_active_key_id": keyset["active"], "hq_signing_keys": keyset["signing"],
        "enrolled_at": datetime.now(timezone.utc).isoformat()})
    if not settings.hq_url or not settings.office_code:
        settings.hq_url = settings.hq_url or server_url.rstrip("/")
        settings.office_code = settings.office_code or doc["office_code"]
        settings.save(data_dir)
    return Device.load(data_dir)


def adopt_keyset(device: Device, doc: dict) -> bool:
    """Take HQ's current keys when a key we already trust endorses them; True if anything changed."""
    keyset = verify_keyset(doc, device.hq_signing_keys)
    if keyset is None:
        return False
    encryption = {k: b64e(v) for k, v in device.hq_encryption_keys.items()} | keyset["encryption"]
    signing = {k: b64e(v) for k, v in device.hq_signing_keys.items()} | keyset["signing"]
    if keyset["active"] == device.hq_active_key_id and signing.keys() == device.hq_signing_keys.keys():
        return False
    path = device_dir(device.data_dir) / "enrolment.json"
    current = json.loads(path.read_text(encoding="utf-8"))
    current.update(hq_encryption_keys=encryption, hq_active_key_id=keyset["active"], hq_signing_keys=signing)
    save_enrolment(device.data_dir, current)
    return True
