"""HQ tables (SQLAlchemy Core), separate from the office client's database.

SQLite in the HQ data dir by default; PostgreSQL when given a postgresql+psycopg:// URL. The
schema is made and changed by Alembic migrations (hq/migrations/, run by hq.migrate at every
start); the tables here describe the head revision — change both together.
"""

from __future__ import annotations

import json
import os
import re
from collections import namedtuple
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import (BigInteger, Boolean, Column, DateTime, Float, ForeignKey, Index, Integer, LargeBinary, MetaData,
                        String, Table, Text, UniqueConstraint, bindparam, create_engine, event)
from sqlalchemy.engine import Engine
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.elements import ColumnElement
from sqlalchemy.sql.visitors import InternalTraversal
from sqlalchemy.types import TypeDecorator

metadata = MetaData()

devices = Table(
    "devices", metadata,
    Column("device_id", String(36), primary_key=True),
    Column("office_code", String(32), nullable=False),
    Column("device_number", Integer, nullable=False),
    Column("public_key", LargeBinary, nullable=False),
    Column("label", String(200), nullable=False, default=""),
    Column("enrolled_at", DateTime(timezone=True), nullable=False),
    Column("revoked_at", DateTime(timezone=True)),
    Column("revoke_reason", Text),
    UniqueConstraint("office_code", "device_number"),
)

enrol_tokens = Table(
    "enrol_tokens", metadata,
    Column("token_hash", String(64), primary_key=True),
    Column("office_code", String(32), nullable=False),
    Column("expires_at", DateTime(timezone=True), nullable=False),
    Column("used_at", DateTime(timezone=True)),
    Column("device_id", String(36)),
)

batches = Table(
    "batches", metadata,
    Column("batch_id", String(36), primary_key=True),
    Column("device_id", String(36), ForeignKey("devices.device_id"), nullable=False),
    Column("seq", Integer, nullable=False),
    Column("sha256", String(64), nullable=False),
    Column("source", String(16), nullable=False),
    Column("received_at", DateTime(timezone=True), nullable=False),
    Column("ack", Text, nullable=False),
    UniqueConstraint("device_id", "seq"),
)

records = Table(
    "records", metadata,
    Column("record_id", String(36), primary_key=True),
    Column("revision", Integer, primary_key=True),
    Column("national_number", String(32), nullable=False, index=True),
    Column("office_code", String(32), nullable=False),
    Column("device_id", String(36), nullable=False),
    Column("batch_id", String(36), nullable=False),
    Column("status", String(16), nullable=False),
    Column("duplicate_of", String(36)),
    Column("sha256", String(64), nullable=False),
    Column("data", Text, nullable=False),
    Column("received_at", DateTime(timezone=True), nullable=False),
    Index("ix_records_received_at", "received_at"),  # the console follows records by arrival (0003)
)

photos = Table(
    "photos", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("record_id", String(36), nullable=False, index=True),
    Column("revision", Integer, nullable=False),
    Column("position", Integer, nullable=False),
    Column("kind", String(16), nullable=False),
    Column("mime", String(32), nullable=False),
    Column("quality", Text, nullable=False),
    Column("sha256", String(64), nullable=False, index=True),  # the bytes: blobs (0008)
)

# Photo bytes, once per distinct SHA-256 (0008): a photo sent again (a new revision of a record,
# the same batch by network and USB) costs one row in `photos`, not another copy.
blobs = Table(
    "blobs", metadata,
    Column("sha256", String(64), primary_key=True),
    Column("size", Integer, nullable=False),
    Column("data", LargeBinary, nullable=False),
)

# Uploads in progress (0008), shared by every HQ node: the signed creation request and the
# bytes HQ holds, so an upload cut on one node resumes on another (hq/uploads.py).
uploads = Table(
    "uploads", metadata,
    Column("batch_id", String(36), primary_key=True),
    Column("device_id", String(36), nullable=False, index=True),
    Column("length", BigInteger, nullable=False),
    Column("sha256", String(64), nullable=False),
    Column("held", BigInteger, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False, index=True),
)

