"""The store's own facts (`meta`: name -> value): the version of the duplicate check's key rule
the stored keys were made by (`storage.duplicate_rule`).

An office with no one stored yet is keyed by the current rule at once (the version written).
An office with people is keyed after the migrations, at the store's opening
(`storage.duplicate_rule.keep_current`: in slices, resumable, its progress shown at sign-in) —
not here, in the migrations' one transaction, where a million records took minutes with no
sign of progress and a kill lost all of it.

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
    raw = op.get_bind().connection.driver_connection.cursor()
    if not raw.execute("SELECT EXISTS (SELECT 1 FROM beneficiaries) OR EXISTS (SELECT 1 FROM dependants)").fetchone()[0]:
        rekey(raw)  # nothing to key: the version written


def downgrade() -> None:
    op.execute("DROP TABLE meta")
