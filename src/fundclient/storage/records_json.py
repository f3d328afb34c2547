"""A record revision as stored: `Beneficiary.to_dict()` as compact JSON (the one serialisation)."""

from __future__ import annotations

import json

from fundclient.domain.records import Beneficiary


def dump(beneficiary: Beneficiary) -> str:
    return json.dumps(beneficiary.to_dict(), ensure_ascii=False, separators=(",", ":"))


def load(text: str) -> Beneficiary:
    return Beneficiary.from_dict(json.loads(text))
