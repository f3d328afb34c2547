"""HQ writes a received record's canonical JSON (what it stores and hashes: a re-sealed revision
must hash the same, or it is refused as a conflict) by orjson when the payload was read by
orjson (sync/envelope.py `canonical_json_of_read`): byte for byte `keys.canonical_json`, for any
JSON text a device can seal — floats, integers of any size, escapes, Arabic and astral text,
keys in any order, depth — and on real records."""

from __future__ import annotations

import json

from hypothesis import given, settings, strategies as st

from fundclient.domain.synthetic import generate
from fundclient.sync import envelope
from fundclient.sync.keys import canonical_json

texts = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=12) | st.sampled_from(
    ["\\", '"', "\\\"", "\\\\\"", "true", "false", "1.5", "e", "\x00", "\x1f", "\x7f", "\u2028", "محمد", "𝔸", "ﻻ",
     "é", "e\u0301"])
numbers = st.integers(min_value=-2**70, max_value=2**70) | st.floats(allow_nan=False, allow_infinity=False) \
    | st.sampled_from([0.0, -0.0, 1e-05, 1e-7, 1e16, 1.5e300, 5e-324, 2**63 - 1, -2**63, 2**64 - 1, 2**64, 1.0])
json_values = st.recursive(
    st.none() | st.booleans() | numbers | texts,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(texts, inner, max_size=4),
    max_leaves=16)


def _through_a_payload(value) -> tuple[object, bool]:
    """What HQ decodes from a payload holding `value` as the office writes it, and whether orjson read it."""
    text = json.dumps({"items": [{"record": value}]}, ensure_ascii=False).encode()
    doc, by_orjson = envelope._read(text)
    return doc["items"][0]["record"], by_orjson


@settings(max_examples=1500, deadline=None, derandomize=True)
@given(json_values)
def test_canonical_json_of_a_value_read_by_orjson_is_the_standard_one(value):
    read, by_orjson = _through_a_payload(value)
    if by_orjson:
        assert envelope.canonical_json_of_read(read) == canonical_json(read)


@settings(max_examples=300, deadline=None, derandomize=True)
@given(st.integers(min_value=0, max_value=300))
def test_depth_goes_to_the_standard_writer(depth):
    value: object = "x"
    for n in range(depth):
        value = [value] if n % 2 else {"k": value}
    read, by_orjson = _through_a_payload(value)
    if by_orjson:
        assert envelope.canonical_json_of_read(read) == canonical_json(read)


def test_real_records_and_the_float_guard():
    for b in generate(200, seed=79):
        read, by_orjson = _through_a_payload(b.to_dict())
        assert by_orjson
        assert envelope.canonical_json_of_read(read) == canonical_json(read)
    # where orjson writes a float its own way, the guard sees it (the float is written by json)
    for value in ([1e-05], {"a": 1e-7}, {"a": "1e-05 \\\" x", "b": [2.5e-9]}, [True, False, 1e16]):
        assert envelope._holds_float(__import__("orjson").dumps(value))
        assert envelope.canonical_json_of_read(value) == canonical_json(value)
    for value in ({"a": "1.5 e true"}, [True, False, None, 12, -3], {"k\\\"": "\\\\\"."}):
        assert not envelope._holds_float(__import__("orjson").dumps(value))
    # a payload orjson cannot read (NaN, a lone surrogate, an integer past 64 bits) is not marked
    for text in (b'{"items": [NaN]}', b'{"items": ["\\ud800"]}', b'{"items": [123456789012345678901234]}'):
        assert envelope._read(text)[1] is False


def test_a_payload_says_whether_orjson_read_it():
    record = generate(1, seed=80)[0].to_dict()
    items = envelope.decode_payload(envelope.encode_payload([{"type": "record", "record": record}]))
    assert items.read_by_orjson and items == [{"type": "record", "record": json.loads(json.dumps(record))}]
    record["notes"] = "1" * 19  # a run of 19 digits: read by the standard library
    assert not envelope.decode_payload(envelope.encode_payload([{"type": "record", "record": record}])).read_by_orjson
