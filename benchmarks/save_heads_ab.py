"""What a save pays for its `name_heads` rows (migration 0014; review finding 3): saves with a
30 KB photo in alternating blocks, with the table's insert triggers as they are and with them
dropped, on a COPY of a store (the rows the blocks without them missed are filed at the end and
the triggers made again, from `storage.search_keys`, whatever happens).

    .venv/bin/python benchmarks/save_heads_ab.py --data-dir COPY [--blocks 6 --saves 60]

Per block: the saves' own CPU (thread time) and wall, p50 and mean, and the steps that differ —
the holder's INSERT (its triggers run inside it), the dependants' INSERT and the COMMIT (the
pages they dirtied, encrypted and written) — from benchmarks/save_trace.py. The first saves of
each block are left out (a dropped or made trigger makes SQLite prepare every statement again).
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
from pathlib import Path

from fundclient.domain.records import Photo
from fundclient.domain.synthetic import iter_generate
from fundclient.storage import open_store
from fundclient.storage.search_keys import NAME_HEADS_TRIGGERS, name_heads_insert

USER, PASSWORD = "admin", "bench-password-1"
INSERT_TRIGGERS = ("name_heads_holders_ai", "name_heads_dependants_ai")
WARM = 5  # saves left out at the start of each block


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data-dir", required=True, help="a copy of a store: its schema is changed meanwhile")
    parser.add_argument("--password", default=PASSWORD)
    parser.add_argument("--blocks", type=int, default=6)
    parser.add_argument("--saves", type=int, default=60)
    parser.add_argument("--every", type=float, default=0.02)
    args = parser.parse_args()
    from save_trace import SaveTrace

    store, _ = open_store(Path(args.data_dir), USER, args.password)
    import gc

    gc.freeze()
    trace = SaveTrace(store).install()
    photo = Photo(b"\xff\xd8" + os.urandom(30_000))
    missed: list[str] = []
    results: dict[str, list[dict]] = {"with": [], "without": []}
    print(f"records: {store.counters()['records']:,}  load: {os.getloadavg()[0]:.1f}", flush=True)
    try:
        people = iter_generate(args.blocks * args.saves, seed=int(time.time()))
        for block in range(args.blocks):
            kind = "with" if block % 2 == 0 else "without"
            with store.writer_connection() as conn:
                for name in INSERT_TRIGGERS:
                    conn.exec_driver_sql(f'DROP TRIGGER IF EXISTS "{name}"')
                    if kind == "with":
                        conn.exec_driver_sql(NAME_HEADS_TRIGGERS[name])
            saved = []
            for i in range(args.saves):
                person = next(people)
                trace.start()
                store.beneficiaries.add(person, by=USER, photos=[photo])
                trace.stop(kind)
                if kind == "without":
                    missed.append(person.record_id)
                if i >= WARM:
                    saved.append(trace.saves[-1])
                time.sleep(args.every)
            results[kind].extend(saved)
            line(f"block {block + 1} {kind:7s}", saved)
        print(flush=True)
        for kind in ("with", "without"):
            line(f"all blocks {kind:7s}", results[kind])
    finally:
        with store.writer_connection() as conn:
            for name in INSERT_TRIGGERS:
                conn.exec_driver_sql(f'DROP TRIGGER IF EXISTS "{name}"')
                conn.exec_driver_sql(NAME_HEADS_TRIGGERS[name])
            for chunk in range(0, len(missed), 500):
                ids = missed[chunk:chunk + 500]
                marks = ", ".join("?" * len(ids))
                conn.exec_driver_sql(name_heads_insert("beneficiaries", "t.id", "t", f" WHERE t.record_id IN ({marks})"),
                                     tuple(ids))
                conn.exec_driver_sql(name_heads_insert("dependants", "-t.id", "t", f" WHERE t.record_id IN ({marks})"),
                                     tuple(ids))
        print(f"name_heads rows filed for the {len(missed)} records saved without the triggers; triggers made again")
        store.close()
    return 0


def line(label: str, saves: list[dict]) -> None:
    def stat(values: list[float]) -> str:
        return f"p50 {statistics.median(values) * 1000:5.2f} mean {statistics.fmean(values) * 1000:5.2f}"

    def step(prefix: str, cpu: bool) -> list[float]:
        return [sum(s[3] if cpu else s[2] for s in save["steps"] if s[0].startswith(prefix)) for save in saves]

    print(f"{label}: n={len(saves)}  CPU {stat([s['cpu'] for s in saves])} ms  wall {stat([s['wall'] for s in saves])} ms"
          f" | holder INSERT CPU {stat(step('INSERT INTO beneficiaries', True))}"
          f" | dependants INSERT CPU {stat(step('INSERT INTO dependants', True))}"
          f" | COMMIT CPU {stat(step('COMMIT', True))} wall {stat(step('COMMIT', False))}", flush=True)


if __name__ == "__main__":
    raise SystemExit(main())
