"""Alembic environment: always handed a live, keyed connection by storage.migrate."""

from alembic import context

connection = context.config.attributes.get("connection")
if connection is None:  # pragma: no cover - offline SQL generation is not used
    raise RuntimeError("fundclient migrations run only through fundclient.storage.migrate")
context.configure(connection=connection, render_as_batch=True)
context.run_migrations()
