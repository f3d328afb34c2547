"""New records' ids (`domain.records.new_id`): UUIDs of version 7 — the form of any UUID, made in
time order, so the indexes keyed by record id take a new record at their end
(docs/decisions/time-ordered-record-ids.md)."""

from __future__ import annotations

import time
import uuid

from fundclient.domain.records import Beneficiary, Dependant, new_id


def test_a_new_id_is_a_version_7_uuid_of_the_usual_form():
    ids = [new_id() for _ in range(20_000)]
    assert len(set(ids)) == len(ids)
    for text in ids[:2_000]:
        value = uuid.UUID(text)
        assert str(value) == text and len(text) == 36  # lower-case hex, 8-4-4-4-12
        assert value.version == 7 and value.variant == uuid.RFC_4122
    assert Beneficiary().record_id != Beneficiary().record_id
    assert uuid.UUID(Dependant().dependant_id).version == 7


def test_new_ids_carry_the_time_they_were_made_and_sort_in_that_order():
    before = time.time_ns() // 1_000_000
    ids = [new_id() for _ in range(5_000)]
    after = time.time_ns() // 1_000_000
    stamps = [uuid.UUID(text).int >> 80 for text in ids]  # the 48-bit Unix time in milliseconds
    assert before <= stamps[0] and stamps[-1] <= after
    # the time part (milliseconds and their fraction: 60 bits) never goes down between ids made in turn
    times = [(uuid.UUID(text).int >> 80, (uuid.UUID(text).int >> 64) & 0xFFF) for text in ids]
    assert times == sorted(times)
    # text order = the time order (the random part decides only between ids of the same instant)
    assert [t for _, t in sorted(zip(ids, times))] == times


def test_records_saved_one_after_another_sort_by_id_in_their_saving_order(tmp_path):
    """What the stores' indexes by record id see: each new record's id after the last one's."""
    from fundclient.domain.synthetic import SyntheticGenerator
    from fundclient.storage import initialise, open_store

    initialise(tmp_path / "office", "SBH", "admin", "admin-pass-1")
    store, _ = open_store(tmp_path / "office", "admin", "admin-pass-1")
    try:
        maker = SyntheticGenerator(seed=3)
        records = []
        for _ in range(30):
            record = maker.next()
            record.record_id = Beneficiary().record_id  # a record made now, as the app and an import make them
            records.append(record)
        store.beneficiaries.add_many(records[:20], by="admin")
        for record in records[20:]:
            store.beneficiaries.add(record, by="admin")
        with store.read() as conn:
            stored = [r[0] for r in conn.exec_driver_sql("SELECT record_id FROM beneficiaries ORDER BY id")]
    finally:
        store.close()
    assert stored == [r.record_id for r in records] == sorted(stored)
