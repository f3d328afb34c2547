"""HQ console: server time of each page at a large HQ (default 1,000,000 records), SQLite and
PostgreSQL. Goal: p95 < 300 ms per page. Prints a table for docs/performance.md.

    .venv/bin/python benchmarks/console_bench.py [--records 1000000] [--database-url postgresql+psycopg://...]

To build a large HQ once and measure it again later, keep it outside the repo and run the phases
apart (the fill and the index build are long; the page phase is what goes under the bench lock):

    .venv/bin/python benchmarks/console_bench.py --hq-dir /work/bench-1m/hq-sqlite --phase fill
    .venv/bin/python benchmarks/console_bench.py --hq-dir /work/bench-1m/hq-sqlite --phase index
    .venv/bin/python benchmarks/console_bench.py --hq-dir /work/bench-1m/hq-sqlite --phase measure

Records are realistic (domain.synthetic, ~2 dependants each, Arabic names) — a base set of
distinct people repeated with fresh record ids, national numbers and phone numbers, spread over
8 offices, 16 devices and 120 days; 1 % are flagged duplicates. They are written straight into
HQ's tables (ingesting a million records through batches would measure the ingest, which
benchmarks/sync_ingest.py does); the console's search index is then built as the server
would (timed separately). Each page is fetched over HTTP from a real uvicorn on 127.0.0.1 by a
signed-in admin; the figure is the wall time of the request (an upper bound of server time).
"""

from __future__ import annotations

import argparse
import atexit
import json
import os
import random
import re
import shutil
import statistics
import sys
import tempfile
import time
import uuid
from datetime import datetime, timedelta, timezone
from pathlib import Path

import requests
from sqlalchemy import create_engine, insert

from fundclient.domain.synthetic import generate
from fundclient.hq.console import queries
from fundclient.hq.console.auth import add_user
from fundclient.hq.db import batches, devices, open_engine, records
from fundclient.hq.keys import init_keys
from fundclient.hq.migrate import drop_everything
from fundclient.hq.server import start_in_thread

OFFICES = ["SBH", "BRK", "TRG", "QRQ", "GHT", "BWN", "UBR", "MRZ"]
PASSWORD = "benchmark password"


def fill(engine, count: int, base: int, seed: int = 1) -> dict:
    rnd = random.Random(seed)
    people = [p.to_dict() for p in generate(base, seed=seed)]
    now = datetime.now(timezone.utc)
    devs = []
    with engine.begin() as conn:
        for i, office in enumerate(OFFICES):
            for n in (1, 2):
                device_id = str(uuid.uuid4())
                devs.append((device_id, office))
                conn.execute(insert(devices).values(device_id=device_id, office_code=office, device_number=n,
                                                    public_key=os.urandom(32), label=f"{office}-{n}",
                                                    enrolled_at=now - timedelta(days=200)))
    sample = {}
    rows, batch_rows, seq = [], [], {d: 0 for d, _ in devs}
    started = time.perf_counter()
    batch_id, in_batch, device = None, 50, devs[0]
    for i in range(count):
        if in_batch == 50:
            device = devs[rnd.randrange(len(devs))]
            seq[device[0]] += 1
            batch_id = str(uuid.uuid4())
            at = now - timedelta(days=120 * (count - i) / count, seconds=rnd.random() * 60)
            batch_rows.append(dict(batch_id=batch_id, device_id=device[0], seq=seq[device[0]], sha256="0" * 64,
                                   source="network", received_at=at,
                                   ack=json.dumps({"ack": {"results": [{}] * 50}})))
            in_batch = 0
        in_batch += 1
        person = dict(people[i % base])
        person["record_id"] = str(uuid.uuid4())
        number = f"{rnd.choice('12')}{rnd.randrange(10**11):011d}"
        person["national_number"] = number
        person["mobile"] = f"09{rnd.choice('1245')}{rnd.randrange(10**7):07d}"
        person["office_code"] = device[1]
        person["created_at"] = (at - timedelta(hours=rnd.random() * 30)).isoformat()
        flagged = rnd.random() < 0.01
        rows.append(dict(record_id=person["record_id"], revision=1, national_number=number, office_code=device[1],
                         device_id=device[0], batch_id=batch_id, status="duplicate" if flagged else "accepted",
                         duplicate_of=rows[-1]["record_id"] if flagged and rows else None, sha256="0" * 64,
                         data=json.dumps(person, ensure_ascii=False, sort_keys=True), received_at=at))
        if i == count // 2:
            sample = {"record_id": person["record_id"], "national_number": number, "mobile": person["mobile"],
                      "name": f'{person["name"]["first"]} {person["name"]["family"]}', "office": device[1]}
        if len(rows) == 5000:
            with engine.begin() as conn:
                conn.execute(insert(records), rows)
                if batch_rows:
                    conn.execute(insert(batches), batch_rows)
            rows, batch_rows = [], []
            if (i + 1) % 100_000 == 0:
                print(f"  {i + 1} records written ({(i + 1) / (time.perf_counter() - started):.0f}/s)", flush=True)
    with engine.begin() as conn:
        if rows:
            conn.execute(insert(records), rows)
        if batch_rows:
            conn.execute(insert(batches), batch_rows)
    return sample


