"""National-load benchmark (#15): Debian's nginx with TLS on 127.0.0.1 (docs/hq-deploy/nginx-fundhq.conf)
in front of 1 and then 2 HQ nodes on one throwaway PostgreSQL; 60 simulated office devices, each
with a day of registrations with photos, sync at once over throttled links; node 1 is SIGKILLed
mid-way and restarted. Checks, then prints records/s and p95 upload start -> signed ack.

    .venv/bin/python benchmarks/hq_load.py [--devices 60] [--records 40] [--rate 200000] [--nodes 1,2]
                                           [--kill-after 3] [--database-url postgresql+psycopg://...]

Without --database-url it starts its own PostgreSQL (scripts/dev.py ThrowawayPostgres) and
removes it afterwards, with every temporary directory. Exit status 1 when a check fails:
every record at HQ exactly once (`fundclient hq export` against what the offices sealed),
every acknowledgement signed by HQ, no upload created twice or short of bytes HQ had confirmed.
The suite's small version: tests/sync/test_hq_national_load.py (same code: tests/sync/hq_cluster.py).
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests" / "sync"))
sys.path.insert(0, str(ROOT / "scripts"))

import hq_cluster  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--devices", type=int, default=60)
    parser.add_argument("--records", type=int, default=40, help="registrations with a 20 KB photo per device")
    parser.add_argument("--rate", type=float, default=200_000, help="bytes/s of each device's link")
    parser.add_argument("--nodes", default="1,2", help="node counts to run, e.g. 1,2")
    parser.add_argument("--kill-after", type=float, default=3.0, help="seconds into the sync; negative: no kill")
    parser.add_argument("--database-url")
    args = parser.parse_args()

    pg = None
    url = args.database_url
    if not url:
        from dev import ThrowawayPostgres
        pg = ThrowawayPostgres()
        url = pg.start()
        if not url:
            print("PostgreSQL not found (apt-get install postgresql)")
            return 2
    failed = False
    try:
        print(f"machine: {os.cpu_count()} cores; load before: {hq_cluster.load_average()}")
        for nodes in [int(n) for n in args.nodes.split(",")]:
            with tempfile.TemporaryDirectory(prefix="fundclient-hqload-") as tmp:
                work = Path(tmp)
                pg_cpu0 = hq_cluster.postgres_cpu_seconds(pg)
                wall0, cpu0 = time.perf_counter(), time.process_time()
                result, sims, _ = hq_cluster.run_load(work, url, nodes=nodes, devices=args.devices,
                                                      records_per_device=args.records, rate=args.rate,
                                                      kill_after=args.kill_after if args.kill_after >= 0 else None,
                                                      on_progress=lambda m: print("  " + m, flush=True))
                bench_cpu = time.process_time() - cpu0
                pg_cpu = hq_cluster.postgres_cpu_seconds(pg) - pg_cpu0
                exported = hq_cluster.hq_export(work / "hq", url)
                problems = (result.errors + result.problems + hq_cluster.export_problems(exported, sims)
                            + hq_cluster.unsigned_acks(sims))
                upstreams = sorted({addr.strip(",") for line in hq_cluster.Nginx.access_log_of(work / "nginx")
                                    if "upstream=" in line
                                    for addr in line.split("upstream=")[1].split(" offset=")[0].split()
                                    if addr.startswith("127.")})
                link = args.devices * args.records * 20_600 / (args.devices * args.rate)
                print(f"{nodes} node(s), {result.devices} devices x {args.records} registrations "
                      f"({result.records} records, links {args.rate / 1000:.0f} kB/s each; link limit {link:.1f} s):")
                print(f"  wall {result.wall:.1f} s -> {result.records / result.wall:.0f} records/s; "
                      f"p95 upload start -> signed ack {result.p95_ack:.2f} s")
                print(f"  SIGKILLs {result.kills}; cut attempts {result.cuts}; uploads resumed from a byte > 0 "
                      f"{result.resumed}; upstreams used {len(upstreams)}")
                print(f"  CPU: HQ nodes {result.node_cpu:.1f} s, PostgreSQL {pg_cpu:.1f} s, devices+nginx driver "
                      f"{bench_cpu:.1f} s (whole run incl. setup {time.perf_counter() - wall0:.0f} s wall); "
                      f"load after: {hq_cluster.load_average()}")
                print(f"  checks: {len(exported)} records exported, exactly once: "
                      f"{'yes' if not problems else 'NO'}; acks signed: yes unless listed; "
                      f"no upload restarted from zero: {'yes' if not result.problems else 'NO'}")
                for problem in problems[:20]:
                    print("  PROBLEM:", problem)
                failed |= bool(problems)
    finally:
        if pg:
            pg.stop()
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
