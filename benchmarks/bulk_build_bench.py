"""Bulk build of a synthetic office (#11 item 8: ≥ 5,000 records/s): records per second,
wall and CPU, for each way of building, each into a fresh encrypted office.

    .venv/bin/python benchmarks/bulk_build_bench.py --records 40000
    .venv/bin/python benchmarks/bulk_build_bench.py --records 40000 --modes generate:2,generate:3

    .venv/bin/python benchmarks/bulk_build_bench.py --records 40000 --modes rows,list:1,list:2
    .venv/bin/python benchmarks/bulk_build_bench.py --records 1000000 --list /tmp/l.jsonl --prepare
    .venv/bin/python benchmarks/bulk_build_bench.py --records 1000000 --list /tmp/l.jsonl --modes list:1
    .venv/bin/python benchmarks/bulk_build_bench.py --records 1000000 --rows-file /tmp/r.pickle --prepare-rows
    .venv/bin/python benchmarks/bulk_build_bench.py --records 1000000 --rows-file /tmp/r.pickle --modes rows

Modes: `list:N` — the product's build from a legacy list: `bulk_load(store, list file,
helpers=N)` (N helper processes read, type and turn the list's lines into rows, this process
writes), the list (JSON lines, one record per line in the stored form) written beforehand from
the synthetic stream and not timed — its making is printed apart; `add` —
`bulk_add(store, iter_generate(...))` in this process; `generate:N` —
`bulk_generate(..., helpers=N)` (N helper processes make the rows, this process writes);
`rows` — the baseline: the writer alone, `insert_rows` of rows made beforehand (untimed; with
`--rows-file`, pickled beforehand by `--prepare-rows` and unpickled batch by batch in the timing,
as list:N's writer unpickles what its helpers send), through the build's writer path
(`storage.bulk_build`: an empty office's secondary indexes made at the end), i.e. the physical
limit of the single writer (executemany + the index work). CPU is this
process's (`process_time`) and the helpers' (`RUSAGE_CHILDREN`). The load is taken at the
end of each run. Everything is written in a temp dir deleted at the end (a `--list` given is
kept: delete it yourself).
"""

from __future__ import annotations

import argparse
import os
import pickle
import resource
import shutil
import sys
import tempfile
import time
from itertools import islice
from pathlib import Path

PASSWORD = "bench-pass-1"
OPTIONS = {"near_duplicate_rate": 0.05, "sibling_rate": 0.3}


def children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _pickled(path: Path):
    """The batches of rows `--prepare-rows` wrote, one at a time (unpickling timed, as in list:N's writer)."""
    with open(path, "rb") as rows:
        while True:
            try:
                yield pickle.load(rows)
            except EOFError:
                return


def progress_line(start: float, records: int):
    """The build's progress as it goes (`bulk_load`'s `progress`, after each batch): records done
    of all, the rate so far and that of the last batch."""
    last = [0, start]

    def progress(done: int) -> None:
        now = time.perf_counter()
        print(f"  {done:9,} of {records:,} records ({done * 100 // max(1, records)}%) in {now - start:6.1f} s:"
              f" {done / (now - start):6,.0f} records/s, the last {done - last[0]:,} at"
              f" {(done - last[0]) / max(1e-9, now - last[1]):6,.0f}/s", flush=True)
        last[:] = [done, now]

    return progress


def end_line(start: float):
    """The build's end as it goes (`storage.bulk_build.Ending`'s steps, told as an opening's upgrade
    is, `storage.upgrade_progress`): the share done and the time of each step."""
    last = [start]

    def told(stage: str, done: int, total: int) -> None:
        now = time.perf_counter()
        print(f"  the end ({stage}): {done * 100 // max(1, total):3}% at {now - start:6.1f} s"
              f" (+{now - last[0]:5.1f} s)", flush=True)
        last[0] = now

    return told


