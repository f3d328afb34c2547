"""The Store facade and the login API (initialise, open_store, recovery reset).

Thread use: any thread may call any method, but the app runs writes on one worker thread
and reads on another; each call takes its own pooled connection, so nothing is shared.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

from fundclient import device_key, oslock
from fundclient.domain.records import utc_now
from fundclient.storage import bulk_build, duplicate_rule, migrate, opening_upgrade, status
from fundclient.storage.approvals import ApprovalRepository
from fundclient.storage.audit import AuditLog
from fundclient.storage.backup_pacing import WriteActivity
from fundclient.storage.beneficiaries import BeneficiaryRepository
from fundclient.storage.checkpoints import Checkpointer
from fundclient.storage.drafts import DraftRepository
from fundclient.storage.engine import Connection, Engines, key_pragma, raw_connect
from fundclient.storage.errors import AccountDisabled, AlreadySetUp, BackupCancelled, DatabaseUnreadable, NotPermitted
from fundclient.storage.files import SEQUENCE_HIGH_WATER_FILE, db_path, read_json, write_json_atomic
from fundclient.storage.helper_start import refuse_while_a_helper_starts
from fundclient.storage.key_filing import DUPLICATE_KEYS_NEW, KeyFiler, file_keys
from fundclient.storage.keystore import Keystore, check_password_strength
from fundclient.storage.name_ends_fill import TABLES as NAME_TABLES, NameTableFill
from fundclient.storage.name_merging import merge_step
from fundclient.storage.operators import Operator, OperatorRepository, Role, valid_username
from fundclient.storage.reports import ReportRepository
from fundclient.storage.retired_drop import RetiredDrop

log = logging.getLogger(__name__)

# Every write transaction, in every process sharing the data dir (the app, `fundclient import`,
# the scheduled `fundclient sync`), first takes this OS lock. SQLite's own busy handler sleeps
# up to 100 ms between tries, so a process writing in a loop (an import) can starve another
# one (the clerk's save) past its busy timeout; the OS lock is tried every few milliseconds
# and gives every waiter its turn.
WRITER_LOCK_FILE = ".writer.lock"
WRITER_WAIT_SECONDS = 120.0
# A long write that committed for a waiting one (an import, `let_waiting_writes_in`) lets it in
# for at most this long before it goes on.
LET_IN_SECONDS = 1.0


@dataclass
class WriteTx:
    conn: Connection
    detail: dict = field(default_factory=dict)


class Store:
    def __init__(self, data_dir: Path, db_key: bytes) -> None:
        refuse_while_a_helper_starts()  # a script's module-level opening re-run by a spawned helper
        self.data_dir = Path(data_dir)
        self.db_key = db_key
        self.keystore = Keystore(self.data_dir)
        self._engines = Engines(db_path(self.data_dir), db_key)
        self.writes = WriteActivity()  # a running backup lets these go first (storage/backup_pacing.py)
        self._turn_held = threading.local()  # `writer_held`
        self._snapshots = threading.local()  # `snapshot`: this thread's pinned read transaction
        # The writer never checkpoints inside a commit: this thread does (storage/checkpoints.py).
        self._checkpoints = self._checkpointer()
        # A save's duplicate keys go to a small table first; this thread moves them into the big
        # one when the writer is idle (storage/key_filing.py, migration 0012), then merges the
        # name indexes' segments, which no save does (storage/name_merging.py, migration 0015).
        self._key_filer = self._idle_thread()
        migrate.upgrade(self._engines.writer)
        self._restore_high_water()
        self.audit = AuditLog(self.data_dir, self._engines.reader, db_key)
        self.beneficiaries = BeneficiaryRepository(self)
        self.operators = OperatorRepository(self)
        self.drafts = DraftRepository(self)
        self.reports = ReportRepository(self)
        self.approvals = ApprovalRepository(self)
        self._backup_lock = threading.Lock()
        self._backup_cancel = threading.Event()
        if bulk_build.finish_interrupted(self):  # a bulk build killed before its end: its indexes made now
            log.warning("an interrupted bulk build was finished (its indexes made)")
        # Tables a migration took out of use (0013: rule 2's keys) dropped in slices, first: the
        # upgrades below write into the pages this frees instead of growing the file.
        if opening_upgrade.run(self, RetiredDrop()):
            log.warning("the tables the update took out of use were dropped")
        for table in NAME_TABLES:  # an office's names filed in name search's narrow tables (migrations 0010, 0014)
            if opening_upgrade.run(self, NameTableFill(table)):
                log.warning("the names were filed in %s", table.table)
        if duplicate_rule.keep_current(self):  # keys of another rule (domain.duplicate_keys.RULE_VERSION)
            log.warning("the duplicate check's keys were made again by the current rule")
        with self.read() as conn:  # keys left in the small table by the last session: moved when idle
            if conn.exec_driver_sql(f"SELECT 1 FROM {DUPLICATE_KEYS_NEW} LIMIT 1").fetchone():
                self._key_filer.wrote()

    # --- transactions ----------------------------------------------------------------

    @contextmanager
    def read(self) -> Iterator[Connection]:
        pinned = getattr(self._snapshots, "conn", None)
        if pinned is not None:  # inside this thread's `snapshot()`: its read transaction
            yield pinned
            return
        with self._engines.reader.connect() as conn:
            yield conn

    @contextmanager
    def snapshot(self) -> Iterator[Connection]:
        """Every read this thread makes meanwhile (`read`) in ONE read transaction, whose snapshot is
        taken on entering: the reads see the store as it was then, whatever another connection
        commits meanwhile. An import checks a batch against the store in one while the batch
        before is being saved (`services.registration.check_many`'s `after_reads`). Nested: the
        outer one's."""
        pinned = getattr(self._snapshots, "conn", None)
        if pinned is not None:
            yield pinned
            return
        with self._engines.reader.connect() as conn:
            # a deferred BEGIN takes its snapshot at the first read of a table
            conn.exec_driver_sql("SELECT 1 FROM revisions LIMIT 1").fetchall()
            self._snapshots.conn = conn
            try:
                yield conn
            finally:
                self._snapshots.conn = None

    @contextmanager
    def writer_connection(self, *, wait: float = WRITER_WAIT_SECONDS) -> Iterator[Connection]:
        """A write transaction without an audit entry (sequences, drafts folded in at login).
        TimeoutError when another process keeps the writer longer than `wait` seconds."""
        with self.writes.busy(), self._writer_turn(wait), self._engines.writer.begin() as conn:
            yield conn
        self._checkpoints.wrote()
        self._key_filer.wrote()

    def file_new_keys(self, limit: int | None = None) -> int:
        """One step of the key filer (storage/key_filing.py): up to `limit` keys of the small
        table moved into `duplicate_keys`, in a write transaction of their own. Returns how many."""
        with self._writer_turn(wait=1.0, announce=False), self._engines.writer.begin() as conn:
            moved = file_keys(conn.driver_connection, *(() if limit is None else (limit,)))
        if moved:
            self._checkpoints.wrote()
        return moved

    def merge_names(self) -> bool:
        """One step of merging the name indexes' segments (storage/name_merging.py), in a write
        transaction of its own; the idle thread runs it. True when there was something to merge."""
        with self._writer_turn(wait=1.0, announce=False), self._engines.writer.begin() as conn:
            merged = merge_step(conn.driver_connection)
        if merged:
            self._checkpoints.wrote()
        return merged

    def _idle_thread(self) -> KeyFiler:
        return KeyFiler(self.file_new_keys, self.writes.active, tidy=self.merge_names)

    def _checkpointer(self) -> Checkpointer:
        path, key = db_path(self.data_dir), self.db_key
        return Checkpointer(lambda: raw_connect(path, key))

    def _writer_turn(self, wait: float = WRITER_WAIT_SECONDS, *, announce: bool = True):
        """The writer's turn (the OS lock). `announce`: a wait is told to the holder
        (`writer_wanted`), for which an import's long write gives way; the idle
        thread's work (`file_new_keys`, `merge_names`) waits without asking."""
        if getattr(self._turn_held, "held", False):  # this thread holds it already (`writer_held`)
            return nullcontext(True)
        return oslock.exclusive(self.data_dir / WRITER_LOCK_FILE, wait=wait, announce=announce)

    def writer_wanted(self) -> bool:
        """Whether a write of another process or thread is waiting for the writer's turn right
        now (a clerk's save during an import: `BeneficiaryRepository.add_many` gives way to it)."""
        return oslock.wanted(self.data_dir / WRITER_LOCK_FILE)

    def let_waiting_writes_in(self, *, at_most: float = LET_IN_SECONDS) -> None:
        """After an import's transaction gave way to a waiting write (`writer_wanted`; rolled back
        or, rewriting rolled-back rows, committed: `BeneficiaryRepository.add_many`): wait until
        every write that was waiting holds or held the writer's turn — at most `at_most` seconds —
        so that this thread, taking the turn again at once, does not go before them (a waiter
        tries the lock every few milliseconds)."""
        deadline = time.monotonic() + at_most
        while self.writer_wanted() and time.monotonic() < deadline:
            time.sleep(oslock.POLL_SECONDS / 5)

    @contextmanager
    def writer_held(self, *, wait: float | None = WRITER_WAIT_SECONDS) -> Iterator[None]:
        """The writer's turn held by this thread across several write transactions, each committed
        on its own (`writer_connection`, `write` inside take it again at no cost): no other
        process or thread writes between them. A bulk build's end (storage/bulk_build.py): its
        steps commit one by one (resumable after a kill) and no save comes between the rows its
        name tables are made from and their filing."""
        if getattr(self._turn_held, "held", False):
            yield
            return
        with self.writes.busy(), self._writer_turn(wait):
            self._turn_held.held = True
            try:
                yield
            finally:
                self._turn_held.held = False

    @contextmanager
    def write(self, operator: str, action: str, record_id: str = "", **detail) -> Iterator[WriteTx]:
        """One atomic write plus its audit entry; then the audit anchor and status.json (still
        under the writer lock, so two processes never write the anchor out of order)."""
        with self.writes.busy(), self._writer_turn():
            with self._engines.writer.begin() as conn:
                tx = WriteTx(conn, dict(detail))
                yield tx
                head = self.audit.append(conn, operator, action, record_id, **tx.detail)
                counts = self._counters(conn)
            self.audit.anchor(head)
            status.record_counts(self.data_dir, counts, saved=action in ("save", "edit", "status", "import"))
        self._checkpoints.wrote()
        self._key_filer.wrote()

    def audit_event(self, operator: str, action: str, record_id: str = "", **detail) -> None:
        """An audit entry with no other change (print, sync, backup, export ...)."""
        with self.write(operator, action, record_id, **detail):
            pass

    # --- counters and sequences ------------------------------------------------------

    @staticmethod
    def _counters(conn: Connection) -> dict[str, int]:
        return dict(conn.exec_driver_sql("SELECT name, value FROM counters").fetchall())

    def counters(self) -> dict[str, int]:
        with self.read() as conn:
            return self._counters(conn)

    def next_sequence(self, name: str, *, conn: Connection | None = None, count: int = 1,
                      note: bool = True) -> int:
        """Next value of a per-device counter (card numbers...). Transactional: inside `conn`'s
        transaction when given (rolled back with it), else its own. `count` > 1 reserves that
        many values at once (a bulk import) and returns the first of them. `note=False`: the
        high-water file is not written here — the caller calls `note_high_water` with the last
        value it reserved before its transaction commits (an import's pieces: one file write
        and its two fsyncs, ~8 ms of wall, a transaction instead of a piece)."""
        if conn is None:
            with self.writer_connection() as own:
                return self.next_sequence(name, conn=own, count=count)
        conn.exec_driver_sql("INSERT INTO sequences (name, value) VALUES (?, ?)"
                             " ON CONFLICT (name) DO UPDATE SET value = value + excluded.value", (name, count))
        value = conn.exec_driver_sql("SELECT value FROM sequences WHERE name = ?", (name,)).scalar_one()
        if note:
            self._note_high_water(name, value)
        return value - count + 1

    def note_high_water(self, name: str, value: int) -> None:
        """`next_sequence(note=False)`'s values up to `value` noted outside the DB, before the
        transaction that reserved them commits."""
        self._note_high_water(name, value)

    # A restored backup holds older counters than numbers already printed or sent to HQ: the
    # highest value ever handed out is also kept outside the DB (not in backups) and wins.
    def _note_high_water(self, name: str, value: int) -> None:
        path = self.data_dir / SEQUENCE_HIGH_WATER_FILE
        marks = read_json(path) or {}
        if marks.get(name, 0) < value:
            marks[name] = value
            write_json_atomic(path, marks)

    def _restore_high_water(self) -> None:
        marks = read_json(self.data_dir / SEQUENCE_HIGH_WATER_FILE) or {}
        if not marks:
            return
        with self.writer_connection() as conn:
            for name, value in marks.items():
                conn.exec_driver_sql("INSERT INTO sequences (name, value) VALUES (?, ?) ON CONFLICT (name)"
                                     " DO UPDATE SET value = max(value, excluded.value)", (name, int(value)))

    # --- maintenance -----------------------------------------------------------------

    def schema_revision(self) -> str | None:
        """The migration the DB is at (Alembic's `alembic_version`)."""
        return migrate.current_revision(self._engines.reader)

    def integrity_check(self) -> str:
        with self.read() as conn:
            return conn.exec_driver_sql("PRAGMA integrity_check").scalar_one()

    def rekey(self, by: str) -> None:
        """Rotate the DB key (PRAGMA rekey): every page re-encrypted, keystore re-sealed to all
        operators and the recovery key (no password needed: sealing uses public keys)."""
        if self.operators.role_of(by) != Role.ADMIN.value:
            raise NotPermitted("rekey")
        # Drafts' journal files are encrypted under a key derived from the DB key: into the DB
        # (re-encrypted with it) first.
        self.drafts.fold_journal(wait=WRITER_WAIT_SECONDS)
        new_key = os.urandom(32)
        new_keystore = self.keystore.reseal_for_new_key(new_key)
        old_keystore = self.keystore.load()
        self._checkpoints.close()  # its connection has the old key
        self._key_filer.close()  # nor may it write meanwhile
        self._engines.dispose()
        raw = raw_connect(db_path(self.data_dir), self.db_key)
        try:
            raw.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            # Keystore first, with the old sealed key kept as "previous": after a crash
            # mid-rekey (SQLCipher rolls the rekey back), open_store falls back to it.
            new_keystore["previous"] = {
                "key_id": old_keystore["key_id"], "recovery": old_keystore["recovery"]["db_key"],
                "operators": {u: e["db_key"] for u, e in old_keystore["operators"].items() if "db_key" in e}}
            self.keystore.save(new_keystore)
            raw.execute(key_pragma(new_key).replace("PRAGMA key", "PRAGMA rekey"))
        finally:
            raw.close()
        new_keystore.pop("previous")
        self.keystore.save(new_keystore)
        device_key.add_wrap(self.data_dir, new_key)  # the device key opens with the new DB key too
        self.db_key = new_key
        self._engines = Engines(db_path(self.data_dir), new_key)
        self._checkpoints = self._checkpointer()
        self._key_filer = self._idle_thread()
        self.audit = AuditLog(self.data_dir, self._engines.reader, new_key)
        self.audit_event(by, "rekey")

    def backup_if_due(self, by: str, max_age: timedelta = timedelta(hours=24), **options) -> Path | None:
        """The automatic backup (app: after login, on a thread of its own): DATA_DIR/backups,
        rotated. Its copy reads one snapshot on its own connection, so saves go on meanwhile;
        `close()` stops it (BackupCancelled) and the next start makes it again."""
        from fundclient.storage.backup import backup_due, create_backup  # lazy: start-up (platformdirs)

        if not backup_due(self.data_dir, max_age):
            return None
        with self._backup_lock:
            if self._backup_cancel.is_set():
                raise BackupCancelled()
            return create_backup(self, by=by, cancel=self._backup_cancel, **options)

    def logout(self, username: str) -> None:
        self.audit_event(username, "logout")
        self.close()

    def close(self) -> None:
        # A running backup stops within one step and removes its partial copy.
        self._backup_cancel.set()
        with self._backup_lock:
            self._key_filer.close()
            self._checkpoints.close()
            self._engines.dispose()


# --- login API -------------------------------------------------------------------------


def initialise(data_dir: Path, office_code: str, admin_user: str, admin_password: str,
               full_name: str = "", provisional_device_number: int = 0) -> str:
    """Create keystore, encrypted DB and first admin; returns the recovery key (show it once).
    `provisional_device_number` (900-999) numbers cards until HQ enrols the device."""
    data_dir = Path(data_dir)
    keystore = Keystore(data_dir)
    if keystore.exists() or db_path(data_dir).exists():
        raise AlreadySetUp()
    if not valid_username(admin_user):
        raise ValueError("invalid user name")
    check_password_strength(admin_password)
    data_dir.mkdir(parents=True, exist_ok=True)
    if os.name != "nt":  # the office's data is for its own account only
        data_dir.chmod(0o700)
    db_key = os.urandom(32)
    recovery = keystore.create(office_code, db_key, admin_user, admin_password)
    store = Store(data_dir, db_key)
    _unlock_device_key(data_dir, db_key)  # created here, wrapped by the DB key (device_key.py)
    try:
        with store.write(admin_user, "setup") as tx:
            tx.conn.exec_driver_sql(
                "INSERT INTO operators (username, full_name, role, active, created_at, created_by)"
                " VALUES (?, ?, 'admin', 1, ?, 'setup')", (admin_user, full_name, utc_now().isoformat()))
    finally:
        store.close()
    from fundclient.config import Settings  # lazy: start-up (platformdirs)

    settings = Settings.load(data_dir)
    settings.office_code = office_code
    settings.provisional_device_number = provisional_device_number or settings.provisional_device_number
    settings.save(data_dir)
    return recovery


def _unlock_device_key(data_dir: Path, db_key: bytes) -> None:
    """The device signing key opens with the DB key (fundclient/device_key.py); a problem with it
    never stops a login — signing then says the key is locked."""
    try:
        device_key.unlock(data_dir, db_key)
    except (OSError, ValueError, KeyError, TypeError) as exc:
        log.error("device key not unlocked: %s", type(exc).__name__)


def _flush_pending_events(store: Store) -> None:
    for event in store.keystore.take_events():
        store.audit_event(event["operator"], event["action"], at=event["at"])


def open_store(data_dir: Path, username: str, password: str) -> tuple[Store, Operator]:
    """Log in: unwrap the DB key with the password, open and migrate the DB, audit the login.
    Raises WrongPassword, AccountLocked, AccountDisabled (all AuthError)."""
    refuse_while_a_helper_starts()  # before the password's KDF (see storage.helper_start)
    data_dir = Path(data_dir)
    keystore = Keystore(data_dir)
    keys = keystore.unlock_keys(username, password)
    try:
        store = Store(data_dir, keys[0])
    except DatabaseUnreadable:
        if len(keys) < 2:
            raise
        store = Store(data_dir, keys[1])  # a key rotation was interrupted before PRAGMA rekey
        keystore.abandon_rotation()
    operator = store.operators.get(username)
    if operator is None or not operator.active:
        store.close()
        raise AccountDisabled()
    _flush_pending_events(store)
    store.audit_event(username, "login")
    try:  # the drafts' journal into the DB (storage/drafts.py); never a reason to refuse a login
        store.drafts.fold_journal()
    except Exception as exc:  # noqa: BLE001 - the journal is read as it is meanwhile
        log.error("drafts' journal not folded: %s", type(exc).__name__)
    _unlock_device_key(data_dir, store.db_key)
    return store, operator


def open_store_with_recovery(data_dir: Path, recovery_key: str) -> Store:
    """For the recovery procedure and for opening backups: the recovery key alone opens the DB."""
    store = Store(data_dir, Keystore(data_dir).unlock_with_recovery(recovery_key))
    _unlock_device_key(Path(data_dir), store.db_key)
    return store


def check_recovery_key(data_dir: Path, recovery_key: str) -> None:
    """Does this key open this office? WrongRecoveryKey says why not (typo, wrong key …) —
    asked before anyone types a new password."""
    Keystore(Path(data_dir)).unlock_with_recovery(recovery_key)


def reset_password_with_recovery(data_dir: Path, recovery_key: str, username: str, new_password: str) -> None:
    """Lost password (also the last admin's): the recovery key sets a new password and unlocks."""
    check_password_strength(new_password)
    store = open_store_with_recovery(data_dir, recovery_key)
    try:
        if store.operators.get(username) is None:
            raise AccountDisabled()
        with store.write("recovery", "password_reset") as tx:
            tx.conn.exec_driver_sql("UPDATE operators SET active = 1 WHERE username = ?", (username,))
            store.keystore.set_password(username, new_password, store.db_key)
    finally:
        store.close()
