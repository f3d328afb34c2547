#!/usr/bin/env python3
"""The first opening of an office after an update: when the person is first told something
(`storage.upgrade_progress`: the sign-in window's note, the CLI's line), how long each stage of
the opening's upgrades took, the wall and CPU time (this process and its helper processes), the
peak memory, and the file's size and free pages after (review finding 1: migration 0013's drop,
now retired tables dropped in slices at the opening — `storage.retired_drop`).

The office is opened once and upgraded in place: run it on a copy (`cp --reflink=auto -a`) of an
office at an older level — e.g. one built by `benchmarks/search_recall.py --records 200000
--data-dir D --keep` in a scratch worktree at a commit before migration 0013 (7e72e62) — and
delete the copy afterwards. To compare two trees, run each on its own copy with
`PYTHONPATH=TREE/src`, alternated.

    PYTHONPATH=src .venv/bin/python benchmarks/opening_upgrade_bench.py --office /tmp/copy-of-old --password P
"""

from __future__ import annotations

import argparse
import resource
import time
from pathlib import Path


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--office", type=Path, required=True, help="a copy of an office at an older level")
    parser.add_argument("--user", default="admin")
    parser.add_argument("--password", required=True)
    args = parser.parse_args()
    from fundclient.storage import open_store, upgrade_progress

    db = args.office / "fundclient.db"
    size_before = db.stat().st_size
    began = time.perf_counter()
    stages: dict[str, list] = {}  # stage -> [first told, last told, done, total]
    tenths: dict[str, int] = {}

    def heard(stage: str, done: int, total: int) -> None:
        now = time.perf_counter() - began
        seen = stages.setdefault(stage, [now, now, 0, total])
        seen[1], seen[2], seen[3] = now, done, total
        tenth = done * 10 // max(1, total)
        if tenths.get(stage) != tenth:
            tenths[stage] = tenth
            print(f"  {now:7.1f} s  {stage} {done:,} of {total:,}", flush=True)

    with upgrade_progress.reporting(heard):
        store, _ = open_store(args.office, args.user, args.password)
    wall = time.perf_counter() - began
    own, helpers = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    try:
        with store.read() as conn:
            raw = conn.driver_connection
            page = int(raw.execute("PRAGMA page_size").fetchone()[0])
            pages = raw.execute("PRAGMA page_count").fetchone()[0]
            free = raw.execute("PRAGMA freelist_count").fetchone()[0]
    finally:
        store.close()
    print(f"opening: {wall:.1f} s wall; CPU this process {own.ru_utime + own.ru_stime:.1f} s, helpers"
          f" {helpers.ru_utime + helpers.ru_stime:.1f} s; max RSS {own.ru_maxrss / 1024:.0f} MB")
    print(f"first progress told after {min((s[0] for s in stages.values()), default=wall):.1f} s"
          " (the migrations and checks before it)")
    for stage, (first, last, done, total) in stages.items():
        print(f"  stage {stage}: {first:.1f} -> {last:.1f} s ({last - first:.1f} s), {done:,} of {total:,}")
    print(f"file before {size_before / 1e9:.3f} GB, after {db.stat().st_size / 1e9:.3f} GB;"
          f" {pages:,} pages, of them free {free:,} ({free * page / 1e9:.3f} GB)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
