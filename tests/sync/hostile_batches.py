"""Build hostile batch files: a real sealed batch with its header replaced (lengths kept
consistent), so a reader gets past the framing and meets the hostile field."""

from __future__ import annotations

import json
import struct

from fundclient.sync.envelope import SIG_LEN


def split(blob: bytes) -> tuple[dict, bytes, bytes]:
    """(header, ciphertext, signature) of a sealed batch."""
    (hlen,) = struct.unpack(">I", blob[4:8])
    header = json.loads(blob[8:8 + hlen])
    (ctlen,) = struct.unpack(">Q", blob[8 + hlen:16 + hlen])
    ct = blob[16 + hlen:16 + hlen + ctlen]
    return header, ct, blob[16 + hlen + ctlen:]


def with_header(blob: bytes, header_value: object, *, canonical: bool = True) -> bytes:
    """The same batch with `header_value` (any JSON value) as its header."""
    _, ct, sig = split(blob)
    if canonical:
        raw = json.dumps(header_value, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
    else:
        raw = json.dumps(header_value).encode("utf-8")
    return b"FCB1" + struct.pack(">I", len(raw)) + raw + struct.pack(">Q", len(ct)) + ct + (sig or b"\0" * SIG_LEN)


def mutated_header(blob: bytes, **fields: object) -> bytes:
    header, _, _ = split(blob)
    header.update(fields)
    return with_header(blob, header)
