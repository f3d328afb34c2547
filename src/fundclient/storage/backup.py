"""Encrypted backups of a whole office: one zip per backup holding

  fundclient.db      the DB copy, still SQLCipher-encrypted with the same key (SQLite's online backup API)
  keystore.json      that key sealed to each operator's password and to the recovery key
  audit_head.json    the audit chain's anchor
  settings.json      the office's settings: office code, language, camera and printers, HQ address …
                     (config.Settings holds no secrets; only its known fields are copied)
  sequences.json     the high-water marks of the per-device counters (card numbers): never lower
  reference/*.json   reference data and revoked cards pulled from HQ (sync.reference)
  manifest.json      format, office, time, schema, counts, SHA-256 of every member, and the
                     device numbers the office's cards were numbered with

so a backup opens with any operator password valid at backup time or the recovery key, and a
restore on a new PC gives a working office. Not in a backup: device/ (each PC's own signing
identity and HQ enrolment: a PC restored elsewhere enrols again and gets a new device number
from HQ, or takes a fresh provisional number that no card of the office carries — so no card
number is ever issued twice), outbox/ (sealed with that identity; records HQ has not answered
are sealed again on the new PC, and HQ answers a resent revision as before), status.json
(recounted) and the log files.

A backup file read back is hostile until checked: only the member names above, sizes bounded,
every member's SHA-256 as the manifest says, the settings typed field by field and of the
backup's own office; a wrong one is refused with the member and field named (BadBackup), before
anything in the data dir changes.

Backups never block work (issue #11 item 2): the copy is one read snapshot, taken on a
connection of its own, and saves go on meanwhile (WAL: they are not in this copy). How:

- Under the writer's turn (a few milliseconds: every write in every process takes it first)
  the WAL is checkpointed into the DB file and the backup's connection starts its read
  transaction. With nothing left in the WAL, SQLite reads that snapshot from the DB file alone
  and, while the transaction lasts, lets no checkpoint write into the DB file: the file stays
  exactly the snapshot, and its bytes — pages encrypted with the office's key — are copied
  as they are into the zip (stored, not deflated: encrypted pages do not compress), hashed on
  the way. No page is decrypted or encrypted again (the SQLite backup API did both for every
  page: 76 s of CPU for 4.3 GB) and the DB is written once, not twice (no intermediate copy).
  When the WAL cannot be emptied (a long read holds an older snapshot), the backup API copies
  the snapshot as before (`_copy_snapshot`).
- It runs on a thread of its own at a lowered CPU priority and the idle I/O class
  (fundclient.threadprio), in steps of STEP_PAGES pages; before each step it lets any save that is waiting for or
  holding the writer finish first (`WriteActivity`), and it flushes what it wrote every
  FLUSH_BYTES (`fdatasync`), so no save's fsync waits behind gigabytes of the backup's dirty
  pages.
- Between steps it checks `cancel` (set when the store closes: sign-out, quit), so quitting
  during a backup stops it within one step, removes the partial file, and the next start makes
  it again (the last-backup time is written only for a finished one). An interruption of the
  thread that waits for the copy (Ctrl+C during `fundclient backup`) stops it the same way:
  the copy ends first, then its connection is closed and the partial file removed, then the
  interruption goes on. Leftovers of a killed process are removed by the next backup.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import threading
import time
import uuid
import zipfile
from dataclasses import dataclass, fields
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any

from fundclient import drive
from fundclient.config import Settings
from fundclient.errors import Message
from fundclient.private_files import private_dir
from fundclient.storage import migrate, status
from fundclient.storage.engine import raw_connect
from fundclient.storage.errors import BackupCancelled, BadBackup, DeviceNumberTaken, OtherOfficeHere
from fundclient.storage.files import (AUDIT_HEAD_FILE, BACKUP_DIR, DB_FILE, KEYSTORE_FILE,
                                      SEQUENCE_HIGH_WATER_FILE, db_path, db_side_files, read_json,
                                      write_json_atomic)
from fundclient.storage.keystore import Keystore
from fundclient.threadprio import run_low

if TYPE_CHECKING:
    from fundclient.storage.store import Store

SUFFIX = ".fcbackup.zip"
MANIFEST = "manifest.json"
SETTINGS_FILE = "settings.json"
REFERENCE_DIR = "reference"
# This PC's own id (never in a backup): a restore onto the PC a backup came from keeps that
# PC's device number; anywhere else the device number is chosen again (restore_backup).
MACHINE_FILE = "machine.json"
FORMAT = 2
_MEMBERS = (DB_FILE, KEYSTORE_FILE, AUDIT_HEAD_FILE, MANIFEST, SETTINGS_FILE, SEQUENCE_HIGH_WATER_FILE)
_REFERENCE_MEMBER = re.compile(r"reference/[a-z_]{1,40}\.json")
MAX_REFERENCE_FILES = 32
# How far this PC has pulled HQ's decisions (sync.decisions): the answers themselves go to
# outbox/, which no backup holds, so a restored office pulls them again from the start.
NOT_BACKED_UP_REFERENCE = ("decisions.json",)
STEP_PAGES = 256  # 1 MiB of 4 KiB pages per step
FLUSH_BYTES = 1024 ** 2  # the backup's own fdatasync: a save's fsync never waits behind more
FREEZE_TRIES = 8  # checkpoints tried (each under the writer's turn) before the backup API's copy
MAX_BACKUP_BYTES = 64 * 1024 ** 3  # a backup a person hands to `restore`: larger is refused unread
MAX_MANIFEST_BYTES = 1024 * 1024
MAX_JSON_MEMBER_BYTES = 64 * 1024 ** 2  # settings, marks, reference data (revoked cards can be many)
FORMER_NUMBERS_KEY = "former_device_numbers"  # Settings.extra: numbers other PCs of the office used


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
    (seconds between steps) spreads a backup out on a busy PC. The copy runs on a thread of
    its own at a lowered priority (fundclient.threadprio); this thread waits for it, and when
    that wait is interrupted (Ctrl+C) the copy is stopped and waited for before `source` is
    closed and the partial file removed."""
    rotate = to_dir is None
    data_dir = store.data_dir
    target_dir = Path(to_dir) if to_dir else data_dir / BACKUP_DIR
    target_dir.mkdir(parents=True, exist_ok=True)
    remove_leftovers(target_dir)
    stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    office = store.keystore.office_code() or "office"
    final = target_dir / f"fundclient-{office}-{stamp}{SUFFIX}"
    store.audit_event(by, "backup")  # in the copy too: the backup records its own making
    tmp_zip = target_dir / f".{final.name}.tmp"
    source = raw_connect(db_path(data_dir), store.db_key)
    try:
        # On this thread: it holds the writer's turn for a moment, never at the lowest priority.
        frozen = _freeze_snapshot(store, source)
        stop = threading.Event()  # set by run_low when this thread's wait is interrupted
        run_low(_write_zip, store, source, frozen, tmp_zip, office, stamp, _Pacer(store, cancel, pause, stop),
                step_pages, name="backup", stop=stop)
        _check(cancel)
        os.replace(tmp_zip, final)
    finally:
        source.close()
        tmp_zip.unlink(missing_ok=True)
        # What the snapshot held back of the WAL goes into the DB file now, on the store's
        # checkpointer (storage/checkpoints.py), not in the next save's commit.
        store._checkpoints.wrote()
    status.record_backup(data_dir, final)
    if rotate:
        rotate_backups(target_dir, Settings.load(data_dir).backup_keep)
    return final


