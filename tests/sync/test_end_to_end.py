"""Office device -> real HQ on 127.0.0.1: 200 people with photos arrive exactly once; edits
arrive as new revisions; per-record answers reach the client."""

from __future__ import annotations

import io
import json

from fundclient.hq.export import write_export
from fundclient.sync.engine import run_sync
from fundclient.sync.outbox import Outbox

from sync_helpers import enrol_office, people, photos_for


def _export(hq) -> list[dict]:
    out = io.StringIO()
    write_export(hq.ingestor.engine, out, "jsonl")
    return [json.loads(line) for line in out.getvalue().splitlines()]


def test_two_hundred_people_then_ten_edits(hq, data_dir):
    device = enrol_office(hq, data_dir)
    assert device.device_number == 1 and device.office_code == "SBH"
    persons = people(200)
    outbox = Outbox(data_dir)
    batches = outbox.seal([p.to_dict() for p in persons], photos_for(persons))
    assert len(batches) > 1 and all(b.stat().st_size <= outbox.settings.batch_max_bytes for b in batches)

    summary = run_sync(data_dir)
    assert summary.status == "ok", summary
    assert summary.batches_acknowledged == len(batches) and not outbox.pending()

    held = _export(hq)
    assert sorted((r["record_id"], r["revision"]) for r in held) == sorted((p.record_id, 1) for p in persons)
    by_id = {r["record_id"]: r for r in held}
    for p in persons:
        assert by_id[p.record_id]["record"] == p.to_dict()
        assert len(by_id[p.record_id]["photos"]) == 1
    results = list(outbox.iter_record_results())
    assert len(results) == 200 and {r.status for r in results} == {"accepted"}

    outbox.mark_applied({r.batch_id for r in results})
    assert list(outbox.iter_record_results()) == []

    edited = [p.next_revision(mobile="0911111111") for p in persons[:10]]
    outbox.seal([p.to_dict() for p in edited], photos_for(edited))
    assert run_sync(data_dir).status == "ok"
    held = _export(hq)
    assert len(held) == 210
    revs = {(r["record_id"], r["revision"]): r for r in held}
    for p in edited:
        assert revs[(p.record_id, 2)]["record"]["mobile"] == "0911111111"
    assert outbox.result_for(edited[0].record_id, 2).status == "accepted"


def test_duplicate_national_number_across_offices(hq, data_dir, tmp_path):
    enrol_office(hq, data_dir, "SBH")
    other_dir = tmp_path / "other"
    other_dir.mkdir()
    enrol_office(hq, other_dir, "BRK")
    first = people(1, office="SBH")[0]
    second = people(1, office="BRK", seed=99)[0]
    second.national_number = first.national_number
    Outbox(data_dir).seal([first.to_dict()])
    assert run_sync(data_dir).status == "ok"
    Outbox(other_dir).seal([second.to_dict()])
    assert run_sync(other_dir).status == "ok"
    answer = Outbox(other_dir).result_for(second.record_id, 1)
    assert answer.status == "duplicate" and answer.duplicate_of == first.record_id
    assert "الرقم الوطني" in answer.message.ar


def test_record_failing_hq_rules_is_answered_per_record(hq, data_dir):
    enrol_office(hq, data_dir)
    good, bad = people(2)
    bad.national_number = ""
    Outbox(data_dir).seal([good.to_dict(), bad.to_dict()])
    assert run_sync(data_dir).status == "ok"
    outbox = Outbox(data_dir)
    assert outbox.result_for(good.record_id, 1).status == "accepted"
    rejected = outbox.result_for(bad.record_id, 1)
    assert rejected.status == "rejected" and rejected.reason == "missing_national_number"
    assert [r["record_id"] for r in _export(hq)] == [good.record_id]


def test_same_batch_by_network_and_usb_at_once_is_held_once(hq, data_dir):
    """Two ingests of one batch racing (upload + USB import): one commit wins, both get its ack."""
    from concurrent.futures import ThreadPoolExecutor
    enrol_office(hq, data_dir)
    persons = people(20)
    [path] = Outbox(data_dir).seal([p.to_dict() for p in persons[:5]], photos_for(persons[:5]))
    blob = path.read_bytes()
    with ThreadPoolExecutor(4) as pool:
        acks = list(pool.map(lambda _: hq.ingestor.ingest(blob, source="usb"), range(4)))
    assert all(a == acks[0] for a in acks)
    assert len(_export(hq)) == 5


def test_same_revision_in_two_batches_racing_is_held_once(hq, data_dir):
    """A revision sealed twice (crash between sealing and noting it), both copies arriving at once."""
    from concurrent.futures import ThreadPoolExecutor
    enrol_office(hq, data_dir)
    persons = people(3)
    outbox = Outbox(data_dir)
    first = outbox.seal([p.to_dict() for p in persons])[0].read_bytes()
    second = outbox.seal([p.to_dict() for p in persons])[0].read_bytes()
    with ThreadPoolExecutor(2) as pool:
        acks = list(pool.map(hq.ingestor.ingest, [first, second]))
    for ack in acks:
        assert [r["status"] for r in ack["ack"]["results"]] == ["accepted"] * 3
    assert len(_export(hq)) == 3
