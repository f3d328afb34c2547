"""Requests an office device signs with its Ed25519 key (the key that signs its batches), so HQ
answers only enrolled, not revoked PCs: the decisions pull (sync.decisions), the national-number
digest pull (sync.digest) and the online duplicate lookup (sync.lookup).

The claim is a context (one per kind of request) + the device id + the request's own fields +
`at` (Unix seconds; HQ refuses a claim older or newer than REQUEST_WINDOW, which bounds replays).
HQ checks it with hq.device_requests.check_request."""

from __future__ import annotations

import time

from fundclient.encoding import b64url_d, b64url_e
from fundclient.sync.keys import signing_key

REQUEST_WINDOW = 600


def claim(context: bytes, device_id: str, fields: tuple, at: int) -> bytes:
    return context + "|".join([device_id, *(str(f) for f in fields), str(at)]).encode()


def sign_claim(private: bytes, context: bytes, device_id: str, fields: tuple, at: int | None = None
               ) -> tuple[int, str]:
    """(at, signature as unpadded URL-safe base64)."""
    at = int(time.time()) if at is None else at
    signature = signing_key(private).sign(claim(context, device_id, fields, at))
    return at, b64url_e(signature)


def decode_signature(text: str) -> bytes | None:
    """The 64-byte signature of a request, or None when it is not one."""
    if not isinstance(text, str) or len(text) > 100:
        return None
    try:
        raw = b64url_d(text)
    except ValueError:
        return None
    return raw if len(raw) == 64 else None
