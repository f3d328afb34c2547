"""HQ-wide duplicate check at ingest: one step of `Ingestor._store_items`.

A record arriving at HQ is compared with every record HQ holds, from any office, by the same
domain code the offices' own check uses (`domain.duplicates.find_duplicates`: one
implementation): its holder's and dependants' national numbers against every holder's and
dependant's (`person_numbers`), and its people's names + birth dates against the people filed
under the same blocking keys (`person_names`, `domain.duplicates.blocking_keys`). The held
people are compared from their duplicate profiles stored at ingest (`person_profiles`,
hq/profiles.py: no record JSON read or parsed); a record whose profiles are missing or of
another rule is compared from its JSON, as before, and filed again in the batch's commit. A match
`likely_same_person` is answered to the office as `duplicate`, with the other record's office
and registration date, and stored with its evidence in `duplicate_findings` (the console's
decisions queue shows it; the reviewer's decision travels back signed, console/decisions.py).

Few statements per batch, not per record: the records of one batch are checked together.
"""

from __future__ import annotations

import json
import logging
import threading
from collections import OrderedDict
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone

from sqlalchemy import and_, bindparam, delete, func, insert, or_, select
from sqlalchemy.engine import Connection

from fundclient.domain.duplicates import DuplicateMatch, blocking_keys, find_duplicates, likely_same_person, profile
from fundclient.domain.records import Beneficiary
from fundclient.hq.bulk import insert_new_rows, insert_rows
from fundclient.hq import profiles
from fundclient.hq.people import Person, ShownName
from fundclient.hq import profiles as profiles_of_held
from fundclient.hq.db import (Lean, among, duplicate_findings, number_claims, person_names, person_numbers,
                              person_profiles, records)

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Finding:
    other_record_id: str
    other_office: str
    other_date: str  # the other record's registration date at its office (ISO)
    kind: str  # national_number | name_and_birth | similar
    score: float
    evidence: dict

    @property
    def reason(self) -> str:
        """The sync.reasons code the office is answered with."""
        return "duplicate" if self.kind == "national_number" else "duplicate_person"

    def answer(self) -> dict:
        """The fields a per-record answer carries (only codes and a date: no names)."""
        return {"duplicate_of": self.other_record_id, "duplicate_office": self.other_office,
                "duplicate_date": self.other_date}


def registered_on(record: dict, received: datetime | None) -> str:
    """The day the office registered it (its created_at), else the day HQ received it."""
    created = record.get("created_at")
    if isinstance(created, str) and len(created) >= 10:
        try:
            return date.fromisoformat(created[:10]).isoformat()
        except ValueError:
            pass
    return (received or datetime.now(timezone.utc)).date().isoformat()


def aware(value: datetime) -> datetime:
    """SQLite gives naive datetimes back (stored as UTC)."""
    return value if value.tzinfo else value.replace(tzinfo=timezone.utc)


_aware = aware


def _people(b: Beneficiary):
    yield "holder", b
    for d in b.dependants:
        yield "dependant", d


def _filed(b: Beneficiary, profiles: dict | None = None) -> list[tuple[str, str, set[str]]]:
    """(role, national number, blocking keys) of each of a record's people, computed once.
    `profiles`: where each person's duplicate profile goes, by `id(person)` (find_duplicates'
    memo: the comparisons then reuse them instead of profiling the batch's people again)."""
    out = []
    for role, person in _people(b):
        p = person.profile if type(person) is Person else profile(person)  # (a received record's: made with it)
        if profiles is not None:
            profiles[id(person)] = p
        out.append((role, p.national_number if len(p.national_number) <= 32 else "", blocking_keys(p)))
    return out


def index_rows(record_id: str, record: dict, office: str, received: datetime | None,
               filed: list | None = None, day: str | None = None) -> tuple[list[dict], list[dict]]:
    """(person_numbers rows, person_names rows) of one record's newest revision (`filed`: its
    `_filed` when already known; `day`: its `registered_on(record, received)` when known)."""
    day = day or registered_on(record, received)
    numbers: dict[str, dict] = {}
    blocks: set[str] = set()
    for role, number, keys in filed if filed is not None else _filed(Beneficiary.from_dict(record)):
        if number:
            numbers.setdefault(number, {"national_number": number, "record_id": record_id, "office_code": office,
                                        "role": role, "registered_on": day})
        blocks |= keys
    return list(numbers.values()), [{"block": k, "record_id": record_id} for k in sorted(blocks)]


