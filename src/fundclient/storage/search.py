"""Searches over beneficiaries and their dependants: exact keys (national number, card
number, phone) by index, names by FTS5 over normalised names, sound keys and sound-key
pairs (holders: names_fts, dependants: dependant_names_fts), ranked by
`domain.name_match` — the same ranking that picks the duplicate check's candidates.

`search(text)` decides what the clerk typed: Arabic/Latin letters -> name; digits ->
national number (the scheme's length), mobile number, or card number; several at once
when ambiguous, results merged.
"""

from __future__ import annotations

import heapq
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from bisect import bisect_left
from dataclasses import dataclass
from typing import NamedTuple

from fundclient.domain.digits import separators_removed
from fundclient.domain.national_id import get_scheme
from fundclient.domain.phone import normalise_mobile
from fundclient.domain.name_match import (ARTICLE_PREFIX as ARTICLE, EXACT, OUT_OF_PLACE, PARTIAL, PREFIX, SOUND,
                                          Ranked, TypedName, article_forms, bare, close_words, nearness,
                                          partial_ceiling)
from fundclient.domain.name_match import ARTICLE as ARTICLE_TIER
from fundclient.domain.records import Beneficiary, Dependant
from fundclient.storage.records_json import load as _load
from fundclient.domain.duplicates import DEFAULT_THRESHOLD, DuplicateMatch
from fundclient.domain.arabic import loose_key, name_tokens, phonetic_key
from fundclient.storage.duplicate_candidates import DuplicateCandidates, FiledKeys, HeldRecords
from fundclient.storage.search_keys import (PAIR_JOIN, all_but_one_query, in_place_restriction, pair_query,
                                            sound_query, sound_word_query, spelled_query, spelled_restriction,
                                            word_query)

# FTS candidates ranked by bm25 before the Python re-score; enough for a spelling variant of
# a common name to be among them, small enough for < 50 ms at a million records.
CANDIDATES = 60
# The names matching every typed word in order (sound-key pairs) are all taken when they are
# fewer than this: the ranking then sees every one of them, and the follow-up queries that look
# for the best-ranked among more than are taken (each re-reading long posting lists: 8–10 ms
# apiece at a million records when SQLite's cache does not hold them yet) are not needed. Their
# row ids come from FTS first (the posting lists only); the rows themselves only for what is taken.
COMPLETE_CANDIDATES = 250
# An unfinished last word standing for at most this many sound keys is looked for as those
# words (rare pairs with the word before); more (two or three letters typed): by the prefix index.
MAX_COMPLETION_KEYS = 8
# An unfinished word typed as spelled: the words starting with it listed when at most this many;
# a start of at most PREFIX_INDEX_LETTERS letters has its own list in the FTS prefix index
# (migration 0003: prefix='2 3').
MAX_SPELLED_WORDS = 8
PREFIX_INDEX_LETTERS = 3
# Two words typed: the names whose first and last words sound like them are read from `name_ends`
# (migration 0010) when the typed words stand for at most this many pairs of sound keys and those
# names are at most ENDS_ROWS; when a page of them ranks above any name elsewhere can, that is the answer.
# Three or more: the same from `name_heads` (migration 0014), the names whose first two words sound
# like the first two typed and whose last word is the last typed (by sound, or its start when
# unfinished), when the last typed word is at most MAX_HEADS_WORDS words by sound.
MAX_ENDS_KEYS = 32
ENDS_ROWS = 3000
MAX_HEADS_WORDS = 64


@dataclass(frozen=True)
class SearchHit:
    record_id: str
    # national_number, dependant_national_number, card_number, dependant_card_number, phone,
    # name, dependant_name
    matched_by: str
    score: float
    beneficiary: Beneficiary  # the holder's record (also for a dependant's hit)
    dependant_id: str = ""  # set when the person found is one of the holder's dependants

    @property
    def dependant(self) -> Dependant | None:
        """The dependant this hit is about (None for the holder)."""
        if not self.dependant_id:
            return None
        return next((d for d in self.beneficiary.dependants if d.dependant_id == self.dependant_id), None)


class Candidate(NamedTuple):  # a tuple: thousands are made per search from `name_ends` / `name_heads`
    table: str  # "holder" | "dependant"
    row_id: int  # insertion order: the newer, the higher
    record_id: str  # "" when read from `name_ends` (what the ranking needs only): filled for the page shown
    dependant_id: str
    name_norm: str

    @property
    def key(self) -> tuple[str, int]:
        return self.table, self.row_id


_TABLES = {  # FTS table, its content table, extra columns
    "holder": ("names_fts", "beneficiaries", ""),
    "dependant": ("dependant_names_fts", "dependants", ", t.dependant_id"),
}


