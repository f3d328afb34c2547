"""The "sent back to me" list from an index, not a walk of every decision.

Every revision a supervisor approves at day close gets an `approvals` row, so the table grows
like `revisions` (a million rows in a big office's life). The list the main window reads
after every login wants only the few `sent_back` ones: a partial index holds just those.

Revision ID: 0007
Revises: 0006
"""

from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute("CREATE INDEX ix_approvals_sent_back ON approvals (decided_at) WHERE state = 'sent_back'")


def downgrade() -> None:
    op.execute("DROP INDEX IF EXISTS ix_approvals_sent_back")
