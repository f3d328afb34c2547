"""The duplicate check's candidates, for one form or a whole import batch: ONE rule, one code
path (`DuplicateCandidates`; the form's `possible_duplicates` is a batch of one).

A stored record is a candidate of a new holder when it holds (as holder or as dependant) a
national number of the form (the holder's or a dependant's), or a person whose filed keys
(`duplicate_keys`, migration 0013) among the holder's lookup keys weigh MATCH_WEIGHT or more
together (`domain.duplicate_keys.candidates`: the weights summed per person, in Python, from
the (key, person) pairs the keys' table answers — before any person's row is read).
Candidates are scored by `domain.duplicates.find_duplicates`, in the order newest record first —
so equal scores are answered newest first (the sort of `find_duplicates` keeps that order).
Earlier records of the same batch, accepted (`accept`) but not in the store yet, are candidates
by the same keys, weights and numbers, newer than every stored one.

At most MAX_CANDIDATES records are scored for one form: a very common name on a very common
date (1 January of a year, the date given for people whose day is unknown) could otherwise
bring thousands. Past the bound the candidates weighing more are kept — a record's weight is
NUMBER_WEIGHT for each of the form's national numbers it holds plus the largest summed key
weight of its people, so a record holding one of the form's numbers is always kept; a person
meeting the form on its date by two parts' sounds weighs more than a stranger sharing only the
first name — then the newest. The form and an import's batch apply the bound to the same
ranking (a batch's earlier records rank as the newest, as they are once saved), so they answer
alike (tests/core/test_batch_duplicates.py).

Reads, whatever the batch's size: the numbers' and the keys' candidates in indexed reads of
up to 500 values each (the keys' tables are clustered by key: a key's people are one range),
then the kept people's rows by primary key, the candidates' records in one read of their
current revisions.
"""

from __future__ import annotations

from array import array
from collections.abc import Iterable, Iterator, Sequence
from itertools import chain

from fundclient.domain.digits import separators_removed
from fundclient.domain.duplicate_keys import MATCH_WEIGHT, candidates, person_keys, person_stored_keys
from fundclient.domain.duplicates import DEFAULT_THRESHOLD, DuplicateMatch, find_duplicates
from fundclient.domain.records import Beneficiary

CHUNK = 500
MAX_CANDIDATES = 500  # records scored for one form (see the module's doc; ~20 ms of scoring at 1 M)
NUMBER_WEIGHT = 1000  # a shared national number ranks before any weight of shared keys

# Both tables of keys: a save's are filed in the small one first (migrations 0012, 0013, storage.key_filing).
_KEYS = ("SELECT key, person FROM duplicate_keys WHERE key IN ({marks})"
         " UNION ALL SELECT key, person FROM duplicate_keys_new WHERE key IN ({marks})")
_BIG_KEYS = "SELECT key, person FROM duplicate_keys WHERE key IN ({marks})"
_ANY_NEW_KEY = "SELECT 1 FROM duplicate_keys_new LIMIT 1"
# (each with the record's current revision: a record an import holds is taken from memory only
# when the store's current revision is the one held, `HeldRecords`)
_HOLDERS = "SELECT id, id, record_id, revision FROM beneficiaries WHERE id IN ({marks})"
_DEPENDANTS = ("SELECT -d.id, b.id, b.record_id, b.revision FROM dependants d"
               " JOIN beneficiaries b ON b.record_id = d.record_id WHERE d.id IN ({marks})")
_BY_NUMBER = ("SELECT b.national_number, b.id, b.record_id, b.revision FROM beneficiaries b"
              " WHERE b.national_number IN ({marks})"
              " UNION ALL SELECT d.national_number, b.id, b.record_id, b.revision FROM dependants d"
              " JOIN beneficiaries b ON b.record_id = d.record_id WHERE d.national_number IN ({marks})")


def form_numbers(b: Beneficiary) -> list[str]:
    """The national numbers on a form (holder's and dependants'), separators removed."""
    raw = [b.national_number, *(d.national_number for d in b.dependants)]
    return list(dict.fromkeys(separators_removed(n) for n in raw if n and n.strip()))


