"""HQ ingest rate with photos on one node (SQLite, and PostgreSQL when given a URL).

    .venv/bin/python benchmarks/sync_ingest.py [--database-url postgresql+psycopg://...]
"""

from __future__ import annotations

import argparse
import time
from concurrent.futures import ThreadPoolExecutor

from sync_common import hq_and_office, people, photos_for

from fundclient.sync.outbox import Outbox


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--database-url")
    parser.add_argument("--count", type=int, default=2000)
    parser.add_argument("--workers", type=int, default=1, help="concurrent uploads being ingested (HQ threads)")
    args = parser.parse_args()
    server, office = hq_and_office(args.database_url)
    persons = people(args.count)
    batches = Outbox(office).seal([p.to_dict() for p in persons], photos_for(persons))
    blobs = [b.read_bytes() for b in batches]
    started = time.perf_counter()
    with ThreadPoolExecutor(args.workers) as pool:
        list(pool.map(server.ingestor.ingest, blobs))
    elapsed = time.perf_counter() - started
    print(f"{'PostgreSQL' if args.database_url else 'SQLite'}, {args.workers} worker(s): {args.count} records with 20 KB photos in "
          f"{len(blobs)} batches: {elapsed:.2f} s = {args.count / elapsed:.0f} records/s")
    server.stop()


if __name__ == "__main__":
    main()