def run(mode: str, work: Path, records: int, seed: int, batch: int, listed: Path | None = None,
        rows_file: Path | None = None) -> None:
    from fundclient.domain.records import utc_now
    from fundclient.domain.synthetic import iter_generate
    from fundclient.storage import bulk_build, initialise, open_store, upgrade_progress
    from fundclient.storage.bulk import bulk_add, bulk_generate, bulk_load, insert_rows, record_rows, write_list

    office = work / mode.replace(":", "-")
    initialise(office, "SBH", "admin", PASSWORD)
    store, _ = open_store(office, "admin", PASSWORD)
    try:
        prepared = []
        listed = listed or work / "legacy.jsonl"
        if mode == "rows" and rows_file is None:
            stream = iter_generate(records, seed=seed, **OPTIONS)
            while chunk := list(islice(stream, batch)):
                prepared.append(record_rows(chunk, "admin", utc_now().isoformat()))
        elif mode.startswith("list") and not listed.exists():
            made, made_cpu = time.perf_counter(), time.process_time()
            write_list(listed, iter_generate(records, seed=seed, **OPTIONS))
            print(f"{'(the list)':12} {records:,} synthetic records written as a list (not timed below):"
                  f" {time.perf_counter() - made:.1f} s wall, {time.process_time() - made_cpu:.1f} s CPU,"
                  f" {listed.stat().st_size / 1e6:.1f} MB", flush=True)
        start, cpu, child = time.perf_counter(), time.process_time(), children_cpu()
        if mode == "add":
            count = bulk_add(store, iter_generate(records, seed=seed, **OPTIONS), by="admin", batch_size=batch)
        elif mode.startswith("list"):
            with upgrade_progress.reporting(end_line(start)):
                count = bulk_load(store, listed, by="admin", batch_size=batch,
                                  helpers=int(mode.partition(":")[2] or 1), progress=progress_line(start, records))
        elif mode.startswith("generate"):
            helpers = int(mode.partition(":")[2] or 1)
            count = bulk_generate(store, records, seed=seed, by="admin", batch_size=batch, helpers=helpers,
                                  **OPTIONS)
        elif mode == "rows":
            count = 0
            bulk_build.start(store)  # the build's own writer path: an empty office's indexes made at the end
            try:
                for rows in (prepared or _pickled(rows_file)):
                    with store.write("admin", "import", bulk=True, rows=len(rows[0])) as tx:
                        insert_rows(tx.conn.connection.driver_connection.cursor(), *rows)
                    count += len(rows[0])
            finally:
                with upgrade_progress.reporting(end_line(start)):
                    bulk_build.finish(store)
        else:
            raise SystemExit(f"unknown mode {mode}")
        wall = time.perf_counter() - start
        cpu, child = time.process_time() - cpu, children_cpu() - child
        assert store.counters()["records"] == count == records, (count, records)
        print(f"{mode:12} {count:,} records: {wall:6.1f} s wall = {count / wall:6,.0f} records/s;"
              f" writer CPU {cpu:5.1f} s ({count / cpu:6,.0f} per writer CPU s), helpers CPU {child:5.1f} s,"
              f" total CPU {cpu + child:5.1f} s ({count / (cpu + child):6,.0f} per CPU s);"
              f" load at end {' '.join(f'{x:.2f}' for x in os.getloadavg())}", flush=True)
    finally:
        store.close()
        shutil.rmtree(office, ignore_errors=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--records", type=int, default=40_000)
    parser.add_argument("--batch", type=int, default=None, help="records per transaction (default: the build's,"
                        " storage.bulk.BUILD_BATCH); --prepare-rows writes its batches of this size")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--modes", default="rows,list:1,add,generate:1")
    parser.add_argument("--list", type=Path, help="the legacy list to build from (list modes): made from the"
                        " synthetic stream if missing, and kept — e.g. a 1 M list made beforehand with --prepare")
    parser.add_argument("--prepare", action="store_true", help="only write the --list file, then stop")
    parser.add_argument("--rows-file", type=Path, help="`rows` mode: the rows of each batch read from this file"
                        " (made beforehand with --prepare-rows; kept) instead of made in memory before the timing")
    parser.add_argument("--prepare-rows", action="store_true", help="only write the --rows-file, then stop")
    args = parser.parse_args()
    if args.batch is None:
        from fundclient.storage.bulk import BUILD_BATCH

        args.batch = BUILD_BATCH
    if args.prepare_rows:
        from fundclient.domain.records import utc_now
        from fundclient.domain.synthetic import iter_generate
        from fundclient.storage.bulk import record_rows

        made, cpu = time.perf_counter(), time.process_time()
        stream = iter_generate(args.records, seed=args.seed, **OPTIONS)
        with open(args.rows_file, "wb") as out:
            while chunk := list(islice(stream, args.batch)):
                pickle.dump(record_rows(chunk, "admin", utc_now().isoformat()), out, protocol=pickle.HIGHEST_PROTOCOL)
        print(f"{args.records:,} records' rows written to {args.rows_file}: {time.perf_counter() - made:.1f} s wall,"
              f" {time.process_time() - cpu:.1f} s CPU, {args.rows_file.stat().st_size / 1e6:.0f} MB")
        return 0
    if args.prepare:
        from fundclient.domain.synthetic import iter_generate
        from fundclient.storage.bulk import write_list

        made, cpu = time.perf_counter(), time.process_time()
        write_list(args.list, iter_generate(args.records, seed=args.seed, **OPTIONS))
        print(f"{args.records:,} records written to {args.list}: {time.perf_counter() - made:.1f} s wall,"
              f" {time.process_time() - cpu:.1f} s CPU, {args.list.stat().st_size / 1e6:.0f} MB")
        return 0
    print(f"cpu: {os.cpu_count()}  python: {sys.version.split()[0]}  load: {os.getloadavg()[0]:.2f}", flush=True)
    work = Path(tempfile.mkdtemp(prefix="fundclient-bulk-bench-"))
    try:
        for mode in args.modes.split(","):
            run(mode.strip(), work, args.records, args.seed, args.batch, args.list, args.rows_file)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
