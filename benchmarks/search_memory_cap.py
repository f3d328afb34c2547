"""What the office GUI's SQLite memory cap costs the searches (issue #18 item 2).

    .venv/bin/python benchmarks/search_memory_cap.py --office /work/bench-1m/soak1m-b \\
        --password bench-password-1 --caps 32 16 --searches 120

For each cap (MB, `storage.engine.limit_memory`, as `ui.login.default_login` sets it) a fresh
process signs in to the office, sets the cap, runs `--warmup` searches, then `--searches`
searches the way the search screen runs them (`store.beneficiaries.search(text, 20)`), the
queries of benchmarks/search_recall.py (first+family, family only, three and four parts,
typing, dependants; spelling variants) from the same seed for every cap, and reports CPU and
wall time per search (median, 95th percentile), the process's RSS and SQLite's memory. The
caps run one after the other, in the order given and again reversed (the OS file cache warms
with the first run). Use a copy of the office you may also search in.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))


def one(office: Path, user: str, password: str, cap: int, searches: int, warmup: int, seed: int) -> dict:
    import photo_step_common as common
    from search_recall import queries
    from fundclient.services.session import login
    from fundclient.storage.engine import limit_memory

    session = login(office, user, password)
    limit_memory(cap)
    store = session.store
    asked = [text for _, text, _, _ in queries(store, (searches + warmup) // 5 + 1, random.Random(seed))]
    asked = asked[:searches + warmup]
    for text in asked[:warmup]:
        store.beneficiaries.search(text, 20)
    cpu, wall = [], []
    for text in asked[warmup:]:
        c, w = time.thread_time(), time.perf_counter()
        store.beneficiaries.search(text, 20)
        cpu.append(time.thread_time() - c)
        wall.append(time.perf_counter() - w)
    result = {"cap": cap, "n": len(cpu), "rss": common.rss_mb(), "sqlite": common.sqlite_mb()}
    for name, values in (("cpu", cpu), ("wall", wall)):
        values.sort()
        result[name] = [1000 * statistics.median(values), 1000 * values[int(0.95 * (len(values) - 1))],
                        1000 * statistics.mean(values)]
    session.close()
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--office", type=Path, required=True)
    parser.add_argument("--user", default="admin")
    parser.add_argument("--password", required=True)
    parser.add_argument("--caps", type=int, nargs="+", default=[32, 16])
    parser.add_argument("--searches", type=int, default=120)
    parser.add_argument("--warmup", type=int, default=20)
    parser.add_argument("--seed", type=int, default=18)
    parser.add_argument("--one", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one is not None:
        print(json.dumps(one(args.office, args.user, args.password, args.one, args.searches, args.warmup, args.seed)))
        return 0
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT / "src"), os.environ.get("PYTHONPATH", "")])}
    start, cpu0 = time.monotonic(), os.times()
    print(f"{'cap MB':>6} {'CPU/search ms median p95 mean':>30} {'wall ms median p95 mean':>26} {'RSS':>6} {'sqlite':>6}")
    for cap in args.caps + args.caps[::-1]:
        out = subprocess.run([sys.executable, __file__, "--office", str(args.office), "--user", args.user,
                              "--password", args.password, "--searches", str(args.searches), "--warmup",
                              str(args.warmup), "--seed", str(args.seed), "--one", str(cap)],
                             capture_output=True, text=True, env=env, check=True).stdout
        r = json.loads(out.strip().splitlines()[-1])
        print(f"{cap:6d} {'':6}{r['cpu'][0]:8.1f} {r['cpu'][1]:7.1f} {r['cpu'][2]:7.1f}"
              f" {r['wall'][0]:8.1f} {r['wall'][1]:7.1f} {r['wall'][2]:7.1f} {r['rss']:6.0f} {r['sqlite']:6.1f}",
              flush=True)
    cpu1 = os.times()
    print(f"{os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f} at the end; "
          f"{time.monotonic() - start:.0f} s wall, {cpu1.children_user + cpu1.children_system - cpu0.children_user - cpu0.children_system:.0f} s CPU")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