class NameVocabulary:
    """Every word of every holder's and dependant's name (the `name_words` table, kept by
    triggers), in memory for spelling correction and loose-sound alternatives. Each use
    reads only the words added since the last (`id > ?`: one indexed read, nothing at all
    on most searches)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._last_id = 0
        self.words: list[str] = []
        self._set: set[str] = set()
        self._exact: set[str] = set()
        self._sounds: set[str] = set()
        self._loose: dict[str, dict[str, str]] = {}  # loose key -> sound key -> a word
        self._by_sound: dict[str, list[str]] = {}  # sound key -> its words
        self._bare_words: list[str] = []  # `words` without «ال» (`bare`), in the same order
        self._similar: dict[tuple, float] = {}  # (typed word, unfinished) -> `partial_ceiling`, until words are added
        self._holding = threading.local()

    @contextmanager
    def held(self, store) -> Iterator["NameVocabulary"]:
        """Read once, then no more reads on this thread until the block ends: an import's batch
        check runs ~10 searches per row and writes nothing meanwhile (a clerk's save in between
        is seen from the next batch on, as if it had come just after this one)."""
        self.get(store)
        self._holding.on = True
        try:
            yield self
        finally:
            self._holding.on = False

    def get(self, store) -> "NameVocabulary":
        if getattr(self._holding, "on", False):
            return self
        with self._lock:
            with store.read() as conn:
                rows = conn.connection.driver_connection.execute(
                    "SELECT id, word FROM name_words WHERE id > ? ORDER BY id", (self._last_id,)).fetchall()
            if rows:
                added = [word for _, word in rows]
                self._last_id = rows[-1][0]
                self._similar.clear()
                self.words = sorted({*self.words, *added})
                self._bare_words = [bare(w) for w in self.words]
                self._exact.update(added)
                for word in added:
                    sound = phonetic_key(word)
                    self._set.add(bare(word))
                    self._sounds.add(sound)
                    self._by_sound.setdefault(sound, []).append(word)
                    alike = self._loose.setdefault(loose_key(word), {})
                    if len(word) < len(alike.get(sound, word + " ")):  # the plainest spelling
                        alike[sound] = word
        return self

    def knows(self, token: str, unfinished: bool = False) -> bool:
        if bare(token) in self._set or phonetic_key(token) in self._sounds:
            return True
        if unfinished:
            at = bisect_left(self.words, token)
            return at < len(self.words) and self.words[at].startswith(token) or len(token) < 4
        return False

    def spelled_forms(self, token: str, unfinished: bool = False) -> tuple[str, ...]:
        """The typed word as the spellings some name holds, with or without «ال» (nothing: no
        name holds it, so a query asking for it as spelled finds nothing). Unfinished: the words
        that start with it, listed when at most MAX_SPELLED_WORDS (FTS looks each up, instead of
        merging every word of the range — their whole lists — at each asking); else, or when at
        most PREFIX_INDEX_LETTERS letters were typed (the prefix index holds their list), the
        start as a prefix ("…*")."""
        if not unfinished:
            return tuple(f for f in article_forms(token) if f in self._exact)
        out: list[str] = []
        for form in article_forms(token):
            at = bisect_left(self.words, form)
            words = []
            while at < len(self.words) and self.words[at].startswith(form) and len(words) <= MAX_SPELLED_WORDS:
                words.append(self.words[at])
                at += 1
            if not words:
                continue
            if len(form) <= PREFIX_INDEX_LETTERS or len(words) > MAX_SPELLED_WORDS:
                out.append(form + "*")
            else:
                out.extend(words)
        return tuple(dict.fromkeys(out))

    def completions(self, token: str, most: int = MAX_COMPLETION_KEYS) -> tuple[str, ...] | None:
        """The sound keys of the words an unfinished typed word may become — the words that
        start with it as typed, or without/with «ال» (what `word_tier` calls a prefix), and
        the typed word's own sound as a whole word — or None when they are more than `most`."""
        keys = set(self.sound_keys(token))
        stem = bare(token)
        for start in dict.fromkeys((token, stem, ARTICLE + stem)):
            at = bisect_left(self.words, start)
            while at < len(self.words) and self.words[at].startswith(start):
                keys.add(phonetic_key(self.words[at]))
                if len(keys) > most:
                    return None
                at += 1
        return tuple(sorted(keys - {""}))

    def sound_keys(self, token: str) -> tuple[str, ...]:
        """The sound keys a typed whole word stands for: its own, and those of the names' words
        with its loose key (امبارك for أمبرك, المرزوقي for المرذوقي: `word_tier`'s same sound)."""
        own = phonetic_key(token)
        return tuple(sorted({own, *self._loose.get(loose_key(token), {})} - {""}))[:4] if own else ()

    def ends_keys(self, token: str, unfinished: bool = False) -> set[str] | None:
        """Every sound key of the words a typed word matches as spelled, with or without «ال» or by
        sound (`word_tier` from SOUND up: its own key, its article forms' and those of its loose
        sound) — unfinished, also the words it starts (`completions`); None when they are too many."""
        keys = {phonetic_key(f) for f in article_forms(token)} | set(self._loose.get(loose_key(token), ()))
        if unfinished:
            more = self.completions(token, most=MAX_ENDS_KEYS)
            if more is None:
                return None
            keys.update(more)
        return keys - {""}

    def best_tier(self, token: str, unfinished: bool = False) -> float:
        """The highest tier a typed word can reach against a word some name holds (an unfinished
        one: the start of a word when no word sounds like it)."""
        if token in self._exact:
            return EXACT
        if any(f in self._exact for f in article_forms(token)):
            return ARTICLE_TIER
        if unfinished and phonetic_key(token) not in self._sounds and loose_key(token) not in self._loose:
            return PREFIX
        return SOUND

    def partial_ceiling(self, token: str, unfinished: bool = False) -> float:
        """The highest tier a typed word can reach as merely similar in spelling (`word_tier`'s
        PARTIAL × `spelling_similarity`) against any word some name holds."""
        ceiling = self._similar.get((token, unfinished))
        if ceiling is None:
            ceiling = partial_ceiling(token, self.words, unfinished, bare_words=self._bare_words)
            if len(self._similar) > 4096:
                self._similar.clear()
            self._similar[(token, unfinished)] = ceiling
        return ceiling

    def sound_words(self, token: str, most: int = MAX_HEADS_WORDS) -> list[str] | None:
        """Every word some name holds that a typed whole word matches from same sound up (`word_tier`:
        the words of `ends_keys`' sound keys — a superset), or None when they are more than `most`."""
        words = [w for key in sorted(self.ends_keys(token) or ()) for w in self._by_sound.get(key, ())]
        return words if len(words) <= most else None

    def best_spellings(self, token: str, limit: int = 2) -> tuple[str, ...]:
        """The spellings the ranking puts first for a typed whole word: itself when a name
        holds it (with or without «ال»), then the other words of its sound nearest in
        spelling (`nearness`, as `rank_tokens`' tie-break)."""
        own = (token,) if bare(token) in self._set else ()
        alike = [w for key in self.sound_keys(token) for w in self._by_sound.get(key, ()) if bare(w) != bare(token)]
        if not alike:
            return own
        similarity = {w: nearness(token, w) for w in alike}
        best = max(similarity.values())
        return own + tuple(sorted((w for w in alike if similarity[w] >= best - 0.05),
                                  key=lambda w: -similarity[w])[:limit])

    def sounding_alike(self, token: str, limit: int = 1) -> list[str]:
        """Words of other sound keys with the token's loose key (المرزوقي for المرذوقي,
        محمد for امحيمد): one word per sound key, which finds them all by sound."""
        sound = phonetic_key(token)
        return [w for s, w in self._loose.get(loose_key(token), {}).items() if s != sound][:limit]


