"""Saves while the daily backup runs: how long a save with a 30 KB photo waits, idle and
during a backup (issue #11 item 2: < 100 ms), the backup's own time, and the process's
peak memory.

    .venv/bin/python benchmarks/backup_bench.py --records 20000          # build, measure
    .venv/bin/python benchmarks/backup_bench.py --data-dir D --password P  # an existing store

The backup runs as in the app (`Store.backup_if_due` on a thread of its own: one read
snapshot on its own connection, 1 MiB steps); the saves run on this thread, one every
`--every` seconds, as a clerk's would. Temp dirs are removed at the end.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import sys
import tempfile
import threading
import time
from datetime import timedelta
from pathlib import Path

from fundclient.domain.records import Photo
from fundclient.domain.synthetic import iter_generate
from fundclient.storage import initialise, open_store
from fundclient.storage.bulk import bulk_add
from fundclient.storage.files import BACKUP_DIR

USER, PASSWORD = "admin", "bench-password-1"


def saves(store, count: int, every: float, seed: int, stop: threading.Event | None = None) -> list[float]:
    photo = Photo(b"\xff\xd8" + os.urandom(30_000))
    waits = []
    for b in iter_generate(count, seed=seed):
        if stop is not None and stop.is_set():
            break
        start = time.perf_counter()
        store.beneficiaries.add(b, by=USER, photos=[photo])
        waits.append(time.perf_counter() - start)
        time.sleep(every)
    return waits


def line(label: str, waits: list[float]) -> None:
    ms = sorted(w * 1000 for w in waits)
    p95 = ms[min(len(ms) - 1, round(0.95 * (len(ms) - 1)))]
    print(f"{label:34s} n={len(ms):4d}  p50={statistics.median(ms):7.1f} ms  p95={p95:7.1f} ms  max={ms[-1]:7.1f} ms")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--records", type=int, default=20_000)
    parser.add_argument("--data-dir", help="an existing store (kept); default: build one in a temp dir")
    parser.add_argument("--password", default=PASSWORD)
    parser.add_argument("--every", type=float, default=0.05, help="seconds between saves")
    args = parser.parse_args()
    own = args.data_dir is None
    data_dir = Path(args.data_dir or tempfile.mkdtemp(prefix="fundclient-backup-bench-"))
    print(f"data dir: {data_dir}  cpu: {os.cpu_count()}  python: {sys.version.split()[0]}"
          f"  load: {os.getloadavg()[0]:.1f}", flush=True)
    try:
        if own:
            initialise(data_dir, "SBH", USER, args.password)
            store, _ = open_store(data_dir, USER, args.password)
            bulk_add(store, iter_generate(args.records, seed=3), by=USER)
            store.close()
        store, _ = open_store(data_dir, USER, args.password)
        size = (data_dir / "fundclient.db").stat().st_size / 1e6
        print(f"records: {store.counters()['records']:,}  DB {size:.0f} MB", flush=True)
        line("save with photo, no backup", saves(store, 40, args.every, seed=int(time.time())))
        done = threading.Event()
        timing: dict = {}

        def backup() -> None:
            start, cpu = time.perf_counter(), time.thread_time()
            timing["path"] = store.backup_if_due(USER, max_age=timedelta(0))  # due now
            timing["wall"], timing["cpu"] = time.perf_counter() - start, time.thread_time() - cpu
            done.set()

        thread = threading.Thread(target=backup)
        thread.start()
        during = saves(store, 100_000, args.every, seed=int(time.time()) + 1, stop=done)
        thread.join()
        line("save with photo, during the backup", during)
        print(f"backup: {timing['wall']:.1f} s wall, {timing['cpu']:.1f} s CPU (its thread);"
              f" {timing['path'].stat().st_size / 1e6:.0f} MB zip")
        print(f"peak memory of this process: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")
        print(f"load average at the end: {os.getloadavg()[0]:.1f}")
        store.close()
        if not own:
            shutil.rmtree(data_dir / BACKUP_DIR, ignore_errors=True)
    finally:
        if own:
            shutil.rmtree(data_dir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
