"""Where HQ's CPU per record goes inside ingest (#11 item 7), without HTTP: one office seals
`--count` registrations with a 20 KB photo each (tests/sync/hq_cluster.py), an HQ on SQLite (or
`--database-url`) ingests the batches one after the other through `Ingestor.ingest`, and each
step is timed with `time.thread_time` (CPU of the ingesting thread: waits count nothing). The
first quarter of the batches warms the caches and is not counted. Steps nest (the check's read
is inside the batch's plan); "ingest" is the whole. Temporary directories are removed.

    .venv/bin/python benchmarks/hq_ingest_steps.py [--count 1500] [--database-url URL]

--database-url: a PostgreSQL database the benchmark may empty (every table is dropped first).

For the HTTP side and the whole server process, benchmarks/hq_ingest_http.py (its --profile).
"""

from __future__ import annotations

import argparse
import collections
import functools
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests" / "sync"))

import hq_cluster  # noqa: E402

STEPS = [  # (module or class, function, what it is)
    ("fundclient.hq.ingest:Ingestor", "_plan_items", "the batch's reads and plan (check's read included)"),
    ("fundclient.hq.duplicates", "read", "  the check: the batch's people profiled, its reads and comparisons"),
    ("fundclient.hq.duplicates", "_filed", "    the batch's own people's profiles and keys"),
    ("fundclient.hq.duplicates", "_match", "    the check's reads and comparisons"),
    ("fundclient.hq.duplicates", "find_duplicates", "      the comparisons (domain find_duplicates)"),
    ("fundclient.hq.ingest:Ingestor", "_record_problem", "  the records' typing and domain parse"),
    ("fundclient.hq.people", "read", "    the records' people typed and profiled (hq/people.py)"),
    ("fundclient.hq.ingest", "_canonical_or_none", "  the records' canonical JSON"),
    ("fundclient.hq.ingest:_Plan", "assemble", "  the answers and the records' and photos' rows"),
    ("fundclient.sync.envelope", "open_items", "decrypt, decode, photo hashes"),
    ("fundclient.sync.envelope", "decode_payload", "  decode (JSON) and photo hashes"),
    ("fundclient.sync.envelope", "check_signature", "the device's signature over the batch"),
    ("fundclient.hq.duplicates", "claim", "the number claims (first write)"),
    ("fundclient.hq.duplicates", "file", "the index and profile rows"),
    ("fundclient.hq.duplicates", "index_rows", "  the index rows made"),
    ("fundclient.hq.profiles", "rows", "  the profile rows made"),
    ("fundclient.hq.ingest", "_write", "the records', photos' and card numbers' rows"),
    ("fundclient.hq.bulk", "_copy", "the COPYs (PostgreSQL, every table)"),
    ("fundclient.hq.bulk", "on_driver", "the bulk statements on the driver's cursor (SQLite: every table's executemany)"),
    ("fundclient.hq.ingest", "sign_ack", "the signed ack"),
    ("sqlalchemy.engine.base:Connection", "_commit_impl", "the commit"),
]


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--count", type=int, default=1500)
    parser.add_argument("--database-url")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="fundclient-steps-") as tmp:
        return run(Path(tmp), args)


def run(work: Path, args) -> int:
    import importlib

    from fundclient.hq.devices import create_token
    from fundclient.hq.keys import HQKeys, init_keys
    from fundclient.hq.server import start_in_thread, steady_gc
    from fundclient.sync.enrol import enrol

    hq_dir = work / "hq"
    init_keys(hq_dir)
    if args.database_url:  # an empty database: the same offices' records held from a run before are answered as held
        from fundclient.hq.db import open_engine
        from fundclient.hq.migrate import drop_everything
        engine = open_engine(hq_dir, args.database_url)
        drop_everything(engine)
        engine.dispose()
    server = start_in_thread(hq_dir, args.database_url)
    steady_gc()  # the garbage collector as `hq serve` sets it (without it, collections ~5 % of ingest's CPU)
    try:
        office = hq_cluster.SimDevice(work / "office", "SBH", seed=501, rate=1e12)
        office.root.mkdir(parents=True)
        enrol(office.root, server.url, create_token(server.ingestor.engine, "SBH", HQKeys(hq_dir).active_sign))
        office.seal(args.count)
        blobs = [p.read_bytes() for p in sorted((office.root / "outbox" / "pending").glob("*"))]
        spent: collections.Counter = collections.Counter()
        for target, name, _ in STEPS:
            module, _, cls = target.partition(":")
            owner = importlib.import_module(module)
            owner = getattr(owner, cls) if cls else owner
            _time(owner, name, spent, key=(target, name))
        warm = len(blobs) // 4
        for blob in blobs[:warm]:
            server.ingestor.ingest(blob)
        spent.clear()
        started = time.thread_time()
        for blob in blobs[warm:]:
            server.ingestor.ingest(blob)
        total = time.thread_time() - started
        records = round(args.count * (len(blobs) - warm) / len(blobs))
        print(f"{'PostgreSQL' if args.database_url else 'SQLite'}: {len(blobs) - warm} batches (~{records} "
              f"registrations with a 20 KB photo) ingested one after the other, CPU per record:")
        print(f"  {'ingest (the whole)':66s} {total / records * 1000:.3f} ms")
        for target, name, what in STEPS:
            print(f"  {what:66s} {spent[target, name] / records * 1000:.3f} ms")
        print(f"  load at the end: {hq_cluster.load_average()}")
        return 0
    finally:
        server.stop()


def _time(owner, name: str, spent: collections.Counter, key) -> None:
    """Wrap `owner.name` to add its thread CPU time to `spent[key]` (a staticmethod stays one)."""
    raw = owner.__dict__.get(name) if isinstance(owner, type) else None
    function = getattr(owner, name)

    @functools.wraps(function)
    def timed(*a, **k):
        started = time.thread_time()
        try:
            return function(*a, **k)
        finally:
            spent[key] += time.thread_time() - started

    setattr(owner, name, staticmethod(timed) if isinstance(raw, staticmethod) else timed)


if __name__ == "__main__":
    raise SystemExit(main())
