"""The duplicate check's candidates, for one form or a whole import batch: ONE rule, one code
path (`DuplicateCandidates`; the form's `possible_duplicates` is a batch of one).

A stored record is a candidate of a new holder when it holds (as holder or as dependant) a
national number of the form (the holder's or a dependant's), or a person sharing one of the
holder's blocking keys (`domain.duplicate_keys`, indexed in `duplicate_keys`, migration 0008).
Candidates are scored by `domain.duplicates.find_duplicates`, in the order newest record first —
so equal scores are answered newest first (the sort of `find_duplicates` keeps that order).
Earlier records of the same batch, accepted (`accept`) but not in the store yet, are candidates
by the same keys and numbers, newer than every stored one.

At most MAX_CANDIDATES records are scored for one form: a very common name on a very common
date (1 January of a year, the date given for people whose day is unknown) could otherwise
bring thousands. Past the bound the candidates sharing more of the form's keys are kept — a
national number counts for NUMBER_WEIGHT keys, so a record holding one of the form's numbers is
always kept; a possible duplicate shares several keys (the same date meets on each part's sound
and on the close dates' pairs), a stranger with the same first name and date one — then the
newest. The form and an import's batch apply the bound to the same ranking (a batch's earlier
records rank as the newest, as they are once saved), so they answer alike
(tests/core/test_batch_duplicates.py).

Reads, whatever the batch's size: the numbers' and the keys' candidates in indexed reads of
up to 500 values each (the keys' index, then each person's row by its primary key), the
candidates' records in one read of their current revisions.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from fundclient.domain.digits import separators_removed
from fundclient.domain.duplicate_keys import person_keys
from fundclient.domain.duplicates import DEFAULT_THRESHOLD, DuplicateMatch, find_duplicates
from fundclient.domain.records import Beneficiary

CHUNK = 500
MAX_CANDIDATES = 500  # records scored for one form (see the module's doc; ~20 ms of scoring at 1 M)
NUMBER_WEIGHT = 1000  # a shared national number ranks before any count of shared keys

# Both tables of keys: a save's are filed in the small one first (migration 0012, storage.key_filing).
_KEYS = ("SELECT key, person FROM duplicate_keys WHERE key IN ({marks})"
         " UNION ALL SELECT key, person FROM duplicate_keys_new WHERE key IN ({marks})")
_HOLDERS = "SELECT id, id, record_id FROM beneficiaries WHERE id IN ({marks})"
_DEPENDANTS = ("SELECT -d.id, b.id, b.record_id FROM dependants d JOIN beneficiaries b ON b.record_id = d.record_id"
               " WHERE d.id IN ({marks})")
_BY_NUMBER = ("SELECT b.national_number, b.id, b.record_id FROM beneficiaries b WHERE b.national_number IN ({marks})"
              " UNION ALL SELECT d.national_number, b.id, b.record_id FROM dependants d"
              " JOIN beneficiaries b ON b.record_id = d.record_id WHERE d.national_number IN ({marks})")


def form_numbers(b: Beneficiary) -> list[str]:
    """The national numbers on a form (holder's and dependants'), separators removed."""
    raw = [b.national_number, *(d.national_number for d in b.dependants)]
    return list(dict.fromkeys(separators_removed(n) for n in raw if n and n.strip()))


def record_keys(b: Beneficiary) -> tuple[list[str], list[str], list[str]]:
    """What the check reads of a new record: (its form's national numbers, the holder's lookup
    keys, the keys its people are filed under once saved)."""
    return (form_numbers(b), person_keys(b)[1],
            list(dict.fromkeys(k for person in (b, *b.dependants) for k in person_keys(person)[0])))


class DuplicateCandidates:
    """`possible_duplicates` of every record of a batch (see the module's doc). `matches(i)`
    answers record i; `accept(i)` makes it a candidate of the later records."""

    def __init__(self, repository, records: Sequence[Beneficiary], *, national_id_scheme: str | None = None,
                 threshold: float = DEFAULT_THRESHOLD, limit: int = 10,
                 keyed: Sequence[tuple | None] | None = None) -> None:
        """`keyed`: per record, `record_keys(record)` made beforehand (an import's helper
        process) or None."""
        self.records = list(records)
        self.scheme = national_id_scheme
        self.threshold = threshold
        self.limit = limit
        self._keyed = [k or record_keys(b) for b, k in zip(self.records, keyed)] if keyed is not None \
            else [record_keys(b) for b in self.records]
        self._numbers = [k[0] for k in self._keyed]
        self._keys = [k[1] for k in self._keyed]
        by_key = _found_by_key(repository, {k for keys in self._keys for k in keys})
        by_number = _found(repository, _BY_NUMBER, {n for numbers in self._numbers for n in numbers})
        self._found: list[dict[str, int]] = []  # per record: candidate record id -> its row id
        self._shared: list[dict[str, int]] = []  # per record: candidate record id -> keys shared (`_weight`)
        wanted: set[str] = set()
        for keys, numbers in zip(self._keys, self._numbers):
            found: dict[str, int] = {}
            shared: dict[str, int] = {}
            for source, values, weight in ((by_number, numbers, NUMBER_WEIGHT), (by_key, keys, 1)):
                for value in values:
                    for rid, row_id in source.get(value, {}).items():
                        found[rid] = row_id
                        shared[rid] = shared.get(rid, 0) + weight
            if len(found) > MAX_CANDIDATES:
                kept = sorted(found, key=lambda rid: (-shared[rid], -found[rid]))[:MAX_CANDIDATES]
                found = {rid: found[rid] for rid in kept}
            self._found.append(found)
            self._shared.append(shared)
            wanted.update(found)
        self._stored = repository.get_many(sorted(wanted)) if wanted else {}
        self._profiles: dict = {}  # find_duplicates' memo of the profiles of the records held here
        self._earlier: dict[str, list[int]] = {}  # key or number -> accepted records of the batch
        self._accepted: dict[int, Beneficiary] = {}

    def matches(self, i: int) -> list[DuplicateMatch]:
        """The possible duplicates of record `i`, best first; equal scores newest first."""
        record = self.records[i]
        shared_earlier: dict[int, int] = {}
        for values, weight in ((self._numbers[i], NUMBER_WEIGHT), (self._keys[i], 1)):
            for value in values:
                for j in self._earlier.get(value, ()):
                    shared_earlier[j] = shared_earlier.get(j, 0) + weight
        found, shared = self._found[i], self._shared[i]
        # newest first: the batch's earlier records, then the stored ones by row id
        ranked = [(shared_earlier[j], self._accepted[j]) for j in sorted(shared_earlier, reverse=True)]
        ranked += [(shared[rid], self._stored[rid]) for rid in sorted(found, key=found.__getitem__, reverse=True)
                   if rid in self._stored]
        if len(ranked) > MAX_CANDIDATES:  # the bound, on the same ranking as the stored ones' (see the doc)
            kept = set(sorted(range(len(ranked)), key=lambda n: (-ranked[n][0], n))[:MAX_CANDIDATES])
            ranked = [pair for n, pair in enumerate(ranked) if n in kept]
        return find_duplicates(record, [candidate for _, candidate in ranked], scheme=self.scheme,
                               threshold=self.threshold, profiles=self._profiles)[:self.limit]

    def accept(self, i: int) -> None:
        """Record `i` is saved with this batch: a candidate of the later records (by what the
        store will file it under: its people's keys and numbers)."""
        self._accepted[i] = self.records[i]
        numbers, _, filed = self._keyed[i]
        for value in {*numbers, *filed}:
            self._earlier.setdefault(value, []).append(i)


def _chunks(values: list) -> Iterator[tuple[list, str]]:
    """`values` in slices of CHUNK, each with its SQL placeholders ("?,?,…")."""
    for start in range(0, len(values), CHUNK):
        chunk = values[start:start + CHUNK]
        yield chunk, ",".join("?" * len(chunk))


def _found(repository, sql: str, values: set[str]) -> dict[str, dict[str, int]]:
    """number -> {record id: its row id} of the records that hold it (as holder or dependant)."""
    out: dict[str, dict[str, int]] = {}
    if not values:
        return out
    ordered = sorted(values)
    with repository._store.read() as conn:
        cursor = conn.connection.driver_connection.cursor()
        for chunk, marks in _chunks(ordered):
            for value, row_id, record_id in cursor.execute(sql.format(marks=marks), chunk + chunk):
                out.setdefault(value, {})[record_id] = row_id
    return out


def _found_by_key(repository, keys: set[str]) -> dict[str, dict[str, int]]:
    """key -> {record id: its row id} of the records holding a person filed under it: the
    keys' index once, then each person's record by primary key."""
    out: dict[str, dict[str, int]] = {}
    if not keys:
        return out
    ordered = sorted(keys)
    with repository._store.read() as conn:
        cursor = conn.connection.driver_connection.cursor()
        filed: list[tuple[str, int]] = []
        for chunk, marks in _chunks(ordered):
            filed += cursor.execute(_KEYS.format(marks=marks), chunk + chunk).fetchall()
        people: dict[int, tuple[int, str]] = {}  # person -> (holder's row id, record id)
        for sql, ids in ((_HOLDERS, sorted({p for _, p in filed if p > 0})),
                         (_DEPENDANTS, sorted({-p for _, p in filed if p < 0}))):
            for chunk, marks in _chunks(ids):
                for person, row_id, record_id in cursor.execute(sql.format(marks=marks), chunk):
                    people[person] = (row_id, record_id)
    for key, person in filed:
        found = people.get(person)
        if found is not None:
            out.setdefault(key, {})[found[1]] = found[0]
    return out