upload_parts = Table(
    "upload_parts", metadata,
    Column("batch_id", String(36), primary_key=True),
    Column("start_byte", BigInteger, primary_key=True),
    Column("data", LargeBinary, nullable=False),
)

# Batch-level refusals: what was refused and why (no personal data: the batch was not opened).
rejections = Table(
    "rejections", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("batch_id", String(64), nullable=False, index=True),
    Column("device_id", String(64)),
    Column("code", String(32), nullable=False),
    Column("detail", Text, nullable=False, default=""),
    Column("at", DateTime(timezone=True), nullable=False),
    Index("ix_rejections_device_id", "device_id", "at"),
)

# Append-only log of what devices pull (reference data, revoked cards); its id is the sync token.
changes = Table(
    "changes", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("kind", String(32), nullable=False),
    Column("key", String(64), nullable=False),
    Column("data", Text, nullable=False),
    Column("deleted", Boolean, nullable=False, default=False),
    Column("at", DateTime(timezone=True), nullable=False),
)

card_revocations = Table(
    "card_revocations", metadata,
    Column("card_number", String(32), primary_key=True),
    Column("reason", Text, nullable=False),
    Column("source", String(64), nullable=False),
    Column("at", DateTime(timezone=True), nullable=False),
)

# Who holds each card number (a beneficiary's or a dependant's): HQ refuses a record whose card
# number another record already holds (two PCs issuing one number: reason card_number_taken).
card_numbers = Table(
    "card_numbers", metadata,
    Column("card_number", String(32), primary_key=True),
    Column("record_id", String(36), nullable=False),
)


# Records HQ refused one by one inside an accepted batch (the batch was opened: reason, and the
# holder's name and national number as sent so the registration department can follow them up);
# a refusal is settled once a later revision of the record is held (hq/refusals.py).
record_refusals = Table(
    "record_refusals", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("record_id", String(36), nullable=False, index=True),
    Column("revision", Integer, nullable=False),
    Column("batch_id", String(64), nullable=False),
    Column("device_id", String(64), nullable=False),
    Column("office_code", String(32), nullable=False),
    Column("reason", String(32), nullable=False),
    Column("name", Text, nullable=False),
    Column("national_number", String(32), nullable=False),
    Column("at", DateTime(timezone=True), nullable=False, index=True),
)


# Every national number HQ holds, a holder's or a dependant's, with the record and office that hold
# it (hq/duplicates.py): the HQ-wide duplicate check looks numbers up here, the offices' online
# lookup answers from here and the offline digest is built from it (its id is the digest's token).
person_numbers = Table(
    "person_numbers", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("national_number", String(32), nullable=False),  # searched through the unique index below (0011)
    Column("record_id", String(36), nullable=False, index=True),
    Column("office_code", String(32), nullable=False),
    Column("role", String(9), nullable=False),  # holder | dependant
    Column("registered_on", String(10), nullable=False),  # the office's registration date (ISO)
    UniqueConstraint("national_number", "record_id"),
)

# One row per national number an ingest claimed (0009): the rendezvous of two batches carrying the
# same new number at once on two nodes (hq/duplicates.py `_claim`); never read for anything else.
number_claims = Table(
    "number_claims", metadata,
    Column("national_number", String(32), primary_key=True),
)

# Name + birth blocking keys (domain.duplicates.blocking_keys) of every holder and dependant.
person_names = Table(
    "person_names", metadata,
    Column("block", String(64), primary_key=True),
    Column("record_id", String(36), primary_key=True, index=True),
)

