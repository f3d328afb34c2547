"""An office keeps its next batch in flight while HQ ingests the one before, and HQ keeps the
device's turn (#11 item 7; hq/turns.py, sync/upload.py `Pipeline`): a real HQ on 127.0.0.1 on
SQLite and PostgreSQL, real sealed batches, the office's own sync run.

- a sound-alike pair split across two consecutive batches of one office, the second sent while
  the first is being ingested, is flagged: the second's check waits for the first's commit (it
  fails without the turn: both read before either writes, both accepted);
- the device's batches are ingested in their order, each naming the one before;
- an HQ that keeps no turns (before this) gets one batch at a time; an office that names no
  batch (before this) is ingested as before;
- a turn is bounded: a batch named but never completed holds the next one back only so long;
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
from fundclient.sync.http import RefusedError, TransportOptions, make_session
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


def test_a_sound_alike_pair_split_across_two_batches_in_flight_is_flagged(hq, tmp_path, monkeypatch):
    office = _office(hq, tmp_path)
    first, second = _pair(41)
    outbox = Outbox(office)
    _seal_alone(outbox, first, 1)
    _seal_alone(outbox, second, 2)
    # HQ holds the first batch once it has read what HQ holds, before its first write (and its
    # turn at SQLite's writer), until the second batch waits for its turn — or, were there no
    # turn, has read what HQ holds too (not the first yet).
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


def test_a_turn_is_bounded_and_the_batch_named_sees_the_other_when_it_comes(hq, tmp_path):
    """The batch named is created at HQ but never completed (its office cut off, say): the next
    one waits for it only `wait_seconds`, then goes; the first, sent later, is checked against
    it — the pair is still found, the other way round."""
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
    uploader.attempt(paths[1], after=batch_id_of(paths[0]))
    assert hq.ingestor.turns.taken == 1
    assert outbox.result_for(second.record_id, second.revision).status == "accepted"
    uploader.attempt(paths[0])
    answer = outbox.result_for(first.record_id, first.revision)
    assert (answer.status, answer.duplicate_of) == ("duplicate", second.record_id)


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
