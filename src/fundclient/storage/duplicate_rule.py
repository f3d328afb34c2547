"""The duplicate check's stored keys kept at the rule's version (`domain.duplicate_keys.RULE_VERSION`).

Every holder's and dependant's row carries its keys (`dup_keys`, written by `storage.rows`),
filed in `duplicate_keys` by triggers (migration 0008). The version of the rule those keys were
made by is kept in `meta` (migration 0009, row `duplicate_keys_rule`). At each opening of the
store (`Store`) one small read compares it with the code's; when it differs (an office upgraded
from a version before the keys, a store keyed by an older rule, a backup of one restored) every
person is keyed again — once, at the first sign-in after the update, before the store is used,
as one of the opening's upgrades (`storage.opening_upgrade`, the one mechanism for office data
made again after an update: the lock, the slices' transactions, the progress, the resume):

- set aside (one transaction): the keys' triggers dropped and their SQL noted in
  `duplicate_keys_pending` with the next holder to key and the key ranges of the stages
  (`_bounds`: the keys are hashes, spread evenly over the 64-bit integers), the table emptied,
  one stage table per range;
- the people in slices of `SLICE` holders by id (one transaction each, the note moved on in the
  same transaction): each holder's current revision read, its people's keys made
  (`duplicate_keys.stored_keys_of`, from the record's JSON without a record object) — in helper
  processes on a large office (`HELPERS_FROM` holders or more), as the bulk build makes its rows —
  written to their rows and appended to their ranges' stages;
- each stage filed in key order (one transaction each): the table, clustered by (key, person)
  (migration 0013), grows at its end, and the sort holds one stage, not every key;
- the triggers made again, the version written, the note dropped (one transaction).

Killed at any point (power cut, kill -9), the next opening goes on from the note: the slices
written stay written. Progress is told to whoever listens (`storage.upgrade_progress`: the
sign-in window, the CLI's progress line). Two processes opening the store at once: the second
waits for the first's re-keying (`REKEY_LOCK_FILE`), then finds the keys current.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from fundclient.domain.duplicate_keys import RULE_VERSION, stored_keys_of
from fundclient.storage import opening_upgrade
from fundclient.storage.errors import HelperStopped
from fundclient.storage.opening_upgrade import SlicedUpgrade, Stages
from fundclient.storage.rows import dup_keys_text

if TYPE_CHECKING:
    from fundclient.storage.store import Store

META_ROW = "duplicate_keys_rule"
PENDING_TABLE = "duplicate_keys_pending"
REKEY_LOCK_FILE = opening_upgrade.LOCK_FILE
SLICE = 5000  # holders (with their dependants) per transaction
STAGE_TABLE = "duplicate_keys_stage"
HELPERS_FROM = 50_000  # holders: below, the keys are made in this process (a helper costs ~1 s to start)
REKEY_CACHE_KIB = opening_upgrade.CACHE_KIB  # the writer's page cache while re-keying (back to the usual at the end)
# The keys are staged by key range, each stage filed in key order at the end: the table grows
# at its end instead of being sorted whole (rule 2's 48 million keys at a million records: the
# sort held them all in memory, 3.9 GB — SQLite's temporary files stay in memory, plaintext
# must not reach the disk). A stage's sort holds about STAGE_ROWS keys.
STAGE_ROWS = 2_000_000
KEYS_PER_HOLDER = 10  # ~3 keys a person, ~3.2 people a holder (holder and dependants)

_HOLDERS = ("SELECT b.id, r.data FROM beneficiaries b JOIN revisions r ON r.record_id = b.record_id"
            " AND r.revision = b.revision WHERE b.id >= ? AND b.id < ?")
_SOME_HOLDERS = ("SELECT b.id, r.data FROM beneficiaries b JOIN revisions r ON r.record_id = b.record_id"
                 " AND r.revision = b.revision WHERE b.id IN ({marks})")
_DEPENDANTS = ("SELECT d.id, b.id, d.dependant_id FROM beneficiaries b JOIN dependants d ON d.record_id = b.record_id"
               " WHERE b.id >= ? AND b.id < ?")

# Test hook: called with the next holder id after each slice is written (the tests slow the
# re-keying down with it to see what a clerk sees, or to kill it half-way).
after_slice: Callable[[int], None] | None = None


def stored_version(raw) -> str | None:
    row = raw.execute("SELECT value FROM meta WHERE name = ?", (META_ROW,)).fetchone()
    return row[0] if row else None


def is_current(raw) -> bool:
    return stored_version(raw) == str(RULE_VERSION)


def keep_current(store: Store, *, helpers: int | None = None) -> bool:
    """At the store's opening: the keys made again if they are of another rule (or a re-keying
    was interrupted). True if they were. `helpers`: processes making the keys (None: by the
    office's size and the machine's cores)."""
    return opening_upgrade.run(store, _Rekeying(helpers))


class _Rekeying(SlicedUpgrade):
    """The re-keying as one of the opening's upgrades (`storage.opening_upgrade`: the lock, the
    slices' transactions, the progress told, the resume)."""

    def __init__(self, helpers: int | None) -> None:
        self.helpers = helpers
        self.bounds: list = []

    def needed(self, raw) -> bool:
        return not is_current(raw)

    def begin(self, raw) -> int:
        first, self.bounds = _set_aside(raw)
        return first

    def slices(self, store: Store, first: int, top: int) -> Iterator[tuple]:
        helpers = self.helpers
        if helpers is None:
            with store.read() as conn:
                left = conn.driver_connection.execute("SELECT count(*) FROM beneficiaries WHERE id >= ?",
                                                      (first,)).fetchone()[0]
            helpers = max(1, min(4, os.cpu_count() or 2)) if left >= HELPERS_FROM else 0
        return _slices(store, first, top, helpers, self.bounds)

    def write(self, raw, part) -> tuple[int, int]:
        _start, end, holders, dependants, staged = part
        _write_slice(raw, holders, dependants, staged, end)
        return len(holders), end

    def finish(self, store: Store) -> None:
        for bucket in range(len(self.bounds) + 1):
            with store.writer_connection() as conn:
                _file_bucket(conn.driver_connection, bucket)
        with store.writer_connection() as conn:
            _put_back(conn.driver_connection)

    def after_slice(self, next_id: int) -> None:
        if after_slice is not None:
            after_slice(next_id)


