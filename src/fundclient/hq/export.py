"""What HQ holds, as CSV or JSON lines (checks and hand-over). Photos are listed by hash and
hash; the bytes stay in the database (table `blobs`, once per hash)."""

from __future__ import annotations

import csv
import json
from typing import IO, Iterator

from sqlalchemy import select
from sqlalchemy.engine import Engine

from fundclient.cells import safe_dict
from fundclient.hq.db import photos, records

CSV_COLUMNS = ["record_id", "revision", "national_number", "office_code", "device_id", "batch_id", "status",
               "duplicate_of", "photo_sha256", "record_json"]


def iter_records(engine: Engine) -> Iterator[dict]:
    with engine.connect() as conn:
        shots: dict[tuple[str, int], list[dict]] = {}
        for p in conn.execute(select(photos.c.record_id, photos.c.revision, photos.c.position, photos.c.kind,
                                     photos.c.mime, photos.c.sha256).order_by(photos.c.position)):
            shots.setdefault((p.record_id, p.revision), []).append(
                {"kind": p.kind, "mime": p.mime, "sha256": p.sha256})
        for r in conn.execute(select(records).order_by(records.c.record_id, records.c.revision)):
            yield {"record_id": r.record_id, "revision": r.revision, "national_number": r.national_number,
                   "office_code": r.office_code, "device_id": r.device_id, "batch_id": r.batch_id,
                   "status": r.status, "duplicate_of": r.duplicate_of, "photos": shots.get((r.record_id, r.revision), []),
                   "record": json.loads(r.data)}


def write_export(engine: Engine, out: IO[str], fmt: str) -> int:
    count = 0
    if fmt == "jsonl":
        for row in iter_records(engine):
            out.write(json.dumps(row, ensure_ascii=False, sort_keys=True) + "\n")
            count += 1
        return count
    writer = csv.DictWriter(out, CSV_COLUMNS)
    writer.writeheader()
    for row in iter_records(engine):
        writer.writerow(safe_dict({**{k: row[k] for k in CSV_COLUMNS[:8]},
                                   "photo_sha256": " ".join(p["sha256"] for p in row["photos"]),
                                   "record_json": json.dumps(row["record"], ensure_ascii=False, sort_keys=True)}))
        count += 1
    return count
