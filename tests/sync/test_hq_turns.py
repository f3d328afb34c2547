"""An office keeps its next batch in flight while HQ ingests the one before, and HQ keeps the
device's turn (#11 item 7; hq/turns.py, sync/upload.py `Pipeline`): a real HQ on 127.0.0.1 on
SQLite and PostgreSQL, real sealed batches, the office's own sync run.

- a sound-alike pair split across two consecutive batches of one office, the second sent while
  the first is being ingested, is flagged: the second's check waits for the first's commit (it
  fails without the turn: both read before either writes, both accepted);
- the device's batches are ingested in their order, each naming the one before;
- an HQ that keeps no turns (before this) gets one batch at a time; an office that names no
  batch (before this) is ingested as before;
- a turn not kept (too many waiting, the bound reached) never ingests the next batch alongside
  the one before: HQ answers 503 `turn_busy` with Retry-After and holds it whole, the office
  sends it again once the one before is answered (review finding 1 of 2026-11-30);
- a malformed name is refused.
"""

from __future__ import annotations

import threading
import time
from dataclasses import replace
from datetime import datetime, timezone

import pytest
from sqlalchemy import select

from fundclient.domain.records import ArabicName, Beneficiary, Photo
from fundclient.hq import duplicates
from fundclient.hq.db import batches
from fundclient.hq.server import start_in_thread
from fundclient.hq.uploads import UploadStore
from fundclient.sync.device import Device
from fundclient.sync.engine import run_sync
from fundclient.sync.http import RefusedError, TransientError, TransportOptions, make_session
from fundclient.config import Settings
from fundclient.sync.outbox import Outbox, batch_id_of
from fundclient.sync.upload import BatchUploader

from sync_helpers import enrol_office, fake_jpeg, people

BIG = 100_000  # a photo that makes a batch go by creation + PATCH (over 64 KB): its upload has a row at HQ


def _office(hq, tmp_path, name="office"):
    data_dir = tmp_path / name
    data_dir.mkdir()
    enrol_office(hq, data_dir, "SBH")
    return data_dir


def _pair(seed: int) -> tuple[Beneficiary, Beneficiary]:
    """One man registered twice at one office: another national number (a typo), the name
    spelled another way, the same birth date and mother — HQ answers `duplicate_person`."""
    first = people(1, office="SBH", seed=seed)[0]
    first.created_at = datetime(2025, 3, 4, 9, 30, tzinfo=timezone.utc)
    first.name = ArabicName("أحمد", "محمد", "علي", "الورفلي")
    first.mother_name = "فاطمة الفرجاني"
    first.dependants = []
    second = replace(first, record_id=Beneficiary().record_id, card_number="",
                     national_number=first.national_number[:5] + "0000001",
                     name=ArabicName("احمد", "امحمد", "علي", "ورفلي"))
    assert second.national_number != first.national_number
    return first, second


def _seal_alone(outbox: Outbox, record: Beneficiary, seed: int):
    [path] = outbox.seal([record.to_dict()], {record.record_id: [Photo(data=fake_jpeg(BIG, seed=seed))]})
    return path


def _until(done, what: str, limit: float = 60.0) -> None:
    """Wait for `done()` (a hang guard, not a timing check)."""
    deadline = time.monotonic() + limit
    while not done():
        if time.monotonic() > deadline:
            pytest.fail(f"never happened: {what}")
        time.sleep(0.01)


def _pair_in_two_batches(hq, tmp_path, seed: int):
    """An enrolled office with a sound-alike pair sealed in two batches, one each. -> (office, first, second)"""
    office = _office(hq, tmp_path)
    first, second = _pair(seed)
    outbox = Outbox(office)
    _seal_alone(outbox, first, 1)
    _seal_alone(outbox, second, 2)
    return office, first, second


def _hold_the_first_read(monkeypatch, first: Beneficiary, second: Beneficiary):
    """HQ's read of what it holds (duplicates.read): the first batch's waits, after reading, until
    `let_go` is set; `second_read` is set once the second batch has read. -> (let_go, second_read)"""
    let_go, second_read = threading.Event(), threading.Event()
    read = duplicates.read

    def watched_read(conn, batch, *args, **kwargs):
        found = read(conn, batch, *args, **kwargs)
        if batch and batch[0][0] == first.record_id:
            let_go.wait(120)
        if batch and batch[0][0] == second.record_id:
            second_read.set()
        return found

    monkeypatch.setattr(duplicates, "read", watched_read)
    return let_go, second_read


