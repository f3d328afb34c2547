"""`hq enrol-offline REQUEST --token TOKEN`: enrol an office PC that has no link, by USB.

The request (written by the office's `fundclient enrol-request`) is read the hostile way
(`fundclient.drive`: a regular file, bounded) and every field is typed before use. The token is
consumed exactly as by `/api/v1/enrol` (same `enrol_device`: one-time, unexpired, the token's
office must be the request's office). The answer — device id, number, office, HQ's key set, the
request id, the device key and a hash binding the token — is signed with HQ's signing keys and
written next to the request as a new file (exclusive create, never through a link).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from sqlalchemy.engine import Engine

from fundclient import drive
from fundclient.domain.card_numbers import OFFICE_CODE_PATTERN
from fundclient.errors import Message, SyncError
from fundclient.hq.devices import enrol_device
from fundclient.hq.keys import HQKeys
from fundclient.sync.ack import ENROL_CONTEXT, sign_body
from fundclient.sync.enrol import MAX_ENROL_FILE_BYTES, REQUEST_KIND, RESPONSE_KIND, RESPONSE_PREFIX, token_binding
from fundclient.encoding import b64d, b64e

BAD_REQUEST = Message("The enrolment request file is not valid ({field}): the token was not used.")
ANSWER_WRITTEN = Message("Device number {number} of office {office} enrolled; answer written to: {path} — "
                         "import it at the office with fundclient enrol --from-file and the same token.")
_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
_OFFICE = re.compile(OFFICE_CODE_PATTERN)


@dataclass(frozen=True)
class EnrolRequest:
    request_id: str
    public_key: bytes
    office_code: str
    label: str


def parse_request(data: bytes) -> EnrolRequest:
    """Every field typed (kind, request id, 32-byte key, office code, label) or refused."""
    def bad(field: str) -> SyncError:
        return SyncError(BAD_REQUEST.format(field=field), code="bad_request")

    try:
        doc = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise bad("JSON") from None
    if not isinstance(doc, dict) or doc.get("kind") != REQUEST_KIND or doc.get("v") != 1:
        raise bad("kind")
    request_id, office, label = doc.get("request_id"), doc.get("office_code"), doc.get("label", "")
    if not isinstance(request_id, str) or not _UUID.fullmatch(request_id):
        raise bad("request_id")
    if not isinstance(office, str) or not _OFFICE.fullmatch(office):
        raise bad("office_code")
    if not isinstance(label, str) or len(label) > 200:
        raise bad("label")
    try:
        public = b64d(doc["public_key"]) if isinstance(doc.get("public_key"), str) else b""
    except ValueError:
        public = b""
    if len(public) != 32:
        raise bad("public_key")
    return EnrolRequest(request_id, public, office, label)


def enrol_offline(engine: Engine, keys: HQKeys, request_file: Path, token: str) -> tuple[dict, Path]:
    """Consume the token for the request's device; returns (info, answer file path)."""
    item = drive.read_file(request_file, MAX_ENROL_FILE_BYTES)
    if not item.ok:
        reason = item.reason()
        raise drive.DriveError(Message("{display_name}: {reason}").format(display_name=item.display_name, reason=reason),
                               code=f"drive_{item.skip.value}")
    request = parse_request(item.data or b"")
    info = enrol_device(engine, token, request.public_key, request.label, office_code=request.office_code)
    body = {**info, "request_id": request.request_id, "public_key": b64e(request.public_key),
            "token": token_binding(token), "enrolled_at": datetime.now(timezone.utc).isoformat()}
    answer = {"kind": RESPONSE_KIND, "v": 1, "enrolment": body,
              "enrolment_sigs": sign_body(ENROL_CONTEXT, body, keys.sign_private), **keys.keyset()}
    data = json.dumps(answer, ensure_ascii=False, indent=1).encode("utf-8")
    with drive.open_folder(Path(request_file).parent) as folder:
        path = folder.create_unique(f"{RESPONSE_PREFIX}{request.request_id}", ".json", data)
    return info, path
