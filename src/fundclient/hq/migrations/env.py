"""Alembic environment of HQ's database: always handed a live connection by hq.migrate."""

from alembic import context

connection = context.config.attributes.get("connection")
if connection is None:  # pragma: no cover - offline SQL generation is not used
    raise RuntimeError("HQ migrations run only through fundclient.hq.migrate")
context.configure(connection=connection, render_as_batch=True,
                  version_table=context.config.attributes.get("version_table", "alembic_version"))
context.run_migrations()
