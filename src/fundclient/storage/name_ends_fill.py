"""Name search's narrow tables — `name_ends` (migration 0010: names by their first and last
words' sound) and `name_heads` (migration 0014: by their first two words' sound and last word) —
filled for an office that had records before the update that brought them: at the store's
opening, through the one mechanism for office data made again after an update
(`storage.opening_upgrade`) — in slices of holders, resumable after a kill, its progress shown at
sign-in — not inside the migration (37 s and ~30 s at a million records in one transaction, no
progress, no resume, every row sorted at once in memory: review finding 2).

Each migration makes its table and triggers and, when the office holds records, its note
(`<table>_pending`: the next holder id). The opening then, for each table (`NameTableFill`):

- `begin`: the stages' key ranges (quantiles of a sample of holders' keys) noted, one stage
  table per range;
- each slice of holders and their dependants: their rows (the SQL of `storage.search_keys`, as
  the triggers make them) appended to their ranges' stages, the note moved on;
- `finish`: each stage filed into the table in key order, then the note dropped.

Until the notes are gone the store is not used (the opening waits for them), so a search never
reads a half-filled table.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass

from fundclient.storage.opening_upgrade import SlicedUpgrade, Stages
from fundclient.storage.search_keys import ends_sql, heads_sql, last_word_sql

STAGE_ROWS = 1_000_000  # rows a stage's sort holds at the end (~80 bytes each)
ROWS_PER_HOLDER = 4  # a holder and ~3.2 dependants, rounded up
SAMPLE = 2000  # holders whose keys place the stages' bounds


@dataclass(frozen=True)
class NameTable:
    """One of the narrow tables: its name, its columns in order, its key's SQL and its rows' SQL
    (`row` the alias of a holder's or dependant's row)."""

    table: str
    key: str  # the column the stages are ranged by (the table's first)
    columns: tuple[str, ...]  # with `person` and `name_norm`
    order: str
    key_sql: Callable[[str], str]  # the key of alias `row`
    values_sql: Callable[[str], str]  # the columns before `person`, of alias `row`

    @property
    def pending(self) -> str:
        return f"{self.table}_pending"

    @property
    def notes(self) -> tuple[str, str]:
        """The statements a migration runs to note the fill."""
        return (f"CREATE TABLE {self.pending} (kind TEXT PRIMARY KEY, value TEXT NOT NULL)",
                f"INSERT INTO {self.pending} (kind, value) VALUES ('next', '0')")

    @property
    def stages(self) -> Stages:
        return Stages(f"{self.table}_stage", ", ".join(self.columns), self.table, self.order)

    def definition(self) -> str:
        return ", ".join(f"{c} INTEGER NOT NULL" if c == "person" else f"{c} TEXT NOT NULL" for c in self.columns)

    def rows(self, holders: bool) -> str:
        """The table's rows of the holders with ids in [?, ?) (`holders`), or of their dependants."""
        row, person = ("t", "t.id") if holders else ("d", "-d.id")
        source = "beneficiaries t" if holders else "beneficiaries t JOIN dependants d ON d.record_id = t.record_id"
        return (f"SELECT {self.values_sql(row)}, {person} AS person, {row}.name_norm AS name_norm FROM {source}"
                " WHERE t.id >= ? AND t.id < ?")


NAME_ENDS = NameTable("name_ends", "ends", ("ends", "person", "name_norm"), "ends, person",
                      lambda row: ends_sql(f"{row}.name_phon"),
                      lambda row: f"{ends_sql(f'{row}.name_phon')} AS ends")
NAME_HEADS = NameTable("name_heads", "heads", ("heads", "last", "person", "name_norm"), "heads, last, person",
                       lambda row: heads_sql(f"{row}.name_phon"),
                       lambda row: f"{heads_sql(f'{row}.name_phon')} AS heads, {last_word_sql(f'{row}.name_norm')} AS last")
TABLES = (NAME_ENDS, NAME_HEADS)
# (migration 0010's names, kept for it: `PENDING`, `PENDING_TABLE`)
PENDING_TABLE, PENDING = NAME_ENDS.pending, NAME_ENDS.notes

# Test hook: called with the next holder id after each slice is written.
after_slice: Callable[[int], None] | None = None