def lookup_mapping(lookup) -> dict[int, int]:
    """A holder's lookup keys as key -> weight, whatever form they came in: a mapping already,
    `record_keys`' (key, weight) pairs, or packed (`duplicate_keys.packed_lookup_keys`: the
    keys as int64 in this machine's byte order and a byte a weight — an import's helper hands
    them over so)."""
    if type(lookup) is dict:
        return lookup
    if _packed(lookup):
        return dict(zip(array("q", lookup[0]), lookup[1]))
    return dict(lookup)


def _packed(lookup) -> bool:
    return type(lookup) is tuple and len(lookup) == 2 and type(lookup[0]) is bytes


def record_keys(b: Beneficiary) -> tuple[list[str], tuple[tuple[int, int], ...], tuple[tuple[int, ...], ...]]:
    """What the check reads of a new record: (its form's national numbers, the holder's lookup
    keys with their weights, the keys each of its people — holder, then dependants — is filed
    under once saved)."""
    stored, lookup = person_keys(b)
    # a dependant's lookup keys (~180) are never read: only the keys they are filed under
    return form_numbers(b), lookup, (stored, *(person_stored_keys(d) for d in b.dependants))


def _ranked(number_hits, key_hits) -> dict:
    """record -> its weight for the bound: NUMBER_WEIGHT per national number of the form it
    holds, plus its heaviest person's key weight. `number_hits`: records, once per number held;
    `key_hits`: (record, weight) per person kept."""
    out: dict = {}
    for record in number_hits:
        out[record] = out.get(record, 0) + NUMBER_WEIGHT
    heaviest: dict = {}
    for record, w in key_hits:
        heaviest[record] = max(heaviest.get(record, 0), w)
    for record, w in heaviest.items():
        out[record] = out.get(record, 0) + w
    return out


