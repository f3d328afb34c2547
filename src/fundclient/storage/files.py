"""File names inside DATA_DIR and crash-safe writes of the small JSON files beside the DB."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from fundclient.private_files import write_json_atomic  # noqa: F401  (the one owner-only writer)

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


def read_json(path: Path) -> Any | None:
    try:
        return json.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