@dataclass
class _Held:
    beneficiary: Beneficiary
    office: str
    day: str


@dataclass
class Check:
    """One batch's HQ-wide check: what `read` found, then `claim` (the first write) and `file`.
    Split so that the ingest's write transaction starts only once everything is computed:
    on SQLite the one writer is held for the writes alone, not for the comparisons."""
    batch: list[tuple[str, dict]]
    parsed: list[Beneficiary]
    people: list
    keys: list[set[str]]
    numbers: set[str]
    blocks: set[str]
    office: str
    results: list[Finding | None]
    held_before: set[str]
    seen: set[tuple[str, str]]
    end: datetime
    profiles: dict  # the batch's own people's profiles by id (alive as long as `parsed`)
    # held records compared from their JSON (profiles missing or of another rule): filed again
    # with the batch — (record id, revision, its Beneficiary, office, registration day)
    refile: list = ()


def read(conn: Connection, batch: list[tuple[str, dict]], office: str,
         parsed: list[Beneficiary] | None = None, first_seen: dict[str, datetime] | None = None) -> Check:
    """A finding (or None) per (record_id, record) of one batch from `office` (`Check.results`),
    against every record HQ holds and the ones before it in the same batch — reads only.
    `parsed`: the records' `Beneficiary.from_dict`, when the caller has it; `first_seen`: when
    HQ first received each of the batch's records it holds a revision of (their earliest
    `received_at`; the records it does not name HQ does not hold), when the caller read it on
    this connection (ingest reads those rows anyway: one statement fewer per batch)."""
    if parsed is None:
        parsed = [Beneficiary.from_dict(record) for _, record in batch]
    profiles: dict = {}
    people = [_filed(b, profiles) for b in parsed]
    keys: list[set[str]] = []
    numbers: set[str] = set()
    blocks: set[str] = set()
    for filed in people:  # each record's keys: "n:" its people's numbers, "b:" their blocking keys
        mine = set()
        for _, number, person_blocks in filed:
            if number:
                numbers.add(number)
                mine.add("n:" + number)
            if person_blocks:
                blocks |= person_blocks
                mine.update(["b:" + k for k in person_blocks])
        keys.append(mine)
    if not batch:
        return Check(batch, parsed, people, keys, numbers, blocks, office, [], set(), set(),
                     datetime.now(timezone.utc), profiles)
    results, held_before, seen, end, refile = _match(conn, batch, parsed, keys, numbers, blocks, office,
                                                     datetime.now(timezone.utc), first_seen, profiles)
    return Check(batch, parsed, people, keys, numbers, blocks, office, results, held_before, seen, end, profiles,
                 refile)


def claim(conn: Connection, check: Check) -> bool:
    """Claim the batch's national numbers (the ingest's first write); when another batch filed
    one of them since `read` looked (at this very moment, on another node), check again, now
    seeing it — as arriving after it — and return True: `check.results` changed."""
    if check.numbers and _claim(conn, check.numbers, check.seen):
        check.results, check.held_before, check.seen, check.end, check.refile = _match(
            conn, check.batch, check.parsed, check.keys, check.numbers, check.blocks, check.office,
            datetime.now(timezone.utc), profiles=check.profiles)
        return True
    return False


def file(conn: Connection, check: Check) -> None:
    """File the batch's people in the indexes (after `claim`)."""
    if check.batch:
        _file(conn, check.batch, check.people, check.office, check.end, check.held_before, check.parsed,
              check.profiles, check.refile)


def check_batch(conn: Connection, batch: list[tuple[str, dict]], office: str,
                parsed: list[Beneficiary] | None = None) -> list[Finding | None]:
    """`read`, `claim` and `file` in one go: the findings, and the batch filed in the indexes."""
    check = read(conn, batch, office, parsed)
    claim(conn, check)
    file(conn, check)
    return check.results