class DuplicateCandidates:
    """`possible_duplicates` of every record of a batch (see the module's doc). `matches(i)`
    answers record i; `accept(i)` makes it a candidate of the later records."""

    def __init__(self, repository, records: Sequence[Beneficiary], *, national_id_scheme: str | None = None,
                 threshold: float = DEFAULT_THRESHOLD, limit: int = 10,
                 keyed: Sequence[tuple | None] | None = None, filed_keys: "FiledKeys | None" = None,
                 held: "HeldRecords | None" = None, only_accepted: int = 0) -> None:
        """`keyed`: per record, `record_keys(record)` made beforehand (an import's helper
        process; its lookup keys in any form `lookup_mapping` reads) or None. `filed_keys`: an
        import's bitmap of the keys filed (`FiledKeys`): only the lookup keys it lets through
        are asked for — the same answers. `held`: an import's own saved records (`HeldRecords`):
        a candidate whose current revision in the store is the one held is taken from memory,
        with the profiles found for it before, instead of read and decoded — the same answers.
        `only_accepted`: the first that many records are only accepted (`accept`: candidates of
        the later ones — an import's batch before, not saved yet), never answered: nothing is
        read from the store for them."""
        self.records = list(records)
        self.scheme = national_id_scheme
        self.threshold = threshold
        self.limit = limit
        self._keyed = [k or record_keys(b) for b, k in zip(self.records, keyed)] if keyed is not None \
            else [record_keys(b) for b in self.records]
        self._numbers = [k[0] for k in self._keyed]
        weighed = filed_keys.weighed(repository, [k[1] for k in self._keyed], [k[2] for k in self._keyed]) \
            if filed_keys is not None else None
        # per record: the batch's people its lookup keys weigh MATCH_WEIGHT or more against, as
        # (record, person, weight) — made at once with a bitmap (`FiledKeys.weighed`), else weighed
        # in `matches` against the records accepted by then (`_earlier_keys`)
        self._earlier: list[list[tuple[int, int, int]]] | None = None
        self._lookup: list[dict[int, int]] | None = None
        if weighed is not None:
            self._earlier, kept = weighed
        else:
            self._lookup = [lookup_mapping(k[1]) for k in self._keyed]
            filed = _filed(repository, set().union(*self._lookup))
            kept = [candidates(lookup, filed) for lookup in self._lookup]
        revisions: dict[str, int] = {}  # candidate record id -> its current revision in the store (the snapshot)
        people = _people(repository, {p for weights in kept for p in weights}, revisions)
        by_number = _found(repository, _BY_NUMBER, {n for numbers in self._numbers[only_accepted:] for n in numbers},
                           revisions)
        # per record: candidate record id -> its row id, and -> its weight (`_ranked`); none for those
        # only accepted, and none read for a record no number or key names
        self._found: list[dict[str, int]] = [{} for _ in range(only_accepted)]
        self._shared: list[dict[str, int]] = self._found[:]
        wanted: set[str] = set()
        for numbers, weights in zip(self._numbers[only_accepted:], kept[only_accepted:]):
            if not weights and not any(number in by_number for number in numbers):
                self._found.append({})
                self._shared.append({})
                continue
            found: dict[str, int] = {}
            number_hits = []
            for number in numbers:
                for rid, row_id in by_number.get(number, {}).items():
                    found[rid] = row_id
                    number_hits.append(rid)
            key_hits = []
            for person, w in weights.items():
                if person in people:
                    row_id, rid = people[person]
                    found[rid] = row_id
                    key_hits.append((rid, w))
            shared = _ranked(number_hits, key_hits)
            if len(found) > MAX_CANDIDATES:
                best = sorted(found, key=lambda rid: (-shared[rid], -found[rid]))[:MAX_CANDIDATES]
                found = {rid: found[rid] for rid in best}
            self._found.append(found)
            self._shared.append(shared)
            wanted.update(found)
        self._held = held
        # the candidates the import holds as the store holds them now; the others read (read, compared
        # and dropped with the batch: made without `__init__`, a third cheaper)
        self._stored = held.current(wanted, revisions) if held is not None else {}
        # find_duplicates' memo of the profiles of the records held here (by object identity: every
        # object it names is alive while this check is), with those found before for the held ones
        self._profiles: dict = held.profiles_of(self._stored.values()) if held is not None else {}
        unread = sorted(wanted.difference(self._stored))
        if unread:
            self._stored.update(repository.get_many(unread, transient=True))
        self._earlier_numbers: dict[str, list[int]] = {}  # number -> accepted records of the batch
        self._earlier_keys: dict[int, list[tuple[int, int]]] = {}  # key -> (accepted record, its person)
        self._accepted: dict[int, Beneficiary] = {}

    def matches(self, i: int) -> list[DuplicateMatch]:
        """The possible duplicates of record `i`, best first; equal scores newest first."""
        record = self.records[i]
        number_hits = [j for number in self._numbers[i] for j in self._earlier_numbers.get(number, ())]
        if self._earlier is not None:
            accepted = self._accepted
            key_hits = [(j, w) for j, _, w in self._earlier[i] if j in accepted]
        else:
            key_hits = [(j, w) for (j, _), w in candidates(self._lookup[i], self._earlier_keys).items()]
        shared_earlier = _ranked(number_hits, key_hits)
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

    def keep_profiles(self) -> None:
        """Once every record of the batch is answered: the profiles found for the import's held
        records kept for the later batches (`HeldRecords.kept`)."""
        if self._held is not None:
            self._held.kept(self._profiles)

    def accept(self, i: int) -> None:
        """Record `i` is saved with this batch: a candidate of the later records (by what the
        store will file it under: its people's keys and its numbers)."""
        self._accepted[i] = self.records[i]
        numbers, _, filed = self._keyed[i]
        for number in numbers:
            self._earlier_numbers.setdefault(number, []).append(i)
        if self._earlier is not None:  # weighed beforehand
            return
        for person, keys in enumerate(filed):
            for key in set(keys):
                self._earlier_keys.setdefault(key, []).append((i, person))


