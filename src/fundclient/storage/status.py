"""DATA_DIR/status.json: counts and timestamps only, readable without any password.

Updated after every save and backup, so `fundclient status --json` and monitoring work
unattended; the last sync comes from the sync package's own history (sync/history.py).
"""

from __future__ import annotations

import threading
from datetime import datetime, timezone
from pathlib import Path

from fundclient.storage.files import STATUS_FILE, read_json, write_json_atomic

_lock = threading.Lock()
COUNT_KEYS = ("records", "dependants", "pending_sync", "revisions")


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def read_status(data_dir: Path) -> dict:
    return read_json(Path(data_dir) / STATUS_FILE) or {}


def _update(data_dir: Path, **changes) -> dict:
    with _lock:
        status = read_status(data_dir)
        status.update(changes)
        status["updated_at"] = _now()
        # Not fsynced: a cache of figures that the next save or sync rewrites anyway.
        write_json_atomic(Path(data_dir) / STATUS_FILE, status, durable=False)
        return status


def record_counts(data_dir: Path, counts: dict[str, int], *, saved: bool = False) -> dict:
    changes = {k: int(counts.get(k, 0)) for k in COUNT_KEYS}
    if saved:
        changes["last_save_at"] = _now()
    return _update(data_dir, **changes)


def record_sealing(data_dir: Path, *, awaiting_seal: int, awaiting_approval: int = 0) -> dict:
    """Saved revisions not yet sealed for HQ: `awaiting_seal` need an operator's login (or
    `fundclient seal`), `awaiting_approval` a supervisor's approval (seal_on = approval)."""
    return _update(data_dir, awaiting_seal=int(awaiting_seal), awaiting_approval=int(awaiting_approval))


def record_backup(data_dir: Path, path: Path) -> dict:
    return _update(data_dir, last_backup_at=_now(), last_backup_file=Path(path).name)
