"""A photo exception reaches HQ in the sealed batch (real HQ on 127.0.0.1, SQLite and
PostgreSQL); batches sealed before the field existed stay valid; a malformed one is refused."""

from __future__ import annotations

import json

from sqlalchemy import select

from fundclient.domain.photo_exception import BEDRIDDEN, PhotoException
from fundclient.hq.db import records
from fundclient.hq.export import iter_records
from fundclient.sync.engine import run_sync
from fundclient.sync.outbox import Outbox

from sync_helpers import enrol_office, people


def test_exception_stored_at_hq_old_batches_valid_bad_ones_refused(hq, data_dir):
    enrol_office(hq, data_dir)
    excepted, old_style, bad = people(3)
    excepted.photo_exception = PhotoException(BEDRIDDEN, "زيارة منزلية", "fatima", "2026-11-29T09:00:00+00:00")
    old = old_style.to_dict()
    del old["photo_exception"]  # exactly what a client from before this field sealed
    broken = bad.to_dict()
    broken["photo_exception"] = {"reason": "asleep"}
    Outbox(data_dir).seal([excepted.to_dict(), old, broken])
    assert run_sync(data_dir).status == "ok"
    answers = {r.record_id: r.status for r in Outbox(data_dir).iter_record_results()}
    assert answers[excepted.record_id] == "accepted"
    assert answers[old_style.record_id] == "accepted"
    assert answers[bad.record_id] == "rejected"
    with hq.ingestor.engine.connect() as conn:
        stored = {r.record_id: json.loads(r.data) for r in conn.execute(select(records.c.record_id, records.c.data))}
    assert stored[excepted.record_id]["photo_exception"] == {
        "reason": "bedridden", "text": "زيارة منزلية", "approved_by": "fatima",
        "approved_at": "2026-11-29T09:00:00+00:00"}
    assert "photo_exception" not in stored[old_style.record_id]
    exported = {row["record_id"]: row["record"] for row in iter_records(hq.ingestor.engine)}
    assert exported[excepted.record_id]["photo_exception"]["reason"] == "bedridden"