# An import's own saved records held in memory for its later batches' checks (`HeldRecords`): at
# most this many, the oldest let go first (~3.2 KB a record with its profiles: ~0.32 GB at the bound, from the
# import's max RSS with and without holding at 100,000 rows — docs/performance.md, "Change (4f0a018)").
HELD_RECORDS = 100_000


class HeldRecords:
    """An import's own saved records, held typed in this process for the duplicate check of its
    later batches: in a growing office nearly every candidate of a row is a row the same import
    saved before, and reading it back (its JSON decoded into a `Beneficiary`, then profiled again
    each batch) was the largest part of a batch check's construction. Which records are
    candidates still comes from the store (its keys' and numbers' reads, in the batch's snapshot)
    with each one's current revision; a record is taken from here only when that revision is the
    one held — a record another process saved or edited meanwhile is read from the store. At most
    `limit` records are held, the oldest let go first; the profiles `find_duplicates` made for
    them (its memo, by object identity: safe while the object is held) are kept with them.

    Threads: `saved` is called by the import's save thread; everything else by the checking
    thread (records told saved are held from the next `kept` on)."""

    def __init__(self, limit: int = HELD_RECORDS) -> None:
        import threading

        self.limit = limit
        self._records: dict[str, Beneficiary] = {}  # record id -> the record as saved, oldest first
        self._people: dict[int, str] = {}  # id() of each held record and its dependants -> its record id
        self._profiles: dict[str, dict] = {}  # held record id -> its people's entries of find_duplicates' memo
        self._told: list[Beneficiary] = []  # saved, not held yet (`saved`, on the save thread)
        self._lock = threading.Lock()
        self.taken = self.read = 0  # candidates taken from here / read from the store (`current`)

    def saved(self, records: Iterable[Beneficiary]) -> None:
        """These records were saved (committed) as they are (the import's save thread)."""
        with self._lock:
            self._told.extend(records)

    def current(self, wanted: Iterable[str], revisions: dict[str, int]) -> dict[str, Beneficiary]:
        """record id -> the held record, for each of `wanted` held at the revision `revisions`
        (the store's current one, read in the batch's snapshot) gives."""
        self._hold_told()
        records = self._records
        out = {}
        asked = 0
        for rid in wanted:
            asked += 1
            record = records.get(rid)
            if record is not None and record.revision == revisions.get(rid):
                out[rid] = record
        self.taken += len(out)
        self.read += asked - len(out)
        return out

    def profiles_of(self, records: Iterable[Beneficiary]) -> dict:
        """A new memo for `find_duplicates` holding the entries kept for these held records'
        people (any other record given has none)."""
        memo: dict = {}
        profiles = self._profiles
        for record in records:
            entries = profiles.get(record.record_id)
            if entries:
                memo.update(entries)
        return memo

    def kept(self, memo: dict) -> None:
        """After a batch's check (its records and candidates all alive — so an id() in `memo` is
        that of the one object it named in the check): the entries of `memo` (find_duplicates'
        memo of that check) for the held people kept; the oldest records past `limit` let go
        with theirs."""
        self._hold_told()
        people = self._people
        profiles = self._profiles
        for key, value in memo.items():
            # an entry is keyed by a person's id(), alone or last in a tuple (`find_duplicates`)
            rid = people.get(key if type(key) is int else key[-1] if type(key) is tuple and key else None)
            if rid is not None:
                entries = profiles.get(rid)
                if entries is None:
                    entries = profiles[rid] = {}
                entries[key] = value
        while len(self._records) > self.limit:
            rid = next(iter(self._records))
            record = self._records.pop(rid)
            for person in (record, *record.dependants):
                people.pop(id(person), None)
            profiles.pop(rid, None)

    def _hold_told(self) -> None:
        """The records told saved held from now on (the checking thread: `current`, `kept`)."""
        with self._lock:
            told, self._told = self._told, []
        people = self._people
        for record in told:
            self._records[record.record_id] = record
            for person in (record, *record.dependants):
                people[id(person)] = record.record_id

    def __len__(self) -> int:
        return len(self._records)