class _Pacer:
    """Between two steps of a backup: stop if asked, let waiting saves go first, rest `pause`,
    and flush what was written every FLUSH_BYTES (so no save's fsync queues behind gigabytes)."""

    def __init__(self, store: "Store", cancel: threading.Event | None, pause: float,
                 stop: threading.Event | None = None) -> None:
        self.writes = getattr(store, "writes", None)
        self.cancel, self.pause, self.stop = cancel, pause, stop
        self.unflushed = 0
        self.flushes = 0

    def step(self) -> None:
        self.check()
        if self.pause:
            time.sleep(self.pause)
        if self.writes is not None and self.writes.active():
            self.writes.wait_idle()
            self.check()

    def check(self) -> None:
        """BackupCancelled when the store closes (`cancel`) or the caller's wait was interrupted
        (`stop`, set by run_low)."""
        _check(self.cancel)
        _check(self.stop)

    def wrote(self, fh, count: int) -> None:
        self.unflushed += count
        if self.unflushed >= FLUSH_BYTES:
            self.flush(fh)

    def flush(self, fh) -> None:
        if self.writes is not None and self.writes.active():
            self.writes.wait_idle()
        fh.flush()
        (os.fdatasync if hasattr(os, "fdatasync") else os.fsync)(fh.fileno())
        if hasattr(os, "posix_fadvise"):  # the backup's pages need not stay cached; the DB's should
            os.posix_fadvise(fh.fileno(), 0, 0, os.POSIX_FADV_DONTNEED)
        self.unflushed = 0
        self.flushes += 1


