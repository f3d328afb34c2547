"""Day-close review: a supervisor approves each revision saved that day or sends it back to
the clerk with a comment. A later edit is a new revision and needs its own decision."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo
from typing import TYPE_CHECKING

from fundclient.domain.records import Beneficiary, utc_now
from fundclient.storage.errors import NotPermitted

if TYPE_CHECKING:
    from fundclient.storage.store import Store

DECIDING_ROLES = ("supervisor", "admin")
STATES = ("approved", "sent_back")


@dataclass(frozen=True)
class DayItem:
    record_id: str
    revision: int
    saved_at: str
    saved_by: str
    sync_state: str
    decision: str  # "", "approved" or "sent_back"
    comment: str
    beneficiary: Beneficiary
    # A resubmission: the supervisor's comment on the revision before it, which was sent back.
    sent_back_before: str = ""


@dataclass(frozen=True)
class ReturnedItem:
    """A record whose latest revision a supervisor sent back: the clerk must fix and resubmit it."""

    record_id: str
    revision: int
    saved_at: str
    saved_by: str
    comment: str
    decided_by: str
    decided_at: str
    beneficiary: Beneficiary


def _utc_bounds(day: date, timezone_name: str) -> tuple[str, str]:
    """The office's calendar day as UTC ISO strings, comparable with the stored saved_at."""
    zone = ZoneInfo(timezone_name)
    start = datetime.combine(day, time(0), tzinfo=zone).astimezone(timezone.utc)
    end = datetime.combine(day + timedelta(days=1), time(0), tzinfo=zone).astimezone(timezone.utc)
    return start.isoformat(), end.isoformat()


class ApprovalRepository:
    def __init__(self, store: "Store") -> None:
        self._store = store

    def decide(self, record_id: str, revision: int, state: str, comment: str, *, by: str) -> None:
        if state not in STATES:
            raise ValueError(f"unknown decision {state}")
        if self._store.operators.role_of(by) not in DECIDING_ROLES:
            raise NotPermitted("approve")
        action = "approve" if state == "approved" else "send_back"
        with self._store.write(by, action, record_id, revision=revision) as tx:
            tx.conn.exec_driver_sql(
                "INSERT INTO approvals (record_id, revision, state, comment, decided_by, decided_at)"
                " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (record_id, revision) DO UPDATE SET"
                " state = excluded.state, comment = excluded.comment, decided_by = excluded.decided_by,"
                " decided_at = excluded.decided_at",
                (record_id, revision, state, comment, by, utc_now().isoformat()))

    def day(self, day: date, timezone_name: str = "UTC") -> list[DayItem]:
        """Every revision saved on `day` in the office's time zone, oldest first, with its decision."""
        start, end = _utc_bounds(day, timezone_name)
        with self._store.read() as conn:
            rows = conn.exec_driver_sql(
                "SELECT r.record_id, r.revision, r.saved_at, r.saved_by, r.sync_state,"
                " coalesce(a.state, ''), coalesce(a.comment, ''), r.data, coalesce(p.comment, '')"
                " FROM revisions r"
                " LEFT JOIN approvals a ON a.record_id = r.record_id AND a.revision = r.revision"
                " LEFT JOIN approvals p ON p.record_id = r.record_id AND p.revision = r.revision - 1"
                " AND p.state = 'sent_back'"
                " WHERE r.saved_at >= ? AND r.saved_at < ? ORDER BY r.saved_at, r.rowid",
                (start, end)).fetchall()
        from fundclient.storage.beneficiaries import _load  # lazy: start-up (rapidfuzz, SQLAlchemy)

        return [DayItem(r[0], r[1], r[2], r[3], r[4], r[5], r[6], _load(r[7]), r[8]) for r in rows]

    # From the decisions to their revisions, never the other way: CROSS JOIN pins that order
    # (SQLite keeps the left table outer). Left to the planner, a store whose revisions were
    # analysed at a million rows while approvals was still empty read every revision (with
    # its data) for this list, right after every login: 25 s at 1 M (#11 item 1).
    _RETURNED = (
        " FROM approvals a CROSS JOIN revisions r ON r.record_id = a.record_id AND r.revision = a.revision"
        " WHERE a.state = 'sent_back'"
        " AND r.revision = (SELECT max(l.revision) FROM revisions l WHERE l.record_id = r.record_id)")

    def returned(self, saved_by: str | None = None) -> list[ReturnedItem]:
        """Records whose latest revision was sent back (to `saved_by` only, when given), oldest
        decision first. A resubmission is a new revision, so the record leaves this list."""
        where, args = (" AND r.saved_by = ?", (saved_by,)) if saved_by else ("", ())
        with self._store.read() as conn:
            rows = conn.exec_driver_sql(
                "SELECT r.record_id, r.revision, r.saved_at, r.saved_by, a.comment, a.decided_by,"
                " a.decided_at, r.data" + self._RETURNED + where + " ORDER BY a.decided_at, r.rowid",
                args).fetchall()
        from fundclient.storage.beneficiaries import _load  # lazy: start-up (rapidfuzz, SQLAlchemy)

        return [ReturnedItem(r[0], r[1], r[2], r[3], r[4], r[5], r[6], _load(r[7])) for r in rows]

    def sent_back_comment(self, record_id: str) -> tuple[str, str] | None:
        """(comment, decided_by) when the record's latest revision was sent back, else None."""
        with self._store.read() as conn:
            row = conn.exec_driver_sql("SELECT a.comment, a.decided_by" + self._RETURNED + " AND a.record_id = ?",
                                       (record_id,)).fetchone()
        return (row[0], row[1]) if row else None

    def count_returned(self, saved_by: str | None = None) -> int:
        where, args = (" AND r.saved_by = ?", (saved_by,)) if saved_by else ("", ())
        with self._store.read() as conn:
            return int(conn.exec_driver_sql("SELECT count(*)" + self._RETURNED + where, args).scalar() or 0)

    def approved(self, pairs: list[tuple[str, int]]) -> set[tuple[str, int]]:
        if not pairs:
            return set()
        with self._store.read() as conn:
            rows = conn.exec_driver_sql("SELECT record_id, revision FROM approvals WHERE state = 'approved'").fetchall()
        wanted = set(pairs)
        return {(r[0], r[1]) for r in rows if (r[0], r[1]) in wanted}