# The duplicate check's view of every holder and dependant HQ holds (0012, hq/profiles.py): one row
# per person of each record's newest revision — `domain.duplicates.profile` in compact columns, so
# a held candidate is compared without reading or parsing its JSON.
person_profiles = Table(
    "person_profiles", metadata,
    Column("record_id", String(36), primary_key=True),
    Column("person", Integer, primary_key=True),  # 0 the holder, 1… the dependants in the record's order
    Column("revision", Integer, nullable=False),
    Column("role", String(9), nullable=False),  # holder | dependant
    Column("national_number", Text, nullable=False),  # the scheme's normal form ('' none)
    Column("first", Text, nullable=False),  # the name keys (DuplicateProfile.parts)
    Column("father", Text, nullable=False),
    Column("grandfather", Text, nullable=False),
    Column("family", Text, nullable=False),
    Column("sounds", Text, nullable=False),  # DuplicateProfile.sounds, sorted, space-separated
    Column("sex", Text, nullable=False),
    Column("born", String(10), nullable=False),  # ISO date, '' unknown
    Column("mother", Text, nullable=False),  # the mother's name key
    Column("shown", Text, nullable=False),  # the name as a finding's message shows it
    Column("office_code", String(32), nullable=False),
    Column("registered_on", String(10), nullable=False),  # the office's registration date (ISO)
    # the profile rule the row was filed under (hq/profiles.py RULE; migration 0014): rows of
    # another rule are not compared, the check files them again
    Column("rule", Integer, nullable=False, server_default="1"),
)

# What the HQ-wide duplicate check found, with its evidence (shown in the console's decisions queue).
duplicate_findings = Table(
    "duplicate_findings", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("record_id", String(36), nullable=False, index=True),
    Column("revision", Integer, nullable=False),
    Column("office_code", String(32), nullable=False),
    Column("other_record_id", String(36), nullable=False),
    Column("other_office", String(32), nullable=False),
    Column("other_date", String(10), nullable=False),
    Column("kind", String(16), nullable=False),  # national_number | name_and_birth | similar
    Column("score", Float, nullable=False),
    Column("evidence", Text, nullable=False),  # JSON: reason (ar/en), who matched, what agreed
    Column("found_at", DateTime(timezone=True), nullable=False),
)

# Every online duplicate lookup by an office device (audit and per-device rate).
lookups = Table(
    "lookups", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("device_id", String(36), nullable=False),
    Column("at", DateTime(timezone=True), nullable=False),
    Column("kind", String(8), nullable=False),  # number | name
    Column("query_hash", String(64), nullable=False),  # keyed hash of what was asked, never the number
    Column("found", Integer, nullable=False),
    Index("ix_lookups_device_at", "device_id", "at"),
)


class _Values(TypeDecorator):
    """A list of text values bound as ONE parameter (`among`): a JSON array on SQLite (read
    back by `json_each`), an array on PostgreSQL."""

    impl = Text
    cache_ok = True

    def load_dialect_impl(self, dialect):
        if dialect.name == "postgresql":
            from sqlalchemy.dialects.postgresql import ARRAY  # lazy: the database in use
            return dialect.type_descriptor(ARRAY(Text))
        return dialect.type_descriptor(Text())

    def process_bind_param(self, value, dialect):
        return list(value) if dialect.name == "postgresql" else json.dumps(list(value), ensure_ascii=False)


class _Among(ColumnElement):
    """`column IN (the values bound as "v")` whose SQL text never changes with the values:
    `column = ANY(:v)` on PostgreSQL, `column IN (SELECT value FROM json_each(:v))` on SQLite
    (both search the column's index). SQLAlchemy's expanding IN renders and the database
    prepares a new statement for every count of values — per batch, a tenth of ingest's SQL
    time went on that (#11 item 7)."""

    __visit_name__ = "fundclient_among"
    inherit_cache = True
    _traverse_internals = [("column", InternalTraversal.dp_clauseelement),
                           ("values", InternalTraversal.dp_clauseelement)]
    type = Boolean()
    _is_implicitly_boolean = True  # a comparison: no "= 1" after it on SQLite

    def __init__(self, column, name: str = "v") -> None:
        self.column = column
        self.values = bindparam(name, type_=_Values())