def _write_zip(store: "Store", source, frozen: bool, tmp_zip: Path, office: str, stamp: str, pacer: _Pacer,
               step_pages: int) -> None:
    data_dir = store.data_dir
    work = tmp_zip.with_name(tmp_zip.name[:-len(".tmp")] + ".partial")
    try:
        snapshot = _snapshot_facts(source)
        page_size = int(source.execute("PRAGMA page_size").fetchone()[0])
        with open(tmp_zip, "w+b") as fh:
            with zipfile.ZipFile(fh, "w", zipfile.ZIP_STORED, allowZip64=True) as archive:
                if frozen:  # the DB file is the snapshot: its encrypted pages as they are
                    size = int(source.execute("PRAGMA page_count").fetchone()[0]) * page_size
                    db_sha256 = _stream_into(archive, fh, db_path(data_dir), size, pacer, step_pages * page_size)
                else:  # pages the WAL still holds: the backup API copies the snapshot first
                    work.mkdir(exist_ok=True)
                    _copy_snapshot(source, work / DB_FILE, store.db_key, pacer, step_pages)
                    db_sha256 = _stream_into(archive, fh, work / DB_FILE, (work / DB_FILE).stat().st_size,
                                             pacer, step_pages * page_size)
                source.execute("COMMIT")
                clear = _clear_members(data_dir, snapshot)
                settings = clear.get(SETTINGS_FILE) or {}
                manifest = {"format": FORMAT, "created_at": stamp, "office_code": office,
                            "schema": migrate.head_revision(), "counts": snapshot["counts"], "db_sha256": db_sha256,
                            "machine": machine_id(data_dir),
                            "device_numbers": sorted(set(snapshot["device_numbers"]) | _numbers_of(data_dir, settings)),
                            "members": {name: hashlib.sha256(_json_bytes(value)).hexdigest()
                                        for name, value in clear.items()}}
                for name in (KEYSTORE_FILE, AUDIT_HEAD_FILE):
                    if (data_dir / name).exists():
                        archive.write(data_dir / name, name)
                for name, value in clear.items():
                    archive.writestr(name, _json_bytes(value))
                archive.writestr(MANIFEST, json.dumps(manifest, indent=1))
            pacer.step()
            pacer.flush(fh)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _freeze_snapshot(store: "Store", source) -> bool:
    """Start `source`'s read transaction with the WAL checkpointed into the DB file (under the
    writer's turn, so no commit comes in between). True: SQLite reads this snapshot from the DB
    file alone and lets no checkpoint write into the file until the transaction ends — the
    file's bytes are the snapshot. False (a reader holds an older snapshot, the WAL could not
    be emptied): the transaction is started all the same, for the backup API."""
    writes = getattr(store, "writes", None)
    with store._checkpoints.paused():  # the store's checkpointer never holds the checkpoint lock meanwhile
        source.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchall()  # the bulk, outside the writer's turn
        for attempt in range(FREEZE_TRIES):
            # Saves first: a write of this process waiting for (or holding) the writer goes before
            # the freeze, and what it wrote is copied here, outside the turn — the checkpoint under
            # the turn then has nothing (or one commit) to copy and no fsync of the DB file to wait
            # for, so a save arriving meanwhile waits for that alone (it waited 14-22 ms at 1 M).
            if writes is not None and writes.active():
                writes.wait_idle()
                source.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchall()
            with store._writer_turn():
                busy, in_wal, copied = source.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
                if busy == 0 and in_wal == copied:
                    source.execute("BEGIN")
                    source.execute("SELECT count(*) FROM sqlite_master").fetchone()  # the snapshot starts here
                    return True
            time.sleep(0.05 * (attempt + 1))
    source.execute("BEGIN")
    source.execute("SELECT count(*) FROM sqlite_master").fetchone()
    return False


