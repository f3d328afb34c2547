"""The offline digest of every national number HQ holds, with the office that holds it (#14).

Exact, not probabilistic: national numbers are low-entropy (Libya: sex digit + birth year +
7-digit serial, about 2^31 possible numbers), so a keyed hash or a filter whose key every office
holds would hide nothing — anyone with the digest can try every number in seconds — and would add
false "registered elsewhere" answers. The set of numbers is therefore stored as it is, compactly:
each number as an integer (`number_value`), sorted; the gaps between neighbours (a few hundred
for 5 million numbers of one scheme) split into a low byte and a high byte (with an exception
list for the rare gap ≥ 65,280), one byte per entry for the office, and the lot LZMA-compressed.
About 11–13 bits per number: ≤ 10 MB for 5,000,000 (benchmarks/digest_bench.py, docs/performance.md)
and no false positives at all. A daily delta (the numbers added since a token) has the same form.

Format (before LZMA): b"FCD1" · u32 count · u32 exceptions · u16 offices-table length ·
offices table (JSON list of codes, UTF-8) · low bytes[count] · high bytes[count] ·
exception positions u32[exceptions] · exception gaps u64[exceptions] · office indexes u8[count].
Little-endian throughout. `decode` checks every length and bound: the bytes come from the
network (signed by HQ, but checked all the same).
"""

from __future__ import annotations

import json
import lzma
import struct
from dataclasses import dataclass, field

import numpy as np

MAGIC = b"FCD1"
MAX_DIGITS = 18  # "1" + 18 digits < 2^63
MAX_OFFICES = 255
MAX_DECODED = 200 * 1024 * 1024  # a hostile blob cannot make the office decompress more than this
ESCAPE = 255


class DigestError(ValueError):
    """A digest blob that is not one (damaged, truncated, hostile)."""


def number_value(number: str) -> int | None:
    """A normalised national number as the integer the digest holds: "1" + its digits, so leading
    zeros count; None when it is not 1..18 ASCII digits."""
    if not (0 < len(number) <= MAX_DIGITS and number.isascii() and number.isdigit()):
        return None
    return int("1" + number)


def encode(pairs: list[tuple[int, str]] | tuple[np.ndarray, np.ndarray, list[str]]) -> bytes:
    """(value, office) pairs — or arrays (values uint64, office indexes uint8, office codes) — as
    one compressed blob, sorted and without repeats."""
    if isinstance(pairs, tuple):
        values, idx, offices = pairs
        values = np.asarray(values, dtype=np.uint64)
        idx = np.asarray(idx, dtype=np.uint8)
    else:
        offices = sorted({office for _, office in pairs})
        if len(offices) > MAX_OFFICES:
            raise DigestError("too many offices")
        index = {o: i for i, o in enumerate(offices)}
        values = np.fromiter((v for v, _ in pairs), dtype=np.uint64, count=len(pairs))
        idx = np.fromiter((index[o] for _, o in pairs), dtype=np.uint8, count=len(pairs))
    values, idx = _sorted_unique(values, idx)
    gaps = np.diff(values, prepend=np.uint64(0))
    low = (gaps & np.uint64(0xFF)).astype(np.uint8)
    high_full = gaps >> np.uint64(8)
    escaped = np.nonzero(high_full >= ESCAPE)[0].astype(np.uint32)
    high = np.minimum(high_full, np.uint64(ESCAPE)).astype(np.uint8)
    table = json.dumps(list(offices), ensure_ascii=False).encode()
    raw = b"".join([MAGIC, struct.pack("<IIH", len(values), len(escaped), len(table)), table, low.tobytes(),
                    high.tobytes(), escaped.astype("<u4").tobytes(), gaps[escaped].astype("<u8").tobytes(),
                    idx.tobytes()])
    return lzma.compress(raw, preset=6)


