"""Base45 (RFC 9285): bytes as QR-alphanumeric text, ~1.5 characters per byte."""

from __future__ import annotations

ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:"
_VALUE = {ch: i for i, ch in enumerate(ALPHABET)}


def encode(data: bytes) -> str:
    out = []
    for i in range(0, len(data) - 1, 2):
        n = data[i] * 256 + data[i + 1]
        n, c = divmod(n, 45)
        e, d = divmod(n, 45)
        out += [ALPHABET[c], ALPHABET[d], ALPHABET[e]]
    if len(data) % 2:
        d, c = divmod(data[-1], 45)
        out += [ALPHABET[c], ALPHABET[d]]
    return "".join(out)


def decode(text: str) -> bytes:
    """Raises ValueError on characters outside the alphabet or an impossible length/value."""
    try:
        values = [_VALUE[ch] for ch in text]
    except KeyError as exc:
        raise ValueError(f"not Base45: {exc.args[0]!r}") from None
    if len(values) % 3 == 1:
        raise ValueError("Base45 length")
    out = bytearray()
    for i in range(0, len(values), 3):
        chunk = values[i:i + 3]
        n = sum(v * 45**k for k, v in enumerate(chunk))
        size = 2 if len(chunk) == 3 else 1
        if n >= 256**size:
            raise ValueError("Base45 value out of range")
        out += n.to_bytes(size, "big")
    return bytes(out)
