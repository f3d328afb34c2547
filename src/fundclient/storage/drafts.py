"""Unfinished registrations autosaved by the UI, per operator, encrypted at rest.

`save` writes the draft's encrypted journal file beside the DB (storage/draft_journal.py):
it never waits for the single writer, so a draft reaches the disk within milliseconds even
while a backup, a sync, an import or a long write runs. At login `fold_journal` moves the
journal's drafts into the encrypted DB's `drafts` table (one short transaction; skipped when
another process holds the writer, the journal is read anyway). `list`, `load` and `delete`
see both; a journal file is always newer than the DB row of the same draft.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING

from fundclient.domain.records import utc_now
from fundclient.storage.draft_journal import DraftJournal

if TYPE_CHECKING:
    from fundclient.storage.store import Store

log = logging.getLogger(__name__)
FOLD_WAIT_SECONDS = 2.0  # at login: the writer busy in another process means "fold next time"


@dataclass(frozen=True)
class DraftInfo:
    draft_id: str
    updated_at: str
    size: int


class DraftRepository:
    def __init__(self, store: "Store") -> None:
        self._store = store
        self.journal = DraftJournal(store.data_dir, lambda: store.db_key)

    def save(self, operator: str, draft_id: str, payload_json: str) -> None:
        # Autosave runs every few seconds: no audit entry (it is not a registration yet), and
        # no DB write (the journal file is durable on its own; folded in at the next login).
        self.journal.write(operator, draft_id, payload_json, utc_now().isoformat())

    def list(self, operator: str) -> list[DraftInfo]:
        with self._store.read() as conn:
            rows = conn.exec_driver_sql("SELECT draft_id, updated_at, length(payload) FROM drafts"
                                        " WHERE operator = ?", (operator,)).fetchall()
        found = {row[0]: DraftInfo(*row) for row in rows}
        for draft in self.journal.entries(operator):
            found[draft.draft_id] = DraftInfo(draft.draft_id, draft.updated_at, len(draft.payload))
        return sorted(found.values(), key=lambda info: info.updated_at, reverse=True)

    def load(self, operator: str, draft_id: str) -> str | None:
        journal = self.journal.load(operator, draft_id)
        if journal is not None:
            return journal.payload
        with self._store.read() as conn:
            row = conn.exec_driver_sql("SELECT payload FROM drafts WHERE operator = ? AND draft_id = ?",
                                       (operator, draft_id)).fetchone()
        return row[0] if row else None

    def delete(self, operator: str, draft_id: str) -> bool:
        in_journal = self.delete_from_journal(operator, draft_id)
        return self.delete_from_db(operator, draft_id) or in_journal

    def delete_from_journal(self, operator: str, draft_id: str) -> bool:
        return self.journal.delete(operator, draft_id)

    def delete_from_db(self, operator: str, draft_id: str) -> bool:
        with self._store.writer_connection() as conn:
            result = conn.exec_driver_sql("DELETE FROM drafts WHERE operator = ? AND draft_id = ?",
                                          (operator, draft_id))
        return result.rowcount == 1

    def fold_journal(self, *, wait: float = FOLD_WAIT_SECONDS) -> int:
        """Move the journal's drafts into the DB (one short transaction), then remove their
        files; returns how many. Leaves them where they are when the writer stays busy."""
        self.journal.remove_leftovers()
        drafts = self.journal.entries()
        if not drafts:
            return 0
        try:
            with self._store.writer_connection(wait=wait) as conn:
                for draft in drafts:
                    conn.exec_driver_sql(
                        "INSERT INTO drafts (operator, draft_id, payload, updated_at) VALUES (?, ?, ?, ?)"
                        " ON CONFLICT (operator, draft_id) DO UPDATE SET payload = excluded.payload,"
                        " updated_at = excluded.updated_at",
                        (draft.operator, draft.draft_id, draft.payload, draft.updated_at))
        except TimeoutError:
            log.info("drafts stay in the journal: the writer is busy")
            return 0
        for draft in drafts:
            current = self.journal.read(draft.path) if draft.path.exists() else None
            if current is not None and current.updated_at == draft.updated_at:  # not rewritten meanwhile
                draft.path.unlink(missing_ok=True)
        return len(drafts)
