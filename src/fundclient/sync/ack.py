"""HQ's signed acknowledgement of a batch, and the signed probe answer.

A batch counts as sent only when an acknowledgement that verifies against an enrolled HQ
signing key is stored locally; an HTTP 200 alone proves nothing (a proxy could send one).
"""

from __future__ import annotations

from fundclient.encoding import b64d, b64e
from fundclient.errors import Message, SyncError
from fundclient.sync.keys import canonical_json, key_id, signing_key, signing_public_bytes, verify_signature

ACK_CONTEXT = b"fundclient/ack/v1\x00"
# The response that completes an upload carries the signed ack (base64 JSON) in this header.
ACK_HEADER = "Fundclient-Ack"
PROBE_CONTEXT = b"fundclient/probe/v1\x00"

FORGED_ACK = Message("The acknowledgement is not signed by HQ.")


def _sign_all(data: bytes, signing_privates: dict[str, bytes] | bytes) -> dict[str, str]:
    """Sign with every HQ signing key held, so devices that only know a retired key (not yet
    pulled the rotated key set, or importing acks from a USB drive) can still verify."""
    if isinstance(signing_privates, bytes):
        signing_privates = {key_id(signing_public_bytes(signing_privates)): signing_privates}
    return {kid: b64e(signing_key(priv).sign(data)) for kid, priv in signing_privates.items()}


def _any_valid(sigs: dict, data: bytes, trusted: dict[str, bytes]) -> bool:
    return any(kid in trusted and verify_signature(trusted[kid], b64d(sig), data) for kid, sig in sigs.items())


def sign_ack(ack: dict, hq_signing_private: dict[str, bytes] | bytes) -> dict:
    return {"ack": ack, "sigs": _sign_all(ACK_CONTEXT + canonical_json(ack), hq_signing_private)}


def verify_ack(doc: dict, hq_signing_keys: dict[str, bytes], *, batch_id: str, device_id: str) -> dict:
    """Returns the inner ack when it is signed by a known HQ key and is about this batch."""
    try:
        ack = doc["ack"]
        ok = _any_valid(doc["sigs"], ACK_CONTEXT + canonical_json(ack), hq_signing_keys)
        ok = ok and ack["batch_id"] == batch_id and ack["device_id"] == device_id
    except (KeyError, TypeError, ValueError, AttributeError):
        ok = False
    if not ok:
        raise SyncError(FORGED_ACK, code="forged_ack")
    return ack


REFUSAL_CONTEXT = b"fundclient/refusal/v1\x00"
FORGED_REFUSAL = Message("The refusal is not signed by HQ or is not about this batch's file.")


def sign_refusal(batch_id: str, code: str, sha256: str, hq_signing_private: dict[str, bytes] | bytes) -> dict:
    """HQ's refusal of a batch carried by USB, signed like an ack. It names the SHA-256 of the
    exact bytes HQ refused, so it can only move the office's own, identical batch file to
    quarantine (a file swapped on the drive gets a refusal about other bytes)."""
    refusal = {"v": 1, "batch_id": batch_id, "code": code, "sha256": sha256}
    return {"refusal": refusal, "sigs": _sign_all(REFUSAL_CONTEXT + canonical_json(refusal), hq_signing_private)}


def verify_refusal(doc: dict, hq_signing_keys: dict[str, bytes], *, batch_id: str, sha256: str) -> str:
    """The refusal code when signed by a known HQ key and about exactly this batch's bytes;
    SyncError(forged_refusal) otherwise."""
    try:
        refusal = doc["refusal"]
        ok = _any_valid(doc["sigs"], REFUSAL_CONTEXT + canonical_json(refusal), hq_signing_keys)
        ok = ok and refusal["batch_id"] == batch_id and refusal["sha256"] == sha256
        code = refusal["code"]
        ok = ok and isinstance(code, str)
    except (KeyError, TypeError, ValueError, AttributeError):
        ok = False
    if not ok:
        raise SyncError(FORGED_REFUSAL, code="forged_refusal")
    return code


def sign_probe(nonce: str, hq_time: str, hq_signing_private: dict[str, bytes] | bytes, *,
               device: str | None = None, standing: str | None = None) -> dict:
    """HQ's signed answer to a probe; asked about a device, also HQ's word on it (`standing`:
    one of DEVICE_STANDINGS), signed with the nonce so it cannot be replayed or moved to another device."""
    if device is None:
        return {"nonce": nonce, "hq_time": hq_time,
                "sigs": _sign_all(PROBE_CONTEXT + f"{nonce}|{hq_time}".encode(), hq_signing_private)}
    return {"nonce": nonce, "hq_time": hq_time, "device": device, "standing": standing,
            "sigs": _sign_all(PROBE_CONTEXT + f"{nonce}|{hq_time}|{device}|{standing}".encode(), hq_signing_private)}


