"""New records' ids (`domain.records.new_id`): UUIDs of version 7 — the form of any UUID, made in
time order, so the indexes keyed by record id take a new record at their end
(docs/decisions/time-ordered-record-ids.md)."""

from __future__ import annotations

import uuid
from types import SimpleNamespace

from fundclient.domain import records
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


# 2025-12-01 00:00 UTC in nanoseconds: the fake clocks' start (the tests do not read the wall clock)
_START_NS = 1_764_547_200_000_000_000


def _time_part(text: str) -> tuple[int, int]:
    """An id's time part: the 48-bit Unix time in milliseconds and the 12-bit fraction of it."""
    value = uuid.UUID(text).int
    return value >> 80, (value >> 64) & 0xFFF


def _clock(monkeypatch, readings):
    """`new_id` reading `readings` (ns) one after the other, in a process that made no id yet."""
    readings = iter(readings)
    monkeypatch.setattr(records, "time", SimpleNamespace(time_ns=lambda: next(readings)))
    monkeypatch.setattr(records, "_last_stamp", 0)


def test_new_ids_carry_the_time_they_were_made_and_sort_in_that_order(monkeypatch):
    readings = [_START_NS + i * 1_003 for i in range(5_000)]  # a fine clock (1 us a read)
    _clock(monkeypatch, readings)
    ids = [new_id() for _ in readings]
    times = [_time_part(text) for text in ids]
    # each id carries its clock reading: the milliseconds and their fraction (of 4,096)
    assert times == [(ns // 1_000_000, ns % 1_000_000 * 4096 // 1_000_000) for ns in readings]
    # the time part (60 bits) increases between ids made in turn, and the text order is that order
    assert times == sorted(times) and len(set(times)) == len(times)
    assert sorted(ids) == ids


def test_ids_made_in_turn_increase_with_a_coarse_clock_or_one_set_back(monkeypatch):
    """Windows' clock under Python 3.11 ticks every 15.625 ms (docs/decisions/locked-build.md) and
    an NTP step can set any clock back: ids made in turn still increase (RFC 9562 §6.2)."""
    tick = 15_625_000
    coarse = [_START_NS + i // 1_000 * tick for i in range(3_000)]  # 1,000 ids a tick
    back = [_START_NS + 3 * tick - 1_000_000_000 + i * 1_000 for i in range(1_000)]  # a second back
    _clock(monkeypatch, coarse + back)
    ids = [new_id() for _ in range(4_000)]
    assert sorted(ids) == ids and len(set(ids)) == len(ids)
    times = [_time_part(text) for text in ids]
    assert all(a < b for a, b in zip(times, times[1:]))
    # within a tick the fraction counts on from the tick's own (carrying into the milliseconds)
    ms, fraction = _START_NS // 1_000_000, _START_NS % 1_000_000 * 4096 // 1_000_000
    assert times[0] == (ms, fraction) and times[1] == (ms, fraction + 1)
    assert times[999] == divmod(ms * 4096 + fraction + 999, 4096)
    # a new tick's reading above the last id's is taken as it is
    assert times[1_000] == (coarse[1_000] // 1_000_000, coarse[1_000] % 1_000_000 * 4096 // 1_000_000)
    # set back a second: the last id's time + 1 each, not the clock's
    assert times[3_000] == divmod(times[2_999][0] * 4096 + times[2_999][1] + 1, 4096)


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
