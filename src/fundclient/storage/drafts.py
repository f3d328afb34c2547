"""Unfinished registrations autosaved by the UI, per operator, inside the encrypted DB."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from fundclient.domain.records import utc_now

if TYPE_CHECKING:
    from fundclient.storage.store import Store


@dataclass(frozen=True)
class DraftInfo:
    draft_id: str
    updated_at: str
    size: int


class DraftRepository:
    def __init__(self, store: "Store") -> None:
        self._store = store

    def save(self, operator: str, draft_id: str, payload_json: str) -> None:
        # Autosave runs every few seconds: no audit entry (it is not a registration yet).
        with self._store.writer_connection() as conn:
            conn.exec_driver_sql(
                "INSERT INTO drafts (operator, draft_id, payload, updated_at) VALUES (?, ?, ?, ?)"
                " ON CONFLICT (operator, draft_id) DO UPDATE SET payload = excluded.payload,"
                " updated_at = excluded.updated_at", (operator, draft_id, payload_json, utc_now().isoformat()))

    def list(self, operator: str) -> list[DraftInfo]:
        with self._store.read() as conn:
            rows = conn.exec_driver_sql("SELECT draft_id, updated_at, length(payload) FROM drafts"
                                        " WHERE operator = ? ORDER BY updated_at DESC", (operator,)).fetchall()
        return [DraftInfo(*row) for row in rows]

    def load(self, operator: str, draft_id: str) -> str | None:
        with self._store.read() as conn:
            row = conn.exec_driver_sql("SELECT payload FROM drafts WHERE operator = ? AND draft_id = ?",
                                       (operator, draft_id)).fetchone()
        return row[0] if row else None

    def delete(self, operator: str, draft_id: str) -> bool:
        with self._store.writer_connection() as conn:
            result = conn.exec_driver_sql("DELETE FROM drafts WHERE operator = ? AND draft_id = ?",
                                          (operator, draft_id))
        return result.rowcount == 1
