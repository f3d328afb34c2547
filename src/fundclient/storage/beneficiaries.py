"""Beneficiary records: add, edit (a new revision each time), read, history, photos, status,
per-revision sync state. Searches live in `search.py` (mixed into this repository).

A save is one `BEGIN IMMEDIATE` transaction: the current row, the revision's full JSON,
the dependants, the photos/scans and the audit entry land together or not at all.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING

import sqlcipher3

from fundclient.domain.records import Beneficiary, Photo, RecordStatus, utc_now
from fundclient.storage.errors import CardNumberTaken, NotPermitted, RecordNotFound, StaleRevision
from fundclient.storage.records_json import load as _load
from fundclient.storage.rows import (INSERT_BLOB, INSERT_CURRENT, INSERT_DEPENDANT, INSERT_REVISION, UPDATE_CURRENT,
                                     blob_kinds, current_row, dependant_rows, numbered_rows, revision_row)
from fundclient.storage.search import SearchMixin
from fundclient.storage.bulk import RowsWriter, record_rows

if TYPE_CHECKING:
    from fundclient.storage.engine import Connection
    from fundclient.storage.store import Store

SYNC_STATES = ("pending", "sent", "accepted", "duplicate", "rejected")
STATUS_ROLES = ("supervisor", "admin")


@dataclass(frozen=True)
class RevisionInfo:
    revision: int
    saved_at: str
    saved_by: str
    sync_state: str
    sync_reason: str
    beneficiary: Beneficiary


def _integrity(exc: sqlcipher3.dbapi2.IntegrityError) -> Exception:
    if "card_number" in str(exc):
        return CardNumberTaken()
    return exc


# `add_many(piece=…)`: the set-aside triggers' work (`RowsWriter.catch_up`) done every this many
# rows, not every piece — its inserts are sorted by each index's key, and the more rows at once the
# more of them land on a leaf the one before reached (the names' ends and heads: ~3× the CPU in
# pieces of 250 at 40,000 rows in the office).
CATCH_UP_ROWS = 1_000


class _GiveWay(Exception):
    """`add_many(piece=…)`: a save waits — the transaction under way is rolled back for it."""


# `add_many(piece=…)`: inside a statement of the import's (a piece's inserts, a catch-up's
# INSERT … SELECT), a waiting save is looked for every this many SQLite VM instructions (SQLite's
# progress handler: ~6 ms of a catch-up's work a 100,000 measured; the look is one `flock` probe).
GIVE_WAY_OPS = 200_000


@contextmanager
def _interruptible(raw, wanted: Callable[[], bool] | None) -> Iterator[None]:
    """The statements run inside stop (SQLITE_INTERRUPT) as soon as `wanted()` says a save waits,
    and `_GiveWay` is raised for them; the handler is gone before the transaction commits."""
    if wanted is None:
        yield
        return
    seen: list[bool] = []

    def progress() -> int:
        if wanted():
            seen.append(True)
            return 1
        return 0

    raw.set_progress_handler(progress, GIVE_WAY_OPS)
    try:
        yield
    except Exception as exc:  # the DB-API's OperationalError ("interrupted"), through `_insert_new` too
        if seen and type(exc).__name__ == "OperationalError":
            raise _GiveWay() from None
        raise
    finally:
        raw.set_progress_handler(None, 0)


class BeneficiaryRepository(SearchMixin):
    def __init__(self, store: "Store") -> None:
        self._store = store

    # --- writes ----------------------------------------------------------------------

    def add(self, beneficiary: Beneficiary, *, by: str, photos: Sequence[Photo] = (),
            card_number_from: Callable[[int], str] | None = None, action: str = "save") -> Beneficiary:
        """Save a new record (revision 1) with its dependants and photos in one transaction.
        `card_number_from(seq)` turns the next value of the device's 'card' sequence into a
        card number inside the same transaction (no gap on rollback)."""
        record = beneficiary
        record.created_by = record.created_by or by
        record.updated_by = by
        with self._store.write(by, action, record.record_id) as tx:
            if card_number_from is not None and not record.card_number:
                record.card_number = card_number_from(self._store.next_sequence("card", conn=tx.conn))
            self._insert_current(tx.conn, record)
            self._insert_revision(tx.conn, record, by, photos)
            tx.detail.update(revision=record.revision, dependants=len(record.dependants), photos=len(photos),
                             **_exception_detail(record))
        return record

    def add_many(self, records: Sequence[Beneficiary], *, by: str, action: str = "import",
                 card_numbers_from: Callable[[int], str] | None = None,
                 made: Sequence[tuple | None] | None = None, piece: int | None = None) -> list[Beneficiary]:
        """Save new records (revision 1, no photos) in ONE transaction with one audit entry
        (`storage.bulk.insert_batch`): a bulk import's batch. Holders and dependants without a
        card number get the next values of the device's 'card' sequence, reserved in the same
        transaction. Raises CardNumberTaken (nothing of the batch is saved — with `piece`, nothing
        of the transaction under way: the transactions committed before it stay). `made`: per
        record, its rows made beforehand without card numbers (`rows.unnumbered_rows`, by an
        import's helper process, with `by` as creator) or None: the numbers are patched in.

        `piece` (`fundclient import`): the records written `piece` at a time, the indexes' work
        done every CATCH_UP_ROWS rows (`RowsWriter.catch_up`) and at the commit. A batch of
        thousands of rows is one commit when nobody waits (fewer commits, fewer pages written a
        row). The import gives way to a waiting write (`Store.writer_wanted`: a clerk's save) —
        this is the rule; the import's other texts point here:
        - After each piece, before each statement of a catch-up and inside the statements (every
          GIVE_WAY_OPS SQLite instructions: `_interruptible`), when a write waits, the
          transaction under way is ROLLED BACK — discarding its pages costs a few milliseconds,
          where its commit would rewrite every page its rows touched in the indexes filled in no
          key order (0.4–0.7 s at 50,000–100,000 records in the office) — and the waiter goes
          first (`Store.let_waiting_writes_in`).
        - The pieces it had completed are then written again (a redo: transactions and audit
          entries of their own) and never rolled back again: the redo commits when it reaches them all, or
          at the end of its piece under way when a write waits meanwhile — the waiter goes in
          after that commit (`let_waiting_writes_in`) and the redo goes on in a new transaction.
        - Then the rest follows in a new transaction, giving way as above.
        So a save waits for at most GIVE_WAY_OPS instructions of a statement and a rollback, or,
        during a redo, for the piece under way and a commit of the rows the redo wrote so far; and
        for a commit of the import's when it comes while one is under way."""
        if not records:
            return []
        for record in records:
            record.created_by = record.created_by or by
            record.updated_by = by
        start, redo_to = 0, 0

        def give_way() -> None:
            if self._store.writer_wanted():
                raise _GiveWay()

        while start < len(records):
            first = start
            # a transaction writing rows rolled back before (a redo) is not rolled back again: it commits
            redo = first < redo_to
            between = give_way if piece is not None and not redo else None
            numbered: list = []  # the holders and dependants this transaction gave card numbers to
            reserved = 0  # the last card number's sequence value it reserved
            try:
                with self._store.write(by, action, bulk=True) as tx:
                    raw = tx.conn.connection.driver_connection
                    writer = RowsWriter(raw.cursor())
                    caught_up = start
                    with _interruptible(raw, self._store.writer_wanted if between is not None else None):
                        while start < len(records):
                            end = len(records) if piece is None else min(len(records), start + piece)
                            owners, last = self._insert_new(tx.conn, writer, records[start:end],
                                                            None if made is None else made[start:end], by,
                                                            card_numbers_from)
                            numbered += owners
                            reserved = max(reserved, last)
                            start = end
                            if start == redo_to or (redo and self._store.writer_wanted()):
                                break  # a redo: committed when whole, or at once for a waiting save
                            if between is not None:
                                between()
                            if start - caught_up >= CATCH_UP_ROWS:
                                writer.catch_up(between)
                                caught_up = start
                        writer.finish(between)
                    tx.detail["rows"] = start - first
                    if reserved:  # the card numbers reserved, noted outside the DB before the commit
                        self._store.note_high_water("card", reserved)
            except _GiveWay:
                # Rolled back (nothing of it was written), the save goes first, then these rows again.
                for owner in numbered:  # their numbers came from the sequence the rollback put back
                    owner.card_number = ""
                redo_to, start = start, first
                self._store.let_waiting_writes_in()
            else:
                if redo:  # a save that waited during the redo goes before the import's next transaction
                    self._store.let_waiting_writes_in()
        return list(records)

    def _insert_new(self, conn: Connection, writer: RowsWriter, records: Sequence[Beneficiary],
                    made: Sequence[tuple | None] | None, by: str,
                    card_numbers_from: Callable[[int], str] | None) -> tuple[list, int]:
        """`add_many`'s records numbered and added (`RowsWriter.add`) inside the caller's write
        transaction. Returns the holders and dependants given a card number here and the last
        sequence value reserved for them (0: none), which the caller notes before its commit
        (`Store.note_high_water`)."""
        owners: list = []
        last = 0
        if card_numbers_from is not None:
            owners = [p for r in records for p in (r, *r.dependants) if not p.card_number]
            if owners:
                first = self._store.next_sequence("card", conn=conn, count=len(owners), note=False)
                for offset, owner in enumerate(owners):
                    owner.card_number = card_numbers_from(first + offset)
                last = first + len(owners) - 1
        try:
            writer.add(*(record_rows(records, by, utc_now().isoformat()) if made is None
                         else _batch_rows(records, made, by)))
        except Exception as exc:  # the DB-API's own IntegrityError (a raw cursor, no SQLAlchemy)
            for owner in owners:  # reserved in a transaction that will not commit
                owner.card_number = ""
            if type(exc).__name__ == "IntegrityError" and "card_number" in str(exc):
                raise CardNumberTaken() from exc
            raise
        return owners, last

    def update(self, edited: Beneficiary, *, by: str, photos: Sequence[Photo] = (),
               action: str = "edit") -> Beneficiary:
        """Save `edited` (which carries the revision it was based on) as the next revision.
        Raises StaleRevision if someone saved a newer revision meanwhile."""
        with self._store.write(by, action, edited.record_id) as tx:
            row = tx.conn.exec_driver_sql("SELECT revision FROM beneficiaries WHERE record_id = ?",
                                          (edited.record_id,)).fetchone()
            if row is None:
                raise RecordNotFound(edited.record_id)
            if row[0] != edited.revision:
                raise StaleRevision(edited.record_id)
            record = edited.next_revision(updated_by=by)
            self._update_current(tx.conn, record)
            self._insert_revision(tx.conn, record, by, photos)
            tx.detail.update(revision=record.revision, dependants=len(record.dependants), photos=len(photos),
                             **_exception_detail(record))
        return record

    def set_status(self, record_id: str, status: RecordStatus | str, reason: str, by: str) -> Beneficiary:
        """Supervisors/admins mark a record inactive (deceased, moved, ...) or active again."""
        if self._store.operators.role_of(by) not in STATUS_ROLES:
            raise NotPermitted("set_status")
        current = self.get(record_id)
        current.status, current.status_reason = RecordStatus(status), reason
        return self.update(current, by=by, action="status")

    def set_sync_state(self, record_id: str, revision: int, state: str, reason: str = "", *,
                       by: str = "sync") -> None:
        if state not in SYNC_STATES:
            raise ValueError(f"unknown sync state {state}")
        with self._store.write(by, "sync_state", record_id) as tx:
            result = tx.conn.exec_driver_sql(
                "UPDATE revisions SET sync_state = ?, sync_reason = ? WHERE record_id = ? AND revision = ?",
                (state, reason, record_id, revision))
            if result.rowcount != 1:
                raise RecordNotFound(f"{record_id}#{revision}")
            tx.detail.update(revision=revision, state=state)

    def set_sync_states(self, results: Sequence[tuple[str, int, str, str]], *, by: str = "sync") -> int:
        """Many (record_id, revision, state, reason) at once (an HQ acknowledgement): one
        transaction, one audit entry with the counts. Unknown revisions are skipped; returns
        how many were updated."""
        for _, _, state, _ in results:
            if state not in SYNC_STATES:
                raise ValueError(f"unknown sync state {state}")
        with self._store.write(by, "sync_state") as tx:
            updated = 0
            for record_id, revision, state, reason in results:
                updated += tx.conn.exec_driver_sql(
                    "UPDATE revisions SET sync_state = ?, sync_reason = ? WHERE record_id = ? AND revision = ?",
                    (state, reason, record_id, revision)).rowcount
            tx.detail.update(results=len(results), updated=updated)
        return updated

    def _insert_current(self, conn: Connection, record: Beneficiary) -> None:
        try:
            conn.exec_driver_sql(INSERT_CURRENT, current_row(record))
        except sqlcipher3.dbapi2.IntegrityError as exc:
            raise _integrity(exc) from exc

    def _update_current(self, conn: Connection, record: Beneficiary) -> None:
        try:
            conn.exec_driver_sql(UPDATE_CURRENT, current_row(record))
        except sqlcipher3.dbapi2.IntegrityError as exc:
            raise _integrity(exc) from exc
        conn.exec_driver_sql("DELETE FROM dependants WHERE record_id = ?", (record.record_id,))

    def _insert_revision(self, conn: Connection, record: Beneficiary, by: str, photos: Sequence[Photo]) -> None:
        conn.exec_driver_sql(INSERT_REVISION, revision_row(record, by, utc_now().isoformat()))
        if record.dependants:
            conn.exec_driver_sql(INSERT_DEPENDANT, dependant_rows(record))
        if photos:
            conn.exec_driver_sql(INSERT_BLOB, [(record.record_id, record.revision, kind, p.mime,
                                                json.dumps(p.quality), p.override_reason, p.data)
                                               for kind, p in zip(blob_kinds(photos), photos)])

    # --- reads -----------------------------------------------------------------------

    def get(self, record_id: str, revision: int | None = None) -> Beneficiary:
        with self._store.read() as conn:
            if revision is None:
                row = conn.exec_driver_sql(
                    "SELECT r.data FROM beneficiaries b JOIN revisions r"
                    " ON r.record_id = b.record_id AND r.revision = b.revision WHERE b.record_id = ?",
                    (record_id,)).fetchone()
            else:
                row = conn.exec_driver_sql("SELECT data FROM revisions WHERE record_id = ? AND revision = ?",
                                           (record_id, revision)).fetchone()
        if row is None:
            raise RecordNotFound(record_id)
        return _load(row[0])

    def get_many(self, record_ids: Sequence[str], *, transient: bool = False) -> dict[str, Beneficiary]:
        """The current revisions of these records. `transient`: records the caller reads and drops
        without changing them (an import's batch check, `storage.duplicate_candidates`: made
        without `__init__`, `Beneficiary.from_dict`)."""
        if not record_ids:
            return {}
        marks = ",".join("?" * len(record_ids))
        with self._store.read() as conn:  # the DB-API cursor: every search result page comes here
            rows = conn.connection.driver_connection.execute(
                "SELECT b.record_id, r.data FROM beneficiaries b JOIN revisions r"
                f" ON r.record_id = b.record_id AND r.revision = b.revision WHERE b.record_id IN ({marks})",
                tuple(record_ids)).fetchall()
        return {rid: _load(data, transient=transient) for rid, data in rows}

    def history(self, record_id: str) -> list[RevisionInfo]:
        with self._store.read() as conn:
            rows = conn.exec_driver_sql(
                "SELECT revision, saved_at, saved_by, sync_state, sync_reason, data FROM revisions"
                " WHERE record_id = ? ORDER BY revision", (record_id,)).fetchall()
        if not rows:
            raise RecordNotFound(record_id)
        return [RevisionInfo(r[0], r[1], r[2], r[3], r[4], _load(r[5])) for r in rows]

    def photos(self, record_id: str, revision: int | None = None) -> list[Photo]:
        """Every photo and scan valid at `revision` (default: current), one per stored kind."""
        with self._store.read() as conn:
            kinds = [r[0] for r in conn.exec_driver_sql(
                "SELECT DISTINCT kind FROM blobs WHERE record_id = ? ORDER BY kind", (record_id,)).fetchall()]
        found = [self.photo(record_id, kind, revision) for kind in kinds]
        return [p for p in found if p is not None]

    def photo(self, record_id: str, kind: str = "portrait", revision: int | None = None) -> Photo | None:
        """The photo of that kind valid at `revision` (default: current): the newest saved at or before it."""
        with self._store.read() as conn:
            row = conn.exec_driver_sql(
                "SELECT data, mime, kind, quality, override_reason FROM blobs WHERE record_id = ? AND kind = ?"
                " AND revision <= coalesce(?, (SELECT revision FROM beneficiaries WHERE record_id = ?))"
                " ORDER BY revision DESC LIMIT 1", (record_id, kind, revision, record_id)).fetchone()
        if row is None:
            return None
        return Photo(data=bytes(row[0]), mime=row[1], kind=row[2], quality=json.loads(row[3]),
                     override_reason=row[4])

    def pending_sync(self, limit: int = 500) -> list[tuple[str, int]]:
        """(record_id, revision) pairs not yet sent, oldest first."""
        with self._store.read() as conn:
            return [tuple(r) for r in conn.exec_driver_sql(
                "SELECT record_id, revision FROM revisions WHERE sync_state = 'pending'"
                " ORDER BY rowid LIMIT ?", (limit,)).fetchall()]

    def sync_state(self, record_id: str, revision: int) -> tuple[str, str]:
        with self._store.read() as conn:
            row = conn.exec_driver_sql("SELECT sync_state, sync_reason FROM revisions WHERE record_id = ?"
                                       " AND revision = ?", (record_id, revision)).fetchone()
        if row is None:
            raise RecordNotFound(f"{record_id}#{revision}")
        return row[0], row[1]

    def needing_attention(self, limit: int = 200) -> list[RevisionInfo]:
        """Current revisions HQ rejected or found to duplicate a beneficiary registered
        elsewhere: the records a supervisor must look at, newest first."""
        with self._store.read() as conn:
            rows = conn.exec_driver_sql(
                "SELECT r.revision, r.saved_at, r.saved_by, r.sync_state, r.sync_reason, r.data FROM revisions r"
                " JOIN beneficiaries b ON b.record_id = r.record_id AND b.revision = r.revision"
                " WHERE r.sync_state IN ('duplicate', 'rejected') ORDER BY r.rowid DESC LIMIT ?", (limit,)).fetchall()
        return [RevisionInfo(r[0], r[1], r[2], r[3], r[4], _load(r[5])) for r in rows]

    def pending_sync_count(self) -> int:
        return self._store.counters()["pending_sync"]

    def count(self) -> int:
        return self._store.counters()["records"]


def _exception_detail(record: Beneficiary) -> dict:
    """A photo exception is audited with the save that stores it: reason code and approver."""
    exception = record.photo_exception
    if exception is None:
        return {}
    detail = {"photo_exception": exception.reason}
    if exception.approved_by.isascii():  # audit details are codes (user names are Latin)
        detail["approved_by"] = exception.approved_by[:64]
    return detail


def _batch_rows(records: Sequence[Beneficiary], made: Sequence[tuple | None], by: str) -> tuple[list, list, list]:
    """`bulk.record_rows` of the (numbered) records, from the rows made beforehand where given."""
    saved_at = utc_now().isoformat()
    holders, revisions, dependants = [], [], []
    for record, rows in zip(records, made, strict=True):
        numbered = numbered_rows(rows, record, by, saved_at) if rows is not None else None
        if numbered is None:
            numbered = current_row(record), revision_row(record, by, saved_at), dependant_rows(record)
        holders.append(numbered[0])
        revisions.append(numbered[1])
        dependants += numbered[2]
    return holders, revisions, dependants
