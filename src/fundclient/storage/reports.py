"""Registration counts for a date range, grouped by operator, channel or municipality."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from fundclient.storage.store import Store

GROUPINGS = {"operator": "created_by", "channel": "channel", "municipality": "municipality",
             "status": "status", "office": "office_code"}


@dataclass(frozen=True)
class ReportRow:
    group: str
    records: int
    dependants: int


class ReportRepository:
    def __init__(self, store: "Store") -> None:
        self._store = store

    def counts(self, start: date, end: date, group_by: str = "operator") -> list[ReportRow]:
        """Records first registered in [start, end] (inclusive days, UTC), and their dependants."""
        column = GROUPINGS[group_by]  # whitelisted: never user text in the SQL
        lower, upper = start.isoformat(), (end + timedelta(days=1)).isoformat()
        with self._store.read() as conn:
            rows = conn.exec_driver_sql(
                f"SELECT b.{column}, count(*), coalesce(sum((SELECT count(*) FROM dependants d"
                " WHERE d.record_id = b.record_id)), 0) FROM beneficiaries b"
                f" WHERE b.created_at >= ? AND b.created_at < ? GROUP BY b.{column} ORDER BY count(*) DESC",
                (lower, upper)).fetchall()
        return [ReportRow(row[0] or "", row[1], row[2]) for row in rows]