def measure(session: requests.Session, url: str, repeat: int) -> tuple[float, float]:
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        r = session.get(url)
        times.append((time.perf_counter() - t) * 1000)
        assert r.status_code == 200, (url, r.status_code)
    times.sort()
    return statistics.median(times), times[min(len(times) - 1, int(0.95 * len(times)))]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--records", type=int, default=1_000_000)
    parser.add_argument("--base", type=int, default=20_000, help="distinct synthetic people repeated")
    parser.add_argument("--database-url")
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--hq-dir", type=Path,
                        help="keep the HQ here (outside the repo) to measure it again later; default: a temp dir")
    parser.add_argument("--phase", choices=["all", "fill", "index", "measure"], default="all",
                        help="fill: write the records; index: build the console's index; measure: time the pages")
    args = parser.parse_args()
    if args.hq_dir:
        hq_dir = args.hq_dir.resolve()
    else:
        if args.phase != "all":
            parser.error("--phase other than all needs --hq-dir")
        hq_dir = Path(tempfile.mkdtemp(prefix="fundbench-console-")) / "hq"
        atexit.register(shutil.rmtree, hq_dir.parent, ignore_errors=True)  # benchmarks leave no temp dirs behind
    sample_file = hq_dir / "bench-sample.json"
    if args.phase in ("all", "fill"):
        hq_dir.mkdir(parents=True, exist_ok=True)
        if not (hq_dir / "keys").exists():
            init_keys(hq_dir)
        if args.database_url:
            engine = create_engine(args.database_url)
            drop_everything(engine)
            engine.dispose()
        else:
            for stale in hq_dir.glob("hq.db*"):
                stale.unlink()
        engine = open_engine(hq_dir, args.database_url)  # migrations: HQ's tables and the console's
        t, cpu = time.perf_counter(), time.process_time()
        sample = fill(engine, args.records, args.base)
        sample["records"] = args.records
        sample_file.write_text(json.dumps(sample, ensure_ascii=False))
        print(f"filled {args.records} records in {time.perf_counter() - t:.0f} s wall, "
              f"{time.process_time() - cpu:.0f} s CPU (load {os.getloadavg()[0]:.1f})", flush=True)
        add_user(engine, "bench", "admin", PASSWORD)
        engine.dispose()
    sample = json.loads(sample_file.read_text())
    if args.phase in ("all", "index"):
        engine = open_engine(hq_dir, args.database_url)  # migrations up to head
        t, cpu = time.perf_counter(), time.process_time()
        indexed = queries.refresh_index(engine)
        print(f"search index: {indexed} records in {time.perf_counter() - t:.0f} s wall, "
              f"{time.process_time() - cpu:.0f} s CPU of this process "
              f"({indexed / (time.perf_counter() - t):.0f} records/s, load {os.getloadavg()[0]:.1f})", flush=True)
        engine.dispose()
    if args.phase in ("all", "measure"):
        measure_pages(hq_dir, args.database_url, sample, args.repeat)


def measure_pages(hq_dir: Path, database_url: str | None, sample: dict, repeat: int) -> None:
    server = start_in_thread(hq_dir, database_url)
    s = requests.Session()
    s.trust_env = False
    page = s.get(f"{server.url}/console/login").text
    csrf = re.search(r'name="csrf" value="([^"]+)"', page).group(1)
    s.post(f"{server.url}/console/login", data={"csrf": csrf, "username": "bench", "password": PASSWORD})
    pages = {
        "Offices (table + chart)": "/console/offices",
        "Records, newest first": "/console/records",
        "Records, by national number": f"/console/records?q={sample['national_number']}",
        "Records, by phone": f"/console/records?q={sample['mobile']}",
        "Records, by name (first + family)": f"/console/records?q={sample['name']}",
        "Records, common first name only (محمد)": "/console/records?q=محمد",
        "Records, office + status + dates": f"/console/records?office={sample['office']}&status=duplicate"
                                            f"&from={(datetime.now(timezone.utc) - timedelta(days=60)).date()}",
        "Records, page 20": "/console/records?page=20",
        "Record page": f"/console/records/{sample['record_id']}",
        "Decisions queue": "/console/decisions",
        "Devices": "/console/devices",
        "Reference data": "/console/reference",
        "Audit log": "/console/audit",
    }
    kind = "PostgreSQL" if database_url else "SQLite"
    load = os.getloadavg()[0]
    print(f"\n{kind}, {sample['records']:,} records, {repeat} requests per page, load {load:.1f} at the start, "
          f"{os.cpu_count()} CPUs\n")
    print("| page | p50 | p95 | goal p95 < 300 ms |")
    print("|---|---|---|---|")
    t, cpu = time.perf_counter(), time.process_time()
    for name, path in pages.items():
        s.get(server.url + path)  # warm
        p50, p95 = measure(s, server.url + path, repeat)
        print(f"| {name} | {p50:.0f} ms | {p95:.0f} ms | {'✓' if p95 < 300 else '✗'} |", flush=True)
    print(f"\npages phase: {time.perf_counter() - t:.1f} s wall, {time.process_time() - cpu:.1f} s CPU "
          f"(server and client in this process), load {os.getloadavg()[0]:.1f} at the end")
    server.stop()


if __name__ == "__main__":
    sys.exit(main())
