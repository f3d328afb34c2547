r"""Enrolment of this device with HQ — online, or by USB for an office with no link — and
adopting HQ's rotated keys afterwards.

Both ways end in `_adopt`: the same checks (HQ's signature by the key the token names, this
office, a device number HQ hands out, a well-formed device id) and the same enrolment.json.

By USB (docs/sync-protocol.md §2 "Enrolment by USB"):
1. office: `fundclient enrol-request --to E:\` writes fundclient-enrol-request-<id>.json (the
   device's public key, office code, label, a request id; no secret) onto the drive;
2. HQ: `fundclient hq enrol-offline E:\fundclient-enrol-request-<id>.json --token TOKEN`
   consumes the one-time token exactly as `/api/v1/enrol` does and writes
   fundclient-enrol-response-<id>.json, signed by HQ, next to the request;
3. office: `fundclient enrol --from-file E:\fundclient-enrol-response-<id>.json --token TOKEN`:
   the token (given by HQ on paper or by phone, never on the drive) names HQ's signing key;
   the answer must be signed by it, be for this device's pending request and public key, this
   office, and bind that very token.
"""

from __future__ import annotations

import hashlib
import json
import re
import uuid
from datetime import datetime, timezone
from pathlib import Path

import requests

from fundclient import device_key, drive
from fundclient.config import Settings
from fundclient.errors import Message, SyncError
from fundclient.private_files import write_json_atomic
from fundclient.sync.ack import ENROL_CONTEXT, verify_keyset, verify_signed
from fundclient.sync.device import Device, device_dir, ensure_signing_key, save_enrolment
from fundclient.sync.http import require_https, TransportOptions, make_session
from fundclient.domain.card_numbers import HQ_DEVICE_NUMBERS, CardNumberError, normalise_office_code
from fundclient.encoding import b64d, b64e

ENROL_REFUSED = Message("HQ refused the enrolment (invalid or expired token).")
ENROL_UNREACHABLE = Message("Could not reach HQ to enrol the device.")
NOT_HQ = Message("The server did not prove it is the HQ that issued the token.")
ALREADY = Message("This device is already enrolled.")
TOKEN_OTHER_OFFICE = Message("This enrolment token is for an office other than '{office}'; the token was not "
                             "used. Ask HQ for a token for this office.")
WRONG_OFFICE = Message("HQ's answer is for office '{got}' but this PC belongs to office '{office}': not "
                       "enrolled.")
BAD_ANSWER = Message("HQ's enrolment answer is not valid: {why}")
NO_REQUEST = Message("This device has no enrolment request; write one first: fundclient enrol-request --to "
                     "<drive>")
OTHER_REQUEST = Message("The answer file belongs to another enrolment request or another PC; not enrolled.")
OTHER_TOKEN = Message("The answer file was not made with this token; check the token HQ gave you.")
NO_OFFICE = Message("No office code is set yet (set up first: fundclient setup).")
REQUEST_WRITTEN = Message("Enrolment request written to the drive: {path} — hand it to HQ.")

REQUEST_KIND = "fundclient-enrol-request"
RESPONSE_KIND = "fundclient-enrol-response"
REQUEST_PREFIX = "fundclient-enrol-request-"
RESPONSE_PREFIX = "fundclient-enrol-response-"
MAX_ENROL_FILE_BYTES = 256 * 1024
PENDING_REQUEST = "enrol-request.json"
_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


def _office_code(settings: Settings) -> str:
    """This PC's office code in HQ's form, or "" when none (or none valid) is set yet."""
    try:
        return normalise_office_code(settings.office_code) if settings.office_code.strip() else ""
    except CardNumberError:
        return ""


def _refusal_code(response) -> str | None:
    try:
        doc = response.json()
    except ValueError:
        return None
    return doc.get("code") if isinstance(doc, dict) and isinstance(doc.get("code"), str) else None


def token_binding(token: str) -> str:
    """What an answer file says about the token HQ consumed for it (never the token itself)."""
    return hashlib.sha256(token.split(".", 1)[0].encode()).hexdigest()


def _expected_kid(token: str) -> str:
    return token.rsplit(".", 1)[-1] if "." in token else ""


def _trusted_keyset(doc: dict, token: str) -> dict | None:
    """HQ's key set, when it is signed by the signing key the token names."""
    kid = _expected_kid(token)
    try:
        signing = {k: b64d(v) for k, v in doc["keyset"]["signing"].items()}
    except (KeyError, TypeError, ValueError, AttributeError):
        return None
    return verify_keyset(doc, {kid: signing[kid]}) if kid in signing else None