_STAGES = Stages(STAGE_TABLE, "key, person", "duplicate_keys", "key, person")
_stage = _STAGES.name


def _note(raw, kind: str) -> str | None:
    row = raw.execute(f"SELECT sql FROM {PENDING_TABLE} WHERE kind = ?", (kind,)).fetchone()
    return row[0] if row else None


def _set_aside(raw) -> tuple[int, list[int]]:
    """The keys' triggers set aside, the table emptied and its keys' stages made, noted in
    PENDING_TABLE (a re-keying under way: the next holder id to key is its row 'next', the
    stages' key ranges its row 'bounds'); returns (that id, the bounds)."""
    import json  # lazy: only a re-keying

    exists = raw.execute("SELECT EXISTS (SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?)",
                         (PENDING_TABLE,)).fetchone()[0]
    if exists:  # an interrupted re-keying: on from where it stopped
        return int(_note(raw, "next")), json.loads(_note(raw, "bounds"))
    set_aside = raw.execute(
        "SELECT type, name, sql FROM sqlite_master WHERE sql IS NOT NULL AND type = 'trigger'"
        " AND name LIKE 'duplicate_keys_%' ORDER BY name").fetchall()
    bounds = _bounds(raw)
    raw.execute(f"CREATE TABLE {PENDING_TABLE} (kind TEXT NOT NULL, name TEXT NOT NULL, sql TEXT NOT NULL)")
    raw.executemany(f"INSERT INTO {PENDING_TABLE} (kind, name, sql) VALUES (?, ?, ?)", set_aside)
    raw.execute(f"INSERT INTO {PENDING_TABLE} (kind, name, sql) VALUES ('next', '', '0'), ('bounds', '', ?)",
                (json.dumps(bounds),))
    for _, name, _ in set_aside:
        raw.execute(f'DROP TRIGGER "{name}"')
    raw.execute("DELETE FROM duplicate_keys")
    if raw.execute("SELECT 1 FROM sqlite_master WHERE name = 'duplicate_keys_new'").fetchone():
        raw.execute("DELETE FROM duplicate_keys_new")  # a save's keys not moved yet (migration 0012): filed here
    for bucket in range(len(bounds) + 1):
        raw.execute(f"CREATE TABLE {_stage(bucket)} (key INTEGER NOT NULL, person INTEGER NOT NULL)")
    return 0, bounds


