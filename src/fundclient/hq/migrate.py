"""HQ's database schema under Alembic (hq/migrations/), on SQLite and PostgreSQL.

`upgrade(engine)` runs at every HQ start (serve, import-batches, any `hq` command): a fresh
database gets every migration; a database 0.1.0 made with `create_all` (its tables, no version
table) is stamped at 0001 — the 0.1.0 schema — and upgraded from there; an up-to-date one
costs one small query. Two HQ processes starting at once are serialised (PostgreSQL: an
advisory lock; SQLite: the second one re-checks after the first one's commit).
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory

MIGRATIONS_DIR = Path(__file__).with_name("migrations")
VERSION_TABLE = "alembic_version"
BASELINE = "0001"  # the schema 0.1.0 created without Alembic
_PG_LOCK = 0x46554E44  # "FUND": pg_advisory_xact_lock key of HQ's schema upgrade


def alembic_config(connection: sa.Connection | None = None) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    cfg.attributes["connection"] = connection
    cfg.attributes["version_table"] = VERSION_TABLE
    return cfg


@lru_cache(maxsize=1)
def head_revision() -> str:
    return ScriptDirectory.from_config(alembic_config()).get_current_head()


def current_revision(engine: sa.Engine) -> str | None:
    with engine.connect() as conn:
        return MigrationContext.configure(conn, opts={"version_table": VERSION_TABLE}).get_current_revision()


def upgrade(engine: sa.Engine, target: str = "head") -> None:
    if target == "head" and current_revision(engine) == head_revision():
        return
    for attempt in range(2):
        try:
            with engine.begin() as conn:
                if conn.dialect.name == "postgresql":
                    conn.execute(sa.text("SELECT pg_advisory_xact_lock(:k)"), {"k": _PG_LOCK})
                current = MigrationContext.configure(conn, opts={"version_table": VERSION_TABLE}).get_current_revision()
                if current is None and sa.inspect(conn).has_table("devices"):
                    command.stamp(alembic_config(conn), BASELINE)
                command.upgrade(alembic_config(conn), target)
            return
        except sa.exc.OperationalError:
            # SQLite: another HQ process upgraded at the same moment; its commit is visible now.
            if attempt or current_revision(engine) != head_revision():
                raise


def downgrade(engine: sa.Engine, target: str) -> None:
    with engine.begin() as conn:
        command.downgrade(alembic_config(conn), target)


def drop_everything(engine: sa.Engine) -> None:
    """Every table in the database, version table included (tests and benchmarks start from an
    empty database this way)."""
    tables = sa.MetaData()
    tables.reflect(engine)
    tables.drop_all(engine)