def _adopt(data_dir: Path, settings: Settings, hq_url: str, info: dict, keyset: dict) -> Device:
    """The one way a device becomes enrolled (online or by USB): HQ's answer typed and checked
    against this office, then enrolment.json written."""
    def bad(why: str) -> SyncError:
        return SyncError(BAD_ANSWER.format(why=why), code="bad_enrol_answer")

    device_id, number, office = info.get("device_id"), info.get("device_number"), info.get("office_code")
    if not isinstance(device_id, str) or not _UUID.fullmatch(device_id):
        raise bad("device_id")
    if not isinstance(number, int) or isinstance(number, bool) or number not in HQ_DEVICE_NUMBERS:
        raise bad("device_number")
    try:
        office = normalise_office_code(office if isinstance(office, str) else "")
    except CardNumberError:
        raise bad("office_code") from None
    mine = settings.office_code.strip().upper()
    if mine and mine != office:
        raise SyncError(WRONG_OFFICE.format(got=office, office=mine), code="wrong_office")
    save_enrolment(data_dir, {
        "device_id": device_id, "device_number": number, "office_code": office,
        "hq_url": hq_url, "hq_encryption_keys": keyset["encryption"],
        "hq_active_key_id": keyset["active"], "hq_signing_keys": keyset["signing"],
        "enrolled_at": datetime.now(timezone.utc).isoformat()})
    if not settings.hq_url or not settings.office_code:
        settings.hq_url = settings.hq_url or hq_url
        settings.office_code = settings.office_code or office
        settings.save(data_dir)
    (device_dir(data_dir) / PENDING_REQUEST).unlink(missing_ok=True)
    return Device.load(data_dir)


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
        body = {"token": token, "public_key": b64e(public), "label": label}
        office = _office_code(settings)
        if office:  # HQ refuses a token of another office before using it (the token stays valid)
            body["office_code"] = office
        response = session.post(f"{server_url.rstrip('/')}/api/v1/enrol", json=body, timeout=options.timeout)
    except requests.RequestException:
        raise SyncError(ENROL_UNREACHABLE, code="transient") from None
    if response.status_code != 200:
        if response.status_code == 403 and _refusal_code(response) == "wrong_office":
            raise SyncError(TOKEN_OTHER_OFFICE.format(office=office), code="wrong_office")
        raise SyncError(ENROL_REFUSED, code="enrol_refused")
    try:
        doc = response.json()
    except ValueError:
        doc = None
    keyset = _trusted_keyset(doc, token) if isinstance(doc, dict) else None
    if keyset is None:
        raise SyncError(NOT_HQ, code="not_hq")
    return _adopt(data_dir, settings, server_url.rstrip("/"), doc, keyset)


# --- by USB --------------------------------------------------------------------------------

def write_request(data_dir: Path, target: Path, *, label: str = "", settings: Settings | None = None) -> Path:
    """Write this device's enrolment request onto a drive (a new file, never through a link).
    The same request id is reused until the device is enrolled, so writing it again is harmless."""
    data_dir = Path(data_dir)
    if (device_dir(data_dir) / "enrolment.json").exists():
        raise SyncError(ALREADY, code="already_enrolled")
    settings = settings or Settings.load(data_dir)
    if not settings.office_code:
        raise SyncError(NO_OFFICE, code="no_office")
    public = ensure_signing_key(data_dir)
    pending_path = device_dir(data_dir) / PENDING_REQUEST
    pending = _read_json(pending_path)
    if not (isinstance(pending, dict) and _UUID.fullmatch(str(pending.get("request_id", "")))
            and pending.get("public_key") == b64e(public)):
        pending = {"request_id": str(uuid.uuid4()), "public_key": b64e(public),
                   "created_at": datetime.now(timezone.utc).isoformat()}
        write_json_atomic(pending_path, pending)
    request = {"kind": REQUEST_KIND, "v": 1, "request_id": pending["request_id"], "public_key": b64e(public),
               "office_code": settings.office_code.strip().upper(), "label": label[:200],
               "created_at": pending["created_at"]}
    data = json.dumps(request, ensure_ascii=False, indent=1).encode("utf-8")
    with drive.open_folder(target) as folder:
        return folder.create_unique(f"{REQUEST_PREFIX}{pending['request_id']}", ".json", data)


def enrol_from_file(data_dir: Path, answer_file: Path, token: str, *, settings: Settings | None = None) -> Device:
    """Enrol from HQ's answer file (read the hostile way), with the same checks as online plus:
    the answer is for this device's pending request and key, and HQ made it with this token."""
    data_dir = Path(data_dir)
    if (device_dir(data_dir) / "enrolment.json").exists():
        raise SyncError(ALREADY, code="already_enrolled")
    settings = settings or Settings.load(data_dir)
    pending = _read_json(device_dir(data_dir) / PENDING_REQUEST)
    if not isinstance(pending, dict):
        raise SyncError(NO_REQUEST, code="no_request")
    item = drive.read_file(answer_file, MAX_ENROL_FILE_BYTES)
    if not item.ok:
        raise drive.DriveError(Message("{display_name}: {reason}").format(display_name=item.display_name, reason=item.reason()), code=f"drive_{item.skip.value}")
    try:
        doc = json.loads((item.data or b"").decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        doc = None
    if not isinstance(doc, dict) or doc.get("kind") != RESPONSE_KIND or not isinstance(doc.get("enrolment"), dict):
        raise SyncError(BAD_ANSWER.format(why="not an enrolment answer file"), code="bad_enrol_answer")
    keyset = _trusted_keyset(doc, token)
    body = doc["enrolment"]
    if keyset is None or not verify_signed(doc.get("enrolment_sigs"), ENROL_CONTEXT, body,
                                           {k: b64d(v) for k, v in keyset["signing"].items()}):
        raise SyncError(NOT_HQ, code="not_hq")
    public = device_key.public_key(data_dir) or b""
    if body.get("request_id") != pending.get("request_id") or body.get("public_key") != b64e(public):
        raise SyncError(OTHER_REQUEST, code="other_request")
    if body.get("token") != token_binding(token):
        raise SyncError(OTHER_TOKEN, code="other_token")
    hq_url = body.get("hq_url") if isinstance(body.get("hq_url"), str) else ""
    return _adopt(data_dir, settings, settings.hq_url or hq_url, body, keyset)


def _read_json(path: Path):
    try:
        return json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


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
