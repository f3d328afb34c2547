"""Supervisor review at day close: each saved revision can be approved or sent back.

Revision ID: 0004
Revises: 0003
"""

from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute("""CREATE TABLE approvals (
        record_id TEXT NOT NULL, revision INTEGER NOT NULL,
        state TEXT NOT NULL CHECK (state IN ('approved', 'sent_back')),
        comment TEXT NOT NULL DEFAULT '', decided_by TEXT NOT NULL, decided_at TEXT NOT NULL,
        PRIMARY KEY (record_id, revision),
        FOREIGN KEY (record_id, revision) REFERENCES revisions (record_id, revision))""")
    op.execute("CREATE INDEX ix_revisions_saved_at ON revisions (saved_at)")


def downgrade() -> None:
    op.execute("DROP INDEX IF EXISTS ix_revisions_saved_at")
    op.execute("DROP TABLE approvals")
