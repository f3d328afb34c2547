"""Tamper-evident audit log: a hash chain in the DB, its head anchored outside the DB.

Each entry's hash covers the previous hash and the entry's content, so changing or
removing an entry breaks every later link. Removing the *last* entries leaves a shorter but
valid chain; that is caught by the anchor (`audit_head.json`): the sequence number and hash
of the newest entry, MACed with a key derived from the DB key so that a person without the
DB key cannot forge it. Free text never holds personal data: only record ids, codes and counts.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING

from fundclient.storage import keycrypto as kc
from fundclient.storage.files import AUDIT_HEAD_FILE, read_json, write_json_atomic

if TYPE_CHECKING:
    from fundclient.storage.engine import Connection, Engine

GENESIS = "0" * 64
# The actions written today; other packages may add short codes of their own as long as
# they match ACTION_FORMAT (a code, never free text).
ACTION_FORMAT = re.compile(r"[a-z][a-z_]{1,31}")
ACTIONS = frozenset({"setup", "login", "login_failed", "locked", "logout", "save", "edit", "status",
                     "print", "sync", "backup", "restore", "import", "operator_add", "operator_disable",
                     "operator_enable", "password_change", "password_reset", "rekey", "export",
                     "draft_delete", "sync_state", "override", "approve", "send_back", "day_close",
                     "card_replace", "enrol"})
_SAFE_DETAIL = (int, float, bool, type(None))


def _entry_hash(prev_hash: str, seq: int, at: str, operator: str, action: str, record_id: str,
                detail: str) -> str:
    content = json.dumps([seq, at, operator, action, record_id, detail], ensure_ascii=False)
    return hashlib.sha256((prev_hash + content).encode("utf-8")).hexdigest()


def _check_detail(detail: dict) -> str:
    """Details are codes and numbers only (values of short ASCII words at most)."""
    for key, value in detail.items():
        ok = isinstance(value, _SAFE_DETAIL) or (isinstance(value, str) and value.isascii() and len(value) <= 64)
        if not ok:
            raise ValueError(f"audit detail {key!r} must be a number or a short code")
    return json.dumps(detail, sort_keys=True)


@dataclass
class AuditEntry:
    seq: int
    at: str
    operator: str
    action: str
    record_id: str
    detail: dict


@dataclass
class VerifyResult:
    ok: bool
    entries: int
    problems: list[str] = field(default_factory=list)
    unanchored_tail: int = 0  # entries after the anchor (a crash between commit and anchor)


# The newest entry by its key (a plan of SEARCH, not the SCAN that ORDER BY … LIMIT 1 shows).
LAST_ENTRY = "SELECT seq, hash FROM audit_log WHERE seq = (SELECT max(seq) FROM audit_log)"


class AuditLog:
    def __init__(self, data_dir: Path, reader: Engine, db_key: bytes) -> None:
        self._anchor_path = Path(data_dir) / AUDIT_HEAD_FILE
        self._reader = reader
        self._mac_key = kc.hkdf(db_key, b"fundclient audit anchor")

    def append(self, conn: Connection, operator: str, action: str, record_id: str = "",
               **detail) -> tuple[int, str]:
        """Add an entry inside the caller's write transaction; returns (seq, hash) to anchor."""
        if not ACTION_FORMAT.fullmatch(action):
            raise ValueError(f"audit action must be a short code, not {action!r}")
        detail_text = _check_detail(detail)
        last = conn.exec_driver_sql(LAST_ENTRY).fetchone()
        seq, prev = (last[0] + 1, last[1]) if last else (1, GENESIS)
        at = datetime.now(timezone.utc).isoformat(timespec="seconds")
        digest = _entry_hash(prev, seq, at, operator, action, record_id, detail_text)
        conn.exec_driver_sql(
            "INSERT INTO audit_log (seq, at, operator, action, record_id, detail, prev_hash, hash) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?)", (seq, at, operator, action, record_id, detail_text, prev, digest))
        return seq, digest

    def anchor(self, head: tuple[int, str]) -> None:
        """Call after the commit: a crash before it leaves the anchor one step behind (tolerated)."""
        seq, digest = head
        # File fsync (not the directory's): after a power cut the anchor is at worst the
        # previous one, which verify() tolerates as an unanchored tail.
        write_json_atomic(self._anchor_path, {"seq": seq, "hash": digest,
                                              "mac": kc.mac(self._mac_key, f"{seq}|{digest}".encode())},
                          sync_dir=False)

    def head(self) -> tuple[int, str] | None:
        with self._reader.connect() as conn:
            row = conn.exec_driver_sql(LAST_ENTRY).fetchone()
        return (row[0], row[1]) if row else None

    def entries(self, *, since_seq: int = 0, limit: int = 1000) -> list[AuditEntry]:
        with self._reader.connect() as conn:
            rows = conn.exec_driver_sql(
                "SELECT seq, at, operator, action, record_id, detail FROM audit_log WHERE seq > ? "
                "ORDER BY seq LIMIT ?", (since_seq, limit)).fetchall()
        return [AuditEntry(r[0], r[1], r[2], r[3], r[4], json.loads(r[5])) for r in rows]

    def verify(self) -> VerifyResult:
        result = VerifyResult(ok=True, entries=0)
        expected_prev, expected_seq = GENESIS, 1
        with self._reader.connect() as conn:
            rows = conn.exec_driver_sql(
                "SELECT seq, at, operator, action, record_id, detail, prev_hash, hash FROM audit_log ORDER BY seq")
            for seq, at, operator, action, record_id, detail, prev, digest in rows:
                result.entries += 1
                if seq != expected_seq:
                    result.problems.append(f"entries {expected_seq}..{seq - 1} are missing")
                if prev != expected_prev:
                    result.problems.append(f"entry {seq}: link to the previous entry is broken")
                if _entry_hash(prev, seq, at, operator, action, record_id, detail) != digest:
                    result.problems.append(f"entry {seq}: content was modified")
                expected_prev, expected_seq = digest, seq + 1
        last_seq = expected_seq - 1
        self._check_anchor(result, last_seq, expected_prev)
        result.ok = not result.problems
        return result

    def _check_anchor(self, result: VerifyResult, last_seq: int, last_hash: str) -> None:
        anchor = read_json(self._anchor_path)
        if anchor is None:
            if last_seq:
                result.problems.append("the anchor file audit_head.json is missing")
            return
        if not kc.mac_ok(self._mac_key, f"{anchor['seq']}|{anchor['hash']}".encode(), anchor.get("mac", "")):
            result.problems.append("the anchor file audit_head.json was altered")
            return
        if anchor["seq"] > last_seq:
            result.problems.append(f"entries after {last_seq} were deleted (anchor is at {anchor['seq']})")
            return
        with self._reader.connect() as conn:
            row = conn.exec_driver_sql("SELECT hash FROM audit_log WHERE seq = ?", (anchor["seq"],)).fetchone()
        if row is None or row[0] != anchor["hash"]:
            result.problems.append(f"entry {anchor['seq']} does not match the anchor")
        result.unanchored_tail = last_seq - anchor["seq"]
