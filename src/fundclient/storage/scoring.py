"""Ranking of name-search results (what the clerk typed against each candidate's name).

Duplicate scoring of two whole records is the domain's (`domain.duplicates`); this only
orders search-box results, where the query may be one to four words in any position.
"""

from __future__ import annotations

from difflib import SequenceMatcher

from fundclient.domain.arabic import name_tokens, phonetic_key
from fundclient.domain.records import Beneficiary


def _token_similarity(a: str, b: str) -> float:
    if a == b:
        return 1.0
    if phonetic_key(a) == phonetic_key(b):
        return 0.85
    return SequenceMatcher(None, a, b).ratio() * 0.8


def query_similarity(query: str, candidate: Beneficiary) -> float:
    """How well a typed name (any number of words) matches the record's four-part name."""
    wanted = name_tokens(query)
    have = name_tokens(candidate.name.full())
    if not wanted or not have:
        return 0.0
    total = 0.0
    for position, token in enumerate(wanted):
        best = max(_token_similarity(token, other) for other in have)
        if position < len(have) and _token_similarity(token, have[position]) >= best:
            best = min(1.0, best + 0.05)  # same position (first name typed first) ranks higher
        total += best
    return round(total / len(wanted), 4)
