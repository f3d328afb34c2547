"""The drafts' journal: unfinished registrations reach the disk in milliseconds, whatever else runs.

A draft autosave must never queue behind long work (a backup, a sync, an import in another
process, the attention lists): it does not go through the database's single writer at all.
Each draft is one small file in DATA_DIR/drafts/, encrypted at rest with AES-GCM under a key
derived from the database key (HKDF, its own purpose string), written the one atomic way
(`private_files.write_json_atomic`: temp file 0600, fsync, rename, fsync of the folder), so
a power cut or kill -9 leaves the previous or the new draft, never half of one.

The file name is a MAC of (operator, draft id), so neither shows on disk; the operator and id
are inside the encrypted content, which is bound to its file name (AEAD associated data): a
file copied over another one does not decrypt. At login (`DraftRepository.fold_journal`) the
journal's drafts move into the encrypted DB's `drafts` table in one short transaction (so
backups hold them) and their files are removed; until then `DraftRepository` reads both.
"""

from __future__ import annotations

import json
import logging
import os
from contextlib import suppress
from dataclasses import dataclass
from pathlib import Path

from fundclient.private_files import private_dir, write_json_atomic
from fundclient.storage.keycrypto import Undecryptable, aead_decrypt, aead_encrypt, hkdf, mac

log = logging.getLogger(__name__)

JOURNAL_DIR = "drafts"
SUFFIX = ".draft"
FORMAT = 1
MAX_FILE_BYTES = 64 * 1024 * 1024  # a draft holds a photo and scans; more is not ours


@dataclass(frozen=True)
class JournalDraft:
    operator: str
    draft_id: str
    updated_at: str
    payload: str
    path: Path


class DraftJournal:
    def __init__(self, data_dir: Path, db_key_of) -> None:
        """`db_key_of()` gives the current database key (it changes when the key is rotated)."""
        self.dir = Path(data_dir) / JOURNAL_DIR
        self._db_key_of = db_key_of

    def _keys(self) -> tuple[bytes, bytes]:
        secret = self._db_key_of()
        return hkdf(secret, b"fundclient draft journal v1"), hkdf(secret, b"fundclient draft journal names v1")

    def path_of(self, operator: str, draft_id: str) -> Path:
        _, name_key = self._keys()
        return self.dir / (mac(name_key, f"{operator}\0{draft_id}".encode("utf-8"))[:40] + SUFFIX)

    def write(self, operator: str, draft_id: str, payload: str, updated_at: str) -> Path:
        key, _ = self._keys()
        path = self.path_of(operator, draft_id)
        content = json.dumps({"operator": operator, "draft_id": draft_id, "updated_at": updated_at,
                              "payload": payload}, ensure_ascii=False).encode("utf-8")
        private_dir(self.dir)
        write_json_atomic(path, {"format": FORMAT,
                                 "data": aead_encrypt(key, content, path.name.encode("ascii"))})
        return path

    def delete(self, operator: str, draft_id: str) -> bool:
        path = self.path_of(operator, draft_id)
        try:
            path.unlink()
        except FileNotFoundError:
            return False
        return True

    def read(self, path: Path) -> JournalDraft | None:
        """One journal file, or None when it is not a draft of this office (another key, a
        foreign or damaged file: logged by name, never shown)."""
        key, _ = self._keys()
        try:
            if path.is_symlink() or not path.is_file() or path.stat().st_size > MAX_FILE_BYTES:
                raise ValueError("not a regular draft file")
            outer = json.loads(path.read_text(encoding="utf-8"))
            if not isinstance(outer, dict) or outer.get("format") != FORMAT:
                raise ValueError("unknown format")
            inner = json.loads(aead_decrypt(key, str(outer["data"]), path.name.encode("ascii")))
            return JournalDraft(str(inner["operator"]), str(inner["draft_id"]), str(inner["updated_at"]),
                                str(inner["payload"]), path)
        except (OSError, ValueError, KeyError, TypeError, Undecryptable, UnicodeError) as exc:
            log.warning("draft journal file %s skipped: %s", path.name, type(exc).__name__)
            return None

    def entries(self, operator: str | None = None) -> list[JournalDraft]:
        if not self.dir.is_dir():
            return []
        found = []
        for path in sorted(self.dir.glob(f"*{SUFFIX}")):
            draft = self.read(path)
            if draft is not None and (operator is None or draft.operator == operator):
                found.append(draft)
        return found

    def load(self, operator: str, draft_id: str) -> JournalDraft | None:
        path = self.path_of(operator, draft_id)
        if not path.exists():
            return None
        draft = self.read(path)
        return draft if draft is not None and (draft.operator, draft.draft_id) == (operator, draft_id) else None

    def remove_leftovers(self) -> None:
        """Temp files of a write that was killed before its rename."""
        if self.dir.is_dir():
            for path in self.dir.glob(".*.tmp"):
                with suppress(OSError):
                    os.unlink(path)