def _chunks(values: list) -> Iterator[tuple[list, str]]:
    """`values` in slices of CHUNK, each with its SQL placeholders ("?,?,…")."""
    for start in range(0, len(values), CHUNK):
        chunk = values[start:start + CHUNK]
        yield chunk, ",".join("?" * len(chunk))


def _found(repository, sql: str, values: set[str], revisions: dict[str, int]) -> dict[str, dict[str, int]]:
    """number -> {record id: its row id} of the records that hold it (as holder or dependant);
    each record's current revision put in `revisions`."""
    out: dict[str, dict[str, int]] = {}
    if not values:
        return out
    ordered = sorted(values)
    with repository._store.read() as conn:
        cursor = conn.connection.driver_connection.cursor()
        for chunk, marks in _chunks(ordered):
            for value, row_id, record_id, revision in cursor.execute(sql.format(marks=marks), chunk + chunk):
                out.setdefault(value, {})[record_id] = row_id
                revisions[record_id] = revision
    return out


def _filed(repository, keys: set[int]) -> dict[int, list[int]]:
    """key -> the people filed under it (the keys' tables, clustered by key: no row read)."""
    if not keys:
        return {}
    with repository._store.read() as conn:
        return _filed_in(conn.connection.driver_connection.cursor(), keys)


def _filed_in(cursor, keys) -> dict[int, list[int]]:
    """`_filed` on a cursor of the caller's read transaction."""
    out: dict[int, list[int]] = {}
    pairs: set[tuple[int, int]] = set()  # a pair in both tables (moved meanwhile) counts once
    # (in IN-lists of 500 sorted here: one JSON array of the batch's ~360,000 keys sorted by
    # SQLite was slower, 0.20 -> 0.36 ms a row)
    for chunk, marks in _chunks(sorted(keys)):
        pairs.update(cursor.execute(_KEYS.format(marks=marks), chunk + chunk).fetchall())
    for key, person in pairs:
        out.setdefault(key, []).append(person)
    return out


# An import's bitmap of the keys filed (`FiledKeys`): a key's low FILTER_BITS bits mark it.
# 2**28 bits (32 MiB): of the lookup keys NOT filed, ~0.4 % pass it with 1 M keys filed (a
# 100,000-record office), ~4 % with 10 M (a 1 M office) — each one a lookup that finds nothing.
FILTER_BITS = 28
# An import's rows against the office's people for which the bitmap pays (`FiledKeys.worth`).
ROWS_PER_STORED_PERSON = 100
_LAST_REVISION = "SELECT max(rowid) FROM revisions"
_REVISIONS_SINCE = "SELECT record_id, revision FROM revisions WHERE rowid > ?"
_EVERY_KEY = "SELECT key FROM duplicate_keys UNION ALL SELECT key FROM duplicate_keys_new"
# The keys of every person of the records saved since a revision (holders and dependants as they
# are now: an edit's removed keys only stay marked).
_KEYS_SINCE = ("SELECT dup_keys FROM beneficiaries WHERE record_id IN (SELECT record_id FROM revisions"
               " WHERE rowid > ?1) AND dup_keys != ''"
               " UNION ALL SELECT dup_keys FROM dependants WHERE record_id IN (SELECT record_id FROM revisions"
               " WHERE rowid > ?1) AND dup_keys != ''")


