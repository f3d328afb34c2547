"""The console's own HQ tables: staff, sessions, the hash-chained staff audit log, HQ's
decisions on flagged records, and the search index of people. Own MetaData, apart from
hq/db.py; the schema is created and changed by HQ's Alembic migrations (0005_console.py,
0010_console_counts_pairs.py): a change here needs a migration there."""

from __future__ import annotations

from sqlalchemy import (Boolean, Column, DateTime, Index, Integer, MetaData, String, Table, Text)
from sqlalchemy.engine import Engine

metadata = MetaData()

staff = Table(
    "staff", metadata,
    Column("username", String(64), primary_key=True),
    Column("role", String(16), nullable=False),  # viewer | reviewer | admin
    Column("password_hash", Text, nullable=False),
    Column("totp_secret", String(64)),
    Column("failed", Integer, nullable=False, default=0),
    Column("locked_until", DateTime(timezone=True)),
    Column("disabled", Boolean, nullable=False, default=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
)

staff_sessions = Table(
    "staff_sessions", metadata,
    Column("token_hash", String(64), primary_key=True),
    Column("username", String(64), nullable=False, index=True),
    Column("csrf", String(64), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("seen_at", DateTime(timezone=True), nullable=False),
)

hq_audit = Table(
    "hq_audit", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("at", DateTime(timezone=True), nullable=False),
    Column("actor", String(64), nullable=False),
    Column("action", String(48), nullable=False),
    Column("target", String(128), nullable=False, default=""),
    Column("detail", Text, nullable=False, default="{}"),
    Column("prev_hash", String(64), nullable=False),
    Column("hash", String(64), nullable=False),
)

# HQ's answer on a flagged record. `doc` is the signed answer the office pulls.
decisions = Table(
    "decisions", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("record_id", String(36), nullable=False, index=True),
    Column("revision", Integer, nullable=False),
    Column("office_code", String(32), nullable=False),
    Column("action", String(16), nullable=False),  # keep | reject | duplicate
    Column("reason", String(48), nullable=False),  # a sync.reasons code
    Column("duplicate_of", String(36)),
    Column("note", Text, nullable=False, default=""),  # stays at HQ
    Column("decided_by", String(64), nullable=False),
    Column("decided_at", DateTime(timezone=True), nullable=False),
    Column("doc", Text, nullable=False),
    Index("ix_decisions_office_id", "office_code", "id"),
)

# Search index of the newest revision of each record (names normalised like the office client).
people = Table(
    "console_people", metadata,
    Column("record_id", String(36), primary_key=True),
    Column("revision", Integer, nullable=False),
    Column("national_number", String(32), nullable=False, index=True),
    Column("office_code", String(32), nullable=False),
    Column("status", String(16), nullable=False),
    Column("received_at", DateTime(timezone=True), nullable=False, index=True),
    Column("name", Text, nullable=False),
    # normalised names (holder, then each dependant), one per line: what the ranking reads
    Column("names", Text, nullable=False, default=""),
    Column("birth", String(10), nullable=False, default=""),
    Column("phone", String(32), nullable=False, default="", index=True),
    Column("decided", Boolean, nullable=False, default=False),
    Column("device_id", String(36), nullable=False, default=""),
    # the day the office registered the person (record.created_at, UTC), for the chart
    Column("registered_day", String(10), nullable=False, default=""),
    Index("ix_people_queue", "status", "decided", "received_at"),
    Index("ix_people_received_device", "received_at", "device_id"),
    Index("ix_people_registered", "registered_day", "office_code"),
    Index("ix_people_office_received", "office_code", "received_at"),
    Index("ix_people_office_status_received", "office_code", "status", "received_at"),  # 0010
)

# One row per sound key of a name word (holder and dependants), for fuzzy name search. One
# B-tree (0010): no index by record — a record's rows are found again from its normalised names.
people_sounds = Table(
    "console_people_sounds", metadata,
    Column("sound", String(48), primary_key=True),
    Column("record_id", String(36), primary_key=True),
    sqlite_with_rowid=False,
)

# Numbers that find a record: kind "card" (holder's and dependants' cards, current and replaced)
# and "nn" (dependants' national numbers; the holder's is in console_people).
people_keys = Table(
    "console_people_keys", metadata,
    Column("kind", String(8), nullable=False),
    Column("value", String(40), nullable=False),
    Column("record_id", String(36), nullable=False, index=True),
    Index("ix_people_keys", "kind", "value"),
)

# Sound-key pairs of each name (holder and dependants): the first word's sound key with each
# later word's (hq.console.queries.sound_pairs). A two-word name search is one range of this index
# (a pair is rare where each word alone — محمد, علي — is not). No index by record: a record's
# rows are found again from its normalised names in console_people (0010).
people_pairs = Table(
    "console_people_pairs", metadata,
    Column("pair", String(100), primary_key=True),
    Column("record_id", String(36), primary_key=True),
    sqlite_with_rowid=False,
)

# Per-day counters kept by the indexer in the transaction that indexes the records (0010):
# records received per day per device (day of received_at, UTC; the newest revision counts)
# and people registered per day (the office's registration date). The Offices and Devices
# pages and the chart read a few dozen of these rows, never the people themselves.
day_counts = Table(
    "console_day_counts", metadata,
    Column("day", String(10), primary_key=True),
    Column("office_code", String(32), primary_key=True),
    Column("device_id", String(36), primary_key=True),
    Column("received", Integer, nullable=False, default=0),
    Column("registered", Integer, nullable=False, default=0),
)

index_state = Table(
    "console_index_state", metadata,
    Column("id", Integer, primary_key=True),
    Column("watermark", DateTime(timezone=True)),
)


def create_tables(engine: Engine) -> None:
    """Nothing to do since the console's tables are migration 0005 (hq.migrate runs it when
    the engine is opened); kept for callers that open an engine without hq.db.open_engine."""
    from fundclient.hq.migrate import upgrade  # lazy: start-up (Alembic, Mako, SQLAlchemy)
    upgrade(engine)
