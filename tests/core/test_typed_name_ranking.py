"""#11 item 8: `name_match.TypedName` (one typed name ranked against many names, each distinct
word compared once) gives exactly the scores of the plain pairwise ranking — what the search
box, the form's duplicate check and the import's batch check rank with."""

from __future__ import annotations

import random

from fundclient.domain.arabic import name_tokens
from fundclient.domain.name_match import (OUT_OF_PLACE, PREFIX, Ranked, TypedName, _position_agrees, nearness,
                                          rank_tokens, word_tier)
from fundclient.domain.synthetic import SyntheticGenerator


def plain_rank(typed: list[str], words: list[str], prefix_last: bool = False) -> Ranked:
    """Every typed word against every word of the name, one pair at a time."""
    if not typed or not words:
        return Ranked(0.0, 0)
    n, m = len(typed), len(words)
    options = []
    for i, t in enumerate(typed):
        for j, w in enumerate(words):
            tier = word_tier(t, w, prefix_last and i == n - 1)
            if tier:
                placed = _position_agrees(i, n, j, m)
                options.append((tier if placed else tier - OUT_OF_PLACE, placed, i, j, tier >= PREFIX))
    options.sort(reverse=True)
    used_typed: set[int] = set()
    used_words: set[int] = set()
    total = fine = 0.0
    in_place = alike = 0
    for tier, placed, i, j, sounds in options:
        if i in used_typed or j in used_words:
            continue
        used_typed.add(i)
        used_words.add(j)
        total += tier
        in_place += placed
        alike += sounds
        fine += nearness(typed[i], words[j])
    detail = 0.6 * in_place / n + 0.3 * fine / n + 0.09 * min(n, m) / max(n, m)
    return Ranked(round(total + detail, 4), len(used_typed), alike)


def _names(count: int, seed: int) -> list[list[str]]:
    maker = SyntheticGenerator(seed=seed, sibling_rate=0.3)
    names = []
    for _ in range(count):
        b = maker.next()
        names.append(name_tokens(b.name.full()))
        names.append(name_tokens(maker.near_duplicate(b).name.full()))
        names += [name_tokens(d.name.full()) for d in b.dependants]
    return [n for n in names if n]


def test_typed_name_ranks_as_the_plain_pairwise_ranking():
    names = _names(150, seed=5)
    rng = random.Random(8)
    compared = 0
    for typed in rng.sample(names, 60):
        for cut in (typed, typed[:2], typed[:1], [typed[0], typed[-1]], typed[1:]):
            for prefix_last in (False, True):
                ranker = TypedName(cut, prefix_last=prefix_last)  # reused: its memo of words is shared
                for words in rng.sample(names, 80):
                    assert ranker.rank(words) == plain_rank(cut, words, prefix_last), (cut, words, prefix_last)
                    compared += 1
    assert compared == 60 * 5 * 2 * 80
    assert rank_tokens([], ["محمد"]) == Ranked(0.0, 0) == TypedName(["محمد"]).rank([])

