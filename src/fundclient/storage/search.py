"""Searches over beneficiaries: exact keys (national number, card number, phone) by index,
names by FTS5 over normalised names and sound keys, re-scored in Python.

`search(text)` decides what the clerk typed: Arabic/Latin letters -> name; digits ->
national number (the scheme's length), mobile number, or card number; several at once
when ambiguous, results merged.
"""

from __future__ import annotations

from dataclasses import dataclass

from fundclient.domain.digits import normalise_digits
from fundclient.domain.national_id import get_scheme
from fundclient.domain.phone import normalise_mobile
from fundclient.domain.records import Beneficiary
from fundclient.storage.records_json import load as _load
from fundclient.domain.duplicates import DEFAULT_THRESHOLD, DuplicateMatch, find_duplicates
from fundclient.storage.scoring import query_similarity
from fundclient.domain.arabic import name_tokens
from fundclient.storage.search_keys import pair_query, word_query

# FTS candidates ranked by bm25 before the Python re-score; enough for a spelling variant of
# a common name to be among them, small enough for < 50 ms at a million records.
CANDIDATES = 60
DUPLICATE_CANDIDATES = 30


@dataclass(frozen=True)
class SearchHit:
    record_id: str
    matched_by: str  # national_number, dependant_national_number, card_number, phone, name
    score: float
    beneficiary: Beneficiary


def _separators_removed(text: str) -> str:
    return "".join(ch for ch in normalise_digits(text) if ch not in " -_/.\u00a0\t")


