"""A record revision as stored: `Beneficiary.to_dict()` as compact JSON (the one serialisation).

Written by orjson straight from the dataclass (its fields in order, enums by value, dates and
datetimes as ISO text): the same text as `json.dumps(beneficiary.to_dict(), ensure_ascii=False,
separators=(",", ":"))` — `tests/core/test_records_json.py` compares the two — at a seventh of
the cost (the bulk build's hot path, #11 item 8). Whatever orjson refuses (text with a lone
surrogate, an integer past 64 bits) goes through the standard library as before.
"""

from __future__ import annotations

import json

import orjson

from fundclient.domain.records import Beneficiary


def dump_stdlib(beneficiary: Beneficiary) -> str:
    """The reference form (and the fallback)."""
    return json.dumps(beneficiary.to_dict(), ensure_ascii=False, separators=(",", ":"))


def dump(beneficiary: Beneficiary) -> str:
    try:
        return orjson.dumps(beneficiary).decode()
    except (orjson.JSONEncodeError, UnicodeDecodeError):
        return dump_stdlib(beneficiary)


def load(text: str | bytes, *, transient: bool = False) -> Beneficiary:
    """`transient`: a record read, used and dropped by the caller (`Beneficiary.from_dict`)."""
    try:
        data = orjson.loads(text)
    except orjson.JSONDecodeError:  # what only the standard library reads (NaN, huge integers …)
        data = json.loads(text)
    return Beneficiary.from_dict(data, transient=transient)
