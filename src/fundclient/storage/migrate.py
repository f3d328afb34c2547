"""Alembic, run programmatically on the already-keyed connection at every start-up.

The check "is the schema at head?" costs one small query and imports no Alembic: the head is
read from the migration scripts' `revision` / `down_revision` lines, the current revision from
Alembic's own `alembic_version` table. Alembic (and mako, pygments and SQLAlchemy with it) is
imported only when a migration actually runs (start-up time, #11 item 5): the store's own
engine (storage/engine.py) is not SQLAlchemy's, so a migration gets a SQLAlchemy connection of
its own over the same keyed connection factory, in one `BEGIN IMMEDIATE` transaction.
"""

from __future__ import annotations

import ast
from functools import lru_cache
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from fundclient.storage.engine import Engine

MIGRATIONS_DIR = Path(__file__).with_name("migrations")


def alembic_config(connection=None):
    # lazy: start-up (Alembic, Mako, SQLAlchemy)
    from alembic.config import Config  # only when migrating (see the module docstring)

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    cfg.attributes["connection"] = connection
    return cfg


def _script_revisions() -> dict[str, str | None]:
    """revision -> down_revision of every migration script (read, not imported)."""
    found: dict[str, str | None] = {}
    for path in sorted((MIGRATIONS_DIR / "versions").glob("[0-9]*.py")):
        names: dict[str, object] = {}
        for node in ast.parse(path.read_text(encoding="utf-8")).body:
            target = node.targets[0] if isinstance(node, ast.Assign) and len(node.targets) == 1 else \
                node.target if isinstance(node, ast.AnnAssign) else None
            if isinstance(target, ast.Name) and isinstance(getattr(node, "value", None), ast.Constant):
                names[target.id] = node.value.value
        if isinstance(names.get("revision"), str):
            found[names["revision"]] = names.get("down_revision")  # type: ignore[assignment]
    return found


@lru_cache(maxsize=1)
def head_revision() -> str:
    revisions = _script_revisions()
    heads = set(revisions) - {down for down in revisions.values() if down}
    if len(heads) != 1:
        raise RuntimeError(f"the migrations have {len(heads)} heads")
    return heads.pop()


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as conn:
        exists = conn.exec_driver_sql("SELECT 1 FROM sqlite_master WHERE type = 'table'"
                                      " AND name = 'alembic_version'").first()
        if not exists:
            return None
        row = conn.exec_driver_sql("SELECT version_num FROM alembic_version").first()
        return row[0] if row else None


@contextmanager
def _alembic_connection(engine: Engine):
    """A SQLAlchemy connection for Alembic over one new keyed connection from `engine`'s
    factory, inside one transaction begun with `engine.begin_sql` (committed at the end)."""
    import sqlalchemy as sa  # lazy: start-up (SQLAlchemy only when migrating: see the module docstring)
    from sqlalchemy.pool import NullPool  # lazy: start-up (as above)

    bound = sa.create_engine("sqlite://", creator=engine.creator, poolclass=NullPool)

    @sa.event.listens_for(bound, "begin")
    def _begin(conn):  # pragma: no cover - exercised by every migration
        conn.exec_driver_sql(engine.begin_sql)

    try:
        with bound.begin() as conn:
            yield conn
    finally:
        bound.dispose()


def upgrade(engine: Engine, target: str = "head") -> None:
    """Bring the schema to `target`; a no-op costing one small query when already there."""
    if target == "head" and current_revision(engine) == head_revision():
        return
    # lazy: start-up (Alembic, Mako, SQLAlchemy)
    from alembic import command  # only when migrating

    with _alembic_connection(engine) as conn:
        command.upgrade(alembic_config(conn), target)


def downgrade(engine: Engine, target: str) -> None:
    from alembic import command  # lazy: start-up (Alembic, Mako, SQLAlchemy)

    with _alembic_connection(engine) as conn:
        command.downgrade(alembic_config(conn), target)
