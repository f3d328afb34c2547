"""HQ's decisions on this office's flagged records (kept / rejected / duplicate), fetched at
each sync. Each one is verified against HQ's signing keys and this device's office, then
written where HQ's per-record answers go (outbox/results/decision-<id>.json), so the app
applies it like an acknowledgement's answer and the sync screen and record view show it."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import requests

from fundclient.errors import SyncError
from fundclient.private_files import write_bytes_atomic
from fundclient.sync.ack import verify_decision
from fundclient.sync import device_requests
from fundclient.sync.device import Device
from fundclient.sync.http import TransportOptions, check
from fundclient.sync.outbox import Outbox

log = logging.getLogger(__name__)
STATE = "decisions.json"
# The request is signed by the device: HQ tells an office's decisions only to that office's
# enrolled, not revoked PCs. `at` (Unix seconds) bounds replays to REQUEST_WINDOW.
REQUEST_CONTEXT = b"fundclient/decisions-request/v1\x00"
REQUEST_WINDOW = device_requests.REQUEST_WINDOW


def request_claim(device_id: str, since: int, at: int) -> bytes:
    return device_requests.claim(REQUEST_CONTEXT, device_id, (since,), at)


def signed_request(device: Device, since: int, at: int | None = None) -> dict:
    """Query parameters of GET /api/v1/decisions, signed with the device key (sync.device_requests)."""
    at, sig = device_requests.sign_claim(device.signing_private(), REQUEST_CONTEXT, device.device_id, (since,), at)
    return {"device_id": device.device_id, "since": since, "at": at, "sig": sig}


def _token(data_dir: Path) -> int:
    path = Path(data_dir) / "reference" / STATE
    try:
        return int(json.loads(path.read_text(encoding="utf-8")).get("token", 0))
    except (OSError, ValueError, AttributeError):
        return 0


def store_decisions(data_dir: Path, device: Device, answer: dict) -> int:
    """Verify and keep every decision in one answer; returns how many were new. A forged or
    foreign one is skipped (logged), never written."""
    outbox = Outbox(data_dir)
    kept = 0
    for doc in answer.get("decisions") or []:
        try:
            d = verify_decision(doc, device.hq_signing_keys, office_code=device.office_code)
        except SyncError:
            log.warning("HQ decision refused: bad signature or another office")
            continue
        name = f"decision-{d['id']:012d}.json"
        if (outbox.root / "results" / name).exists() or (outbox.root / "results" / "applied" / name).exists():
            continue
        result = [{"type": "record", "record_id": str(d["record_id"]), "revision": int(d["revision"]),
                   "status": str(d["status"]), "reason": str(d["reason"]), "duplicate_of": d.get("duplicate_of"),
                   "decision_id": d["id"], "decided_at": str(d.get("decided_at", ""))}]
        write_bytes_atomic(outbox.root / "results" / name, json.dumps(result).encode())
        kept += 1
    token = answer.get("token")
    if isinstance(token, int) and token >= _token(data_dir):
        state = Path(data_dir) / "reference" / STATE
        state.parent.mkdir(parents=True, exist_ok=True)
        write_bytes_atomic(state, json.dumps({"token": token}).encode())
    return kept


def pull_decisions(session: requests.Session, base_url: str, data_dir: Path, device: Device,
                   options: TransportOptions) -> int:
    total = 0
    while True:
        answer = check(session.get(f"{base_url.rstrip('/')}/api/v1/decisions",
                                   params=signed_request(device, _token(data_dir)),
                                   timeout=options.timeout)).json()
        total += store_decisions(data_dir, device, answer)
        if not answer.get("more"):
            return total
