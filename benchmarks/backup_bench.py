"""Saves while the daily backup runs: how long a save with a 30 KB photo waits, idle and
during a backup (issue #11 item 2: < 100 ms), the backup's own time, and the process's
peak memory.

    .venv/bin/python benchmarks/backup_bench.py --records 20000          # build, measure
    .venv/bin/python benchmarks/backup_bench.py --data-dir D --password P  # an existing store
    .venv/bin/python benchmarks/backup_bench.py --data-dir D --sync 400  # and a sync at the same time
    .venv/bin/python benchmarks/backup_bench.py --data-dir D --sync 50 --during 180  # a 4 GB store
    .venv/bin/python benchmarks/backup_bench.py --data-dir D --sync 50 --during 180 --hq-nice 19

The backup runs as in the app (`Store.backup_if_due` on a thread of its own: one read
snapshot on its own connection, 1 MiB steps); the saves run on this thread, one every
`--every` seconds, as a clerk's would. `--sync N`: a real HQ (`fundclient hq serve` in its
own process on 127.0.0.1, SQLite) enrols the office, and while the backup runs the office's
own sync (`sync.engine.run_sync` on another thread) sends batches of N registrations with
20 KB photos, sealed again each round, until the backup ends (an existing store is enrolled
with that HQ — an earlier run's enrolment and outbox are removed first: use a copy); HQ runs at
normal priority unless `--hq-nice N` (an office PC does not run HQ: at nice 19 it takes what the
office's threads leave of the 2 cores, as a server elsewhere would). After the backup, the saves' duplicate keys are moved from the
small table into the big one (storage/key_filing.py, once the writer is idle): its steps'
times, and saves arriving while it runs, are printed. `--during S`: the saves during the backup stop after S seconds and
the backup is then stopped as quitting stops it (its partial copy removed) — the backup of a
4 GB store takes longer than a benchmark may hold the machine. Temp dirs are removed at the end.
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

from fundclient import threadprio
from fundclient.domain.records import Photo
from fundclient.domain.synthetic import iter_generate
from fundclient.storage import initialise, open_store
from fundclient.storage.bulk import bulk_add
from fundclient.storage.errors import BackupCancelled
from fundclient.storage.files import BACKUP_DIR

USER, PASSWORD = "admin", "bench-password-1"


def saves(store, count: int, every: float, seed: int,
          stop: threading.Event | None = None, trace=None, phase: str = "") -> list[tuple[float, float, int, int]]:
    """(wall, CPU of this thread, times it was preempted, times it waited) of each save —
    the last two from getrusage(RUSAGE_THREAD) where the OS has it: a save's wall time above
    its CPU is either waiting for a core (preempted) or for the disk or a lock (waited)."""
    photo = Photo(b"\xff\xd8" + os.urandom(30_000))
    usage = (lambda: resource.getrusage(resource.RUSAGE_THREAD)) if hasattr(resource, "RUSAGE_THREAD") else None
    waits = []
    for b in iter_generate(count, seed=seed):
        if stop is not None and stop.is_set():
            break
        before = usage() if usage else None
        if trace is not None:
            trace.start()
        start, cpu = time.perf_counter(), time.thread_time()
        store.beneficiaries.add(b, by=USER, photos=[photo])
        wall, used = time.perf_counter() - start, time.thread_time() - cpu
        if trace is not None:
            trace.stop(phase)
        after = usage() if usage else None
        waits.append((wall, used, after.ru_nivcsw - before.ru_nivcsw if usage else 0,
                      after.ru_nvcsw - before.ru_nvcsw if usage else 0))
        time.sleep(every)
    return waits


def line(label: str, waits: list[tuple[float, float, int, int]]) -> None:
    ms = sorted(w[0] * 1000 for w in waits)
    cpu = sorted(w[1] * 1000 for w in waits)
    p95 = ms[min(len(ms) - 1, round(0.95 * (len(ms) - 1)))]
    cpu95 = cpu[min(len(cpu) - 1, round(0.95 * (len(cpu) - 1)))]
    print(f"{label:34s} n={len(ms):4d}  p50={statistics.median(ms):7.1f} ms  p95={p95:7.1f} ms  max={ms[-1]:7.1f} ms"
          f"  (CPU p95 {cpu95:.1f} ms)")
    slowest = sorted(waits, reverse=True)[:5]
    print("  slowest (wall ms / CPU ms / preempted / waited): "
          + ", ".join(f"{w * 1000:.0f}/{c * 1000:.0f}/{pre}/{wait}" for w, c, pre, wait in slowest), flush=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--records", type=int, default=20_000)
    parser.add_argument("--data-dir", help="an existing store (kept); default: build one in a temp dir")
    parser.add_argument("--password", default=PASSWORD)
    parser.add_argument("--every", type=float, default=0.05, help="seconds between saves")
    parser.add_argument("--sync", type=int, default=0, metavar="N",
                        help="also sync rounds of N registrations to a real HQ during the backup")
    parser.add_argument("--during", type=float, default=0, metavar="S",
                        help="time the saves over the backup's first S seconds only, then stop the backup")
    parser.add_argument("--hq-nice", type=int, default=0, metavar="N",
                        help="run the HQ process at nice N (it stands for a server elsewhere: an office PC"
                             " does not run it; 0, the default, lets it compete with the office's threads)")
    parser.add_argument("--trace", type=int, default=0, metavar="N",
                        help="time each save step by step and print the N slowest with what ran meanwhile"
                             " (benchmarks/save_trace.py)")
    args = parser.parse_args()
    own = args.data_dir is None
    data_dir = Path(args.data_dir or tempfile.mkdtemp(prefix="fundclient-backup-bench-"))
    work = Path(tempfile.mkdtemp(prefix="fundclient-backup-bench-hq-"))
    node = None
    print(f"data dir: {data_dir}  cpu: {os.cpu_count()}  python: {sys.version.split()[0]}"
          f"  load: {os.getloadavg()[0]:.1f}", flush=True)
    try:
        if own:
            initialise(data_dir, "SBH", USER, args.password)
            store, _ = open_store(data_dir, USER, args.password)
            bulk_add(store, iter_generate(args.records, seed=3), by=USER)
            store.close()
        if args.sync:
            node = enrolled_with_hq(data_dir, work, nice=args.hq_nice)
        store, _ = open_store(data_dir, USER, args.password)
        # As the app does once its imports are made (ui/main.py): the objects alive now stay for
        # the process's life and no full collection walks them again. Without it, a full
        # collection here (~90,000 objects) takes 30-60 ms and holds the GIL on whichever
        # thread allocates — a save, or the sync's, which the save then waits for.
        import gc

        gc.freeze()
        size = (data_dir / "fundclient.db").stat().st_size / 1e6
        print(f"records: {store.counters()['records']:,}  DB {size:.0f} MB", flush=True)
        trace = None
        if args.trace:
            from save_trace import SaveTrace

            trace = SaveTrace(store).install()
        line("save with photo, no backup", saves(store, 40, args.every, seed=int(time.time()), trace=trace,
                                                 phase="no backup"))
        done = threading.Event()
        timing: dict = {}

        def backup() -> None:
            start, cpu = time.perf_counter(), time.thread_time() + threadprio.cpu_seconds.get("backup", 0.0)
            try:
                timing["path"] = store.backup_if_due(USER, max_age=timedelta(0))  # due now
            except BackupCancelled:
                timing["path"] = None
            timing["wall"] = time.perf_counter() - start
            timing["cpu"] = time.thread_time() + threadprio.cpu_seconds.get("backup", 0.0) - cpu
            done.set()

        timer = threading.Timer(args.during, done.set)
        timer.daemon = True
        if args.during:
            timer.start()

        synced: dict = {"rounds": 0, "records": 0, "cpu": 0.0}

        def sync() -> None:
            from fundclient.sync.engine import run_sync

            start = time.thread_time()  # sync and sealing run on this thread, at its priority
            while not done.is_set():
                # the office's bulk sealing (services.sealing.seal_pending) runs as the sync does:
                # on the caller's thread, not lowered, the GIL handed over every millisecond
                began = time.perf_counter()
                with threadprio.switch_often():
                    seal(data_dir, args.sync, seed=1000 + synced["rounds"])
                if trace is not None:
                    trace.background("sync thread seals 50", began)
                began = time.perf_counter()
                summary = run_sync(data_dir)
                if trace is not None:
                    trace.background("sync thread sends", began)
                synced["rounds"] += 1
                synced["records"] += args.sync
                synced["status"] = summary.status
                synced["acknowledged"] = synced.get("acknowledged", 0) + summary.batches_acknowledged
                synced["bytes"] = synced.get("bytes", 0) + summary.bytes_sent
            synced["cpu"] = time.thread_time() - start

        threads = [threading.Thread(target=backup)] + ([threading.Thread(target=sync)] if args.sync else [])
        for thread in threads:
            thread.start()
        during = saves(store, 100_000, args.every, seed=int(time.time()) + 1, stop=done, trace=trace,
                       phase="backup + sync" if args.sync else "backup")
        timer.cancel()
        store._backup_cancel.set()  # as quitting does: a backup still running stops within one step
        for thread in threads:
            thread.join()
        line("save with photo, during the backup" + (" and a sync" if args.sync else ""), during)
        print(f"backup steps that waited for a save: {store.writes.yields}", flush=True)
        print(f"checkpoints run by the store's checkpointer thread (saves never checkpoint): {store._checkpoints.runs}",
              flush=True)
        if args.sync:
            print(f"sync: {synced['rounds']} rounds of {args.sync} registrations with photos sent to HQ"
                  f" (last: {synced.get('status')}; {synced.get('acknowledged', 0)} batches acknowledged,"
                  f" {synced.get('bytes', 0) / 1e6:.0f} MB sent), {synced['cpu']:.1f} s CPU on its thread;"
                  f" HQ process CPU {node.cpu():.1f} s")
        if timing["path"] is None:
            print(f"backup: stopped after {timing['wall']:.1f} s wall, {timing['cpu']:.1f} s CPU (its thread),"
                  f" as --during asked; partial copy removed: {not _leftovers(data_dir / BACKUP_DIR)}")
        else:
            print(f"backup: {timing['wall']:.1f} s wall, {timing['cpu']:.1f} s CPU (its thread);"
                  f" {timing['path'].stat().st_size / 1e6:.0f} MB zip")
        filing(store, args.every, trace)
        if trace is not None:
            print(f"the {args.trace} slowest saves, step by step (benchmarks/save_trace.py):")
            trace.report(args.trace)
        print(f"peak memory of this process: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")
        print(f"load average at the end: {os.getloadavg()[0]:.1f}")
        store.close()
        if not own:
            shutil.rmtree(data_dir / BACKUP_DIR, ignore_errors=True)
    finally:
        if node is not None:
            node.stop()
        shutil.rmtree(work, ignore_errors=True)
        if own:
            shutil.rmtree(data_dir, ignore_errors=True)
    return 0


def filing(store, every: float, trace=None) -> None:
    """The saves' keys moved from the small table into the big one once the writer is idle
    (storage/key_filing.py): how long its steps hold the writer, and saves that arrive while it
    runs (one every QUIET + 0.1 s: each lands in the middle of the filer's steps)."""
    from fundclient.storage import key_filing

    def waiting() -> int:
        with store.read() as conn:
            return conn.exec_driver_sql(f"SELECT count(*) FROM {key_filing.DUPLICATE_KEYS_NEW}").scalar_one()

    print(f"keys waiting in the small table after the saves: {waiting():,}", flush=True)
    line("save with photo, while keys are moved", saves(store, 15, key_filing.QUIET + 0.1, seed=int(time.time()) + 2,
                                                         trace=trace, phase="key filing"))
    deadline = time.monotonic() + 30
    while (waiting() or not store._key_filer.idle()) and time.monotonic() < deadline:
        time.sleep(0.5)  # the keys moved, then (storage/name_merging.py) the name indexes merged
    steps = store._key_filer.steps
    if steps:
        walls = sorted(w * 1000 for w, _, _ in steps)
        cpus = sorted(c * 1000 for _, c, _ in steps)
        print(f"key filing: {len(steps)} steps, {sum(m for *_, m in steps):,} keys moved, {waiting():,} left;"
              f" a step's wall p50 {statistics.median(walls):.1f} ms, p95 {walls[round(0.95 * (len(walls) - 1))]:.1f},"
              f" max {walls[-1]:.1f} (CPU p95 {cpus[round(0.95 * (len(cpus) - 1))]:.1f} ms)", flush=True)
    merges = getattr(store._key_filer, "merges", [])  # the name indexes' merging when idle (storage/name_merging.py)
    if merges:
        walls = sorted(w * 1000 for w, _, _ in merges)
        cpus = sorted(c * 1000 for _, c, _ in merges)
        print(f"name index merging: {len(merges)} steps ({sum(1 for *_, m in merges if m)} merged something);"
              f" a step's wall p50 {statistics.median(walls):.1f} ms, p95 {walls[round(0.95 * (len(walls) - 1))]:.1f},"
              f" max {walls[-1]:.1f} (CPU p95 {cpus[round(0.95 * (len(cpus) - 1))]:.1f}, max {cpus[-1]:.1f} ms)",
              flush=True)


def _leftovers(directory: Path) -> list[Path]:
    return [p for p in directory.iterdir() if p.name.endswith((".partial", ".tmp"))] if directory.is_dir() else []


def enrolled_with_hq(data_dir: Path, work: Path, nice: int = 0):
    """A real HQ node (its own process, at nice `nice`) with a fresh key ring, and this office enrolled."""
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests" / "sync"))
    import hq_cluster

    from fundclient.hq.db import open_engine
    from fundclient.hq.devices import create_token
    from fundclient.hq.keys import HQKeys, init_keys
    from fundclient.sync.enrol import enrol

    # A copy enrolled by an earlier run (whose HQ is gone): enrolled afresh with this run's HQ,
    # its old outbox (batches sealed to the old HQ's keys) and reference data dropped.
    if (data_dir / "device" / "enrolment.json").exists():
        print("the store was enrolled by an earlier run: enrolment, outbox and HQ's data removed", flush=True)
        (data_dir / "device" / "enrolment.json").unlink()
        shutil.rmtree(data_dir / "outbox", ignore_errors=True)
        shutil.rmtree(data_dir / "reference", ignore_errors=True)  # signed by the earlier HQ's keys
    from fundclient.config import Settings

    settings = Settings.load(data_dir)
    if settings.hq_url:  # the earlier run's HQ address: this run's is set by the enrolment
        settings.hq_url = ""
        settings.save(data_dir)
    hq_dir = work / "hq"
    init_keys(hq_dir)
    engine = open_engine(hq_dir, None)
    python = ("nice", "-n", str(nice), sys.executable) if nice else ()
    node = hq_cluster.Node(hq_dir, f"sqlite:///{hq_dir / 'hq.db'}", log=work / "node.log", python=python).start()
    enrol(data_dir, node.url, create_token(engine, "SBH", HQKeys(hq_dir).active_sign))
    engine.dispose()
    return node


def seal(data_dir: Path, count: int, seed: int) -> None:
    """`count` registrations with a 20 KB photo each into the office's outbox, as saves seal them."""
    from fundclient.domain.synthetic import generate
    from fundclient.sync.outbox import Outbox

    persons = generate(count, seed=seed)
    for p in persons:
        p.office_code = "SBH"
    Outbox(data_dir).seal([p.to_dict() for p in persons],
                          {p.record_id: [Photo(os.urandom(20_000), quality={"sharpness": 0.9})] for p in persons})


if __name__ == "__main__":
    raise SystemExit(main())