class SearchMixin:
    """Mixed into BeneficiaryRepository (needs self._store, self.get_many)."""

    _vocabulary_cache: NameVocabulary | None = None

    @property
    def _vocabulary(self) -> NameVocabulary:
        if self._vocabulary_cache is None:
            self._vocabulary_cache = NameVocabulary()
        return self._vocabulary_cache

    def _record_ids(self, sql: str, params: tuple) -> list[str]:
        with self._store.read() as conn:
            return [row[0] for row in conn.exec_driver_sql(sql, params).fetchall()]

    def _hits(self, record_ids: list[str], matched_by: str, score: float = 1.0) -> list[SearchHit]:
        records = self.get_many(record_ids)
        return [SearchHit(rid, matched_by, score, records[rid]) for rid in record_ids if rid in records]

    def _exact(self, column: str, value: str, with_dependants: bool) -> list[SearchHit]:
        """Holder matches then dependant matches of one indexed column, in one read:
        (record_id, matched_by, JSON of the current revision, dependant_id)."""
        if not value:
            return []
        sql = ("SELECT b.record_id, ?, r.data, '' FROM beneficiaries b JOIN revisions r ON r.record_id = b.record_id"
               f" AND r.revision = b.revision WHERE b.{column} = ?")
        params: tuple = (column, value)
        if with_dependants:
            sql += (" UNION ALL SELECT b.record_id, ?, r.data, d.dependant_id FROM dependants d"
                    " JOIN beneficiaries b ON b.record_id = d.record_id JOIN revisions r"
                    f" ON r.record_id = b.record_id AND r.revision = b.revision WHERE d.{column} = ?")
            params += (f"dependant_{column}", value)
        with self._cursor() as cursor:  # one statement on a pooled reader's own cursor
            rows = cursor.execute(sql, params).fetchall()
        seen: set[tuple[str, str]] = set()
        return [SearchHit(rid, how, 1.0 if how == column else 0.9, _load(data), dep) for rid, how, data, dep in rows
                if not ((rid, dep) in seen or seen.add((rid, dep)))]

    def by_national_number(self, number: str, *, include_dependants: bool = True) -> list[SearchHit]:
        return self._exact("national_number", separators_removed(number), include_dependants)

    def national_numbers_present(self, numbers: list[str]) -> set[str]:
        """Which of these national numbers a holder already has (one indexed read per 500)."""
        present: set[str] = set()
        wanted = list(dict.fromkeys(n for n in numbers if n))
        with self._store.read() as conn:
            for start in range(0, len(wanted), 500):
                chunk = wanted[start:start + 500]
                present.update(row[0] for row in conn.exec_driver_sql(
                    f"SELECT national_number FROM beneficiaries WHERE national_number IN ({','.join('?' * len(chunk))})",
                    tuple(chunk)))
        return present

    def by_card_number(self, card_number: str) -> list[SearchHit]:
        return self._exact("card_number", card_number.strip().upper(), True)

    def by_phone(self, phone: str) -> list[SearchHit]:
        e164 = normalise_mobile(phone)
        if e164 is None:
            return []
        ids = self._record_ids("SELECT record_id FROM beneficiaries WHERE mobile IN (?, ?) LIMIT 50",
                               (e164, separators_removed(phone)))
        return self._hits(ids, "phone")

    @contextmanager
    def _cursor(self):
        """One DB-API cursor of a pooled reader for all the queries of one search: no
        SQLAlchemy round trip per FTS query (each statement its own read snapshot)."""
        with self._store.read() as conn:
            yield conn.connection.driver_connection.cursor()

    def _fts_rows(self, cursor, table: str, query: str, limit: int, *, ranked: bool) -> list[Candidate]:
        """Candidates of one FTS query over holders' or dependants' names. Ranked: bm25
        (how many of the query's pairs a name holds). Unranked: newest first, which FTS
        answers without reading more than `limit` matches of a common word."""
        fts, source, extra = _TABLES[table]
        order = "rank" if ranked else "rowid DESC"
        rows = cursor.execute(
            f"SELECT t.id, t.record_id, t.name_norm{extra} FROM {source} t WHERE t.id IN"
            f" (SELECT rowid FROM {fts} WHERE {fts} MATCH ? ORDER BY {order} LIMIT ?)",
            (query, limit)).fetchall()
        return [Candidate(table, row[0], row[1], row[3] if table == "dependant" else "", row[2]) for row in rows]

    def _fts_ids(self, cursor, table: str, query: str, limit: int) -> list[int]:
        """Row ids of one FTS query, newest first (FTS's posting lists only, no row read)."""
        fts = _TABLES[table][0]
        return [row[0] for row in cursor.execute(
            f"SELECT rowid FROM {fts} WHERE {fts} MATCH ? ORDER BY rowid DESC LIMIT ?", (query, limit))]

    def _rows_by_id(self, cursor, table: str, ids: list[int]) -> list[Candidate]:
        """The candidates of these row ids (their own table, by its integer primary key)."""
        if not ids:
            return []
        _, source, extra = _TABLES[table]
        rows = cursor.execute(f"SELECT t.id, t.record_id, t.name_norm{extra} FROM {source} t"
                              f" WHERE t.id IN ({','.join('?' * len(ids))})", ids).fetchall()
        return [Candidate(table, row[0], row[1], row[3] if table == "dependant" else "", row[2]) for row in rows]

    def _shortcut_rows(self, cursor, selects: list[tuple[str, tuple]], dependants: bool) -> dict[int, str] | None:
        """The names (holders', and dependants' if asked) of these reads of `name_ends` or
        `name_heads` (`_ends_plan`, `_heads_plan`: each a WHERE clause and its parameters) — a few
        clustered pages — by person (`_person`), or None when they are more than ENDS_ROWS."""
        where = "" if dependants else " AND person > 0"
        sql = " UNION ALL ".join(f"SELECT person, name_norm FROM {clause}{where}" for clause, _ in selects)
        rows = cursor.execute(f"{sql} LIMIT ?", (*(p for _, params in selects for p in params),
                                                 ENDS_ROWS + 1)).fetchall()
        return None if len(rows) > ENDS_ROWS else dict(rows)

    def _filled(self, cursor, ranked: list[tuple[Ranked, Candidate]]) -> list[tuple[Ranked, Candidate]]:
        """The candidates read from `name_ends` completed with their record ids (their own rows)."""
        missing: dict[str, list[int]] = {}
        for _, c in ranked:
            if not c.record_id:
                missing.setdefault(c.table, []).append(c.row_id)
        if not missing:
            return ranked
        read = {c.key: c for table, ids in missing.items() for c in self._rows_by_id(cursor, table, ids)}
        return [(r, read.get(c.key, c)) for r, c in ranked if c.record_id or c.key in read]

    def _name_candidates(self, cursor, table: str, text: str, *, prefix_last: bool, limit: int | None = None,
                         by_sound: bool = False, keys: list | None = None,
                         spellings: list | None = None, open_last: bool = True, page: int = 20,
                         settled=None, known: dict | None = None) -> dict[tuple, Candidate]:
        """Names worth ranking, the likeliest first, each query newest first and stopping
        once `limit` names are found (FTS then reads no more of a common word's list).
        Two or more words typed:
        1. by sound in the typed order (sound-key pairs) — always: the pairs are rare, so FTS
        reads short lists; every such name when they are fewer than COMPLETE_CANDIDATES (then
        2 is not needed: the ranking sees them all), else the newest `limit`;
        2. when 1 found more than it takes (more names sound alike than are taken): the same with
        every word in the spelling the ranking puts first (`spellings`: as typed, or the
        nearest spelling of its sound), then, if fewer than a `page`, with the nearest
        spellings of its sound too — FTS walks the rare pairs and skips through the words'
        lists, so the best-ranked names are never cut off by newer sound-alikes; and, unless
        those spelled as typed were all found and fill a page, with the first typed word as
        the name's first word (`^`: position lists, dearer);
        3. two words with the last unfinished and too many completions to list: every word as
        spelled, the first in its place, the last as the start of a word;
        4. — when still short of `limit` — two words: the two in either order; three or more:
        all of them but one, by sound, whichever is left out (one OR of ANDs of pairs);
        5. nothing found yet: every word as spelled in any order; then any two typed words
        in either order, ranked by how many pairs a name holds (three or more), or every
        word as spelled or by sound (two).
        `keys`: the sound keys each typed word stands for (`_plan`: its own and those of the
        same loose sound; the unfinished last word's completions when they are few, else None:
        looked up by the prefix index; `open_last`: too many to list, so two words look for
        the last as the start of a word as spelled too).
        One word typed: the word as spelled, by sound, as the start of a word, then as
        spelled or by sound.
        `by_sound`: a corrected text (its replaced word stands for every word of its sound
        key): only the queries by sound, 1 and 2 (one word: its sound).
        `known`: candidates already read (`name_ends`), by key: their rows are not read again."""
        found: dict[tuple, Candidate] = {}
        known = known or {}
        limit = limit or CANDIDATES
        complete = max(COMPLETE_CANDIDATES, limit)
        fetched: set[int] = set()  # row ids whose rows are read: each row read once

        def take(ids: list[int]) -> None:
            """The rows of these FTS row ids not read yet (the queries below overlap: a row read
            at the first asking is a page decrypted)."""
            new = [i for i in ids if i not in fetched]
            fetched.update(new)
            unread = []
            for i in new:
                c = known.get((table, i))
                if c is None:
                    unread.append(i)
                else:
                    found.setdefault(c.key, c)
            for c in self._rows_by_id(cursor, table, unread):
                found.setdefault(c.key, c)

        def add(query: str | None, ranked: bool = False, always: bool = False) -> None:
            if query and (always or len(found) < limit):
                if ranked:
                    for c in self._fts_rows(cursor, table, query, limit, ranked=True):
                        found.setdefault(c.key, c)
                else:
                    take(self._fts_ids(cursor, table, query, limit))

        held = self._vocabulary.spelled_forms  # read for this search by `_plan`
        tokens = name_tokens(text)
        count = len(tokens)
        if count < 2:  # one word: the word itself, then by sound, then what starts with it
            add(spelled_query(text, prefix_last=False, forms=held))
            add(sound_word_query(text), always=by_sound)
            if not by_sound:
                add(spelled_query(text, prefix_last=prefix_last, forms=held))
                add(word_query(text, prefix_last=prefix_last))
            return found
        in_order = pair_query(text, prefix_last=prefix_last, require_all=True, keys=keys)
        ids = self._fts_ids(cursor, table, in_order, complete) if in_order else []
        take(ids if len(ids) < complete else ids[:limit])
        if in_order and len(ids) >= complete:
            # More names sound like the typed words in their order than are taken: the
            # spellings as typed (or the nearest of their sound when no name holds them); when
            # fewer than a page, with the nearest spellings of the same sound too; and unless
            # every name so spelled is in and fills a page, those with the first name in its place.
            exact = 0
            if not by_sound:
                # First those whose words before the last are the name's own words in their
                # places, as typed (the ranking's first): the newest names spelled as typed may
                # hold the father's name as the grandfather's, and when the last word is spelled
                # otherwise (a sound-alike), the newest by sound may all have a first name that
                # only sounds like the typed one (صالحه for صالح).
                spelled_as = [t if t in held(t) else (held(t) or ("",))[0] for t in tokens[:-1]]
                add(in_place_restriction(in_order, spelled_as), always=True)
            if not by_sound:
                primary, secondary = (spelled_restriction([forms[i] for forms in spellings or []]) for i in (0, 1))
                if primary:
                    spelled = self._fts_ids(cursor, table, f"{in_order} AND {primary}", limit)
                    exact = len(spelled) if len(spelled) < limit else 0
                    take(spelled)
                    if len(spelled) < page and secondary and secondary != primary:
                        add(f"{in_order} AND {secondary}", always=True)
            if exact < page:
                add(sound_query(text, prefix_last=prefix_last, keys=keys), always=True)
        if not by_sound and count == 2 and prefix_last:
            # Always, not only when the last word's completions are too many to list: sound-key
            # pairs are stored for a name's first MAX_PAIR_WORDS words only, so the family name of
            # a long name (a «عبدالرحمن … الزنتاني الشريف» of nine words) is found by its spelling.
            add(spelled_query(text, prefix_last=prefix_last, first_in_place=True, forms=held), always=True)
        if by_sound:
            return found
        if count == 2 and settled is not None and len(found) < limit and settled(found):
            # Every name sounding like the typed words in their order is in, and a page of them
            # ranks above anything the looser queries below can add. Two words only: a long
            # name's words past its stored sound pairs are found by the spelled first-name-in-
            # place query above, which runs for two words; with three or more only the
            # all-but-one query below finds them (found by review).
            return found
        if count == 2:
            add(pair_query(text, prefix_last=prefix_last, require_all=False))
        else:
            add(all_but_one_query(text, prefix_last=prefix_last, keys=keys))
        if not found:
            add(spelled_query(text, prefix_last=prefix_last, forms=held))
        if not found:
            if count >= 3:
                add(pair_query(text, prefix_last=prefix_last, require_all=False), ranked=True)
            else:
                add(word_query(text, prefix_last=prefix_last))
        return found

    def _plan(self, tokens: list[str], prefix_last: bool) -> tuple[list, list, bool]:
        """From the names' vocabulary: (the sound keys each typed word with a sound key stands
        for — its own and those of its loose sound; the unfinished last word's completions,
        or None when they are too many (then the prefix index; two words: the whole word),
        each typed word's spellings with and without «ال» — (the best-ranked, also the nearest
        of its sound) — and whether the unfinished
        last word's completions were too many to list)."""
        vocabulary = self._vocabulary.get(self._store)
        words = [t for t in tokens if phonetic_key(t)]
        keys: list = [vocabulary.sound_keys(t) for t in words]
        open_last = prefix_last
        if prefix_last and len(words) >= 2 and len(words[-1]) >= 2:
            completions = vocabulary.completions(words[-1])
            open_last = completions is None
            if completions is not None:
                keys[-1] = completions
            elif len(words) >= 3:
                keys[-1] = None
        # The unfinished last word too: as typed or by sound ranks above its completions.
        spellings = []
        for token in tokens:
            best = vocabulary.best_spellings(token)
            forms = [tuple(dict.fromkeys(f for w in words for f in article_forms(w)))
                     for words in (best[:1], best)]
            spellings.append(tuple(forms))
        return keys, spellings, open_last

    def _corrected(self, text: str, *, prefix_last: bool) -> list[str]:
        """The typed text with a word replaced by an existing word that sounds alike by the
        loose key (ذ/ز, امحيمد/محمد: `NameVocabulary.sounding_alike`) or — a word that exists
        in no name (as spelled, without «ال» or by sound) — by the nearest existing words:
        what to look for besides."""
        tokens = name_tokens(text)
        vocabulary = self._vocabulary.get(self._store)
        out = []
        for i, token in enumerate(tokens):
            unfinished = prefix_last and i == len(tokens) - 1
            words = vocabulary.sounding_alike(token) if not unfinished or len(token) >= 4 else []
            if not vocabulary.knows(token, unfinished):
                words += close_words(token, vocabulary.words)
            for word in dict.fromkeys(words):
                out.append(" ".join(tokens[:i] + [word] + tokens[i + 1:]))
        return out

    def ranked_names(self, text: str, limit: int = 20, *, prefix_last: bool = True,
                     dependants: bool = True) -> list[tuple[Ranked, Candidate]]:
        """Holders (and dependants) by `domain.name_match.rank`, best first; equal scores
        newest first. The typed text's candidates first; then — one or two words typed and
        fewer than `limit` of them sound like every typed word, or three or more and none
        does — also those of the text with a word replaced by one that sounds alike by the
        loose key or by the nearest spelling (`_corrected`), found by sound."""
        tokens = name_tokens(text)
        if not tokens:
            return []
        tables = ("holder", "dependant") if dependants else ("holder",)
        keys, spellings, open_last = self._plan(tokens, prefix_last)
        candidates: dict[tuple, Candidate] = {}
        memo: dict[str, Ranked] = {}
        ranker = TypedName(tokens, prefix_last=prefix_last)
        bound = _looser_bound(tokens, prefix_last)

        def settled(found: dict[tuple, Candidate]) -> bool:
            return sum(r.score > bound for r in _rank_all(tokens, found, prefix_last, memo, ranker).values()) >= limit

        with self._cursor() as cursor:
            known: dict[tuple, Candidate] = {}
            plan = self._ends_plan(tokens, prefix_last) or self._heads_plan(tokens, prefix_last)
            if plan is not None:
                people = self._shortcut_rows(cursor, plan[0], dependants)
                if people is not None:
                    # Every name whose first and last words (three or more typed: first two and last)
                    # sound like the typed ones: when a page of them ranks above what any other name
                    # can reach, that page is the answer. (Up to ENDS_ROWS names: ranked from the
                    # rows as read, a candidate made only for the page.)
                    ranked = []
                    for person, norm in people.items():
                        r = memo.get(norm)
                        if r is None:
                            r = memo[norm] = ranker.rank(norm.split())
                        ranked.append((r.score, person, r))
                    above = [(*_order(score, person < 0, abs(person)), person, r)
                             for score, person, r in ranked if score > plan[1]]
                    if len(above) < limit <= len(ranked) and len(plan) > 2:
                        # Not a page above the bound at a glance: the tighter bound (dearer), when
                        # the range holds a page at all.
                        bound = plan[2]()
                        above = [(*_order(score, person < 0, abs(person)), person, r)
                                 for score, person, r in ranked if score > bound]
                    if len(above) >= limit:  # (the order's three items are unique: never compares further)
                        page = heapq.nsmallest(limit, above)
                        return self._filled(cursor, [(r, _person(person, people[person])) for *_, person, r in page])
                    known = {c.key: c for c in (_person(p, norm) for p, norm in people.items())}
            for table in tables:
                for k, c in self._name_candidates(cursor, table, text, prefix_last=prefix_last,
                                                  keys=keys, spellings=spellings, open_last=open_last,
                                                  page=limit, settled=settled, known=known).items():
                    candidates.setdefault(k, c)
            scored = _rank_all(tokens, candidates, prefix_last, memo, ranker)
            alike = sum(r.alike == len(tokens) for r in scored.values())
            # Two words or one: look further until a page sounds like what was typed. Three or
            # more: the all-but-one queries already found the names with one word spelled
            # otherwise (ranked by the loose sound), so only when no name sounds like every word.
            if alike < (limit if len(tokens) < 3 else 1):
                for typed in self._corrected(text, prefix_last=prefix_last):
                    for table in tables:
                        more = self._name_candidates(cursor, table, typed, prefix_last=prefix_last,
                                                     by_sound=True, known=known)
                        fresh = {k: c for k, c in more.items() if k not in candidates}
                        candidates.update(fresh)
                        scored.update(_rank_all(tokens, fresh, prefix_last, memo, ranker))
            ranked = [(r, candidates[k]) for k, r in scored.items() if r.matched]
            return self._filled(cursor, sorted(ranked, key=_best_first)[:limit])

    def _ends_plan(self, tokens: list[str], prefix_last: bool) -> tuple[list[tuple[str, tuple]], float] | None:
        """Two words typed (first and family name): the `name_ends` keys of the names whose first
        word matches the first typed word and whose last word the second from same sound up
        (`word_tier`), and the highest score any other name can reach — None when the words stand
        for more than MAX_ENDS_KEYS pairs of keys. Any other name has its first or its last word
        below same sound for its typed word: that word at best merely similar in its place, or
        matched elsewhere (OUT_OF_PLACE less) — the other at its best tier, plus the fraction (< 1)."""
        if len(tokens) != 2 or not all(phonetic_key(t) for t in tokens):
            return None
        vocabulary = self._vocabulary  # read for this search by `_plan`
        first, last = vocabulary.ends_keys(tokens[0]), vocabulary.ends_keys(tokens[1], unfinished=prefix_last)
        if not first or not last or len(first) * len(last) > MAX_ENDS_KEYS:
            return None
        a, b = vocabulary.best_tier(tokens[0]), vocabulary.best_tier(tokens[1])
        last_in_place = PREFIX if prefix_last else PARTIAL
        outside = max(max(PARTIAL, a - OUT_OF_PLACE) + b, a + max(last_in_place, b - OUT_OF_PLACE)) + 1.0
        ends = [f"{x}{PAIR_JOIN}{y}" for x in sorted(first) for y in sorted(last)]
        return [(f"name_ends WHERE ends IN ({','.join('?' * len(ends))})", tuple(ends))], outside

    def _heads_plan(self, tokens: list[str], prefix_last: bool) -> tuple | None:
        """Three or more words typed (first name, father's name, …, family name): the `name_heads`
        reads of the names whose first two words match the first two typed from same sound up and
        whose last word the last typed (from same sound up; unfinished, also a word it starts, as
        `word_tier`'s prefix: as typed, or without or with «ال»), and the highest score any other
        name can reach — None when the first two stand for more than MAX_ENDS_KEYS pairs of keys or
        the last for more than MAX_HEADS_WORDS words. Any other name has its first, its second or
        its last word below that for its typed word: that word at best merely similar in its place
        or matched elsewhere (OUT_OF_PLACE less), every other typed word at its best, plus the
        fraction (< 1)."""
        if len(tokens) < 3 or not all(phonetic_key(t) for t in (tokens[0], tokens[1], tokens[-1])):
            return None
        vocabulary = self._vocabulary  # read for this search by `_plan`
        first, second = vocabulary.ends_keys(tokens[0]), vocabulary.ends_keys(tokens[1])
        if not first or not second or len(first) * len(second) > MAX_ENDS_KEYS:
            return None
        last = tokens[-1]
        unfinished = prefix_last and len(last) >= 2
        if prefix_last and not unfinished:  # one letter: the start of too many words
            return None
        words = vocabulary.sound_words(last)
        if words is None:
            return None
        heads = [f"{x}{PAIR_JOIN}{y}" for x in sorted(first) for y in sorted(second)]
        where = f"name_heads WHERE heads IN ({','.join('?' * len(heads))})"
        selects = [(f"{where} AND last IN ({','.join('?' * len(words))})", (*heads, *words))] if words else []
        if unfinished:
            stem = bare(last)
            selects += [(f"{where} AND last >= ? AND last < ?", (*heads, start, start + "\U0010ffff"))
                        for start in dict.fromkeys((last, stem, ARTICLE + stem))]
        if not selects:
            return None
        best = [vocabulary.best_tier(t) for t in tokens[:-1]] + [vocabulary.best_tier(last, unfinished)]

        def bound(similar) -> float:
            def failing(i: int) -> float:  # what typed word i can add when its word is not in the range
                elsewhere = best[i] - OUT_OF_PLACE
                return elsewhere if elsewhere >= PARTIAL else max(elsewhere, similar(i))

            return sum(best) - min(best[i] - failing(i) for i in (0, 1, len(tokens) - 1)) + 1.0

        # At a glance a failing word merely similar counts PARTIAL; the tighter bound (third item,
        # asked only when needed: ~0.3 ms a word) its best merely similar spelling in the vocabulary.
        return selects, bound(lambda i: PARTIAL), lambda: bound(
            lambda i: vocabulary.partial_ceiling(tokens[i], unfinished and i == len(tokens) - 1))

    def search_name(self, text: str, limit: int = 20, *, prefix_last: bool = True,
                    dependants: bool = True) -> list[SearchHit]:
        """Fuzzy Arabic name search over holders and dependants, best first (score:
        `domain.name_match.rank`, uncapped: exact > without «ال» > same sound > partial).
        A dependant's hit carries the holder's record and the dependant's id."""
        ranked = self.ranked_names(text, limit, prefix_last=prefix_last, dependants=dependants)
        records = self.get_many(list(dict.fromkeys(c.record_id for _, c in ranked)))
        return [SearchHit(c.record_id, "name" if c.table == "holder" else "dependant_name", r.score,
                          records[c.record_id], c.dependant_id)
                for r, c in ranked if c.record_id in records]

    def search(self, text: str, limit: int = 20, *, national_id_scheme: str | None = None) -> list[SearchHit]:
        """The search box: detects national number / card number / phone / name."""
        text = text.strip()
        if not text:
            return []
        compact = separators_removed(text)
        if any(ch.isalpha() for ch in compact) and not _looks_like_card(compact):
            return self.search_name(text, limit)
        hits: list[SearchHit] = []
        if compact.isdigit() and len(compact) == get_scheme(national_id_scheme).length:
            hits += self.by_national_number(compact)
        hits += self.by_card_number(text)
        if compact.isdigit() or compact.startswith("+"):
            hits += self.by_phone(text)
        seen: set[tuple[str, str]] = set()
        unique = [h for h in hits if not ((h.record_id, h.dependant_id) in seen
                                           or seen.add((h.record_id, h.dependant_id)))]
        return unique[:limit]

    def batch_duplicates(self, records: list[Beneficiary], *, national_id_scheme: str | None = None,
                         threshold: float = DEFAULT_THRESHOLD,
                         keyed: Sequence[tuple | None] | None = None,
                         filed_keys: FiledKeys | None = None,
                         held: HeldRecords | None = None, only_accepted: int = 0) -> DuplicateCandidates:
        """`possible_duplicates` for a batch of new records at once (`storage.duplicate_candidates`;
        `keyed`: per record, its `record_keys` made beforehand — an import's helper — or None;
        `filed_keys`: an import's bitmap of the keys filed, `FiledKeys`; `held`: an import's own
        saved records held in memory, `HeldRecords`; `only_accepted`: the first that many records
        are never answered, only accepted — an import's batch before, not saved yet)."""
        return DuplicateCandidates(self, records, national_id_scheme=national_id_scheme, threshold=threshold,
                                   keyed=keyed, filed_keys=filed_keys, held=held, only_accepted=only_accepted)

    def possible_duplicates(self, beneficiary: Beneficiary, limit: int = 10, *,
                            threshold: float = DEFAULT_THRESHOLD,
                            national_id_scheme: str | None = None) -> list[DuplicateMatch]:
        """Records that may hold the same person, scored by `domain.duplicates`; candidates by
        national number and by the duplicate check's blocking keys (`domain.duplicate_keys`,
        `storage.duplicate_candidates`: the import's batch check is the same code)."""
        return DuplicateCandidates(self, [beneficiary], national_id_scheme=national_id_scheme,
                                   threshold=threshold, limit=limit).matches(0)


