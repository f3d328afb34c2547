"""Encrypted backups: one zip per backup holding the DB copy (still SQLCipher-encrypted with
the same key, taken with SQLite's online backup API), keystore.json and audit_head.json,
so a backup opens with any operator password valid at backup time or the recovery key.

Backups never block work: the copy runs on a connection of its own, from one read snapshot
(WAL: saves go on meanwhile and are not in this copy), in steps of STEP_PAGES pages; between
steps it checks `cancel` (set when the store closes: sign-out, quit), so quitting during a
backup stops it within one step, removes the partial copy, and the next start makes it again
(the last-backup time is written only for a finished one). Leftovers of a killed process are
removed by the next backup.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import threading
import time
import zipfile
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import TYPE_CHECKING

from fundclient import drive
from fundclient.config import Settings
from fundclient.storage import migrate, status
from fundclient.storage.engine import raw_connect
from fundclient.storage.errors import BackupCancelled, BadBackup
from fundclient.storage.files import (AUDIT_HEAD_FILE, BACKUP_DIR, DB_FILE, KEYSTORE_FILE, db_path,
                                      db_side_files)
from fundclient.storage.keystore import Keystore

if TYPE_CHECKING:
    from fundclient.storage.store import Store

SUFFIX = ".fcbackup.zip"
MANIFEST = "manifest.json"
_MEMBERS = (DB_FILE, KEYSTORE_FILE, AUDIT_HEAD_FILE, MANIFEST)
STEP_PAGES = 256  # 1 MiB of 4 KiB pages per step
MAX_BACKUP_BYTES = 64 * 1024 ** 3  # a backup a person hands to `restore`: larger is refused unread
MAX_MANIFEST_BYTES = 1024 * 1024


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def create_backup(store: "Store", *, by: str, to_dir: Path | None = None,
                  cancel: threading.Event | None = None, step_pages: int = STEP_PAGES,
                  pause: float = 0.0) -> Path:
    """Write a backup zip; rotate the automatic ones in DATA_DIR/backups (keep `backup_keep`).
    Raises BackupCancelled (partial files removed) when `cancel` is set meanwhile. `pause`
    (seconds between steps) spreads a backup out on a busy PC."""
    rotate = to_dir is None
    target_dir = Path(to_dir) if to_dir else store.data_dir / BACKUP_DIR
    target_dir.mkdir(parents=True, exist_ok=True)
    remove_leftovers(target_dir)
    stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    office = store.keystore.office_code() or "office"
    final = target_dir / f"fundclient-{office}-{stamp}{SUFFIX}"
    store.audit_event(by, "backup")  # in the copy too: the backup records its own making
    work = target_dir / f".{final.name}.partial"
    tmp_zip = target_dir / f".{final.name}.tmp"
    work.mkdir(exist_ok=True)
    try:
        copy = work / DB_FILE
        counts = _copy_snapshot(store, copy, cancel, step_pages, pause)
        manifest = {"format": 1, "created_at": stamp, "office_code": office,
                    "schema": migrate.head_revision(), "counts": counts, "db_sha256": _sha256(copy)}
        (work / MANIFEST).write_text(json.dumps(manifest, indent=1), encoding="utf-8")
        _check(cancel)
        with zipfile.ZipFile(tmp_zip, "w", zipfile.ZIP_STORED, allowZip64=True) as archive:
            archive.write(copy, DB_FILE)
            for name in (KEYSTORE_FILE, AUDIT_HEAD_FILE):
                if (store.data_dir / name).exists():
                    archive.write(store.data_dir / name, name)
            archive.write(work / MANIFEST, MANIFEST)
        with open(tmp_zip, "rb") as fh:
            os.fsync(fh.fileno())
        _check(cancel)
        os.replace(tmp_zip, final)
    finally:
        shutil.rmtree(work, ignore_errors=True)
        tmp_zip.unlink(missing_ok=True)
    status.record_backup(store.data_dir, final)
    if rotate:
        rotate_backups(target_dir, Settings.load(store.data_dir).backup_keep)
    return final


def _check(cancel: threading.Event | None) -> None:
    if cancel is not None and cancel.is_set():
        raise BackupCancelled()


def _copy_snapshot(store: "Store", copy: Path, cancel: threading.Event | None, step_pages: int,
                   pause: float) -> dict:
    """The DB as of one read snapshot into `copy` (same key), in steps; returns its counters."""
    source, dest = raw_connect(db_path(store.data_dir), store.db_key), raw_connect(copy, store.db_key)
    try:
        # One read transaction for the whole copy: the backup API copies that snapshot and
        # never restarts when the writer commits meanwhile.
        source.execute("BEGIN")
        counts = dict(source.execute("SELECT name, value FROM counters").fetchall())

        def step(_status: int, _remaining: int, _total: int) -> None:
            _check(cancel)
            if pause:
                time.sleep(pause)

        source.backup(dest, pages=max(1, step_pages), progress=step)
        source.execute("COMMIT")
        dest.execute("PRAGMA journal_mode = DELETE")  # one self-contained file, no -wal
    finally:
        dest.close()
        source.close()
    return counts


def remove_leftovers(directory: Path) -> list[Path]:
    """Partial copies and unfinished zips of a backup that was killed (power cut, kill -9)."""
    removed = []
    for path in Path(directory).glob(f".*{SUFFIX}.*"):
        if path.name.endswith((".partial", ".tmp")):
            shutil.rmtree(path, ignore_errors=True) if path.is_dir() else path.unlink(missing_ok=True)
            removed.append(path)
    return removed


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


def _open_backup(backup_file: Path):
    """The backup a person named, opened the hostile way (fundclient.drive: a regular file, not
    a link, FIFO, device or folder, at most MAX_BACKUP_BYTES); DriveError naming it otherwise."""
    return drive.open_user_file(backup_file, MAX_BACKUP_BYTES)


def _manifest(archive: zipfile.ZipFile) -> dict:
    names = set(archive.namelist())
    missing = {DB_FILE, KEYSTORE_FILE, MANIFEST} - names
    if missing or names - set(_MEMBERS):
        raise BadBackup(f"unexpected content {sorted(names)}")
    # Declared sizes bound what extraction writes (zipfile stops at a member's declared size).
    if archive.getinfo(MANIFEST).file_size > MAX_MANIFEST_BYTES or \
            sum(info.file_size for info in archive.infolist()) > MAX_BACKUP_BYTES:
        raise BadBackup("members larger than a backup can be")
    manifest = json.loads(archive.read(MANIFEST))
    if not isinstance(manifest, dict) or not isinstance(manifest.get("counts", {}), dict):
        raise BadBackup("manifest is not an object")
    return manifest


def read_manifest(backup_file: Path) -> dict:
    with _open_backup(backup_file) as fh:
        try:
            with zipfile.ZipFile(fh) as archive:
                return _manifest(archive)
        except (zipfile.BadZipFile, OSError, ValueError, KeyError, RecursionError) as exc:
            raise BadBackup(str(exc)[:200]) from exc


def restore_backup(data_dir: Path, backup_file: Path) -> Path:
    """Replace the data dir's DB, keystore and audit anchor by the backup's; the current ones
    are moved to DATA_DIR/replaced-<time>/ first (returned). The app must be closed."""
    data_dir = Path(data_dir)
    stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    staging = data_dir / f".restore-{stamp}"
    with _open_backup(backup_file) as fh:
        try:
            archive = zipfile.ZipFile(fh)
            manifest = _manifest(archive)
        except (zipfile.BadZipFile, OSError, ValueError, KeyError, RecursionError) as exc:
            raise BadBackup(str(exc)[:200]) from exc
        staging.mkdir(parents=True)
        try:
            with archive:
                for name in archive.namelist():  # only the known member names (checked above)
                    archive.extract(name, staging)
        except (zipfile.BadZipFile, OSError, ValueError) as exc:
            shutil.rmtree(staging, ignore_errors=True)
            raise BadBackup(str(exc)[:200]) from exc
    try:
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