def _snapshot_facts(source) -> dict:
    """The snapshot's counters, sequences and the device numbers in its card numbers."""
    counts = dict(source.execute("SELECT name, value FROM counters").fetchall())
    sequences = dict(source.execute("SELECT name, value FROM sequences").fetchall())
    # "SEB-007-000123-45": the device number is the three digits 13 to 11 from the end.
    devices = source.execute(
        "SELECT DISTINCT substr(card_number, length(card_number) - 12, 3) FROM ("
        " SELECT card_number FROM beneficiaries WHERE card_number IS NOT NULL"
        " UNION ALL SELECT card_number FROM dependants) WHERE length(card_number) >= 16").fetchall()
    numbers = {int(text) for (text,) in devices if isinstance(text, str) and text.isascii() and text.isdigit()}
    return {"counts": counts, "sequences": sequences, "device_numbers": sorted(n for n in numbers if 1 <= n <= 999)}


def _stream_into(archive: zipfile.ZipFile, fh, path: Path, size: int, pacer: _Pacer, step_bytes: int) -> str:
    """The first `size` bytes of `path` into the archive as DB_FILE, in steps; their SHA-256."""
    digest = hashlib.sha256()
    buffer = memoryview(bytearray(max(4096, step_bytes)))
    with open(path, "rb", buffering=0) as src, archive.open(DB_FILE, "w", force_zip64=True) as member:
        if hasattr(os, "posix_fadvise"):
            os.posix_fadvise(src.fileno(), 0, size, os.POSIX_FADV_SEQUENTIAL)
        left = size
        while left:
            pacer.step()
            count = src.readinto(buffer[:min(len(buffer), left)])
            if not count:
                raise OSError(f"{path.name} ended {left} bytes early")
            chunk = buffer[:count]
            digest.update(chunk)
            member.write(chunk)
            left -= count
            pacer.wrote(fh, count)
    return digest.hexdigest()


def _json_bytes(value: Any) -> bytes:
    return json.dumps(value, ensure_ascii=False, indent=1, sort_keys=True).encode("utf-8")


def machine_id(data_dir: Path) -> str:
    """This PC's id for this data dir (made at the first backup; never copied into one)."""
    path = Path(data_dir) / MACHINE_FILE
    doc = read_json(path)
    if isinstance(doc, dict) and isinstance(doc.get("id"), str):
        return doc["id"]
    value = str(uuid.uuid4())
    write_json_atomic(path, {"id": value})
    return value


def _stored_settings(data_dir: Path) -> dict:
    """settings.json as the office saved it (not this run's --camera/--lang), known fields only."""
    raw = read_json(Path(data_dir) / SETTINGS_FILE)
    known = {f.name for f in fields(Settings)}
    return {k: v for k, v in raw.items() if k in known} if isinstance(raw, dict) else {}


def _enrolled_number(data_dir: Path) -> int | None:
    """The device number HQ gave this PC (device/enrolment.json, written by sync.device)."""
    doc = read_json(Path(data_dir) / "device" / "enrolment.json")
    number = doc.get("device_number") if isinstance(doc, dict) else None
    return number if isinstance(number, int) and not isinstance(number, bool) else None


def _numbers_of(data_dir: Path, settings: dict) -> set[int]:
    """Device numbers this office's PCs numbered cards with, as far as this PC knows."""
    enrolled = _enrolled_number(data_dir)
    return _settings_numbers(settings) | ({enrolled} if enrolled and 1 <= enrolled <= 999 else set())


def _settings_numbers(settings: dict) -> set[int]:
    """The provisional number in these settings and the former numbers they carry."""
    number = settings.get("provisional_device_number")
    numbers = {number} if _is_int(number) and 1 <= number <= 999 else set()
    former = (settings.get("extra") or {}).get(FORMER_NUMBERS_KEY, [])
    if isinstance(former, list):
        numbers |= {n for n in former if _is_int(n) and 1 <= n <= 999}
    return numbers


def _clear_members(data_dir: Path, snapshot: dict) -> dict[str, Any]:
    """The members beside the encrypted DB: settings, sequence marks, reference data."""
    members: dict[str, Any] = {}
    settings = _stored_settings(data_dir)
    if settings:
        members[SETTINGS_FILE] = settings
    marks = read_json(Path(data_dir) / SEQUENCE_HIGH_WATER_FILE)
    marks = {k: v for k, v in marks.items() if isinstance(v, int)} if isinstance(marks, dict) else {}
    for name, value in snapshot["sequences"].items():  # the DB's counters, in case the file lags
        marks[name] = max(int(value), marks.get(name, 0))
    members[SEQUENCE_HIGH_WATER_FILE] = marks
    reference = Path(data_dir) / REFERENCE_DIR
    if reference.is_dir():
        for path in sorted(reference.glob("*.json"))[:MAX_REFERENCE_FILES]:
            if path.name in NOT_BACKED_UP_REFERENCE:
                continue
            name = f"{REFERENCE_DIR}/{path.name}"
            value = read_json(path) if path.is_file() and not path.is_symlink() else None
            if _REFERENCE_MEMBER.fullmatch(name) and isinstance(value, dict):
                members[name] = value
    return members