@compiles(_Among, "postgresql")
def _among_postgresql(element, compiler, **kw) -> str:
    values = compiler.process(element.values, **kw)
    if compiler.dialect.driver == "psycopg":
        # the array in binary (`%(v)b`): psycopg's text form quotes and escapes every value, and
        # PostgreSQL parses it back — ~0.2 ms of HQ's CPU per statement of ~200 values, ~5 per
        # batch (#11 item 7). (Only a `%(name)s` placeholder; a literal rendering stays as it is.)
        values = re.sub(r"^(%\(\w+\))s", r"\1b", values)
    return f"{compiler.process(element.column, **kw)} = ANY({values})"


@compiles(_Among)
def _among_sqlite(element, compiler, **kw) -> str:
    return f"{compiler.process(element.column, **kw)} IN (SELECT value FROM json_each({compiler.process(element.values, **kw)}))"


def among(column, name: str = "v") -> ColumnElement:
    """`column` is one of a list of text values bound at execution as `name` (built once,
    executed with `{name: [...]}`)."""
    return _Among(column, name)


class Lean:
    """A statement HQ runs for every batch or upload (a read or a delete by key, the batch's
    row), built once and run on the connection's own DB-API cursor: no SQLAlchemy execution
    context, cursor description or result object per call. On PostgreSQL that machinery cost
    ~0.1 ms of HQ's CPU for a one-row read that psycopg itself runs in ~0.02, and ~0.25 ms more
    for a read of ~200 rows; a batch runs ~15 of them (#11 item 7).

    Same SQL, same transaction and same values as `conn.execute(statement, params)`: the
    statement is compiled by SQLAlchemy for the connection's dialect (once per dialect), its
    parameters go through the bind parameters' own processors (`among`'s list, SQLite's
    datetimes) and the selected columns' values through their result processors. Rows come as
    named tuples (`row.column`, `row[0]`). A connection not in a transaction yet begins one, as
    `execute` would; the driver's errors come as SQLAlchemy's (`IntegrityError`, …). Anything
    this does not cover — another driver, a statement with expanding or literal-rendered
    parameters, an INSERT that leaves out a column with a Python default — runs through
    `conn.execute` as before, with the same answers."""

    __slots__ = ("statement", "_plans")

    def __init__(self, statement) -> None:
        self.statement = statement
        self._plans: dict = {}

    def rows(self, conn, params: dict | None = None) -> list:
        """Every row (named tuples)."""
        return self._run(conn, params or {}, True)

    def first(self, conn, params: dict | None = None):
        """The first row, None when there is none."""
        found = self._run(conn, params or {}, True)
        return found[0] if found else None

    def scalars(self, conn, params: dict | None = None) -> list:
        """The first column of every row."""
        return [row[0] for row in self._run(conn, params or {}, True)]

    def run(self, conn, params: dict | None = None) -> int:
        """A statement that returns no rows (DELETE, UPDATE, INSERT): the rows it touched."""
        return self._run(conn, params or {}, False)

    def _run(self, conn, params: dict, returns_rows: bool):
        dialect = conn.dialect
        key = (dialect.name, dialect.driver, tuple(params) if self.statement.is_insert else None)
        plan = self._plans.get(key)
        if plan is None:
            plan = self._plans[key] = _lean_plan(self.statement, dialect, params)
        if plan is False:  # not covered: SQLAlchemy's own way
            result = conn.execute(self.statement, params)
            return [tuple(row) for row in result] if returns_rows else result.rowcount
        sql, compiled, processors, row_type, result_processors = plan
        values = compiled.construct_params(params)
        for name, process in processors:
            values[name] = process(values[name])
        if compiled.positional:
            values = tuple(values[name] for name in compiled.positiontup)
        found = on_driver(conn, sql, values, rows=returns_rows)
        if not returns_rows:
            return found
        if result_processors:
            found = [tuple(p(v) if p else v for p, v in zip(result_processors, row)) for row in found]
        return list(map(row_type._make, found))