def _bounds(raw) -> list[int]:
    """Where the stages' key ranges meet, so that each stage holds about STAGE_ROWS keys (its
    sort at the end held in memory): the keys are hashes (`duplicate_keys.key_of`), spread
    evenly over the signed 64-bit integers, so the ranges are even slices of them."""
    total = raw.execute("SELECT count(*) FROM beneficiaries").fetchone()[0]
    stages = -(-total * KEYS_PER_HOLDER // STAGE_ROWS)
    return [-(1 << 63) + (i << 64) // stages for i in range(1, stages)] if stages > 1 else []


def _route(holders, dependants, bounds: list[int]) -> list[list[tuple[int, int]]]:
    """The (key, person) pairs of a slice, by stage (the stage of a key: how many bounds are <= it)."""
    import bisect  # lazy: only a re-keying routes keys

    staged: list[list[tuple[int, int]]] = [[] for _ in range(len(bounds) + 1)]
    for rows, sign in ((holders, 1), (dependants, -1)):
        for keys, person in rows:
            if keys:
                for key in map(int, keys.split(",")):
                    staged[bisect.bisect_right(bounds, key)].append((key, sign * person))
    return staged


def _write_slice(raw, holders, dependants, staged, end: int) -> None:
    raw.executemany("UPDATE beneficiaries SET dup_keys = ? WHERE id = ?", holders)
    raw.executemany("UPDATE dependants SET dup_keys = ? WHERE id = ?", dependants)
    for bucket, pairs in enumerate(staged):
        if pairs:
            raw.executemany(f"INSERT INTO {_stage(bucket)} (key, person) VALUES (?, ?)", pairs)
    raw.execute(f"UPDATE {PENDING_TABLE} SET sql = ? WHERE kind = 'next'", (str(end),))


def _file_bucket(raw, bucket: int) -> None:
    """One stage's keys filed in key order (the table's index grows at its end), the stage dropped."""
    _STAGES.file(raw, bucket)


def _put_back(raw) -> None:
    """The triggers made again, the version written, the note dropped."""
    for kind, name, sql in raw.execute(f"SELECT kind, name, sql FROM {PENDING_TABLE} WHERE kind IN ('index', 'trigger')"
                                       " ORDER BY kind = 'trigger', rowid").fetchall():
        if not raw.execute("SELECT EXISTS (SELECT 1 FROM sqlite_master WHERE type = ? AND name = ?)",
                           (kind, name)).fetchone()[0]:
            raw.execute(sql)
    raw.execute(f"DROP TABLE {PENDING_TABLE}")
    raw.execute("INSERT OR REPLACE INTO meta (name, value) VALUES (?, ?)", (META_ROW, str(RULE_VERSION)))


def rekey(raw) -> None:
    """Every stored person's keys by the current rule, in the caller's write transaction (a
    small store: tests, a fresh office's migration)."""
    first, bounds = _set_aside(raw)
    top = raw.execute("SELECT coalesce(max(id), 0) + 1 FROM beneficiaries").fetchone()[0]
    for start in range(first, top, SLICE):
        end = min(top, start + SLICE)
        holders, dependants = keys_of_slice(raw, start, end)
        _write_slice(raw, holders, dependants, _route(holders, dependants, bounds), end)
    for bucket in range(len(bounds) + 1):
        _file_bucket(raw, bucket)
    _put_back(raw)


def _person_keys(person: dict) -> str:
    """A holder's or dependant's keys (their `dup_keys` text) from their part of the stored JSON — as
    `storage.rows.person_keys` of the loaded record (`records.Beneficiary.from_dict`)."""
    name = person.get("name") or {}
    born = person.get("date_of_birth")
    return dup_keys_text(stored_keys_of(name.get("first", ""), name.get("father", ""), name.get("grandfather", ""),
                                        name.get("family", ""), date.fromisoformat(born) if born else None))


def _record(data) -> dict:
    import orjson  # lazy: only a re-keying reads records

    try:
        return orjson.loads(data)
    except orjson.JSONDecodeError:  # what only the standard library reads: as `records_json.load` does
        from fundclient.storage.records_json import load  # lazy: as above

        return load(data).to_dict()


def keys_of_slice(raw, start: int, end: int) -> tuple[list[tuple[str, int]], list[tuple[str, int]]]:
    """([(keys, holder id)], [(keys, dependant row id)]) of the holders with ids in [start, end)."""
    holders, by_holder = [], {}
    for row_id, data in raw.execute(_HOLDERS, (start, end)).fetchall():
        record = _record(data)
        holders.append((_person_keys(record), row_id))
        by_holder[row_id] = {d.get("dependant_id"): d for d in record.get("dependants") or ()}
    dependants = []
    for row_id, holder_id, dependant_id in raw.execute(_DEPENDANTS, (start, end)).fetchall():
        person = by_holder.get(holder_id, {}).get(dependant_id)
        dependants.append((_person_keys(person) if person is not None else "", row_id))
    return holders, dependants


def _made(raw, start: int, end: int, bounds: list[int]) -> tuple:
    """A slice made: (start, end, holders' keys, dependants' keys, the pairs by stage)."""
    holders, dependants = keys_of_slice(raw, start, end)
    return start, end, holders, dependants, _route(holders, dependants, bounds)


def _slices(store: Store, first: int, top: int, helpers: int, bounds: list[int]) -> Iterator[tuple]:
    """Each slice of holder ids from `first` to `top` made (`_made`), in order: here, or by
    `helpers` processes (each every helpers-th slice)."""
    starts = list(range(first, top, SLICE))
    if helpers <= 0:
        for start in starts:
            with store.read() as conn:
                yield _made(conn.driver_connection, start, min(top, start + SLICE), bounds)
        return
    yield from _from_helpers(store, starts, top, helpers, bounds)


def _from_helpers(store: Store, starts: list[int], top: int, helpers: int, bounds: list[int]):
    import multiprocessing  # lazy: only a large re-keying starts helpers
    import queue  # lazy: as above

    from fundclient.storage.files import db_path  # lazy: as above

    context = multiprocessing.get_context("spawn")  # never fork a process holding DB connections
    queues, processes = [], []
    for k in range(helpers):
        out = context.Queue(maxsize=3)
        process = context.Process(target=_helper, daemon=True, args=(
            out, str(db_path(store.data_dir)), store.db_key, starts[k::helpers], top, SLICE, bounds))
        process.start()
        queues.append(out)
        processes.append(process)
    try:
        for number in range(len(starts)):
            k = number % helpers
            while True:
                try:
                    part = queues[k].get(timeout=1.0)
                    break
                except queue.Empty:
                    if not processes[k].is_alive():
                        raise HelperStopped(HelperStopped.UPGRADE_STOPPED) from None
            if isinstance(part, BaseException):
                raise part
            yield part
    finally:
        for process in processes:
            if process.is_alive():
                process.terminate()
            process.join(timeout=5)


def _helper(out, path: str, key: bytes, starts: list[int], top: int, size: int, bounds: list[int]) -> None:
    """In a helper process: its slices made, read on a connection of its own."""
    from fundclient.storage.engine import raw_connect  # lazy: in the helper

    try:
        raw = raw_connect(Path(path), key)
        try:
            for start in starts:
                out.put(_made(raw, start, min(top, start + size), bounds))
        finally:
            raw.close()
    except Exception as exc:  # noqa: BLE001 - handed to the writer, which stops with it
        out.put(RuntimeError(f"re-keying helper: {type(exc).__name__}"))
