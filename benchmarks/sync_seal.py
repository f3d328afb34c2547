"""Sealing throughput (records/s, MB/s) against raw HPKE on the same bytes.

    .venv/bin/python benchmarks/sync_seal.py
"""

from __future__ import annotations

import time

from sync_common import hq_and_office, people, photos_for

from fundclient.sync.device import Device
from fundclient.sync.envelope import encode_payload
from fundclient.sync.keys import HPKE_SUITE, hpke_public_key
from fundclient.sync.outbox import Outbox, photo_item

N = 200


def main() -> None:
    server, office = hq_and_office()
    persons = people(N)
    photos = photos_for(persons)
    outbox = Outbox(office)
    started = time.perf_counter()
    batches = outbox.seal([p.to_dict() for p in persons], photos)
    seal_s = time.perf_counter() - started
    sealed_bytes = sum(b.stat().st_size for b in batches)

    device = Device.load(office)
    public = hpke_public_key(device.hq_encryption_keys[device.hq_active_key_id])
    items = [{"type": "record", "record": p.to_dict(), "photos": [photo_item(x) for x in photos[p.record_id]]}
             for p in persons]
    per_batch = max(1, N // len(batches))
    payloads = [encode_payload(items[i:i + per_batch]) for i in range(0, N, per_batch)]
    started = time.perf_counter()
    for payload in payloads:
        HPKE_SUITE.encrypt(payload, public, info=b"x")
    raw_s = time.perf_counter() - started
    started = time.perf_counter()
    for p in persons[:50]:  # as at each save: one record + photo per batch
        outbox.seal([p.to_dict()], {p.record_id: photos[p.record_id]})
    one_ms = (time.perf_counter() - started) / 50 * 1000
    print(f"records: {N}, batches: {len(batches)}, sealed bytes: {sealed_bytes}")
    print(f"seal (compress+HPKE+sign+fsync): {N / seal_s:.0f} records/s, {sealed_bytes / seal_s / 1e6:.1f} MB/s")
    print(f"raw HPKE on the same payloads:   {N / raw_s:.0f} records/s, {sealed_bytes / raw_s / 1e6:.1f} MB/s")
    print(f"seal one registration at save (one batch, two fsyncs): {one_ms:.1f} ms")
    server.stop()


if __name__ == "__main__":
    main()