def _sorted_unique(values: np.ndarray, idx: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    order = np.lexsort((idx, values))
    values, idx = values[order], idx[order]
    if len(values) > 1:
        keep = np.ones(len(values), dtype=bool)
        keep[1:] = (values[1:] != values[:-1]) | (idx[1:] != idx[:-1])
        values, idx = values[keep], idx[keep]
    return values, idx


def decode(blob: bytes) -> tuple[np.ndarray, np.ndarray, list[str]]:
    """(sorted values uint64, office indexes uint8, office codes) of a blob; DigestError when it
    is not a well-formed digest."""
    try:
        decompressor = lzma.LZMADecompressor()
        raw = decompressor.decompress(blob, max_length=MAX_DECODED)
        if not decompressor.eof or decompressor.unused_data:
            raise DigestError("truncated or trailing data")
    except lzma.LZMAError as exc:
        raise DigestError("not LZMA") from exc
    if raw[:4] != MAGIC or len(raw) < 14:
        raise DigestError("not a digest")
    count, exceptions, table_len = struct.unpack_from("<IIH", raw, 4)
    pos = 14
    need = pos + table_len + 2 * count + 12 * exceptions + count
    if len(raw) != need:
        raise DigestError("wrong length")
    try:
        offices = json.loads(raw[pos:pos + table_len].decode())
    except (UnicodeDecodeError, ValueError) as exc:
        raise DigestError("office table") from exc
    if not (isinstance(offices, list) and len(offices) <= MAX_OFFICES
            and all(isinstance(o, str) and 0 < len(o) <= 32 for o in offices)):
        raise DigestError("office table")
    pos += table_len
    low = np.frombuffer(raw, dtype=np.uint8, count=count, offset=pos).astype(np.uint64)
    pos += count
    high = np.frombuffer(raw, dtype=np.uint8, count=count, offset=pos).astype(np.uint64)
    pos += count
    where = np.frombuffer(raw, dtype="<u4", count=exceptions, offset=pos).astype(np.int64)
    pos += 4 * exceptions
    big = np.frombuffer(raw, dtype="<u8", count=exceptions, offset=pos).astype(np.uint64)
    pos += 8 * exceptions
    idx = np.frombuffer(raw, dtype=np.uint8, count=count, offset=pos).copy()
    if exceptions and (where.max() >= count or np.any(high[where] != ESCAPE)):
        raise DigestError("exceptions")
    if np.count_nonzero(high == ESCAPE) != exceptions:
        raise DigestError("exceptions")
    if count and idx.max() >= len(offices):
        raise DigestError("office index")
    gaps = (high << np.uint64(8)) | low
    gaps[where] = big
    values = np.cumsum(gaps, dtype=np.uint64)
    if count > 1 and not np.all(values[1:] >= values[:-1]):  # a wrapped sum: hostile gaps
        raise DigestError("not sorted")
    return values, idx, list(offices)


@dataclass
class NumberDigest:
    """The digest held in memory: sorted values, their offices. Lookups are a binary search."""

    values: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.uint64))
    idx: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.uint8))
    offices: list[str] = field(default_factory=list)

    @classmethod
    def from_blob(cls, blob: bytes) -> "NumberDigest":
        return cls(*decode(blob))

    def __len__(self) -> int:
        return len(self.values)

    def offices_of(self, number: str) -> list[str]:
        """The offices holding this (normalised) national number; [] when none does."""
        value = number_value(number)
        if value is None or not len(self.values):
            return []
        key = np.uint64(value)
        start = int(np.searchsorted(self.values, key, side="left"))
        end = int(np.searchsorted(self.values, key, side="right"))
        return sorted({self.offices[int(i)] for i in self.idx[start:end]})

    def merge(self, other: "NumberDigest") -> "NumberDigest":
        """This digest with another's entries added (a delta on a full one)."""
        if not len(other):
            return self
        offices = list(self.offices)
        for code in other.offices:
            if code not in offices:
                offices.append(code)
        if len(offices) > MAX_OFFICES:
            raise DigestError("too many offices")
        remap = np.array([offices.index(c) for c in other.offices], dtype=np.uint8)
        new_values, new_idx = _sorted_unique(other.values, remap[other.idx])
        left = np.searchsorted(self.values, new_values, side="left")
        right = np.searchsorted(self.values, new_values, side="right")
        # Entries already held are left out (a delta is small: a loop over it is cheap).
        keep = np.array([not np.any(self.idx[lo:hi] == i) for lo, hi, i in zip(left, right, new_idx)], dtype=bool)
        if not keep.any():
            return NumberDigest(self.values, self.idx, offices)
        values = np.insert(self.values, left[keep], new_values[keep])
        idx = np.insert(self.idx, left[keep], new_idx[keep])
        return NumberDigest(values, idx, offices)

    def to_blob(self) -> bytes:
        return encode((self.values, self.idx, self.offices))
