"""Bytes on the wire per registration vs the compressed payload, and the time to sync 200
registrations over a throttled link (256 kbit/s, every connection dropped every 30 s) vs the
time the link itself needs for the compressed payload.

    .venv/bin/python benchmarks/sync_link.py [--rate-kbit 256] [--drop-every 30] [--count 200]
    .venv/bin/python benchmarks/sync_link.py --drop-every 10 --budget-max-kb 200   # a bad link

`--budget-max-kb K`: besides the drops, every connection is cut after a random number of
bytes in [1, K KB] (a per-connection byte budget). The progress line shows what HQ confirmed.
"""

from __future__ import annotations

import argparse
import shutil
import time

from sync_common import FaultProxy, Faults, hq_and_office, people, photos_for

from fundclient.config import Settings
from fundclient.sync.engine import run_sync
from fundclient.sync.envelope import encode_payload
from fundclient.sync.http import TransportOptions
from fundclient.sync.outbox import Outbox, photo_item


def _payload_bytes(persons, photos) -> int:
    """What the registrations weigh compressed (zlib JSON + JPEG), before any envelope."""
    return sum(len(encode_payload([{"type": "record", "record": p.to_dict(),
                                    "photos": [photo_item(x) for x in photos[p.record_id]]}])) for p in persons)


def run(count: int, rate_kbit: float | None, drop_every: float | None, per_record: bool = False,
        budget_max: int | None = None) -> None:
    server, office = hq_and_office()
    persons = people(count)
    photos = photos_for(persons)
    outbox = Outbox(office)
    if per_record:  # as sealed at each save: one batch per registration
        for p in persons:
            outbox.seal([p.to_dict()], {p.record_id: photos[p.record_id]})
    else:
        outbox.seal([p.to_dict() for p in persons], photos)
    print(f"batches: {len(outbox.pending())} ({'one per registration' if per_record else 'batch_max_bytes'})")
    payload = _payload_bytes(persons, photos)
    rate = rate_kbit * 1000 / 8 if rate_kbit else None
    faults = Faults(rate_bytes_per_s=rate, drop_every_s=drop_every, seed=7)
    if budget_max:
        faults.cut_probability, faults.cut_max_bytes = 1.0, budget_max
    proxy = FaultProxy(int(server.url.rsplit(":", 1)[1]), faults)
    settings = Settings.load(office)
    settings.hq_url = proxy.url
    settings.save(office)
    options = TransportOptions(connect_timeout=10, read_timeout=60, max_attempts=50, backoff_base=0.5, backoff_cap=4)
    started = time.perf_counter()
    shown = [0.0]

    def progress(p) -> None:
        if time.perf_counter() - shown[0] > 15:
            shown[0] = time.perf_counter()
            print(f"  {time.perf_counter() - started:6.1f} s: HQ confirmed {p.bytes_sent:,} of {p.bytes_total:,} B,"
                  f" {p.batches_done}/{p.batches_total} batches; crossed the link: {proxy.upstream_bytes:,} B",
                  flush=True)

    runs = 0
    while True:
        runs += 1
        summary = run_sync(office, options=options, progress=progress)
        if summary.status == "ok":
            break
    elapsed = time.perf_counter() - started
    proxy.stop()
    wire = proxy.upstream_bytes
    print(f"registrations: {count}, compressed payload: {payload} B ({payload / count:.0f} B each)")
    print(f"upstream bytes on the wire: {wire} B ({wire / count:.0f} B each) = {wire / payload:.3f} x payload;"
          f" connections cut by budget: {proxy.faults_injected}; sync runs: {runs}")
    if rate:
        link = payload / rate
        budget = f", budget <= {budget_max // 1024} KB per connection" if budget_max else ""
        print(f"link {rate_kbit} kbit/s, drop every {drop_every} s{budget}: {elapsed:.1f} s vs link limit {link:.1f} s "
              f"= {elapsed / link:.2f} x")
    server.stop()
    shutil.rmtree(office.parent, ignore_errors=True)  # the HQ and office of this run


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--count", type=int, default=200)
    parser.add_argument("--rate-kbit", type=float, default=256)
    parser.add_argument("--drop-every", type=float, default=30)
    parser.add_argument("--per-record", action="store_true", help="one batch per registration (sealed at save)")
    parser.add_argument("--unthrottled", action="store_true", help="only measure bytes on the wire")
    parser.add_argument("--budget-max-kb", type=int, help="cut every connection after random bytes <= this")
    args = parser.parse_args()
    if args.unthrottled:
        run(args.count, None, None, args.per_record)
    else:
        run(args.count, args.rate_kbit, args.drop_every, args.per_record,
            args.budget_max_kb * 1024 if args.budget_max_kb else None)