class FiledKeys:
    """Which lookup keys the keys' tables (both) may hold, for an import's batch checks: of a
    holder's ~180 lookup keys a few are filed, and asking SQLite for each cost ~1 µs a key (~0.2
    ms a row, growing with the office); a bitmap over every filed key answers for the batch's
    ~360,000 keys at once, and only the keys it lets through are asked for.

    Exact: made from every key filed (one read, at the import's first batch), then kept up to date
    in each batch's own read transaction (`weighed`) by marking the keys of every person of the
    records saved since (a revision's row id after the last one seen: every write that files keys
    — a save, an edit, a bulk load, another import, in any process — writes a revision in the
    same transaction). A mark is never removed (an edit's old keys stay marked: a lookup that
    finds nothing), so the keys let through hold every filed one the batch looks up, in the
    snapshot it reads — the same pairs as asking for every key (tests/core/test_batch_duplicates.py).
    The batch's own people's keys are marked too (its earlier records are candidates in memory),
    so the import's own saves (`saved`) need no reading back: when every revision since the last
    look is one of them, nothing is read."""

    def __init__(self, repository, *, bits: int = FILTER_BITS) -> None:
        import numpy as np  # lazy: start-up (NumPy; an import only)

        self._np = np
        self._mask = (1 << bits) - 1
        self._bitmap = np.zeros(1 << (bits - 3), dtype=np.uint8)
        self.usable = True
        self.asked = 0  # lookup keys the last batch asked of the keys' tables (`weighed`)
        self._ours: set[str] = set()  # the records the import saved, not seen yet by a look (`saved`)
        with repository._store.read() as conn:
            cursor = conn.connection.driver_connection.cursor()
            self._seen = cursor.execute(_LAST_REVISION).fetchone()[0] or 0
            cursor.execute(_EVERY_KEY)
            while rows := cursor.fetchmany(1 << 16):
                self.mark(np.fromiter((key for key, in rows), dtype=np.int64, count=len(rows)))

    @staticmethod
    def worth(repository, rows: int) -> bool:
        """Whether an import of `rows` rows saves more than the bitmap costs to make: asking
        for a row's ~180 lookup keys costs ~ROWS_PER_STORED_PERSON times what reading one
        stored person's ~3 filed keys into the bitmap does (the office's people: its counters)."""
        with repository._store.read() as conn:
            counts = dict(conn.exec_driver_sql(
                "SELECT name, value FROM counters WHERE name IN ('records', 'dependants')").fetchall())
        return rows * ROWS_PER_STORED_PERSON >= counts.get("records", 0) + counts.get("dependants", 0)

    def mark(self, keys) -> None:
        """Mark `keys` (an int64 array) as possibly filed."""
        np = self._np
        at = keys & self._mask
        np.bitwise_or.at(self._bitmap, at >> 3, np.left_shift(np.uint8(1), (at & 7).astype(np.uint8)))

    def marked(self, keys):
        """Per key of `keys` (an int64 array): possibly filed."""
        np = self._np
        at = keys & self._mask
        return (self._bitmap[at >> 3] >> (at & 7).astype(np.uint8)) & np.uint8(1) != 0

    def saved(self, record_ids: Iterable[str]) -> None:
        """The import saved these new records (revision 1 each) of batches checked through
        `weighed` — their people's keys marked then."""
        self._ours.update(record_ids)

    def _caught_up(self, cursor) -> bool:
        """In the caller's read transaction: the keys of the records saved since the last look
        marked — none read when every revision since is the first of a record the import saved
        (`saved`; a revision's row id is never reused), every person's since read otherwise.
        False when the revisions' row ids went back (the file rebuilt meanwhile): the bitmap is
        not used again."""
        last = cursor.execute(_LAST_REVISION).fetchone()[0] or 0
        if last < self._seen:
            self.usable = False
        elif last > self._seen:
            ours = self._ours
            since = cursor.execute(_REVISIONS_SINCE, (self._seen,)).fetchall()
            if not all(revision == 1 and record_id in ours for record_id, revision in since):
                texts = [text for text, in cursor.execute(_KEYS_SINCE, (self._seen,))]
                if texts:
                    self.mark(self._np.array(",".join(texts).split(","), dtype=self._np.int64))
            self._seen = last
            # (only the records seen here: the batch before may be told `saved` by the import's save
            # thread meanwhile — saved after this snapshot, its revisions are seen at the next look)
            ours.difference_update(record_id for record_id, _ in since)
        return self.usable

    def weighed(self, repository, lookups: Sequence, people: Sequence[Sequence[Sequence[int]]]
                ) -> tuple[list[list[tuple[int, int, int]]], list[dict[int, int]]] | None:
        """For a batch's records' `lookups` (any form `lookup_mapping` reads) and `people` (per
        record, the keys each of its people is filed under once saved): (per record, the batch's
        people its lookup keys weigh MATCH_WEIGHT or more against, as (record, person, summed
        weight) — `duplicate_keys.candidates` against the batch's records' keys, whichever are
        accepted when it is answered (`DuplicateCandidates.matches`); per record, its stored
        candidates as person -> summed weight: `candidates` of its lookup keys against the keys'
        tables) — or None when the bitmap cannot be used (ask for every key). Only the lookup keys
        the bitmap marked before the batch's own people's were (the store's, in the snapshot read)
        are asked of the keys' tables; the (key, person) pairs found, and the batch's own, are
        joined with the batch's lookup keys and their weights summed per record and person in
        arrays — not a dictionary a record and a loop a key (the same people and weights,
        tests/core/test_batch_duplicates.py; docs/performance.md)."""
        if not self.usable:
            return None
        np = self._np
        key_bytes, weight_bytes, sizes = [], [], []
        for lookup in lookups:
            if not lookup:
                sizes.append(0)
                continue
            if _packed(lookup):
                packed, shares = lookup
            else:  # packed here as a helper packs them (`duplicate_keys.packed_lookup_keys`)
                mapping = lookup_mapping(lookup)
                packed, shares = array("q", mapping.keys()).tobytes(), bytes(mapping.values())
            key_bytes.append(packed)
            weight_bytes.append(shares)
            sizes.append(len(shares))
        every = np.frombuffer(b"".join(key_bytes), dtype=np.int64)  # the batch's lookup keys, record by record
        shares = np.frombuffer(b"".join(weight_bytes), dtype=np.uint8)
        ends = np.cumsum(np.array(sizes, dtype=np.int64))  # a position's record: searchsorted(ends, at, "right")
        # the batch's people: per person its record and place in it; per key of theirs, its person
        per_record = np.fromiter(map(len, people), dtype=np.int64, count=len(people))
        per_person = np.fromiter(map(len, chain.from_iterable(people)), dtype=np.int64, count=int(per_record.sum()))
        own = np.fromiter(chain.from_iterable(chain.from_iterable(people)), dtype=np.int64,
                          count=int(per_person.sum()))
        whose = np.repeat(np.arange(len(per_person), dtype=np.int64), per_person)
        person_record = np.repeat(np.arange(len(people), dtype=np.int64), per_record)
        person_place = np.arange(len(per_person), dtype=np.int64) - np.repeat(np.cumsum(per_record) - per_record,
                                                                              per_record)
        at = every & self._mask  # each lookup key's bit, found once for both looks at the bitmap
        byte, bit = at >> 3, (at & 7).astype(np.uint8)
        with repository._store.read() as conn:
            cursor = conn.connection.driver_connection.cursor()
            if not self._caught_up(cursor):
                return None
            # may be filed: the store's keys, and the import's saved ones
            stored = np.flatnonzero((self._bitmap[byte] >> bit) & np.uint8(1))
            if len(own):
                self.mark(own)  # the batch's own (`saved`: no reading back once they are saved)
            asked = np.unique(every[stored])
            self.asked = len(asked)
            pairs = _pairs_in(cursor, asked.tolist()) if len(asked) else []
        found: list[dict[int, int]] = [{} for _ in sizes]
        if pairs:
            table = np.array(pairs, dtype=np.int64)
            for record, person, total in _summed(np, table[:, 0], table[:, 1], every, ends, shares, stored):
                found[record][person] = total
        earlier: list[list[tuple[int, int, int]]] = [[] for _ in sizes]
        if len(own) and len(every):
            maybe = np.flatnonzero((self._bitmap[byte] >> bit) & np.uint8(1))  # every own key is marked now
            for record, person, total in _summed(np, own, whose, every, ends, shares, maybe):
                earlier[record].append((int(person_record[person]), int(person_place[person]), total))
        return earlier, found