def on_driver(conn, sql: str, values, *, rows: bool = False, many: bool = False):
    """Run `sql` (the driver's own SQL and parameters: `%s`/`%b` for psycopg, `?` for sqlite3)
    on the connection's DB-API cursor, in the SQLAlchemy connection's transaction (begun here
    when it is not yet, as `execute` would). `many`: `values` is a list of parameter sets
    (`executemany`). Returns the rows (`rows`) or the count of rows touched; the driver's errors
    come as SQLAlchemy's (`IntegrityError`, `OperationalError` …), as from `conn.execute`."""
    if not conn.in_transaction():
        conn.begin()
    dbapi = conn.dialect.loaded_dbapi
    cursor = conn.connection.driver_connection.cursor()
    try:
        try:
            _driver_execute(conn, cursor, sql, values, many)
            return cursor.fetchall() if rows else cursor.rowcount
        except dbapi.Error as exc:
            from sqlalchemy.exc import DBAPIError  # lazy: the error path only
            raise DBAPIError.instance(sql, values, exc, dbapi.Error, dialect=conn.dialect) from exc
    finally:
        cursor.close()


def _driver_execute(conn, cursor, sql: str, values, many: bool) -> None:  # (apart: benchmarks/pgstmtprof.py counts it)
    if many:
        cursor.executemany(sql, values)
    else:
        cursor.execute(sql, values)


_LEAN_DRIVERS = {("postgresql", "psycopg"), ("sqlite", "pysqlite")}


def _lean_plan(statement, dialect, params: dict):
    """(SQL, compiled, [(parameter, processor)], row type, result processors or None) of a
    statement on `dialect`, or False when `Lean` leaves it to SQLAlchemy."""
    if (dialect.name, dialect.driver) not in _LEAN_DRIVERS:
        return False
    if statement.is_insert:
        table = statement.table
        if any(c.key not in params and (c.default is not None or c.onupdate is not None) for c in table.c):
            return False  # a Python-side default SQLAlchemy would fill in
        compiled = statement.compile(dialect=dialect, column_keys=list(params))
    else:
        compiled = statement.compile(dialect=dialect)
    if compiled.literal_execute_params or compiled.post_compile_params or compiled.escaped_bind_names:
        return False
    processors = [(name, process) for name, bind in compiled.binds.items()
                  if (process := bind.type.dialect_impl(dialect).bind_processor(dialect)) is not None]
    columns = list(statement.selected_columns) if statement.is_select else []
    row_type = namedtuple("Row", [c.key or f"c{i}" for i, c in enumerate(columns)] or ["rowcount"], rename=True)
    result_processors = [c.type.dialect_impl(dialect).result_processor(dialect, None) for c in columns]
    return compiled.string, compiled, processors, row_type, (result_processors if any(result_processors) else None)


SQLITE_SYNCHRONOUS = "FULL"  # (docs/hq-deploy.md: what an ack promises on SQLite)


def database_url(hq_dir: Path, url: str | None) -> str:
    return url or f"sqlite:///{Path(hq_dir) / 'hq.db'}"


def open_engine(hq_dir: Path, url: str | None = None) -> Engine:
    url = database_url(hq_dir, url)
    if url.startswith("sqlite"):
        Path(hq_dir).mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30})

        @event.listens_for(engine, "connect")
        def _pragmas(conn, _record):  # WAL: readers do not block the ingesting writer
            cur = conn.cursor()
            cur.execute("PRAGMA journal_mode=WAL")
            # FULL: every commit syncs the WAL before it returns, so a batch is on the disk
            # before its ack leaves (an ack means HQ holds the batch). NORMAL syncs only at
            # checkpoints: a power cut could take back acknowledged batches, and the offices
            # would never send them again. It costs one fsync per commit (~0.5 ms here), not CPU.
            cur.execute(f"PRAGMA synchronous={SQLITE_SYNCHRONOUS}")
            cur.close()
    else:
        # No pre-ping (a round trip per checkout); recycle instead so idle connections do not go stale.
        # random_page_cost 1.1 (the usual figure for SSDs and a cached working set) on HQ's own
        # sessions: HQ reads by key only (`among`: ~50 values per batch), and with the default 4.0
        # PostgreSQL scanned whole tables it had not analysed yet (a young HQ; every table in its
        # first minute) — 1.3 ms of its CPU per lookup at 9,000 rows, 0.35 ms through the index (#11 item 7).
        # (A URL that brings its own `options` keeps them.)
        from sqlalchemy.engine import make_url  # lazy: this case only
        engine = create_engine(url, pool_recycle=600, pool_size=8, connect_args=(
            {} if "options" in make_url(url).query else {"options": "-c random_page_cost=1.1"}))
    from fundclient.hq.migrate import upgrade  # lazy: start-up (Alembic, Mako, SQLAlchemy)
    upgrade(engine)
    return engine


