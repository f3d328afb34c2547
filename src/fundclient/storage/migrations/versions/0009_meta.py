"""The store's own facts (`meta`: name -> value): the version of the duplicate check's key rule
the stored keys were made by (`storage.duplicate_rule`): every stored person keyed by the
current rule now, set-based (a store keyed by migration 0008's first rule, or not yet keyed),
and the version written.

Revision ID: 0009
Revises: 0008
"""

from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    from fundclient.storage.duplicate_rule import rekey  # lazy: only when migrating

    op.execute("CREATE TABLE meta (name TEXT PRIMARY KEY, value TEXT NOT NULL)")
    rekey(op.get_bind().connection.driver_connection.cursor())


def downgrade() -> None:
    op.execute("DROP TABLE meta")
