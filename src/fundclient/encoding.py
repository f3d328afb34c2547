"""Base64, the one helper: bytes as text in JSON files, HTTP headers and URLs.

- `b64e` / `b64d`: standard alphabet, padded — keys, nonces, ciphertexts and signatures in
  the keystore, the device files, HQ's keyset and acknowledgements. Decoding is strict: a
  character outside the alphabet is a `ValueError` (binascii.Error), never silently dropped.
- `b64url_e` / `b64url_d`: URL-safe alphabet without padding — a signature in a query string.

Every module that turns bytes into text this way uses these (the lowest layer: device_key,
storage, sync, cards and hq all sit above it).
"""

from __future__ import annotations

import base64


def b64e(data: bytes) -> str:
    """`data` as standard, padded base64 text."""
    return base64.b64encode(data).decode("ascii")


def b64d(text: str) -> bytes:
    """The bytes of standard base64 `text`; ValueError when it is not base64 (a character
    outside the alphabet, a non-ASCII one, wrong padding)."""
    return base64.b64decode(text, validate=True)


def b64url_e(data: bytes) -> str:
    """`data` as URL-safe base64 without the "=" padding."""
    return base64.urlsafe_b64encode(data).decode("ascii").rstrip("=")


def b64url_d(text: str) -> bytes:
    """The bytes of URL-safe base64 `text`, padded or not; ValueError when it is not base64."""
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