def _check(cancel: threading.Event | None) -> None:
    if cancel is not None and cancel.is_set():
        raise BackupCancelled()


def _copy_snapshot(source, copy: Path, key: bytes, pacer: _Pacer, step_pages: int) -> None:
    """`source`'s read snapshot into `copy` (same key) by the SQLite backup API, in steps: every
    page decrypted and encrypted again (the slow way, when the DB file is not the snapshot)."""
    dest = raw_connect(copy, key)
    try:
        source.backup(dest, pages=max(1, step_pages), progress=lambda *_: pacer.step())
        dest.execute("PRAGMA journal_mode = DELETE")  # one self-contained file, no -wal
    finally:
        dest.close()


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


# --- reading a backup back (hostile until checked) ------------------------------------------


def _open_backup(backup_file: Path):
    """The backup a person named, opened the hostile way (fundclient.drive: a regular file, not
    a link, FIFO, device or folder, at most MAX_BACKUP_BYTES); DriveError naming it otherwise."""
    return drive.open_user_file(backup_file, MAX_BACKUP_BYTES)


def _bad(message: Message) -> BadBackup:
    return BadBackup(message)


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _manifest(archive: zipfile.ZipFile) -> dict:
    names = archive.namelist()
    if len(names) != len(set(names)):
        raise _bad(Message("it holds two members of the same name"))
    unknown = sorted(n for n in names if n not in _MEMBERS and not _REFERENCE_MEMBER.fullmatch(n))
    if unknown:
        raise _bad(Message("unexpected member '{unknown}'").format(unknown=unknown[0][:80]))
    missing = sorted({DB_FILE, KEYSTORE_FILE, MANIFEST} - set(names))
    if missing:
        raise _bad(Message("member '{missing}' is missing").format(missing=missing[0]))
    if sum(1 for n in names if n.startswith(REFERENCE_DIR + "/")) > MAX_REFERENCE_FILES:
        raise _bad(Message("more reference files than a backup "
                                                                                                   "holds"))
    # Declared sizes bound what extraction writes (zipfile stops at a member's declared size).
    for info in archive.infolist():
        limit = {MANIFEST: MAX_MANIFEST_BYTES, DB_FILE: MAX_BACKUP_BYTES}.get(info.filename, MAX_JSON_MEMBER_BYTES)
        if info.file_size > limit:
            raise _bad(Message("member '{filename}' is larger than it "
                                                                                                  "can be").format(filename=info.filename))
    if sum(info.file_size for info in archive.infolist()) > MAX_BACKUP_BYTES:
        raise _bad(Message("its members are larger than a backup "
                                                                                 "can be"))
    manifest = _json_member(archive, MANIFEST)
    return _typed_manifest(manifest, set(names))


def _json_member(archive: zipfile.ZipFile, name: str) -> Any:
    return _parse_json(name, archive.read(name))


def _parse_json(name: str, data: bytes) -> Any:
    try:
        return json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise _bad(Message("member '{name}' is not valid JSON").format(name=name)) from None