def _rank_all(tokens: list[str], candidates: dict[tuple, Candidate], prefix_last: bool,
              memo: dict[str, Ranked] | None = None, typed: TypedName | None = None) -> dict[tuple, Ranked]:
    """`rank_tokens` of every candidate; names spelled alike (siblings, common names) ranked once
    (`memo`: name -> its rank, and `typed`, kept over one search)."""
    memo = {} if memo is None else memo
    typed = typed or TypedName(tokens, prefix_last=prefix_last)
    out = {}
    for k, c in candidates.items():
        r = memo.get(c.name_norm)
        if r is None:
            r = memo[c.name_norm] = typed.rank(c.name_norm.split())
        out[k] = r
    return out


def _person(person: int, name_norm: str) -> Candidate:
    """The candidate of a `name_ends` / `name_heads` row: `person` a holder's row id, or minus a
    dependant's (record ids not read: `_filled`)."""
    return (Candidate("holder", person, "", "", name_norm) if person > 0
            else Candidate("dependant", -person, "", "", name_norm))


def _order(score: float, dependant: bool, row_id: int) -> tuple:
    """Best score first; on equal scores holders before dependants, then the newest."""
    return -score, dependant, -row_id


def _best_first(ranked: tuple[Ranked, Candidate]) -> tuple:
    return _order(ranked[0].score, ranked[1].table != "holder", ranked[1].row_id)


def _looser_bound(tokens: list[str], prefix_last: bool) -> float:
    """The highest score a name can reach for the typed words when it is not among those
    matching every typed word by sound in the typed order (`pair_query(require_all=True)`):
    one word at best merely similar in spelling — an unfinished last word of two letters or
    more is looked for anywhere in the name as its start, so a name without it holds nothing
    better; one shorter may still be the start of a word (`name_match.PREFIX`) — every other
    word exact, and the fraction below one tier step (< 1). (The typed order broken puts two
    words out of their place: less.)"""
    worst = PREFIX if prefix_last and len(tokens[-1]) < 2 else PARTIAL
    return (len(tokens) - 1) * EXACT + worst + 1.0


def _looks_like_card(compact: str) -> bool:
    """Card numbers mix an ASCII office prefix and digits (e.g. SEB000123): no Arabic letters."""
    return compact.isascii() and any(ch.isdigit() for ch in compact)
