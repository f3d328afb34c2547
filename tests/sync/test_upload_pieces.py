"""The office's upload pieces (sync/upload.py): urllib3 sends a body under the connect timeout
and one piece is one `sendall`, so a piece that a slow link cannot take within that timeout
times out every attempt. The pieces adapt to the link: small on a slow link, 256 KiB on a fast
one (HQ's server passes each piece through its ASGI layers)."""

from __future__ import annotations

from fundclient.config import Settings
from fundclient.sync.device import Device
from fundclient.sync.http import TransportOptions, make_session
from fundclient.sync.outbox import Outbox
from fundclient.sync.upload import PIECE_BYTES, PIECE_MIN, BatchUploader

from netfaults import FaultProxy, Faults
from sync_helpers import enrol_office, people, photos_for


def _one_batch(hq, data_dir, count: int) -> tuple[Outbox, object]:
    enrol_office(hq, data_dir)
    persons = people(count, seed=7)
    outbox = Outbox(data_dir)
    outbox.seal([p.to_dict() for p in persons], photos_for(persons))
    [batch] = outbox.pending()
    return outbox, batch


def _uploader(data_dir, outbox, base_url, options, pieces: list[int]) -> BatchUploader:
    return BatchUploader(make_session(Settings.load(data_dir)), base_url, outbox, Device.load(data_dir), options,
                         on_bytes=pieces.append)


def test_a_slow_link_takes_every_piece_within_the_connect_timeout(hq_sqlite, data_dir):
    """~64 KB/s through a proxy with a small window, a connect timeout of 2 s: a 256 KiB piece
    needs ~4 s in one sendall and timed out every attempt (fixed 256 KiB pieces); the adapted
    pieces go through and the first attempt stores the ack."""
    outbox, batch = _one_batch(hq_sqlite, data_dir, 28)  # one ~570 KB batch
    size = batch.stat().st_size
    assert size > 2 * PIECE_BYTES
    proxy = FaultProxy(int(hq_sqlite.url.rsplit(":", 1)[1]),
                       Faults(rate_bytes_per_s=64_000, receive_buffer=16 * 1024))
    try:
        pieces: list[int] = []
        uploader = _uploader(data_dir, outbox, proxy.url, TransportOptions(connect_timeout=2, read_timeout=30),
                             pieces)
        ack = uploader.attempt(batch)  # a timed-out piece raises TransientError
    finally:
        proxy.stop()
    assert ack and outbox.pending() == []
    assert sum(pieces) == size
    assert pieces[0] == PIECE_MIN  # (loopback still hides part of the link: later pieces may grow)


def test_a_fast_link_reaches_256_kib_pieces_after_four(hq_sqlite, data_dir):
    outbox, batch = _one_batch(hq_sqlite, data_dir, 60)  # one ~1.2 MB batch
    size = batch.stat().st_size
    pieces: list[int] = []
    uploader = _uploader(data_dir, outbox, hq_sqlite.url, TransportOptions(), pieces)
    assert uploader.attempt(batch) and outbox.pending() == []
    assert sum(pieces) == size
    assert pieces[:5] == [PIECE_MIN, 2 * PIECE_MIN, 4 * PIECE_MIN, 8 * PIECE_MIN, PIECE_BYTES]