def verify_probe(doc: dict, nonce: str, hq_signing_keys: dict[str, bytes]) -> bool:
    try:
        return doc["nonce"] == nonce and _any_valid(doc["sigs"], PROBE_CONTEXT + f"{nonce}|{doc['hq_time']}".encode(),
                                                    hq_signing_keys)
    except (KeyError, TypeError, ValueError, AttributeError):
        return False


DEVICE_STANDINGS = ("active", "revoked", "unknown")  # enrolled and not revoked / revoked / never enrolled here


def verify_probe_standing(doc: dict, nonce: str, device: str, hq_signing_keys: dict[str, bytes]) -> str | None:
    """HQ's signed word on `device` in a probe answer, or None when the answer is not signed by
    HQ for this nonce and device (or an older HQ did not say)."""
    try:
        standing = doc["standing"]
        ok = doc["nonce"] == nonce and doc["device"] == device and standing in DEVICE_STANDINGS and _any_valid(
            doc["sigs"], PROBE_CONTEXT + f"{nonce}|{doc['hq_time']}|{device}|{standing}".encode(), hq_signing_keys)
    except (KeyError, TypeError, ValueError, AttributeError):
        return None
    return standing if ok else None


REFERENCE_CONTEXT = b"fundclient/reference/v1\x00"
FORGED_REFERENCE = Message("The reference data received is not signed by HQ; it was not used.")


def sign_reference(since: int, answer: dict, hq_signing_private: dict[str, bytes] | bytes) -> dict:
    """A pull answer (reference data and revoked cards since `since`) signed like an ack; the
    signed body names `since`, so an answer cannot be replayed to a device at another point."""
    body = {"since": since, "token": answer["token"], "changes": answer["changes"], "more": answer["more"]}
    # Not "sigs": the pull answer also carries the key set and its own "sigs".
    return {**body, "reference_sigs": _sign_all(REFERENCE_CONTEXT + canonical_json(body), hq_signing_private)}


def verify_reference(doc: dict, hq_signing_keys: dict[str, bytes], *, since: int) -> dict:
    """The signed body of a pull answer for `since`; SyncError(forged_reference) otherwise."""
    try:
        body = {"since": doc["since"], "token": doc["token"], "changes": doc["changes"], "more": doc["more"]}
        ok = body["since"] == since and _any_valid(doc["reference_sigs"], REFERENCE_CONTEXT + canonical_json(body),
                                                   hq_signing_keys)
        ok = ok and isinstance(body["token"], int) and not isinstance(body["token"], bool) and body["token"] >= since
        ok = ok and isinstance(body["changes"], list) and all(isinstance(c, dict) for c in body["changes"])
    except (KeyError, TypeError, ValueError, AttributeError):
        ok = False
    if not ok:
        raise SyncError(FORGED_REFERENCE, code="forged_reference")
    return body


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


DECISION_CONTEXT = b"fundclient/decision/v1\x00"


def sign_decision(decision: dict, hq_signing_private: dict[str, bytes] | bytes) -> dict:
    """HQ's answer on a record it flagged (kept / rejected / duplicate), signed like an ack."""
    return {"decision": decision, "sigs": _sign_all(DECISION_CONTEXT + canonical_json(decision), hq_signing_private)}


def verify_decision(doc: dict, hq_signing_keys: dict[str, bytes], *, office_code: str) -> dict:
    """The inner decision when signed by a known HQ key and about a record of this office."""
    try:
        decision = doc["decision"]
        ok = _any_valid(doc["sigs"], DECISION_CONTEXT + canonical_json(decision), hq_signing_keys)
        ok = ok and decision["office_code"] == office_code and isinstance(decision["id"], int)
    except (KeyError, TypeError, ValueError, AttributeError):
        ok = False
    if not ok:
        raise SyncError(FORGED_ACK, code="forged_ack")
    return decision


ENROL_CONTEXT = b"fundclient/enrol/v1\x00"


def sign_body(context: bytes, body: dict, hq_signing_private: dict[str, bytes] | bytes) -> dict[str, str]:
    """HQ's signatures over a JSON body under a context (e.g. an enrolment answer sent by USB)."""
    return _sign_all(context + canonical_json(body), hq_signing_private)


def verify_signed(sigs, context: bytes, body, trusted: dict[str, bytes]) -> bool:
    try:
        return isinstance(sigs, dict) and _any_valid(sigs, context + canonical_json(body), trusted)
    except (KeyError, TypeError, ValueError, AttributeError):
        return False