def test_a_sound_alike_pair_split_across_two_batches_in_flight_is_flagged(hq, tmp_path, monkeypatch):
    office, first, second = _pair_in_two_batches(hq, tmp_path, 41)
    # HQ holds the first batch once it has read what HQ holds, before its first write (and its
    # turn at SQLite's writer), until the second batch waits for its turn — or, were there no
    # turn, has read what HQ holds too (not the first yet).
    let_go, second_read = _hold_the_first_read(monkeypatch, first, second)
    summary = {}
    sync = threading.Thread(target=lambda: summary.update(run=run_sync(office)))
    sync.start()
    try:
        _until(lambda: hq.ingestor.turns.waiting or second_read.is_set(),
               "the second batch sent while HQ ingests the first")
    finally:
        let_go.set()
        sync.join(180)
    assert summary["run"].status == "ok", summary["run"]
    results = Outbox(office)
    assert results.result_for(first.record_id, first.revision).status == "accepted"
    answer = results.result_for(second.record_id, second.revision)
    assert (answer.status, answer.reason, answer.duplicate_of) == ("duplicate", "duplicate_person", first.record_id)
    assert hq.ingestor.turns.taken == 1


@pytest.mark.parametrize("busy", ["max-waiting", "turn-bound"])
def test_a_turn_not_kept_is_answered_turn_busy_never_ingested_alongside(hq, tmp_path, monkeypatch, busy):
    """Review finding 1 (2026-11-30): when HQ cannot keep the turn — `MAX_WAITING` requests
    waiting in the process (as when 8 other offices wait), or the batch before still in its
    transaction after the bound — the next batch is NOT ingested alongside it (its duplicate
    check would not see the first's people: both accepted); HQ answers 503 `turn_busy`, holds
    its upload whole, and the office sends it again once the first is answered: the pair is
    flagged, the run ends ok. (Before the fix both were accepted.)"""
    from fundclient.hq import turns
    if busy == "max-waiting":
        monkeypatch.setattr(turns, "MAX_WAITING", 0)
    else:
        hq.ingestor.turns.wait_seconds = 0.5
    office, first, second = _pair_in_two_batches(hq, tmp_path, 46)
    # HQ holds the first batch once it has read what HQ holds, before its first write, until
    # the second batch's turn is refused — or, were it ingested alongside, has read what HQ holds.
    let_go, second_read = _hold_the_first_read(monkeypatch, first, second)
    refused = threading.Event()
    wait = hq.ingestor.turns.wait

    def watched_wait(*args):
        try:
            return wait(*args)
        except turns.TurnNotKept:
            refused.set()
            raise

    monkeypatch.setattr(hq.ingestor.turns, "wait", watched_wait)
    summary = {}
    # one try a batch: HQ's `turn_busy` is not a failed try, the office sends the batch again at once
    once = TransportOptions(max_attempts=1)
    sync = threading.Thread(target=lambda: summary.update(run=run_sync(office, options=once)))
    sync.start()
    try:
        _until(lambda: refused.is_set() or second_read.is_set(), "the second batch sent while HQ ingests the first")
        assert not second_read.is_set(), "the second batch's duplicate check ran while the first was in progress"
    finally:
        let_go.set()
        sync.join(180)
    run = summary["run"]
    assert (run.status, run.batches_acknowledged, run.batches_quarantined) == ("ok", 2, 0), run
    results = Outbox(office)
    assert results.result_for(first.record_id, first.revision).status == "accepted"
    answer = results.result_for(second.record_id, second.revision)
    assert (answer.status, answer.reason, answer.duplicate_of) == ("duplicate", "duplicate_person", first.record_id)
    assert hq.ingestor.turns.not_kept == 1
    assert _device_batches_in_order(hq.ingestor.engine) == [1, 2]


def _recording(app, log: list, keep_turns: bool = True):
    """An ASGI layer in front of HQ's app that notes each request's start (method, path, the
    batch it names) and answer; `keep_turns=False` plays an HQ from before turns (the answers
    lose `Fundclient-Turns`)."""

    async def wrapped(scope, receive, send):
        if scope["type"] != "http" or not scope["path"].startswith("/tus/"):
            return await app(scope, receive, send)
        named = dict(scope["headers"]).get(b"fundclient-after")
        log.append(("request", scope["method"], scope["path"], named.decode() if named else None))

        async def sending(message):
            if message["type"] == "http.response.start":
                if not keep_turns:
                    message = {**message, "headers": [(k, v) for k, v in message["headers"]
                                                      if k.lower() != b"fundclient-turns"]}
                log.append(("answer", scope["method"], scope["path"], message["status"]))
            await send(message)

        await app(scope, receive, sending)

    return wrapped


def _device_batches_in_order(engine) -> list[int]:
    with engine.connect() as conn:
        return [row.seq for row in conn.execute(select(batches.c.seq).order_by(batches.c.received_at))]


