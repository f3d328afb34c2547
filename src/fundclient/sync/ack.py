"""HQ's signed acknowledgement of a batch, and the signed probe answer.

A batch counts as sent only when an acknowledgement that verifies against an enrolled HQ
signing key is stored locally; an HTTP 200 alone proves nothing (a proxy could send one).
"""

from __future__ import annotations

from fundclient.errors import Message, SyncError
from fundclient.sync.keys import b64d, b64e, canonical_json, key_id, signing_key, signing_public_bytes, \
    verify_signature

ACK_CONTEXT = b"fundclient/ack/v1\x00"
PROBE_CONTEXT = b"fundclient/probe/v1\x00"

FORGED_ACK = Message(ar="إشعار الاستلام غير موقَّع من الإدارة العامة.",
                     en="The acknowledgement is not signed by HQ.")


def sign_ack(ack: dict, hq_signing_private: bytes) -> dict:
    sig = signing_key(hq_signing_private).sign(ACK_CONTEXT + canonical_json(ack))
    return {"ack": ack, "key_id": key_id(signing_public_bytes(hq_signing_private)), "sig": b64e(sig)}


def verify_ack(doc: dict, hq_signing_keys: dict[str, bytes], *, batch_id: str, device_id: str) -> dict:
    """Returns the inner ack when it is signed by a known HQ key and is about this batch."""
    try:
        public = hq_signing_keys[doc["key_id"]]
        ok = verify_signature(public, b64d(doc["sig"]), ACK_CONTEXT + canonical_json(doc["ack"]))
        ack = doc["ack"]
        ok = ok and ack["batch_id"] == batch_id and ack["device_id"] == device_id
    except (KeyError, TypeError, ValueError):
        ok = False
    if not ok:
        raise SyncError(FORGED_ACK, code="forged_ack")
    return ack


def sign_probe(nonce: str, hq_time: str, hq_signing_private: bytes) -> dict:
    sig = signing_key(hq_signing_private).sign(PROBE_CONTEXT + f"{nonce}|{hq_time}".encode())
    return {"nonce": nonce, "hq_time": hq_time, "key_id": key_id(signing_public_bytes(hq_signing_private)),
            "sig": b64e(sig)}


def verify_probe(doc: dict, nonce: str, hq_signing_keys: dict[str, bytes]) -> bool:
    try:
        if doc["nonce"] != nonce:
            return False
        public = hq_signing_keys[doc["key_id"]]
        return verify_signature(public, b64d(doc["sig"]), PROBE_CONTEXT + f"{nonce}|{doc['hq_time']}".encode())
    except (KeyError, TypeError, ValueError):
        return False


KEYSET_CONTEXT = b"fundclient/keyset/v1\x00"


def verify_keyset(doc: dict, trusted_signing_keys: dict[str, bytes]) -> dict | None:
    """Returns the key set if any trusted HQ signing key endorses it, else None."""
    try:
        body = doc["keyset"]
        for kid, sig in doc["sigs"].items():
            if kid in trusted_signing_keys and verify_signature(trusted_signing_keys[kid], b64d(sig),
                                                                KEYSET_CONTEXT + canonical_json(body)):
                return body
    except (KeyError, TypeError, ValueError, AttributeError):
        return None
    return None
