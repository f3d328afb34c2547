"""The store's own facts (`meta`: name -> value): the version of the duplicate check's key rule
the stored keys were made by (`storage.duplicate_rule`; none yet: the store's next opening
keys every person by the current rule and writes it).

Revision ID: 0009
Revises: 0008
"""

from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute("CREATE TABLE meta (name TEXT PRIMARY KEY, value TEXT NOT NULL)")


def downgrade() -> None:
    op.execute("DROP TABLE meta")