@pytest.mark.parametrize("keeps_turns", [True, False], ids=["hq-keeps-turns", "hq-before-turns"])
def test_an_office_keeps_its_next_batch_in_flight_only_with_an_hq_that_keeps_turns(hq_dir, hq_database_url,
                                                                                    tmp_path, keeps_turns):
    log: list = []
    server = start_in_thread(hq_dir, hq_database_url, wrap=lambda app: _recording(app, log, keeps_turns))
    try:
        office = _office(server, tmp_path)
        outbox = Outbox(office)
        paths = [_seal_alone(outbox, person, seed) for seed, person in enumerate(people(4, "SBH", seed=42))]
        ids = [batch_id_of(p) for p in paths]
        assert run_sync(office).status == "ok"
        assert _device_batches_in_order(server.ingestor.engine) == [1, 2, 3, 4]  # HQ ingested them in order
        named = {path.removeprefix("/tus/"): after for kind, method, path, after in log
                 if kind == "request" and method == "PATCH"}
        if keeps_turns:  # each batch's completing request named the batch before it
            assert [named[i] for i in ids] == [None, *ids[:-1]]
        else:  # one batch at a time: each created only once the one before was answered
            assert set(named.values()) == {None}
            creations = [n for n, entry in enumerate(log) if entry[:2] == ("request", "POST")]
            answers = [n for n, entry in enumerate(log) if entry[0] == "answer" and entry[1] == "PATCH"]
            assert len(creations) == len(answers) == 4
            assert all(answers[k] < creations[k + 1] for k in range(3))
            assert server.ingestor.turns.taken == 0
    finally:
        server.stop()


def _uploader(office) -> BatchUploader:
    session = make_session(Settings.load(office))
    device = Device.load(office)
    return BatchUploader(session, device.hq_url, Outbox(office), device, TransportOptions())


def test_an_office_that_names_no_batch_is_ingested_as_before(hq, tmp_path):
    """An office from before turns: one batch at a time, no name; answers as always."""
    office = _office(hq, tmp_path)
    first, second = _pair(43)
    outbox = Outbox(office)
    paths = [_seal_alone(outbox, first, 1), _seal_alone(outbox, second, 2)]
    uploader = _uploader(office)
    for path in paths:
        uploader.attempt(path)
    assert hq.ingestor.turns.taken == 0
    answer = outbox.result_for(second.record_id, second.revision)
    assert (answer.status, answer.duplicate_of) == ("duplicate", first.record_id)


def test_a_turn_is_bounded_the_batch_is_held_and_sent_again_after_the_one_named(hq, tmp_path):
    """The batch named is created at HQ but never completed (its office cut off, say): the next
    one waits for it only `wait_seconds`, then is answered 503 `turn_busy` with Retry-After —
    not ingested, its upload held whole (HQ cannot tell a batch cut from one still in its
    transaction). The first, sent later, is accepted; the second, sent again (an empty PATCH),
    is checked against it: the pair is found."""
    office = _office(hq, tmp_path)
    first, second = _pair(44)
    outbox = Outbox(office)
    paths = [_seal_alone(outbox, first, 1), _seal_alone(outbox, second, 2)]
    blob = paths[0].read_bytes()
    device = Device.load(office)
    digest, _ = outbox.upload_claim(paths[0], blob, device)
    UploadStore(hq.ingestor.engine).create(batch_id_of(paths[0]), len(blob), digest, device.device_id)
    hq.ingestor.turns.wait_seconds = 0.5
    uploader = _uploader(office)
    with pytest.raises(TransientError) as busy:
        uploader.attempt(paths[1], after=batch_id_of(paths[0]))
    assert busy.value.detail == "HTTP 503 turn_busy"
    assert (hq.ingestor.turns.taken, hq.ingestor.turns.not_kept) == (1, 1)
    held = UploadStore(hq.ingestor.engine).state(batch_id_of(paths[1]))
    assert held.offset == held.length == paths[1].stat().st_size
    with hq.ingestor.engine.connect() as conn:
        assert conn.execute(select(batches.c.batch_id)).all() == []
    uploader.attempt(paths[0])
    assert outbox.result_for(first.record_id, first.revision).status == "accepted"
    uploader.attempt(paths[1], after=batch_id_of(paths[0]))
    answer = outbox.result_for(second.record_id, second.revision)
    assert (answer.status, answer.duplicate_of) == ("duplicate", first.record_id)


def test_a_turn_not_kept_is_answered_503_with_retry_after(hq, tmp_path, monkeypatch):
    from fundclient.hq import turns
    monkeypatch.setattr(turns, "MAX_WAITING", 0)
    office = _office(hq, tmp_path)
    first, second = _pair(47)
    outbox = Outbox(office)
    paths = [_seal_alone(outbox, first, 1), _seal_alone(outbox, second, 2)]
    uploader = _uploader(office)
    answers = []
    uploader.session.hooks["response"].append(lambda response, *a, **k: answers.append(response))
    with pytest.raises(TransientError):
        uploader.attempt(paths[1], after=batch_id_of(paths[0]))
    last = answers[-1]
    assert (last.status_code, last.json(), last.headers["Retry-After"]) == (503, {"code": "turn_busy"}, "1")


@pytest.mark.parametrize("named", ["not-a-batch-id", "SELF"])
def test_a_malformed_name_of_the_batch_before_is_refused(hq, tmp_path, named):
    office = _office(hq, tmp_path)
    [person] = people(1, "SBH", seed=45)
    path = _seal_alone(Outbox(office), person, 1)
    with pytest.raises(RefusedError) as refused:
        _uploader(office).attempt(path, after=batch_id_of(path) if named == "SELF" else named)
    assert refused.value.code == "malformed"
    with hq.ingestor.engine.connect() as conn:
        assert conn.execute(select(batches.c.batch_id)).all() == []
