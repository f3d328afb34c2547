"""The name indexes' (FTS5) merging done when the writer is idle, never inside a save (issue #11
item 2: a save during a backup and a sync waits < 100 ms, every one).

FTS5 writes each transaction's new index entries as a small segment of its own (one leaf page
for a save) and merges segments as they pile up. With its default 'automerge' (4) it does that
inside the commit that crosses a multiple of 64 leaf pages written — every ~64 saves — and
merges 64 × (number of levels) pages at once: after the bulk build's optimize the indexes have 7
levels, so that save's COMMIT read and wrote ~450 pages of each index (2–4 MB, 40–100 ms of the
save's own CPU at 1 M records; docs/performance.md). Migration 0015 sets 'automerge' to 0 on both
name indexes; a commit then merges only in FTS5's crisis (a level reaching 'crisismerge', 16
segments): at a save that is level 0's sixteen one-page segments, about a millisecond.

The merging itself is `merge_step`: FTS5's own 'merge' command, the merges automerge would make
(levels holding 'usermerge', 4, segments or more), at most MERGE_PAGES pages of output per index
and step, each step one short write transaction under the writer's turn. The store's idle thread
runs the steps (`storage/key_filing.py`: once no write has come for QUIET seconds, after the
duplicate keys are moved, step after step until one finds nothing to merge), so a save arriving
meanwhile waits for one step at most. What a search finds does not change: the same entries,
in fewer segments; between two idle moments a level holds up to 15 small segments (each read
by a search in the page cache).
"""

from __future__ import annotations

from fundclient.storage.bulk_build import FTS_TABLES

MERGE_PAGES = 64  # pages of output per index and step (a step at 1 M: see docs/performance.md)
USERMERGE = 4  # FTS5's default 'usermerge': a level with this many segments is merged
AUTOMERGE_OFF = [f"INSERT INTO {table} ({table}, rank) VALUES ('automerge', 0)" for table in FTS_TABLES]
AUTOMERGE_ON = [f"INSERT INTO {table} ({table}, rank) VALUES ('automerge', 4)" for table in FTS_TABLES]
_STRUCTURE_ROWID = 10  # FTS5's structure record in `<table>_data`
_STRUCTURE_V2 = b"\xff\x00\x00\x01"


def merge_step(raw, pages: int = MERGE_PAGES) -> bool:
    """One step of merging on each name index, inside the caller's write transaction on `raw`
    (a sqlcipher3 connection). True when there was something to merge (FTS5 wrote: the
    connection's change count moved by 2 or more), False when both indexes are as merged as
    FTS5 keeps them."""
    worked = False
    for table in FTS_TABLES:
        before = raw.total_changes
        raw.execute(f"INSERT INTO {table} ({table}, rank) VALUES ('merge', ?)", (pages,))
        worked = worked or raw.total_changes - before >= 2
    return worked


def levels(raw, table: str) -> list[tuple[int, int]]:
    """(segments being merged, segments) of each level of one FTS5 index, read from its structure
    record (FTS5's own format: a 4-byte cookie, an optional version marker, varints)."""
    row = raw.execute(f"SELECT block FROM {table}_data WHERE id = ?", (_STRUCTURE_ROWID,)).fetchone()
    if row is None:
        return []
    block = bytes(row[0])
    at = 8 if block[4:8] == _STRUCTURE_V2 else 4
    extra = 5 if at == 8 else 0  # v2: each segment's origin, tombstone and entry counts
    count, at = _varint(block, at)
    _, at = _varint(block, at)  # segments in all
    _, at = _varint(block, at)  # write counter
    found = []
    for _ in range(count):
        merging, at = _varint(block, at)
        segments, at = _varint(block, at)
        for _ in range(segments * (3 + extra)):
            _, at = _varint(block, at)
        found.append((merging, segments))
    return found


def needs_merging(raw) -> bool:
    """A merge under way or a level of `USERMERGE` segments or more in either name index (what
    `merge_step` would work on; tests and figures). A session's segments left unmerged at its
    end are merged in the next one: its login's audit entry is a write and wakes the idle thread."""
    return any(merging or segments >= USERMERGE
               for table in FTS_TABLES for merging, segments in levels(raw, table))


def _varint(block: bytes, at: int) -> tuple[int, int]:
    """SQLite's varint (big-endian, 7 bits a byte, the ninth byte whole) at `at`: (value, next)."""
    value = 0
    for n in range(9):
        byte = block[at]
        at += 1
        if n == 8:
            return (value << 8) | byte, at
        value = (value << 7) | (byte & 0x7F)
        if not byte & 0x80:
            return value, at
    return value, at