def _claim(conn: Connection, numbers: set[str], seen: set[tuple[str, str]]) -> bool:
    """Claim the batch's national numbers (a row each in `number_claims`, in one order so two
    batches never wait on each other crosswise): a batch carrying one of them that is being
    ingested at this moment on another node commits first, ours waits on its row (PostgreSQL;
    on SQLite this first write waits for the database's one writer). Then True when
    `person_numbers` holds a record for one of them that the check did not see."""
    fresh = insert_new_rows(conn, number_claims, [{"national_number": n} for n in sorted(numbers)],  # one statement
                            returning="national_number")
    # A number this batch claimed first (PostgreSQL says which) no other batch has filed: every
    # filing claims first. Only the contested ones (held before, or claimed meanwhile) are looked at again.
    contested = numbers - fresh if fresh is not None else numbers
    if not contested:
        return False
    now = {(number, record_id) for number, record_id in _NUMBERS_FILED.rows(conn, {"v": list(contested)})}
    return bool(now - seen)


def _among(column):
    """`column IN (…)` with the values bound at execution: the statements below are built once
    (building an IN of hundreds of values per batch cost more than running it), and their SQL
    does not change with the number of values (hq/db.py `among`)."""
    return among(column)


# (run on the driver's cursor: hq/db.py `Lean`)
_NUMBERS_FILED = Lean(select(person_numbers.c.national_number, person_numbers.c.record_id)
                      .where(_among(person_numbers.c.national_number)))
_BLOCKS_FILED = Lean(select(person_names.c.block, person_names.c.record_id).where(_among(person_names.c.block)))
_FIRST_SEEN = Lean(select(records.c.record_id, func.min(records.c.received_at).label("first"))
                   .where(_among(records.c.record_id)).group_by(records.c.record_id))
_REVISIONS = Lean(select(records.c.record_id, records.c.revision, records.c.office_code, records.c.sha256,
                         records.c.received_at).where(_among(records.c.record_id)))
# a held record's index and profile rows, replaced by its new revision's
_HELD_ROWS = [Lean(delete(table).where(_among(table.c.record_id)))
              for table in (person_numbers, person_names, person_profiles)]
# A held record's rows that the check found stale: of an older revision than the newest it read,
# or of that one under another rule (never rows another batch filed meanwhile for a newer one).
_REFILED = delete(person_profiles).where(
    person_profiles.c.record_id == bindparam("r"),
    or_(person_profiles.c.revision < bindparam("v"),
        and_(person_profiles.c.revision == bindparam("v"), person_profiles.c.rule != profiles.RULE)))
_DATA = Lean(select(records.c.record_id, records.c.revision, records.c.sha256, records.c.data)
             .where(_among(records.c.record_id)))


