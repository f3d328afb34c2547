"""The online duplicate lookup (#14 item 2): while a clerk registers someone, the office asks
HQ whether this national number (the holder's or a dependant's on the form), or this name +
birth date, is held by a record of any office. The request is signed by the device (like its
batches: sync.device_requests); HQ's answer is signed by HQ and carries the minimum — the
office, the registration date, the card's status and the initials of the first and family
names — never the record. A slow or absent HQ costs at most LOOKUP_TIMEOUT seconds, off the
GUI thread (services.elsewhere).
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from datetime import date

import requests

from fundclient.errors import Message, SyncError
from fundclient.sync.device import Device
from fundclient.sync.device_requests import sign_claim
from fundclient.sync.http import check
from fundclient.sync.keys import canonical_json
from fundclient.sync.ack import verify_signed

REQUEST_CONTEXT = b"fundclient/lookup-request/v1\x00"
ANSWER_CONTEXT = b"fundclient/lookup-answer/v1\x00"
LOOKUP_TIMEOUT = 2.0  # seconds, connect + read together: the banner never waits longer for HQ
MAX_NUMBERS = 12
MAX_HITS = 8
CARD_STATES = ("valid", "revoked", "inactive", "none")
ROLES = ("holder", "dependant")
FORGED_LOOKUP = Message("The HQ lookup answer is not signed by HQ; it was not used.")
_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


@dataclass(frozen=True)
class LookupHit:
    """One person HQ holds who may be the one being registered, as little as HQ tells."""

    asked: str  # the national number asked that matched, or "" for a name + birth date match
    role: str  # holder | dependant (in the record that holds them)
    office_code: str
    registered_on: date | None
    card_status: str  # valid | revoked | inactive | none
    initials: str  # first and family name initials, e.g. «م. و.»


def query(numbers: list[str], first: str = "", father: str = "", grandfather: str = "", family: str = "",
          birth: date | None = None, sex: str = "", mother: str = "", record_id: str = "") -> dict:
    """The request body (before signing): what the form holds so far, and the record being
    edited (HQ leaves it out: a record is not its own duplicate)."""
    return {"numbers": list(dict.fromkeys(n for n in numbers if n))[:MAX_NUMBERS],
            "name": {"first": first[:60], "father": father[:60], "grandfather": grandfather[:60],
                     "family": family[:60]},
            "birth": birth.isoformat() if birth else "", "sex": sex[:1], "mother": mother[:120],
            "record_id": record_id[:36]}


def query_hash(body: dict) -> str:
    return hashlib.sha256(canonical_json(body)).hexdigest()


def signed_request(device: Device, body: dict, at: int | None = None) -> dict:
    at, sig = sign_claim(device.signing_private(), REQUEST_CONTEXT, device.device_id, (query_hash(body),), at)
    return {**body, "device_id": device.device_id, "at": at, "sig": sig}


def lookup(session: requests.Session, base_url: str, device: Device, body: dict,
           timeout: float = LOOKUP_TIMEOUT) -> list[LookupHit]:
    """HQ's verified answer; raises requests' errors, TransientError/RefusedError (http.check) or
    SyncError(forged_lookup)."""
    answer = check(session.post(f"{base_url.rstrip('/')}/api/v1/lookup", json=signed_request(device, body),
                                timeout=(timeout * 0.4, timeout * 0.6))).json()
    return verify_answer(answer, device, query_hash(body))


def verify_answer(answer: object, device: Device, asked_hash: str) -> list[LookupHit]:
    try:
        body, sigs = answer["body"], answer["sigs"]  # type: ignore[index]
        ok = verify_signed(sigs, ANSWER_CONTEXT, body, device.hq_signing_keys) and body["q"] == asked_hash \
            and body["device_id"] == device.device_id and isinstance(body["hits"], list)
    except (KeyError, TypeError):
        ok = False
    if not ok:
        raise SyncError(FORGED_LOOKUP, code="forged_lookup")
    return [h for h in (_hit(x) for x in body["hits"][:MAX_HITS]) if h is not None]


def _hit(x: object) -> LookupHit | None:
    """A typed hit, or None for one this client cannot read (skipped, never shown half)."""
    if not isinstance(x, dict):
        return None
    asked, role, office = x.get("asked", ""), x.get("role"), x.get("office")
    card, initials, day = x.get("card_status"), x.get("initials", ""), x.get("registered_on", "")
    if not (isinstance(asked, str) and len(asked) <= 32 and role in ROLES and isinstance(office, str)
            and 0 < len(office) <= 32 and card in CARD_STATES and isinstance(initials, str) and len(initials) <= 12
            and isinstance(day, str)):
        return None
    try:
        registered = date.fromisoformat(day) if _DAY.fullmatch(day) else None
    except ValueError:
        registered = None
    return LookupHit(asked, role, office, registered, card, initials)