def _typed_manifest(manifest: Any, names: set[str]) -> dict:
    def wrong(field: str) -> BadBackup:
        return _bad(Message("field '{field}' of '{MANIFEST}' is "
                                                                                           "not valid").format(MANIFEST=MANIFEST, field=field))

    if not isinstance(manifest, dict):
        raise _bad(Message("'{MANIFEST}' is not an object").format(MANIFEST=MANIFEST))
    if manifest.get("format", 1) not in (1, FORMAT):
        raise wrong("format")
    office = manifest.get("office_code")
    if not (isinstance(office, str) and re.fullmatch(r"[A-Z]{2,4}|[0-9]{2,4}|[A-Z0-9]{2,12}", office)):
        raise wrong("office_code")
    if not isinstance(manifest.get("created_at", ""), str) or len(manifest.get("created_at", "")) > 40:
        raise wrong("created_at")
    counts = manifest.get("counts", {})
    if not isinstance(counts, dict) or not all(isinstance(k, str) and _is_int(v) and v >= 0 for k, v in counts.items()):
        raise wrong("counts")
    if not (isinstance(manifest.get("db_sha256"), str) and re.fullmatch(r"[0-9a-f]{64}", manifest["db_sha256"])):
        raise wrong("db_sha256")
    numbers = manifest.get("device_numbers", [])
    if not isinstance(numbers, list) or not all(_is_int(n) and 1 <= n <= 999 for n in numbers):
        raise wrong("device_numbers")
    if not isinstance(manifest.get("machine", ""), str) or len(manifest.get("machine", "")) > 64:
        raise wrong("machine")
    members = manifest.get("members", {})
    if not isinstance(members, dict) or not all(
            isinstance(k, str) and isinstance(v, str) and re.fullmatch(r"[0-9a-f]{64}", v) for k, v in members.items()):
        raise wrong("members")
    clear = {n for n in names if n in (SETTINGS_FILE, SEQUENCE_HIGH_WATER_FILE) or n.startswith(REFERENCE_DIR + "/")}
    if clear != set(members):
        raise wrong("members")
    return manifest


def read_manifest(backup_file: Path) -> dict:
    with _open_backup(backup_file) as fh:
        try:
            with zipfile.ZipFile(fh) as archive:
                return _manifest(archive)
        except (zipfile.BadZipFile, OSError, ValueError, KeyError, RecursionError) as exc:
            raise BadBackup(str(exc)[:200]) from exc


def _typed_settings(raw: Any, office_code: str) -> dict:
    """The backup's settings, field by field against config.Settings' types; BadBackup naming
    the field otherwise. Unknown fields are left out."""
    if not isinstance(raw, dict):
        raise _bad(Message("'{SETTINGS_FILE}' is not an object").format(SETTINGS_FILE=SETTINGS_FILE))
    defaults = Settings()
    typed: dict[str, Any] = {}
    for f in fields(Settings):
        if f.name not in raw:
            continue
        value, default = raw[f.name], getattr(defaults, f.name)
        if isinstance(default, bool):
            ok = isinstance(value, bool)
        elif isinstance(default, int):
            ok = _is_int(value) and 0 <= value <= 10**9
        elif isinstance(default, float):
            ok = (_is_int(value) or isinstance(value, float)) and 0 <= value <= 10**6
        elif isinstance(default, str):
            ok = isinstance(value, str) and len(value) <= 2000 and "\x00" not in value
        else:  # extra: a flat object of simple values (printer names, logo path, former device numbers)
            ok = isinstance(value, dict) and len(value) <= 100 and all(
                isinstance(k, str) and len(k) <= 100 and (value[k] is None or isinstance(value[k], (str, int, float, bool))
                                                          or (isinstance(value[k], list) and len(value[k]) <= 1000
                                                              and all(_is_int(n) for n in value[k])))
                for k in value)
        if not ok:
            raise _bad(Message("setting '{name}' in '{SETTINGS_FILE}' has a value of the wrong kind").format(SETTINGS_FILE=SETTINGS_FILE, name=f.name))
        typed[f.name] = value
    if typed.get("language", "ar") not in ("ar", "en"):
        raise _bad(Message("setting 'language' in '{SETTINGS_FILE}' is neither ar nor en").format(SETTINGS_FILE=SETTINGS_FILE))
    if typed.get("office_code", office_code) != office_code:
        raise _bad(Message("its settings are of another office ('{office_code}') than the backup's "
                           "'{office_code2}'").format(office_code=str(typed['office_code'])[:12], office_code2=office_code))
    typed["office_code"] = office_code
    return typed


def _typed_marks(raw: Any) -> dict[str, int]:
    if not isinstance(raw, dict) or len(raw) > 100 or not all(
            isinstance(k, str) and len(k) <= 64 and _is_int(v) and 0 <= v < 10**12 for k, v in raw.items()):
        raise _bad(Message("'{SEQUENCE_HIGH_WATER_FILE}' is not "
                                                                              "name -> number").format(SEQUENCE_HIGH_WATER_FILE=SEQUENCE_HIGH_WATER_FILE))
    return raw