def _match(conn: Connection, batch: list[tuple[str, dict]], parsed: list[Beneficiary], keys: list[set[str]],
           numbers: set[str], blocks: set[str], office: str, now: datetime,
           known_first_seen: dict[str, datetime] | None = None,
           profiles: dict | None = None) -> tuple[list[Finding | None], set[str], set[tuple[str, str]], datetime,
                                                  list]:
    """(finding or None per record, ids of the batch's records HQ held before, the (number,
    record id) pairs read, the last arrival time given, the held records to file again
    (`Check.refile`)) — reads and comparisons, no writes.
    `known_first_seen`: see `read` (else read here). `profiles`: the batch's own people's
    profiles by id (`Check.profiles`); find_duplicates' memo for this call starts from them
    and adds the held records' (a copy: those objects live only as long as this call).
    `keys`: each record's keys ("n:" number, "b:" blocking key), `numbers` and `blocks` all of
    them without their prefix."""
    memo = dict(profiles or {})
    # key -> the records filed under it: each record is compared only with the ones sharing a
    # number or a blocking key with it (never the whole batch's pool: ingest stays linear).
    filed: dict[str, set[str]] = {}
    seen: set[tuple[str, str]] = set()
    if numbers:
        for number, record_id in _NUMBERS_FILED.rows(conn, {"v": list(numbers)}):
            filed.setdefault("n:" + number, set()).add(record_id)
            seen.add((number, record_id))
    if blocks:
        for block, record_id in _BLOCKS_FILED.rows(conn, {"v": list(blocks)}):
            filed.setdefault("b:" + block, set()).add(record_id)
    others = set().union(*filed.values()) if filed else set()
    held: dict[str, _Held] = {}
    refile: list = []
    # A record is compared with the ones that reached HQ before it (an edit of the first
    # registration is not the duplicate of the later one HQ flagged against it).
    first_seen: dict[str, datetime] = {}
    if known_first_seen is not None:
        first_seen.update(known_first_seen)
    else:
        mine = [record_id for record_id, _ in batch]
        for record_id, at in _FIRST_SEEN.rows(conn, {"v": mine}):
            first_seen[record_id] = _aware(at)
    held_before = set(first_seen)
    if others:
        rows = _REVISIONS.rows(conn, {"v": list(others)})
        newest: dict[str, tuple] = {}
        for r in rows:
            first_seen[r.record_id] = min(first_seen.get(r.record_id, _aware(r.received_at)), _aware(r.received_at))
            if r.record_id not in newest or r.revision > newest[r.record_id].revision:
                newest[r.record_id] = r
        # The held people as filed at ingest (their stored profiles, into the comparisons' memo):
        # no JSON read or parsed. Only a record filed under another rule, or at another revision
        # than its newest, or not at all, is compared from its JSON (and filed again).
        stored = profiles_of_held.read(conn, list(newest))
        from_json = []
        for r in newest.values():
            people = stored.get(r.record_id)
            if people and people[0].revision == r.revision:
                held[r.record_id] = _Held(_filed_record(r.record_id, people, memo), people[0].office_code,
                                          people[0].registered_on)
            else:
                from_json.append(r)
        parsed_held = _PARSED.get_many([(r.record_id, r.revision, r.sha256) for r in from_json])
        missing = [r for r in from_json if (r.record_id, r.revision, r.sha256) not in parsed_held]
        if missing:  # only the records this process has not parsed yet are read and parsed
            wanted = {(r.record_id, r.revision) for r in missing}
            for record_id, revision, sha256, text in _DATA.rows(conn, {"v": list({r.record_id for r in missing})}):
                if (record_id, revision) in wanted:
                    parsed_held[(record_id, revision, sha256)] = _PARSED.put((record_id, revision, sha256), text)
        for r in from_json:
            found = parsed_held.get((r.record_id, r.revision, r.sha256))
            if found is not None:  # (None: a record whose data does not parse is not compared)
                beneficiary, created = found
                day = registered_on({"created_at": created}, r.received_at)
                held[r.record_id] = _Held(beneficiary, r.office_code, day)
                refile.append((r.record_id, r.revision, beneficiary, r.office_code, day))
    results: list[Finding | None] = []
    for (record_id, record), b, mine_keys in zip(batch, parsed, keys):
        since = first_seen.setdefault(record_id, now)
        near: set[str] = set()
        for k in mine_keys:
            near.update(filed.get(k, ()))
        pool = [held[other_id].beneficiary for other_id in sorted(near)
                if other_id != record_id and other_id in held and first_seen.get(other_id, now) <= since]
        # (no one near: find_duplicates would find nothing)
        match = next((m for m in find_duplicates(b, pool, profiles=memo) if likely_same_person(b, m, profiles=memo)),
                     None) if pool else None
        finding = None
        if match is not None:
            other = held[match.existing.record_id]
            finding = Finding(match.existing.record_id, other.office, other.day, match.kind, match.score,
                              _evidence(match))
        results.append(finding)
        held[record_id] = _Held(b, office, registered_on(record, now))  # the next ones in the batch see it
        for k in mine_keys:
            filed.setdefault(k, set()).add(record_id)
        now += timedelta(microseconds=1)
    return results, held_before, seen, now, refile


class _FiledPerson:
    """A held person as filed (hq/profiles.py), in place of its `Beneficiary` / `Dependant` for
    `find_duplicates`: its profile is in the comparisons' memo (by `id`), so what the domain
    reads of it is only its record id, its dependants and the name a finding shows."""

    __slots__ = ("record_id", "name", "dependants")

    def __init__(self, record_id: str, shown: str) -> None:
        self.record_id, self.name, self.dependants = record_id, ShownName(shown), []


def _filed_record(record_id: str, people: list, memo: dict) -> _FiledPerson:
    """A held record from its stored people (holder first), their profiles put in `memo`; the
    objects live as long as the caller holds the record (the memo is by `id`)."""
    persons = []
    for stored in people:
        person = _FiledPerson(record_id, stored.shown)
        memo[id(person)] = stored.profile
        persons.append(person)
    holder = persons[0]
    holder.dependants = persons[1:]
    return holder


