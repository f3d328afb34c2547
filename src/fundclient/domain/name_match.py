"""How well names match: the one implementation behind the search box's ranking, the
choice of duplicate candidates and the duplicate check's comparison of name parts.

A person ranks names in tiers, not by a blended percentage:

    same spelling  >  same word with or without «ال»  >  same sound (`phonetic_key` or
    `loose_key`: a letter doubled, a long vowel written or not, ذ/ز, امحيمد/محمد)  >  the start of the
    word being typed  >  merely similar spelling  >  no match

`word_tier` gives one typed word against one word of a name a tier value; `rank` adds the
tiers of every typed word (each matched to a different word of the name, so more words
matched always count more: the score is not capped at 1). A word found in another place
than typed (the first typed word is the first name, the last the family name) counts
OUT_OF_PLACE less: محمد الورفلي ranks «امحمد … الورفلي» above «علي محمد … الورفلي». Below
one tier step it adds how many words are in their place and how close their spelling is.
Equal scores are broken by the caller by recency (newest first).

Similarity of spelling comes from rapidfuzz (C++), never from difflib.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from fundclient.domain.arabic import loose_key, name_tokens, phonetic_key, sound_letters


class _FirstUse:
    """Stands for one of rapidfuzz's names until the first comparison, which imports rapidfuzz
    and puts its real names in this module in place of the stand-ins: the store imports this
    module, and a login compares no names (start-up, #11 item 5: rapidfuzz's import ~15 ms)."""

    def __init__(self, name: str) -> None:
        self.name = name

    def __getattr__(self, attr: str):
        from rapidfuzz import process  # lazy: start-up (see above)
        from rapidfuzz.distance import OSA, Indel, JaroWinkler  # lazy: start-up (see above)

        globals().update(process=process, OSA=OSA, Indel=Indel, JaroWinkler=JaroWinkler)
        return getattr(globals()[self.name], attr)


process, OSA, Indel, JaroWinkler = (_FirstUse(name) for name in ("process", "OSA", "Indel", "JaroWinkler"))

# Tier values of one typed word: one whole step apart, so the fraction added for position
# and spelling (< 1 per word) never lifts a lower tier over a higher one.
EXACT = 10.0
ARTICLE = 9.0  # فيتوري / الفيتوري
SOUND = 8.0  # احمد / أحمد are already EXACT after normalisation; الطاهر / الطاهير, ص/س …
PREFIX = 7.0  # the unfinished last word is the start of this word
PARTIAL = 6.0  # × spelling similarity, for similarities of at least PARTIAL_FLOOR
PARTIAL_FLOOR = 0.6
# A word found in another place of the name (the typed first name as the father's name)
# counts less than the same word in its place: between same sound and a prefix.
OUT_OF_PLACE = 2.5

ARTICLE_PREFIX = "ال"


def bare(word: str) -> str:
    """The word without the article «ال» (الفيتوري -> فيتوري); short words (الي) unchanged."""
    return word[2:] if word.startswith(ARTICLE_PREFIX) and len(word) > 3 else word


def article_forms(word: str) -> tuple[str, ...]:
    """The word as written with and without «ال»: what an exact search must look for."""
    plain = bare(word)
    return (word, plain) if plain != word else (word, ARTICLE_PREFIX + word)


# Cache sizes hold one search's or one duplicate check's working set (≈ 400 candidates and their
# words), not a day of them: caches of 2^16–2^18 entries grew the office app by ~160 MB over a day
# on 4 GB PCs, and 2^13–2^14 still by ~40 MB/h in the first hour at 1 M records, while a search at
# 1 M costs the same CPU with every cache emptied before it (benchmarks/soak_day.py,
# docs/performance.md, ## Memory over a day).
@lru_cache(maxsize=1 << 11)
def spelling_similarity(a: str, b: str) -> float:
    """0..1 similarity of two normalised words' spelling (without «ال»), by edit distance."""
    return Indel.normalized_similarity(bare(a), bare(b))


@lru_cache(maxsize=1 << 11)
def nearness(typed: str, word: str) -> float:
    """0..1 how near a word's spelling is to the typed one, below the tiers (a person's order):
    a letter changed for one of its sound class (القاضي for القادي) is nearer than a letter
    added or dropped (القايدي), which is nearer than a letter changed for another. Edit
    similarity of the words written by sound class (2/3), then as spelled (1/3); «ال» typed
    or not counts here."""
    return (2 * Indel.normalized_similarity(sound_letters(typed), sound_letters(word))
            + Indel.normalized_similarity(typed, word)) / 3


@lru_cache(maxsize=1 << 12)
def word_tier(typed: str, word: str, unfinished: bool = False) -> float:
    """Tier value of a typed word against one word of a name (both normalised)."""
    if typed == word:
        return EXACT
    if not typed or not word:
        return 0.0
    if bare(typed) == bare(word):
        return ARTICLE
    sound = phonetic_key(typed)
    if sound and (sound == phonetic_key(word) or loose_key(typed) == loose_key(word)):
        return SOUND
    if unfinished and (word.startswith(typed) or bare(word).startswith(bare(typed))):
        return PREFIX
    similarity = spelling_similarity(typed, word)
    return PARTIAL * similarity if similarity >= PARTIAL_FLOOR else 0.0


def _position_agrees(i: int, typed_count: int, j: int, word_count: int) -> bool:
    """The first typed word with the first name, the last (of two or more) with the family
    name, the ones between with the same place; a word typed alone with the first or the
    family name."""
    if typed_count == 1:  # one word: a first name or a family name
        return j == 0 or j == word_count - 1
    if i == 0:
        return j == 0
    if i == typed_count - 1:
        return j == word_count - 1
    return i == j


@dataclass(frozen=True)
class Ranked:
    score: float  # sum of tiers + a fraction (< 1) for positions and spelling
    matched: int  # typed words that matched some word
    alike: int = 0  # typed words that matched a word as spelled or by sound (or its start, if unfinished)


def rank_tokens(typed: list[str], words: list[str], *, prefix_last: bool = False) -> Ranked:
    """Score of a name (its normalised words) for the typed words."""
    return TypedName(typed, prefix_last=prefix_last).rank(words)


class TypedName:
    """`rank_tokens` of one typed name against many names (a search's or a duplicate check's
    candidates): each distinct word of the names is compared with the typed words once
    (`word_tier`, and the spelling similarity that breaks ties), then every name is ranked from
    those — the same scores as `rank_tokens`, without comparing the same two words again for
    every name that holds them (siblings, common first names). A name's rank depends only on its
    length and on its words that match some typed word, in their places: names alike in those
    (the same first and family name, other words between that match nothing typed) are ranked
    once."""

    __slots__ = ("typed", "prefix_last", "_words", "_ranks")

    def __init__(self, typed: list[str], *, prefix_last: bool = False) -> None:
        self.typed = list(typed)
        self.prefix_last = prefix_last
        self._words: dict[str, tuple] = {}  # word -> ((typed index, tier, alike, similarity), …)
        self._ranks: dict[tuple, Ranked] = {}  # (word count, ((place, word), …) of the words matching) -> rank

    def _compare(self, word: str) -> tuple:
        n = len(self.typed)
        out = []
        for i, t in enumerate(self.typed):
            unfinished = self.prefix_last and i == n - 1
            tier = word_tier(t, word, unfinished)
            compared = (tier, nearness(t, word)) if tier else None
            if compared is not None:
                out.append((i, compared[0], compared[0] >= PREFIX, compared[1]))
        found = self._words[word] = tuple(out)
        return found

    def rank(self, words: list[str]) -> Ranked:
        typed = self.typed
        if not typed or not words:
            return Ranked(0.0, 0)
        known = self._words
        matching = []
        for j, w in enumerate(words):
            compared = known.get(w)
            if compared is None:
                compared = self._compare(w)
            if compared:
                matching.append((j, w))
        signature = (len(words), tuple(matching))
        ranked = self._ranks.get(signature)
        if ranked is None:
            ranked = self._ranks[signature] = self._rank(len(words), matching)
        return ranked

    def _rank(self, m: int, matching: list[tuple[int, str]]) -> Ranked:
        """The rank of a name of `m` words whose words matching some typed word are these (place, word)."""
        n = len(self.typed)
        options = []
        known = self._words
        for j, w in matching:
            for i, tier, sounds, similarity in known[w]:
                placed = _position_agrees(i, n, j, m)
                # (i, j) is unique: the sort never compares the last two items.
                options.append((tier if placed else tier - OUT_OF_PLACE, placed, i, j, sounds, similarity))
        options.sort(reverse=True)
        used_typed: set[int] = set()
        used_words: set[int] = set()
        total = fine = 0.0
        in_place = alike = 0
        for tier, placed, i, j, sounds, similarity in options:
            if i in used_typed or j in used_words:
                continue
            used_typed.add(i)
            used_words.add(j)
            total += tier
            in_place += placed
            alike += sounds
            fine += similarity  # `nearness`
        # Below one tier step: places agree (0.6), spelling as close as can be (0.3), and a
        # name with no extra words over the typed ones (0.09).
        detail = 0.6 * in_place / n + 0.3 * fine / n + 0.09 * min(n, m) / max(n, m)
        return Ranked(round(total + detail, 4), len(used_typed), alike)


def rank(query: str, name_norm: str, *, prefix_last: bool = False) -> Ranked:
    """Score of a stored name (`name_norm`, already normalised) for what was typed."""
    return rank_tokens(name_tokens(query), name_norm.split(), prefix_last=prefix_last)


_SHARED_PREFIXES = ("عبدال", "عبد", "ابو", "ال")
# `part_agreement`'s tiers for two parts that differ (named once: `duplicates._DIFFERENT_PARTS`,
# the duplicate check's exact bound, is the highest of them).
ARTICLE_AGREEMENT = 0.97  # with/without «ال»
SOUND_AGREEMENT = 0.9  # the same sound
SIMILAR_CAP = 0.88  # merely similar-looking: the rescaled Jaro-Winkler's highest
TYPO_AGREEMENT = 0.75  # one slip of the keyboard (at least)


@lru_cache(maxsize=1 << 12)
def part_agreement(a: str, b: str) -> float:
    """Agreement 0..1 of two normalised name parts for the duplicate check, on the same
    tiers: same spelling 1, with/without «ال» 0.97, same sound 0.9, one slip of the
    keyboard 0.75, else a Jaro-Winkler similarity rescaled so that merely similar-looking
    different names (محمد/احمد) count little."""
    tier = word_tier(a, b)
    if tier == EXACT:
        return 1.0
    if not a or not b:
        return 0.0
    if tier == ARTICLE:
        return ARTICLE_AGREEMENT
    if tier == SOUND:
        return SOUND_AGREEMENT
    x, y = a, b
    for prefix in _SHARED_PREFIXES:
        # عبدالله/عبدالسلام share a prefix that says nothing: compare what follows it.
        if x.startswith(prefix) and y.startswith(prefix):
            x, y = x[len(prefix):], y[len(prefix):]
            break
    # Below JW 0.75 names are unrelated; 0.83 (a different name) -> 0.29; capped at 0.88,
    # under a phonetic match.
    rescaled = SIMILAR_CAP * max(0.0, (JaroWinkler.similarity(x, y) - 0.75) / 0.25)
    if min(len(x), len(y)) >= 4 and OSA.distance(x, y) == 1:
        # One slip of the keyboard (مظمود for محمود) is the commonest entry error; it must
        # not sink a record whose other parts and birth date agree.
        return max(rescaled, TYPO_AGREEMENT)
    return rescaled


CLOSE_WORD_CUTOFF = 0.75


def close_words(typed: str, vocabulary: list[str], limit: int = 3) -> list[str]:
    """The words of `vocabulary` (normalised name words) nearest in spelling to a typed word
    that matches none of them as spelled or by sound — a slip of the keyboard or of the ear
    (الذوي for الزوي): one letter changed, added, dropped or swapped, or a similarity of
    CLOSE_WORD_CUTOFF — best first."""
    stem = bare(typed)
    one_slip = process.extract(stem, vocabulary, scorer=OSA.distance, processor=bare, score_cutoff=1,
                               limit=limit) if len(stem) >= 3 else []
    similar = process.extract(stem, vocabulary, scorer=Indel.normalized_similarity, processor=bare,
                              score_cutoff=CLOSE_WORD_CUTOFF, limit=limit)
    return list(dict.fromkeys(word for word, _, _ in (*one_slip, *similar)))[:limit]


def partial_ceiling(typed: str, vocabulary: list[str], unfinished: bool = False,
                    bare_words: list[str] | None = None) -> float:
    """The highest tier below the start of a word (`word_tier`'s PARTIAL × `spelling_similarity`, 0
    below PARTIAL_FLOOR) that any of these words gives a typed word: what a search may count for a
    name whose word matches it no better than merely similar. `bare_words`: the words' `bare` forms
    in the same order, made beforehand (rapidfuzz then compares without a Python call a word)."""
    if bare_words is None:
        bare_words = [bare(w) for w in vocabulary]
    for _, _, at in process.extract(bare(typed), bare_words, scorer=Indel.normalized_similarity,
                                    score_cutoff=PARTIAL_FLOOR - 1e-6, limit=None):  # (its cutoff rounds)
        tier = word_tier(typed, vocabulary[at], unfinished)
        if tier < PREFIX:  # the most similar words first: the first below the start of a word
            return tier
    return 0.0