def _summed(np, filed_keys, filed_people, every, ends, shares, at) -> Iterator[tuple[int, int, int]]:
    """(record, person, summed weight) of MATCH_WEIGHT or more: the lookup keys `every[at]` (of the
    records whose positions end at `ends`, weighing `shares[at]`) joined with the (key, person)
    pairs of `filed_keys` and `filed_people` (a pair given twice counts once), the weights of a
    record's keys a person is filed under summed (`duplicate_keys.candidates`, in arrays)."""
    if not len(filed_keys) or not len(at):
        return
    order = np.lexsort((filed_people, filed_keys))  # by key, then person
    filed_keys, filed_people = filed_keys[order], filed_people[order]
    if len(filed_keys) > 1:  # a pair in both keys' tables (moved meanwhile), or a person's key twice: once
        once = np.concatenate(([True], (filed_keys[1:] != filed_keys[:-1]) | (filed_people[1:] != filed_people[:-1])))
        filed_keys, filed_people = filed_keys[once], filed_people[once]
    # each distinct key's run of people: one search among the distinct keys a lookup key
    starts = np.flatnonzero(np.concatenate(([True], filed_keys[1:] != filed_keys[:-1])))
    distinct = filed_keys[starts]
    runs = np.diff(np.append(starts, len(filed_keys)))
    wanted = every[at]
    slot = np.minimum(np.searchsorted(distinct, wanted), len(distinct) - 1)
    hit = distinct[slot] == wanted
    at, slot = at[hit], slot[hit]
    if not len(at):
        return
    first, count = starts[slot], runs[slot]
    steps = np.arange(int(count.sum()), dtype=np.int64) - np.repeat(np.cumsum(count) - count, count)
    person = filed_people[np.repeat(first, count) + steps]
    owner = np.repeat(np.searchsorted(ends, at, side="right"), count)
    share = np.repeat(shares[at].astype(np.int64), count)
    ranks, which = np.unique(person, return_inverse=True)
    codes, slot = np.unique(owner * len(ranks) + which, return_inverse=True)
    sums = np.bincount(slot, weights=share).astype(np.int64)
    heavy = sums >= MATCH_WEIGHT
    yield from zip((codes[heavy] // len(ranks)).tolist(), ranks[codes[heavy] % len(ranks)].tolist(),
                   sums[heavy].tolist())


def _pairs_in(cursor, keys: list[int]) -> list[tuple[int, int]]:
    """(key, person) of every key of `keys` in both keys' tables (a pair in both, once per table);
    the small one left out when it holds nothing in the caller's snapshot (an import's own batches
    go straight to the big one: `storage.bulk`)."""
    out: list[tuple[int, int]] = []
    both = cursor.execute(_ANY_NEW_KEY).fetchone() is not None
    for chunk, marks in _chunks(keys):
        if both:
            out += cursor.execute(_KEYS.format(marks=marks), chunk + chunk).fetchall()
        else:
            out += cursor.execute(_BIG_KEYS.format(marks=marks), chunk).fetchall()
    return out


def _people(repository, people: set[int], revisions: dict[str, int]) -> dict[int, tuple[int, str]]:
    """person -> (their holder's row id, record id), by primary key; each record's current
    revision put in `revisions`."""
    out: dict[int, tuple[int, str]] = {}
    if not people:
        return out
    with repository._store.read() as conn:
        cursor = conn.connection.driver_connection.cursor()
        for sql, ids in ((_HOLDERS, sorted(p for p in people if p > 0)),
                         (_DEPENDANTS, sorted(-p for p in people if p < 0))):
            for chunk, marks in _chunks(ids):
                for person, row_id, record_id, revision in cursor.execute(sql.format(marks=marks), chunk):
                    out[person] = (row_id, record_id)
                    revisions[record_id] = revision
    return out
