"""Test helpers of the narrow name tables (`name_ends`, migration 0010; `name_heads`, 0014;
`storage.name_ends_fill.NAME_ENDS` / `NAME_HEADS`): what a table holds, what it should hold from
the holders' and dependants' own rows (computed in Python), what a fill at the opening leaves
behind, and a fill killed (SIGKILL) after its third slice in a child process."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

from fundclient.storage.name_ends_fill import NAME_ENDS, NameTable
from fundclient.storage.search_keys import name_ends, name_heads


def filed(store, spec: NameTable) -> list[tuple]:
    """The table's rows, in its key's order."""
    with store.read() as conn:
        return conn.exec_driver_sql(f"SELECT {', '.join(spec.columns)} FROM {spec.table}"
                                    f" ORDER BY {spec.order}").fetchall()


def _values(spec: NameTable, phon: str, norm: str) -> tuple:
    return (name_ends(phon),) if spec is NAME_ENDS else name_heads(phon, norm)


def expected(store, spec: NameTable) -> list[tuple]:
    """What the table should hold, from the holders' and dependants' own rows, in Python."""
    with store.read() as conn:
        rows = [(*_values(spec, phon, norm), rid, norm) for rid, phon, norm in conn.exec_driver_sql(
            "SELECT id, name_phon, name_norm FROM beneficiaries").fetchall()]
        rows += [(*_values(spec, phon, norm), -rid, norm) for rid, phon, norm in conn.exec_driver_sql(
            "SELECT id, name_phon, name_norm FROM dependants").fetchall()]
    return sorted(rows)


def leftovers(store, spec: NameTable) -> list[str]:
    """A fill's note and stage tables still in the store."""
    with store.read() as conn:
        return [row[0] for row in conn.exec_driver_sql(
            "SELECT name FROM sqlite_master WHERE name = ? OR name LIKE ?",
            (spec.pending, f"{spec.table}_stage%")).fetchall()]


_KILLED = """
import sys, time
from pathlib import Path
from fundclient.storage import name_ends_fill, open_store

name_ends_fill.NameTableFill.slice = 5
name_ends_fill.STAGE_ROWS = 40

def after_slice(next_id):
    Path(sys.argv[3]).write_text(str(next_id))
    if next_id >= 15:
        time.sleep(120)  # killed here: three slices staged and noted

name_ends_fill.after_slice = after_slice
open_store(Path(sys.argv[1]), "admin", sys.argv[2])
"""


def kill_after_third_slice(office, password: str, flag) -> None:
    """Open `office` in a child process whose fill takes slices of 5 holders, and SIGKILL it once
    its third slice is staged and noted (holders 1..14)."""
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    child = subprocess.Popen([sys.executable, "-c", _KILLED, str(office), password, str(flag)], env=env,
                             stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 120
        while not (flag.exists() and flag.read_text() == "15"):
            assert child.poll() is None, child.stderr.read().decode()
            assert time.monotonic() < deadline, "the fill did not get to its third slice"
            time.sleep(0.05)
        child.send_signal(signal.SIGKILL)
        child.wait(30)
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()


def page(store, query: str, prefix_last: bool) -> list[tuple]:
    """The first page of `ranked_names(query)`: score, table, row, record and dependant of each."""
    return [(r.score, c.table, c.row_id, c.record_id, c.dependant_id)
            for r, c in store.beneficiaries.ranked_names(query, 10, prefix_last=prefix_last)]


def pages_both_ways(store, queries, prefix_last: bool, monkeypatch) -> tuple[dict, dict, int]:
    """(each query's page as the search answers it, its page from the FTS queries alone — no narrow
    table asked —, how many queries the first way answered without an FTS query)."""
    from fundclient.storage import search  # (the module the spy and the switch go into)

    fts = []
    real = search.SearchMixin._fts_ids

    def spied(self, cursor, table, query, limit):
        fts.append(query)
        return real(self, cursor, table, query, limit)

    monkeypatch.setattr(search.SearchMixin, "_fts_ids", spied)
    answered = 0
    quick = {}
    for q in sorted(queries):
        before = len(fts)
        quick[q] = page(store, q, prefix_last)
        answered += len(fts) == before
    monkeypatch.setattr(search, "MAX_ENDS_KEYS", 0)  # never from name_ends / name_heads: the FTS queries only
    full = {q: page(store, q, prefix_last) for q in sorted(queries)}
    return quick, full, answered
