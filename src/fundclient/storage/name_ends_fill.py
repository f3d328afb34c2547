"""The names by their ends' sound (`name_ends`, migration 0010) filled for an office that had
records before the update: at the store's opening, through the one mechanism for office data
made again after an update (`storage.opening_upgrade`) — in slices of holders, resumable after a
kill, its progress shown at sign-in — not inside the migration (37 s at a million records in one
transaction, no progress, no resume, every row sorted at once in memory: review finding 2).

Migration 0010 makes the table and its triggers and, when the office holds records, the note
`name_ends_pending` (the next holder id). The opening then:

- `begin`: the stages' key ranges (quantiles of a sample of holders' `ends`) noted, one stage
  table per range;
- each slice of holders and their dependants: their `name_ends` rows (`search_keys.ends_sql`, as
  the triggers make them) appended to their ranges' stages, the note moved on;
- `finish`: each stage filed into `name_ends` in key order, then the note dropped.

Until the note is gone the store is not used (the opening waits for it), so a search never
reads a half-filled table.
"""

from __future__ import annotations

import json
from collections.abc import Callable

from fundclient.storage.opening_upgrade import SlicedUpgrade, Stages
from fundclient.storage.search_keys import ends_sql

PENDING_TABLE = "name_ends_pending"
PENDING = (f"CREATE TABLE {PENDING_TABLE} (kind TEXT PRIMARY KEY, value TEXT NOT NULL)",
           f"INSERT INTO {PENDING_TABLE} (kind, value) VALUES ('next', '0')")
STAGES = Stages("name_ends_stage", "ends, person, name_norm", "name_ends", "ends, person")
STAGE_DEFINITION = "ends TEXT NOT NULL, person INTEGER NOT NULL, name_norm TEXT NOT NULL"
STAGE_ROWS = 1_000_000  # rows a stage's sort holds at the end (~80 bytes each)
ROWS_PER_HOLDER = 4  # a holder and ~3.2 dependants... rounded up
SAMPLE = 2000  # holders whose ends place the stages' bounds

_HOLDERS = (f"SELECT {ends_sql('t.name_phon')} AS ends, t.id AS person, t.name_norm AS name_norm FROM beneficiaries t"
            " WHERE t.id >= ? AND t.id < ?")
_DEPENDANTS = (f"SELECT {ends_sql('d.name_phon')} AS ends, -d.id AS person, d.name_norm AS name_norm FROM beneficiaries t"
               " JOIN dependants d ON d.record_id = t.record_id WHERE t.id >= ? AND t.id < ?")

# Test hook: called with the next holder id after each slice is written.
after_slice: Callable[[int], None] | None = None


def _note(raw, kind: str) -> str | None:
    row = raw.execute(f"SELECT value FROM {PENDING_TABLE} WHERE kind = ?", (kind,)).fetchone()
    return row[0] if row else None


def _bounds(raw) -> list[str]:
    """Where the stages' ranges of `ends` meet, each stage holding about STAGE_ROWS rows."""
    total, top = raw.execute("SELECT count(*), coalesce(max(id), 0) FROM beneficiaries").fetchone()
    stages = -(-total * ROWS_PER_HOLDER // STAGE_ROWS)
    if stages <= 1:
        return []
    ids = list(range(1, top + 1, max(1, top // SAMPLE)))[:SAMPLE]
    sample: list[str] = []
    for start in range(0, len(ids), 500):
        chunk = ids[start:start + 500]
        sample += [row[0] for row in raw.execute(
            f"SELECT {ends_sql('name_phon')} FROM beneficiaries WHERE id IN ({','.join('?' * len(chunk))})", chunk)]
    sample.sort()
    if not sample:
        return []
    return sorted({sample[len(sample) * i // stages] for i in range(1, stages)})


def _ranges(bounds: list[str]) -> list[tuple[str, tuple]]:
    """Each stage's condition on `ends` and its parameters."""
    edges = [None, *bounds, None]
    ranges = []
    for low, high in zip(edges, edges[1:]):
        parts = (["ends >= ?"] if low is not None else []) + (["ends < ?"] if high is not None else [])
        ranges.append((" AND ".join(parts) or "1", tuple(x for x in (low, high) if x is not None)))
    return ranges


class NameEndsFill(SlicedUpgrade):
    def needed(self, raw) -> bool:
        return bool(raw.execute("SELECT EXISTS (SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?)",
                                (PENDING_TABLE,)).fetchone()[0])

    def begin(self, raw) -> int:
        if _note(raw, "bounds") is None:  # the first opening after the migration: the stages made
            bounds = _bounds(raw)
            STAGES.make(raw, len(bounds) + 1, STAGE_DEFINITION)
            raw.execute(f"INSERT INTO {PENDING_TABLE} (kind, value) VALUES ('bounds', ?)", (json.dumps(bounds),))
        self.bounds = json.loads(_note(raw, "bounds"))
        return int(_note(raw, "next"))

    def write(self, raw, part) -> tuple[int, int]:
        start, end = part
        holders = 0
        for bucket, (condition, values) in enumerate(_ranges(self.bounds)):
            for rows in (_HOLDERS, _DEPENDANTS):
                written = raw.execute(f"INSERT INTO {STAGES.name(bucket)} ({STAGES.columns}) SELECT ends, person,"
                                      f" name_norm FROM ({rows}) WHERE {condition}", (start, end, *values)).rowcount
                holders += written if rows is _HOLDERS else 0
        raw.execute(f"UPDATE {PENDING_TABLE} SET value = ? WHERE kind = 'next'", (str(end),))
        return holders, end

    def finish(self, store) -> None:
        for bucket in range(len(self.bounds) + 1):
            with store.writer_connection() as conn:
                STAGES.file(conn.driver_connection, bucket, verb="INSERT OR REPLACE")
        with store.writer_connection() as conn:
            conn.driver_connection.execute(f"DROP TABLE {PENDING_TABLE}")

    def after_slice(self, next_id: int) -> None:
        if after_slice is not None:
            after_slice(next_id)


def fill_here(raw) -> None:
    """The whole fill in the caller's write transaction (a small store: the migrations' tests)."""
    fill = NameEndsFill()
    if not fill.needed(raw):
        return
    first = fill.begin(raw)
    top = raw.execute("SELECT coalesce(max(id), 0) + 1 FROM beneficiaries").fetchone()[0]
    for start in range(first, top, fill.slice):
        fill.write(raw, (start, min(top, start + fill.slice)))
    for bucket in range(len(fill.bounds) + 1):
        STAGES.file(raw, bucket, verb="INSERT OR REPLACE")
    raw.execute(f"DROP TABLE {PENDING_TABLE}")
