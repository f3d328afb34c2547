"""Uploads in progress, in HQ's database (tables `uploads` and `upload_parts`, migration 0008),
so every HQ node behind a load balancer sees the same uploads: one cut on node 1 resumes on
node 2 from the byte the database holds (#15). Nothing of an upload lives in a node's process
or on its disk.

* `uploads`: one row per upload — the device's signed creation request (length, SHA-256,
  device) and `held`, the bytes HQ holds.
* `upload_parts`: those bytes, in the pieces they were written in, keyed by their first byte.

Appending is a compare-and-set on `held` (the row is the lock, not a process): a piece is
written only when `held` is still the offset the writer started from, in the same
transaction that moves `held` on. Two nodes handed the same upload at once (a client that
thought its connection was cut and resumed through the other node) therefore never write a
byte twice or out of order; the loser answers 409 and the client asks HEAD again.

A node writes what it received at least every `flush_seconds` (and every `flush_bytes`, which is
the batch limit: an upload that arrives fast is held in memory until its end), and when the
client goes away; a batch that arrives whole in one request is ingested straight
from memory and never written here. On PostgreSQL these small transactions commit without
waiting for the WAL flush (`synchronous_commit = off`): a killed HQ node loses nothing the
database acknowledged, and a crash of PostgreSQL itself costs at most the last few hundred
milliseconds of upload bytes, which the office sends again after its HEAD.

Rows go as soon as the batch is ingested or refused; a sweep (at start and then at most once
per `sweep_every` seconds, from any node) removes uploads of batches HQ already holds and
uploads untouched for `stale_days`. A device may hold at most `max_per_device` unfinished
uploads, so a device key cannot fill the database either.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from sqlalchemy import bindparam, delete, exists, func, insert, select, text, update
from sqlalchemy.engine import Connection, Engine

from fundclient.hq.db import Lean, WriterTurn, batches, upload_parts, uploads
from fundclient.sync.envelope import UUID_RE

log = logging.getLogger(__name__)

STALE_UPLOAD_DAYS = 14  # longer than any office stays offline mid-upload
SWEEP_EVERY = 3600.0
MAX_OPEN_PER_DEVICE = 32
FLUSH_SECONDS = 0.5  # a killed node loses at most this much of a slow upload
# Written by size too only past the batch limit (hq/ingest.py DEFAULT_MAX_BATCH_BYTES), i.e. never
# for a batch HQ accepts: what arrives fast is held in memory until its last byte — the whole batch
# is in memory then anyway, for its hash and ingest. At 1 MiB the offices' 2 MiB batches wrote their
# first MiB here, read it back and deleted it in the batch's commit (on PostgreSQL ~1/3 more
# database size until vacuum, and its WAL), and a node killed in the 0.1 s such an upload takes
# loses nothing an office cannot send again at once (#11 item 7).
FLUSH_BYTES = 8 * 1024 * 1024


def _now() -> datetime:
    return datetime.now(timezone.utc)


@dataclass(frozen=True)
class UploadState:
    length: int
    sha256: str
    device_id: str
    offset: int  # bytes HQ holds
    created_at: datetime | None = None


_STATE = Lean(select(uploads.c.length, uploads.c.sha256, uploads.c.device_id, uploads.c.held, uploads.c.created_at)
              .where(uploads.c.batch_id == bindparam("b")))
_OPEN_FOR = Lean(select(func.count()).select_from(uploads).where(uploads.c.device_id == bindparam("d")))
# A new upload's row, unless another node wrote it at the same moment (then theirs stands): one
# statement, where a savepoint, the INSERT and its release were three (#11 item 7).
_CREATE = Lean(text("INSERT INTO uploads (batch_id, device_id, length, sha256, held, created_at, updated_at) "
                    "VALUES (:b, :d, :n, :h, 0, :t, :t) ON CONFLICT DO NOTHING").bindparams(
    bindparam("b", type_=uploads.c.batch_id.type), bindparam("d", type_=uploads.c.device_id.type),
    bindparam("n", type_=uploads.c.length.type), bindparam("h", type_=uploads.c.sha256.type),
    bindparam("t", type_=uploads.c.created_at.type)))
# Both tables' rows of one upload: on PostgreSQL in one statement (a data-modifying WITH), on
# SQLite, which has none, in two (no round trip there: SQLite runs in HQ's process).
_FINISH_POSTGRESQL = Lean(text("WITH parts AS (DELETE FROM upload_parts WHERE batch_id = :u) "
                               "DELETE FROM uploads WHERE batch_id = :u").bindparams(
    bindparam("u", type_=uploads.c.batch_id.type)))
# The compare-and-set that moves `held` on, and the piece it covers.
_MOVE_ON = Lean(update(uploads).where(uploads.c.batch_id == bindparam("b"), uploads.c.held == bindparam("at"))
                .values(held=bindparam("to", type_=uploads.c.held.type),
                        updated_at=bindparam("t", type_=uploads.c.updated_at.type)))
_ADD_PART = Lean(insert(upload_parts))
_DELETE_PARTS = Lean(delete(upload_parts).where(upload_parts.c.batch_id == bindparam("u")))
_DELETE_UPLOAD = Lean(delete(uploads).where(uploads.c.batch_id == bindparam("u")))


def insert_row(conn: Connection, batch_id: str, device_id: str, length: int, sha256: str) -> None:
    """The upload's row with nothing held, in the caller's transaction; a row another node wrote
    meanwhile stays as it is (its `held` decides, as always)."""
    _CREATE.run(conn, {"b": batch_id, "d": device_id, "n": length, "h": sha256, "t": _now()})


def remove_rows(conn: Connection, batch_id: str) -> None:
    """Everything of the upload (its row and its parts), in the caller's transaction: the
    batch's own commit when it is ingested (hq/ingest.py), or `UploadStore.finish`."""
    if conn.dialect.name == "postgresql":
        _FINISH_POSTGRESQL.run(conn, {"u": batch_id})
    else:
        _DELETE_PARTS.run(conn, {"u": batch_id})
        _DELETE_UPLOAD.run(conn, {"u": batch_id})