class SearchMixin:
    """Mixed into BeneficiaryRepository (needs self._store, self.get_many)."""

    def _record_ids(self, sql: str, params: tuple) -> list[str]:
        with self._store.read() as conn:
            return [row[0] for row in conn.exec_driver_sql(sql, params).fetchall()]

    def _hits(self, record_ids: list[str], matched_by: str, score: float = 1.0) -> list[SearchHit]:
        records = self.get_many(record_ids)
        return [SearchHit(rid, matched_by, score, records[rid]) for rid in record_ids if rid in records]

    def _exact(self, column: str, value: str, with_dependants: bool) -> list[SearchHit]:
        """Holder matches then dependant matches of one indexed column, in one read:
        (record_id, matched_by, JSON of the current revision)."""
        sql = ("SELECT b.record_id, ?, r.data FROM beneficiaries b JOIN revisions r ON r.record_id = b.record_id"
               f" AND r.revision = b.revision WHERE b.{column} = ?")
        params: tuple = (column, value)
        if with_dependants:
            sql += (" UNION ALL SELECT b.record_id, ?, r.data FROM beneficiaries b JOIN revisions r"
                    " ON r.record_id = b.record_id AND r.revision = b.revision WHERE b.record_id IN"
                    f" (SELECT record_id FROM dependants WHERE {column} = ? AND {column} != '')")
            params += (f"dependant_{column}", value)
        with self._store.read() as conn:
            rows = conn.exec_driver_sql(sql, params).fetchall()
        seen: set[str] = set()
        return [SearchHit(rid, how, 1.0 if how == column else 0.9, _load(data)) for rid, how, data in rows
                if not (rid in seen or seen.add(rid))]

    def by_national_number(self, number: str, *, include_dependants: bool = True) -> list[SearchHit]:
        return self._exact("national_number", _separators_removed(number), include_dependants)

    def by_card_number(self, card_number: str) -> list[SearchHit]:
        return self._exact("card_number", card_number.strip().upper(), True)

    def by_phone(self, phone: str) -> list[SearchHit]:
        e164 = normalise_mobile(phone)
        if e164 is None:
            return []
        ids = self._record_ids("SELECT record_id FROM beneficiaries WHERE mobile IN (?, ?) LIMIT 50",
                               (e164, _separators_removed(phone)))
        return self._hits(ids, "phone")

    def _fts_rows(self, query: str, limit: int, *, ranked: bool) -> list[tuple[str, str]]:
        """(record_id, name_norm) of FTS matches. Ranked: bm25 over short pair lists.
        Unranked (one common word): newest first, never a rank over 100,000 matches."""
        order = "rank" if ranked else "rowid DESC"
        with self._store.read() as conn:
            return [tuple(r) for r in conn.exec_driver_sql(
                "SELECT record_id, name_norm FROM beneficiaries WHERE id IN (SELECT rowid FROM names_fts"
                f" WHERE names_fts MATCH ? ORDER BY {order} LIMIT ?)", (query, limit)).fetchall()]

    def _name_candidates(self, text: str, *, prefix_last: bool) -> dict[str, str]:
        """record_id -> name_norm: all typed words by pairs in order; if that finds nothing
        (a word misspelled beyond its sound key, words swapped), any pair in any order;
        one word alone: by the word (newest first)."""
        found: dict[str, str] = {}
        if len(name_tokens(text)) >= 2:
            for require_all in (True, False):
                query = pair_query(text, prefix_last=prefix_last, require_all=require_all)
                if query:
                    found.update(self._fts_rows(query, CANDIDATES, ranked=True))
                if found:
                    break
        if not found:
            query = word_query(text, prefix_last=prefix_last)
            if query:
                found.update(self._fts_rows(query, CANDIDATES, ranked=False))
        return found

    def search_name(self, text: str, limit: int = 20, *, prefix_last: bool = True) -> list[SearchHit]:
        """Fuzzy Arabic name search, best first (score 0..1 from `scoring.query_similarity`)."""
        scored = sorted(((query_similarity(text, norm), rid) for rid, norm in
                         self._name_candidates(text, prefix_last=prefix_last).items()), reverse=True)[:limit]
        records = self.get_many([rid for _, rid in scored])
        return [SearchHit(rid, "name", score, records[rid]) for score, rid in scored if rid in records]

    def search(self, text: str, limit: int = 20, *, national_id_scheme: str | None = None) -> list[SearchHit]:
        """The search box: detects national number / card number / phone / name."""
        text = text.strip()
        if not text:
            return []
        compact = _separators_removed(text)
        if any(ch.isalpha() for ch in compact) and not _looks_like_card(compact):
            return self.search_name(text, limit)
        hits: list[SearchHit] = []
        if compact.isdigit() and len(compact) == get_scheme(national_id_scheme).length:
            hits += self.by_national_number(compact)
        hits += self.by_card_number(text)
        if compact.isdigit() or compact.startswith("+"):
            hits += self.by_phone(text)
        seen: set[str] = set()
        unique = [h for h in hits if not (h.record_id in seen or seen.add(h.record_id))]
        return unique[:limit]

    def possible_duplicates(self, beneficiary: Beneficiary, limit: int = 10, *,
                            threshold: float = DEFAULT_THRESHOLD,
                            national_id_scheme: str | None = None) -> list[DuplicateMatch]:
        """Records that may be the same person, scored by `domain.duplicates`: candidates are
        the same national number plus the records sharing the most name pairs (any two words
        in either order, so one part spelled differently does not hide a duplicate)."""
        candidates: dict[str, Beneficiary] = {}
        if beneficiary.national_number:
            for hit in self.by_national_number(beneficiary.national_number, include_dependants=False):
                candidates[hit.record_id] = hit.beneficiary
        query = pair_query(beneficiary.name.full(), prefix_last=False, require_all=False)
        if query:
            ids = [rid for rid, _ in self._fts_rows(query, DUPLICATE_CANDIDATES, ranked=True) if rid not in candidates]
            candidates.update(self.get_many(ids))
        matches = find_duplicates(beneficiary, candidates.values(), scheme=national_id_scheme,
                                  threshold=threshold)
        return matches[:limit]


def _looks_like_card(compact: str) -> bool:
    """Card numbers mix an ASCII office prefix and digits (e.g. SEB000123): no Arabic letters."""
    return compact.isascii() and any(ch.isdigit() for ch in compact)