def _typed_reference(name: str, raw: Any) -> dict:
    if not isinstance(raw, dict) or not all(isinstance(k, str) for k in raw):
        raise _bad(Message("member '{name}' is not an object").format(name=name))
    if name.rpartition("/")[2] in NOT_BACKED_UP_REFERENCE:
        raise _bad(Message("unexpected member '{name}'").format(name=name))
    if set(raw) == {"token"}:  # a pull position (reference/state.json)
        if not _is_int(raw["token"]) or raw["token"] < 0:
            raise _bad(Message("field 'token' of '{name}' is not valid").format(name=name))
    elif not all(isinstance(v, dict) for v in raw.values()):
        raise _bad(Message("an entry of '{name}' is not an object").format(name=name))
    return raw


@dataclass(frozen=True)
class RestorePlan:
    """What a restore of this backup into this data dir will do about the device number."""

    office_code: str
    same_pc: bool  # the backup was made on this PC (its device number stays)
    enrolled: bool  # this PC holds its own HQ enrolment for the office (its HQ number stays)
    device_number: int  # the provisional number this PC keeps (0: none)
    used_numbers: tuple[int, ...]  # device numbers the office's cards carry: never chosen again
    link: bool  # the office has an HQ address configured

    @property
    def needs_number(self) -> bool:
        """Cards cannot be numbered on this PC until it is enrolled or given a fresh number."""
        return not (self.same_pc or self.enrolled or self.device_number)


def plan_restore(data_dir: Path, manifest: dict, settings: dict | None = None) -> RestorePlan:
    data_dir = Path(data_dir)
    office = manifest["office_code"]
    local_office = Keystore(data_dir).office_code() if Keystore(data_dir).exists() else ""
    enrolment = read_json(data_dir / "device" / "enrolment.json")
    enrolled_office = enrolment.get("office_code", "") if isinstance(enrolment, dict) else ""
    for other in (local_office, enrolled_office):
        if other and other != office:
            raise OtherOfficeHere(here=other, backup=office)
    settings = settings if settings is not None else {}
    used = set(manifest.get("device_numbers", [])) | _settings_numbers(settings)
    local = _stored_settings(data_dir)
    same_pc = bool(manifest.get("machine")) and (data_dir / MACHINE_FILE).exists() \
        and machine_id(data_dir) == manifest.get("machine")
    own = local.get("provisional_device_number", 0) if local_office else 0
    own = own if _is_int(own) else 0
    if same_pc:
        number = own or settings.get("provisional_device_number", 0)
    else:
        number = own if own and own not in used else 0
    link = bool(settings.get("hq_url")) or (isinstance(enrolment, dict) and bool(enrolment.get("hq_url")))
    return RestorePlan(office, same_pc, bool(enrolled_office), int(number or 0), tuple(sorted(used)), link)


def inspect_backup(data_dir: Path, backup_file: Path) -> tuple[dict, RestorePlan]:
    """The backup's manifest (checked) and what restoring it here will do; nothing changes."""
    with _open_backup(backup_file) as fh:
        try:
            with zipfile.ZipFile(fh) as archive:
                manifest = _manifest(archive)
                settings = _typed_settings(_json_member(archive, SETTINGS_FILE), manifest["office_code"]) \
                    if SETTINGS_FILE in archive.namelist() else {}
        except (zipfile.BadZipFile, OSError, ValueError, KeyError, RecursionError) as exc:
            raise BadBackup(str(exc)[:200]) from exc
    return manifest, plan_restore(data_dir, manifest, settings)


@dataclass(frozen=True)
class Restored:
    manifest: dict
    plan: RestorePlan
    device_number: int  # the provisional device number in the restored settings (0: none)
    previous: Path | None  # DATA_DIR/replaced-<time>/ holding the data the restore replaced, if there was any


