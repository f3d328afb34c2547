"""Ranking of name-search results (what the clerk typed against each candidate's name).

Duplicate scoring of two whole records is the domain's (`domain.duplicates`); this only
orders search-box results, where the query may be one to four words in any position.
"""

from __future__ import annotations

from difflib import SequenceMatcher

from fundclient.domain.arabic import name_tokens, phonetic_key


def _token_similarity(a: str, b: str) -> float:
    if a == b:
        return 1.0
    if phonetic_key(a) == phonetic_key(b):
        return 0.9
    return SequenceMatcher(None, a, b).ratio() * 0.8


def query_similarity(query: str, candidate_norm: str) -> float:
    """How well a typed name (any number of words, the last maybe unfinished) matches a
    record's normalised name (`name_norm` column): 0..1, words in the same position count
    a little more."""
    wanted = name_tokens(query)
    have = candidate_norm.split()
    if not wanted or not have:
        return 0.0
    total = 0.0
    for position, token in enumerate(wanted):
        scores = [_token_similarity(token, other) for other in have]
        if position == len(wanted) - 1:  # being typed: a prefix of a word is a good match
            scores = [max(s, 0.95 if other.startswith(token) else 0.0) for s, other in zip(scores, have)]
        best = max(scores)
        if position < len(have) and scores[position] >= best:
            best += 0.05
        total += min(best, 1.05)
    return round(min(total / len(wanted), 1.0), 4)