class UploadStore:
    def __init__(self, engine: Engine, *, max_per_device: int = MAX_OPEN_PER_DEVICE,
                 stale_days: float = STALE_UPLOAD_DAYS, sweep_every: float = SWEEP_EVERY,
                 flush_seconds: float = FLUSH_SECONDS, flush_bytes: int = FLUSH_BYTES) -> None:
        self.engine = engine
        self.max_per_device, self.stale_days, self.sweep_every = max_per_device, stale_days, sweep_every
        self.flush_seconds, self.flush_bytes = flush_seconds, flush_bytes
        self.last_sweep = 0.0
        self._postgres = engine.dialect.name == "postgresql"
        self.writer = WriterTurn(engine)  # SQLite: queue for the one writer with the ingesting batches

    def state(self, batch_id: str, conn: Connection | None = None) -> UploadState | None:
        """`conn`: a connection the caller holds open (one checkout for several reads)."""
        if not UUID_RE.fullmatch(batch_id):
            return None
        if conn is None:
            with self.engine.connect() as conn:
                return self.state(batch_id, conn)
        row = _STATE.first(conn, {"b": batch_id})
        return None if row is None else UploadState(row.length, row.sha256, row.device_id, row.held, row.created_at)

    def open_for(self, device_id: str, conn: Connection | None = None) -> int:
        """Unfinished uploads this device holds."""
        if conn is None:
            with self.engine.connect() as conn:
                return self.open_for(device_id, conn)
        return _OPEN_FOR.scalars(conn, {"d": device_id})[0]

    def held_batches(self) -> list[str]:
        """Batch ids of every upload in progress (operations and tests)."""
        with self.engine.connect() as conn:
            return sorted(conn.execute(select(uploads.c.batch_id)).scalars())

    def create(self, batch_id: str, length: int, sha256: str, device_id: str,
               current: UploadState | None | bool = False) -> None:
        """Start an upload; the same device re-creating the same upload keeps what HQ holds.
        (app.py refuses another device's creation of a held batch id before this.) `current`:
        the state the caller just read (saves a round trip), False when it did not read it."""
        if current is False:
            current = self.state(batch_id)
        if current and (current.length, current.sha256, current.device_id) == (length, sha256, device_id):
            return
        with self.writer.held(), self.engine.begin() as conn:
            if current:  # the same device signed another length or hash for this id: start again
                remove_rows(conn, batch_id)
            insert_row(conn, batch_id, device_id, length, sha256)  # (another node's, made this moment, stands)

    def append(self, batch_id: str, at: int, data: bytes, create: tuple[int, str, str] | None = None) -> bool:
        """Write `data` as the bytes from offset `at`; False when HQ no longer holds exactly `at`
        bytes of this upload (another node moved it on, or it was finished or swept).
        `create`: (length, sha256, device id) of an upload whose row is not written yet (a
        creation that came with its body, app.py): the row goes in the same transaction, unless
        another node wrote it meanwhile (then its `held` decides, as always)."""
        if not data:
            return True
        with self.writer.held(), self.engine.begin() as conn:
            if self._postgres:
                conn.execute(text("SET LOCAL synchronous_commit TO OFF"))
            if create is not None:  # (another node's row, if it holds one already, stands)
                insert_row(conn, batch_id, create[2], create[0], create[1])
            if _MOVE_ON.run(conn, {"b": batch_id, "at": at, "to": at + len(data), "t": _now()}) != 1:
                return False
            _ADD_PART.run(conn, {"batch_id": batch_id, "start_byte": at, "data": data})
        return True

    def read(self, batch_id: str) -> bytes:
        """The bytes HQ holds, in order."""
        with self.engine.connect() as conn:
            parts = conn.execute(select(upload_parts.c.start_byte, upload_parts.c.data)
                                 .where(upload_parts.c.batch_id == batch_id)
                                 .order_by(upload_parts.c.start_byte)).all()
        out = bytearray()
        for start, data in parts:
            if start != len(out):  # cannot happen with append's compare-and-set; never glue a gap
                raise ValueError("upload parts are not contiguous")
            out += data
        return bytes(out)

    def finish(self, batch_id: str) -> None:
        """The batch was ingested or refused: nothing of the upload stays."""
        with self.writer.held(), self.engine.begin() as conn:
            remove_rows(conn, batch_id)

    def sweep_due(self) -> bool:
        return time.monotonic() - self.last_sweep >= self.sweep_every

    def sweep(self) -> int:
        """Remove uploads of batches HQ already holds, uploads untouched for `stale_days`, and
        parts no upload owns; returns how many uploads went. Safe on every node at once."""
        self.last_sweep = time.monotonic()
        limit = _now() - timedelta(days=self.stale_days)
        ingested = exists().where(batches.c.batch_id == uploads.c.batch_id)
        with self.engine.begin() as conn:
            removed = conn.execute(delete(uploads).where(ingested | (uploads.c.updated_at < limit))).rowcount
            conn.execute(delete(upload_parts).where(
                ~exists().where(uploads.c.batch_id == upload_parts.c.batch_id)))
        if removed:
            log.info("upload sweep removed %d upload(s)", removed)
        return removed

    def oldest_pending(self) -> datetime | None:
        """When the oldest upload still in progress was created (the /metrics gauge)."""
        with self.engine.connect() as conn:
            return conn.execute(select(func.min(uploads.c.created_at))).scalar()