def restore_backup(data_dir: Path, backup_file: Path, *, device_number: int | None = None) -> Restored:
    """Put the backup's office into this data dir: DB, keystore, audit anchor, settings,
    reference data; sequence marks never go down (max of here and the backup). Whatever was
    here is moved to DATA_DIR/replaced-<time>/ first (only when there was something). The app
    must be closed.

    The device number (never one the office's cards already carry): on the PC the backup came
    from, that PC's own; elsewhere `device_number` (a fresh provisional number, checked against
    the numbers the backup knows, DeviceNumberTaken otherwise), or this PC's own enrolment for
    the office, or none — then cards wait until the PC is enrolled (a new number from HQ)."""
    data_dir = Path(data_dir)
    stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    private_dir(data_dir)  # the office's data is for its own account only (0700)
    staging = private_dir(data_dir / f".restore-{stamp}")
    try:
        with _open_backup(backup_file) as fh:
            try:
                with zipfile.ZipFile(fh) as archive:
                    manifest = _manifest(archive)
                    raw = {name: archive.read(name) for name in manifest.get("members", {})}
                    for name in (DB_FILE, KEYSTORE_FILE, AUDIT_HEAD_FILE):  # only the known names (checked above)
                        if name in archive.namelist():
                            archive.extract(name, staging)
            except (zipfile.BadZipFile, OSError, ValueError, KeyError, RecursionError) as exc:
                raise BadBackup(str(exc)[:200]) from exc
        for name, data in raw.items():
            if hashlib.sha256(data).hexdigest() != manifest["members"][name]:
                raise _bad(Message("member '{name}' does not match its "
                                                                                        "checksum").format(name=name))
        clear = {name: _parse_json(name, data) for name, data in raw.items()}
        if _sha256(staging / DB_FILE) != manifest.get("db_sha256"):
            raise _bad(Message("database copy does not match its "
                                                                                                    "checksum"))
        backup_settings = _typed_settings(clear[SETTINGS_FILE], manifest["office_code"]) \
            if SETTINGS_FILE in clear else {}
        # A backup made before settings travelled (format 1): this PC's settings stay.
        settings = dict(backup_settings) if SETTINGS_FILE in clear \
            else {**_stored_settings(data_dir), "office_code": manifest["office_code"]}
        marks = _typed_marks(clear.get(SEQUENCE_HIGH_WATER_FILE, {}))
        reference = {name: _typed_reference(name, value) for name, value in clear.items()
                     if name.startswith(REFERENCE_DIR + "/")}
        plan = plan_restore(data_dir, manifest, backup_settings)
        if device_number and device_number in plan.used_numbers:
            raise DeviceNumberTaken(device_number, tuple(n for n in plan.used_numbers if n >= 900))
        number = device_number or plan.device_number
        previous = _move_aside(data_dir, stamp)
        for name in (DB_FILE, KEYSTORE_FILE, AUDIT_HEAD_FILE):
            if (staging / name).exists():
                os.chmod(staging / name, 0o600)
                os.replace(staging / name, data_dir / name)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    settings["provisional_device_number"] = number
    if not plan.same_pc:  # the numbers the office's other PCs used travel on in later backups
        extra = dict(settings.get("extra") or {})
        extra[FORMER_NUMBERS_KEY] = sorted(set(plan.used_numbers) - {number})
        settings["extra"] = extra
    write_json_atomic(data_dir / SETTINGS_FILE, {**_stored_settings_defaults(), **settings})
    here = read_json(data_dir / SEQUENCE_HIGH_WATER_FILE)
    here = here if isinstance(here, dict) else {}
    merged = {**marks, **{k: max(int(v), marks.get(k, 0)) for k, v in here.items() if _is_int(v)}}
    write_json_atomic(data_dir / SEQUENCE_HIGH_WATER_FILE, merged)
    if reference:
        folder = private_dir(data_dir / REFERENCE_DIR)
        for name, value in reference.items():
            write_json_atomic(folder / name.partition("/")[2], value)
    # The DB cannot be written without a password here: the next login audits the restore.
    Keystore(data_dir).note_event("restore", "cli")
    status.record_counts(data_dir, manifest.get("counts", {}))
    return Restored(manifest, plan, number, previous)


def _stored_settings_defaults() -> dict:
    from dataclasses import asdict

    return asdict(Settings())


def _move_aside(data_dir: Path, stamp: str) -> Path | None:
    """The data a restore replaces, into DATA_DIR/replaced-<time>/; None when there was none."""
    present = [p for p in db_side_files(db_path(data_dir)) + [data_dir / KEYSTORE_FILE, data_dir / AUDIT_HEAD_FILE,
                                                              data_dir / SETTINGS_FILE] if p.exists()]
    if (data_dir / REFERENCE_DIR).is_dir() and any((data_dir / REFERENCE_DIR).iterdir()):
        present.append(data_dir / REFERENCE_DIR)
    if not present:
        return None
    aside = private_dir(data_dir / f"replaced-{stamp}")
    for path in present:
        if path.name == SETTINGS_FILE:
            shutil.copy2(path, aside / path.name)  # replaced by an atomic write, never missing
        else:
            os.replace(path, aside / path.name)
    return aside