class WriterTurn:
    """A batch's turn at SQLite's one writer, taken just before its first write and given back
    after its commit, so that HQ's ingesting threads and server processes (`hq serve --workers
    N`) queue for the writer instead of each polling it through SQLite's busy handler, which
    sleeps 1–100 ms between tries while the writer may long be free (#11 item 7). A lock file
    beside the database (`hq.db-writer.lock`; a new open file per turn, so threads of one
    process exclude each other too): the kernel wakes the next waiter at once. No lock on
    PostgreSQL (row locks) nor off POSIX; a writer that takes no turn (an upload's
    rows, a console decision) still waits on SQLite's busy handler as before. Waiting holds no
    database lock: the reads before it run outside any write transaction."""

    def __init__(self, engine: Engine) -> None:
        self.path: str | None = None
        database = engine.url.database if engine.dialect.name == "sqlite" else None
        if database and database != ":memory:" and not database.startswith("file:") and os.name == "posix":
            self.path = f"{database}-writer.lock"  # (flock: POSIX only)

    def take(self) -> "_Turn":
        """Wait for the turn; give it back with `release()` after the commit."""
        return _Turn(self.path)

    @contextmanager
    def held(self) -> Iterator[None]:
        """The turn around a whole short write transaction (`with turn.held(): with engine.begin()`)."""
        turn = self.take()
        try:
            yield
        finally:
            turn.release()


class _Turn:
    def __init__(self, path: str | None) -> None:
        self.fd: int | None = None
        if path is None:
            return
        import fcntl  # lazy: POSIX only
        try:
            self.fd = _open_lock_file(path)
        except OSError as exc:  # e.g. made by root with an older release: go on as before the turn
            _warn_once(path, exc)
            return
        try:
            fcntl.flock(self.fd, fcntl.LOCK_EX)
        except BaseException:
            os.close(self.fd)
            self.fd = None
            raise

    def release(self) -> None:
        if self.fd is not None:
            os.close(self.fd)  # closing the file gives the lock back
            self.fd = None


_WARNED: set[str] = set()


def _open_lock_file(path: str) -> int:
    """The turn's lock file, read-only (flock needs no more), readable by all (it holds nothing).
    Made by root (a recovery `hq import-batches`, `hq init`), it is given to the database's
    owner, so the service user can still take turns."""
    fd = os.open(path, os.O_RDONLY | os.O_CREAT, 0o644)
    if os.geteuid() == 0:
        try:
            owner = os.stat(path.removesuffix("-writer.lock"))
            held = os.fstat(fd)
            if (held.st_uid, held.st_gid) != (owner.st_uid, owner.st_gid):
                os.fchown(fd, owner.st_uid, owner.st_gid)
        except OSError:
            pass  # no database yet: it is made by this same user
    return fd


def _warn_once(path: str, exc: OSError) -> None:
    if path not in _WARNED:
        _WARNED.add(path)
        import logging  # lazy: only on this rare path

        logging.getLogger(__name__).warning(
            "HQ writer's lock file %s cannot be opened (%s): writes queue on SQLite's busy handler instead",
            path, exc.strerror)
