"""The national-number digest codec (domain/number_digest.py): exact round trip, deltas merged,
no false answers, and hostile blobs refused with DigestError (never another exception)."""

from __future__ import annotations

import lzma
import struct

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fundclient.domain.number_digest import DigestError, NumberDigest, decode, encode, number_value

numbers = st.text(alphabet="0123456789", min_size=1, max_size=18)
offices = st.sampled_from(["SBH", "BRK", "TRG", "QRQ", "GHT", "BWN"])


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(numbers, offices), max_size=300), st.lists(numbers, max_size=50))
def test_round_trip_is_exact(pairs, others):
    digest = NumberDigest.from_blob(encode([(number_value(n), o) for n, o in pairs]))
    held: dict[str, set[str]] = {}
    for n, o in pairs:
        held.setdefault(n, set()).add(o)
    for n, expected in held.items():
        assert digest.offices_of(n) == sorted(expected)
    for n in others:
        assert digest.offices_of(n) == sorted(held.get(n, set()))


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(numbers, offices), max_size=200), st.lists(st.tuples(numbers, offices), max_size=50))
def test_a_delta_merged_equals_the_whole(base, delta):
    merged = NumberDigest.from_blob(encode([(number_value(n), o) for n, o in base])).merge(
        NumberDigest.from_blob(encode([(number_value(n), o) for n, o in delta])))
    whole = NumberDigest.from_blob(encode([(number_value(n), o) for n, o in base + delta]))
    for n, _ in base + delta:
        assert merged.offices_of(n) == whole.offices_of(n)
    assert len(merged) == len(whole)
    assert NumberDigest.from_blob(merged.to_blob()).offices_of(base[0][0] if base else "1") == \
        whole.offices_of(base[0][0] if base else "1")


def test_leading_zeros_and_non_numbers():
    digest = NumberDigest.from_blob(encode([(number_value("0123"), "SBH")]))
    assert digest.offices_of("0123") == ["SBH"] and digest.offices_of("123") == []
    assert number_value("12a") is None and number_value("") is None and number_value("1" * 19) is None
    assert digest.offices_of("x") == []


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=400))
def test_random_bytes_are_refused(blob):
    with pytest.raises(DigestError):
        decode(blob)


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=300))
def test_random_payloads_inside_lzma_are_refused_or_decoded(raw):
    try:
        values, idx, offices = decode(lzma.compress(b"FCD1" + raw))
    except DigestError:
        return
    assert len(values) == len(idx) and all(i < len(offices) for i in idx)


def test_hostile_shapes(monkeypatch):
    good = lzma.decompress(encode([(number_value("119581208899"), "SBH"), (number_value("219600000777"), "BRK")]))
    count, exceptions, table = struct.unpack_from("<IIH", good, 4)
    for bad in (good[:-1], good + b"\0", good[:4] + struct.pack("<IIH", count + 1, exceptions, table) + good[14:],
                good[:14] + b'{"x": 1}'[:table].ljust(table, b" ") + good[14 + table:]):
        with pytest.raises(DigestError):
            decode(lzma.compress(bad))
    # an office index beyond the table
    with pytest.raises(DigestError):
        decode(lzma.compress(good[:-1] + b"\x09"))
    # a bomb: more than the decoded limit is never produced (the limit made small here)
    import fundclient.domain.number_digest as codec
    monkeypatch.setattr(codec, "MAX_DECODED", 1024 * 1024)
    with pytest.raises(DigestError):
        decode(lzma.compress(b"FCD1" + b"\0" * (3 * 1024 * 1024)))