class _ParsedRecords:
    """The duplicate check's held records, parsed once per process: each `Beneficiary` with its
    `created_at`, by (record id, revision, SHA-256 of its data) — a stored revision never
    changes, and the hash keeps a revision stored differently elsewhere (another database) apart.
    The same held records come back as candidates batch after batch (people filed under the
    same blocking keys); re-reading and re-parsing their JSON was a tenth of ingest's CPU.
    Bounded (least recently used go); the comparisons never change what they are handed."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._items: OrderedDict[tuple, tuple[Beneficiary, object] | None] = OrderedDict()
        self._lock = threading.Lock()

    def get_many(self, keys: list[tuple]) -> dict[tuple, tuple[Beneficiary, object] | None]:
        with self._lock:
            found = {}
            for key in keys:
                if key in self._items:
                    self._items.move_to_end(key)
                    found[key] = self._items[key]
            return found

    def put(self, key: tuple, text: str) -> tuple[Beneficiary, object] | None:
        try:
            data = json.loads(text)
            value = (Beneficiary.from_dict(data), data.get("created_at"))
        except (TypeError, ValueError, KeyError, AttributeError):
            value = None
        with self._lock:
            self._items[key] = value
            self._items.move_to_end(key)
            while len(self._items) > self.size:
                self._items.popitem(last=False)
        return value


_PARSED = _ParsedRecords(4096)


def _evidence(match: DuplicateMatch) -> dict:
    mine = match.own_dependant
    theirs = match.existing_dependant
    return {"kind": match.kind, "score": round(match.score, 3), "reason": {"ar": match.reason.ar, "en": match.reason.en},
            "matched": "dependant" if theirs is not None else "holder",
            "through": "dependant" if mine is not None else "holder"}


def _file(conn: Connection, batch: list[tuple[str, dict]], people: list, office: str, now: datetime,
          held: set[str], parsed: list[Beneficiary], known: dict | None = None, refile=()) -> None:
    """The batch's newest revisions replace what the indexes held for those records (`held`:
    the ones HQ held a revision of before this batch): numbers, name blocks and the people's
    stored duplicate profiles (hq/profiles.py; `known`: the batch's people's profiles by id).
    `refile`: held records the check compared from their JSON (`Check.refile`): their profiles
    are filed again under today's rule — unless another batch filed them meanwhile (then the
    insert clashes and ingest checks the batch once more)."""
    ids = list(dict.fromkeys(record_id for record_id, _ in batch))
    latest = {record_id: (record, filed, b) for (record_id, record), filed, b in zip(batch, people, parsed)}
    number_rows, name_rows, profile_rows = [], [], []
    for record_id in ids:
        record, filed, b = latest[record_id]
        day = registered_on(record, now)
        n, k = index_rows(record_id, record, office, now, filed, day)
        number_rows += n
        name_rows += k
        profile_rows += profiles.rows(record_id, record["revision"], b, office, day, known)
    again = [r for r in refile if r[0] not in latest]
    if again:
        conn.execute(_REFILED, [{"r": record_id, "v": revision} for record_id, revision, *_ in again])
        for record_id, revision, b, their_office, day in again:
            profile_rows += profiles.rows(record_id, revision, b, their_office, day)
    if held:  # records HQ filed before (a new revision): their old rows go
        for statement in _HELD_ROWS:
            statement.run(conn, {"v": list(held)})
    insert_rows(conn, person_numbers, number_rows)
    insert_rows(conn, person_names, name_rows)
    insert_rows(conn, person_profiles, profile_rows)


def store_findings(conn: Connection, found: list[tuple[str, int, str, Finding]]) -> None:
    """(record_id, revision, office, finding) of a batch into `duplicate_findings`."""
    if found:
        now = datetime.now(timezone.utc)
        conn.execute(insert(duplicate_findings), [
            {"record_id": record_id, "revision": revision, "office_code": office,
             "other_record_id": f.other_record_id, "other_office": f.other_office, "other_date": f.other_date,
             "kind": f.kind, "score": float(f.score), "evidence": json.dumps(f.evidence, ensure_ascii=False),
             "found_at": now} for record_id, revision, office, f in found])
