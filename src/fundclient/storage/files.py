"""File names inside DATA_DIR and crash-safe writes of the small JSON files beside the DB."""

from __future__ import annotations

import json
from contextlib import suppress
import os
from pathlib import Path
from typing import Any

DB_FILE = "fundclient.db"
KEYSTORE_FILE = "keystore.json"
AUDIT_HEAD_FILE = "audit_head.json"
STATUS_FILE = "status.json"
SEQUENCE_HIGH_WATER_FILE = "sequences.json"
BACKUP_DIR = "backups"


def db_path(data_dir: Path) -> Path:
    return Path(data_dir) / DB_FILE


def db_side_files(path: Path) -> list[Path]:
    """The DB file and SQLite's companions (WAL, shared memory, rollback journal)."""
    return [path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm"),
            path.with_name(path.name + "-journal")]


def write_json_atomic(path: Path, data: Any, *, durable: bool = True, sync_dir: bool = True) -> None:
    """Write to a temp file, fsync, rename: a crash leaves the old or the new file, never half."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    # Owner-only (0600), and never through a file or link someone left at the temp name.
    with suppress(FileNotFoundError):
        os.unlink(tmp)
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with open(fd, "w", encoding="utf-8") as fh:
        json.dump(data, fh, ensure_ascii=False, indent=1, sort_keys=True)
        if durable:
            fh.flush()
            os.fsync(fh.fileno())
    os.replace(tmp, path)
    if durable and sync_dir and hasattr(os, "O_DIRECTORY"):
        fd = os.open(path.parent, os.O_RDONLY | os.O_DIRECTORY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def read_json(path: Path) -> Any | None:
    try:
        return json.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
