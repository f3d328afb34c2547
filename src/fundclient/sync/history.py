"""History of sync attempts (DATA_DIR/sync/history.jsonl) and the stale-sync check."""

from __future__ import annotations

import json
from datetime import datetime, timezone
from pathlib import Path

from fundclient.private_files import write_bytes_atomic

KEEP = 500


class SyncHistory:
    def __init__(self, data_dir: Path) -> None:
        self.path = Path(data_dir) / "sync" / "history.jsonl"
        self.path.parent.mkdir(parents=True, exist_ok=True)

    def append(self, entry: dict) -> None:
        entry = {"at": datetime.now(timezone.utc).isoformat(), **entry}
        lines = self.path.read_text(encoding="utf-8").splitlines() if self.path.exists() else []
        lines = (lines + [json.dumps(entry, ensure_ascii=False)])[-KEEP:]
        write_bytes_atomic(self.path, ("\n".join(lines) + "\n").encode("utf-8"))

    def entries(self) -> list[dict]:
        if not self.path.exists():
            return []
        return [json.loads(line) for line in self.path.read_text(encoding="utf-8").splitlines() if line.strip()]

    def last_success(self) -> datetime | None:
        for entry in reversed(self.entries()):
            if entry.get("status") == "ok":
                return datetime.fromisoformat(entry["at"])
        return None

    def last_error(self) -> dict | None:
        """The most recent failed attempt's {code, ar, en}, or None if the last attempt succeeded."""
        entries = self.entries()
        if not entries or entries[-1].get("status") == "ok":
            return None
        return entries[-1].get("error")

    def last_success_age_days(self, now: datetime | None = None) -> float | None:
        last = self.last_success()
        if last is None:
            return None
        return ((now or datetime.now(timezone.utc)) - last).total_seconds() / 86400


def is_stale(history: SyncHistory, warning_days: int, now: datetime | None = None) -> bool:
    """True when nothing has reached HQ for longer than the office's warning threshold."""
    age = history.last_success_age_days(now)
    return age is None or age > warning_days
