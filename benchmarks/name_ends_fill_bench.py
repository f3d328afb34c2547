"""The names filed by their ends' sound for an office that held records before migration 0010
(review finding 2 of #11): at the store's opening in slices, staged and filed in key order
(`storage.name_ends_fill` through `storage.opening_upgrade`), against the baseline — the
migration's old fill, one set-based statement sorting every row (`INSERT … UNION ALL … ORDER BY
1, 2`) in one transaction. Wall, this process's CPU and its peak memory (RSS high-water mark)
for each, on the same office; the table's content is checked equal after both.

    .venv/bin/python benchmarks/name_ends_fill_bench.py --office /tmp/ends-office --records 100000 --prepare
    .venv/bin/python benchmarks/name_ends_fill_bench.py --office /tmp/ends-office --mode opening
    .venv/bin/python benchmarks/name_ends_fill_bench.py --office /tmp/ends-office --mode migration

`--prepare` builds the office (synthetic records, `bulk_generate`; not timed); each timed run
first empties `name_ends` and notes the fill as migration 0010 does for an office with records
(not timed), then opens it (timed: the opening with its fill, or the opening and the old
statement). Run each mode in its own process (the peak memory
is the process's). Delete the office yourself afterwards.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import resource
import sys
import time
from pathlib import Path

PASSWORD = "bench-pass-1"


def _rss_peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _digest(store) -> tuple[int, str]:
    digest = hashlib.sha256()
    count = 0
    with store.read() as conn:
        for row in conn.exec_driver_sql("SELECT ends, person, name_norm FROM name_ends ORDER BY ends, person"):
            digest.update(repr(tuple(row)).encode())
            count += 1
    return count, digest.hexdigest()[:16]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--office", type=Path, required=True)
    parser.add_argument("--records", type=int, default=100_000)
    parser.add_argument("--prepare", action="store_true")
    parser.add_argument("--mode", choices=("opening", "migration"))
    args = parser.parse_args(argv)

    from fundclient import storage
    from fundclient.storage import name_ends_fill
    from fundclient.storage.bulk import bulk_generate
    from fundclient.storage.search_keys import name_ends_insert

    if args.prepare:
        storage.initialise(args.office, "SEB", "admin", PASSWORD, "مدير النظام")
        store, _ = storage.open_store(args.office, "admin", PASSWORD)
        try:
            started = time.perf_counter()
            bulk_generate(store, args.records, seed=11, by="admin", batch_size=5_000, helpers=1,
                          near_duplicate_rate=0.05, sibling_rate=0.3)
            print(f"prepared {args.records:,} records in {time.perf_counter() - started:.1f} s", flush=True)
        finally:
            store.close()
        return 0
    if not args.mode:
        parser.error("--prepare or --mode")
    store, _ = storage.open_store(args.office, "admin", PASSWORD)
    try:  # the office as migration 0010 leaves one with records (not timed)
        with store.writer_connection() as conn:
            raw = conn.driver_connection
            raw.execute("DELETE FROM name_ends")
            for statement in name_ends_fill.PENDING:
                raw.execute(statement)
            holders = raw.execute("SELECT count(*) FROM beneficiaries").fetchone()[0]
            people = holders + raw.execute("SELECT count(*) FROM dependants").fetchone()[0]
        if args.mode == "migration":
            with store.writer_connection() as conn:
                conn.driver_connection.execute(f"DROP TABLE {name_ends_fill.PENDING_TABLE}")
    finally:
        store.close()
    memory_before = _rss_peak_mb()
    started, cpu = time.perf_counter(), time.process_time()
    store, _ = storage.open_store(args.office, "admin", PASSWORD)  # "opening": the fill runs in it
    if args.mode == "migration":
        with store.writer_connection() as conn:  # 0010's old fill, verbatim, at the same opening
            holders_sql = name_ends_insert("beneficiaries", "t.id", "t")
            dependants_sql = name_ends_insert("dependants", "-d.id", "d").split(" SELECT ", 1)[1]
            conn.driver_connection.execute(f"{holders_sql} UNION ALL SELECT {dependants_sql} ORDER BY 1, 2")
    wall = time.perf_counter() - started
    cpu = time.process_time() - cpu
    try:
        rows, digest = _digest(store)
    finally:
        store.close()
    load = open("/proc/loadavg").read().split()[0]
    print(f"{args.mode:9} {holders:,} holders ({people:,} people): {wall:.1f} s wall, {cpu:.1f} s CPU,"
          f" peak RSS {_rss_peak_mb():.0f} MB (before {memory_before:.0f} MB); name_ends {rows:,} rows, content"
          f" {digest}; load at the end {load} (1-min), {os.cpu_count()} cores", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