def _note(raw, spec: NameTable, kind: str) -> str | None:
    row = raw.execute(f"SELECT value FROM {spec.pending} WHERE kind = ?", (kind,)).fetchone()
    return row[0] if row else None


def _bounds(raw, spec: NameTable) -> list[str]:
    """Where the stages' ranges of the table's key meet, each stage holding about STAGE_ROWS rows."""
    total, top = raw.execute("SELECT count(*), coalesce(max(id), 0) FROM beneficiaries").fetchone()
    stages = -(-total * ROWS_PER_HOLDER // STAGE_ROWS)
    if stages <= 1:
        return []
    ids = list(range(1, top + 1, max(1, top // SAMPLE)))[:SAMPLE]
    sample: list[str] = []
    for start in range(0, len(ids), 500):
        chunk = ids[start:start + 500]
        sample += [row[0] for row in raw.execute(
            f"SELECT {spec.key_sql('t')} FROM beneficiaries t WHERE t.id IN ({','.join('?' * len(chunk))})", chunk)]
    sample.sort()
    if not sample:
        return []
    return sorted({sample[len(sample) * i // stages] for i in range(1, stages)})


def _ranges(key: str, bounds: list[str]) -> list[tuple[str, tuple]]:
    """Each stage's condition on the key and its parameters."""
    edges = [None, *bounds, None]
    ranges = []
    for low, high in zip(edges, edges[1:]):
        parts = ([f"{key} >= ?"] if low is not None else []) + ([f"{key} < ?"] if high is not None else [])
        ranges.append((" AND ".join(parts) or "1", tuple(x for x in (low, high) if x is not None)))
    return ranges


class NameTableFill(SlicedUpgrade):
    def __init__(self, spec: NameTable = NAME_ENDS) -> None:
        self.spec = spec
        self.bounds: list[str] = []

    def needed(self, raw) -> bool:
        return bool(raw.execute("SELECT EXISTS (SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?)",
                                (self.spec.pending,)).fetchone()[0])

    def begin(self, raw) -> int:
        spec = self.spec
        if _note(raw, spec, "bounds") is None:  # the first opening after the migration: the stages made
            bounds = _bounds(raw, spec)
            spec.stages.make(raw, len(bounds) + 1, spec.definition())
            raw.execute(f"INSERT INTO {spec.pending} (kind, value) VALUES ('bounds', ?)", (json.dumps(bounds),))
        self.bounds = json.loads(_note(raw, spec, "bounds"))
        return int(_note(raw, spec, "next"))

    def write(self, raw, part) -> tuple[int, int]:
        start, end = part
        spec, stages, holders = self.spec, self.spec.stages, 0
        for bucket, (condition, values) in enumerate(_ranges(spec.key, self.bounds)):
            for of_holders in (True, False):
                written = raw.execute(f"INSERT INTO {stages.name(bucket)} ({stages.columns}) SELECT {stages.columns}"
                                      f" FROM ({spec.rows(of_holders)}) WHERE {condition}",
                                      (start, end, *values)).rowcount
                holders += written if of_holders else 0
        raw.execute(f"UPDATE {spec.pending} SET value = ? WHERE kind = 'next'", (str(end),))
        return holders, end

    def finish(self, store) -> None:
        for bucket in range(len(self.bounds) + 1):
            with store.writer_connection() as conn:
                self.spec.stages.file(conn.driver_connection, bucket, verb="INSERT OR REPLACE")
        with store.writer_connection() as conn:
            conn.driver_connection.execute(f"DROP TABLE {self.spec.pending}")

    def after_slice(self, next_id: int) -> None:
        if after_slice is not None:
            after_slice(next_id)


NameEndsFill = NameTableFill  # (its first table's name)


def fill_here(raw) -> None:
    """Every table's whole fill in the caller's write transaction (a small store: the migrations' tests)."""
    for spec in TABLES:
        fill = NameTableFill(spec)
        if not fill.needed(raw):
            continue
        first = fill.begin(raw)
        top = raw.execute("SELECT coalesce(max(id), 0) + 1 FROM beneficiaries").fetchone()[0]
        for start in range(first, top, fill.slice):
            fill.write(raw, (start, min(top, start + fill.slice)))
        for bucket in range(len(fill.bounds) + 1):
            spec.stages.file(raw, bucket, verb="INSERT OR REPLACE")
        raw.execute(f"DROP TABLE {spec.pending}")
