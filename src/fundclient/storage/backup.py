"""Encrypted backups: one zip per backup holding the DB copy (still SQLCipher-encrypted with
the same key, taken with SQLite's online backup API), keystore.json and audit_head.json,
so a backup opens with any operator password valid at backup time or the recovery key.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import zipfile
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import TYPE_CHECKING

from fundclient.config import Settings
from fundclient.storage import migrate, status
from fundclient.storage.engine import raw_connect
from fundclient.storage.errors import BadBackup
from fundclient.storage.files import (AUDIT_HEAD_FILE, BACKUP_DIR, DB_FILE, KEYSTORE_FILE, db_path,
                                      db_side_files)
from fundclient.storage.keystore import Keystore

if TYPE_CHECKING:
    from fundclient.storage.store import Store

SUFFIX = ".fcbackup.zip"
MANIFEST = "manifest.json"
_MEMBERS = (DB_FILE, KEYSTORE_FILE, AUDIT_HEAD_FILE, MANIFEST)


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def create_backup(store: "Store", *, by: str, to_dir: Path | None = None) -> Path:
    """Write a backup zip; rotate the automatic ones in DATA_DIR/backups (keep `backup_keep`)."""
    rotate = to_dir is None
    target_dir = Path(to_dir) if to_dir else store.data_dir / BACKUP_DIR
    target_dir.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    office = store.keystore.office_code() or "office"
    final = target_dir / f"fundclient-{office}-{stamp}{SUFFIX}"
    store.audit_event(by, "backup")  # in the copy too: the backup records its own making
    work = target_dir / f".{final.name}.partial"
    work.mkdir(exist_ok=True)
    try:
        copy = work / DB_FILE
        source, dest = raw_connect(db_path(store.data_dir), store.db_key), raw_connect(copy, store.db_key)
        try:
            source.backup(dest)
            dest.execute("PRAGMA journal_mode = DELETE")  # one self-contained file, no -wal
        finally:
            dest.close()
            source.close()
        manifest = {"format": 1, "created_at": stamp, "office_code": office,
                    "schema": migrate.head_revision(), "counts": store.counters(), "db_sha256": _sha256(copy)}
        (work / MANIFEST).write_text(json.dumps(manifest, indent=1), encoding="utf-8")
        tmp_zip = target_dir / f".{final.name}.tmp"
        with zipfile.ZipFile(tmp_zip, "w", zipfile.ZIP_STORED, allowZip64=True) as archive:
            archive.write(copy, DB_FILE)
            for name in (KEYSTORE_FILE, AUDIT_HEAD_FILE):
                if (store.data_dir / name).exists():
                    archive.write(store.data_dir / name, name)
            archive.write(work / MANIFEST, MANIFEST)
        with open(tmp_zip, "rb") as fh:
            os.fsync(fh.fileno())
        os.replace(tmp_zip, final)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    status.record_backup(store.data_dir, final)
    if rotate:
        rotate_backups(target_dir, Settings.load(store.data_dir).backup_keep)
    return final


def rotate_backups(directory: Path, keep: int) -> list[Path]:
    """Delete all but the `keep` newest backups in `directory`; returns what was removed."""
    backups = sorted(Path(directory).glob(f"*{SUFFIX}"), key=lambda p: p.name)
    doomed = backups[:-keep] if keep > 0 else []
    for path in doomed:
        path.unlink()
    return doomed


def backup_due(data_dir: Path, max_age: timedelta = timedelta(hours=24)) -> bool:
    """True when the newest automatic backup is older than `max_age` (app calls at logout/idle)."""
    last = status.read_status(data_dir).get("last_backup_at")
    return last is None or datetime.fromisoformat(last) < datetime.now(timezone.utc) - max_age


def read_manifest(backup_file: Path) -> dict:
    try:
        with zipfile.ZipFile(backup_file) as archive:
            names = set(archive.namelist())
            missing = {DB_FILE, KEYSTORE_FILE, MANIFEST} - names
            if missing or names - set(_MEMBERS):
                raise BadBackup(f"unexpected content {sorted(names)}")
            return json.loads(archive.read(MANIFEST))
    except (zipfile.BadZipFile, OSError, ValueError, KeyError) as exc:
        raise BadBackup(str(exc)[:200]) from exc


def restore_backup(data_dir: Path, backup_file: Path) -> Path:
    """Replace the data dir's DB, keystore and audit anchor by the backup's; the current ones
    are moved to DATA_DIR/replaced-<time>/ first (returned). The app must be closed."""
    data_dir = Path(data_dir)
    manifest = read_manifest(backup_file)
    stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    staging = data_dir / f".restore-{stamp}"
    staging.mkdir(parents=True)
    try:
        with zipfile.ZipFile(backup_file) as archive:
            for name in archive.namelist():
                archive.extract(name, staging)
        if _sha256(staging / DB_FILE) != manifest.get("db_sha256"):
            raise BadBackup("database copy does not match its checksum")
        aside = data_dir / f"replaced-{stamp}"
        aside.mkdir()
        for path in db_side_files(db_path(data_dir)) + [data_dir / KEYSTORE_FILE, data_dir / AUDIT_HEAD_FILE]:
            if path.exists():
                os.replace(path, aside / path.name)
        for name in (DB_FILE, KEYSTORE_FILE, AUDIT_HEAD_FILE):
            if (staging / name).exists():
                os.replace(staging / name, data_dir / name)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    # The DB cannot be written without a password here: the next login audits the restore.
    Keystore(data_dir).note_event("restore", "cli")
    status.record_counts(data_dir, manifest.get("counts", {}))
    return aside
