"""One row per national number an ingest has claimed: two batches carrying the same new number
on two nodes at the same instant meet on its primary key (the second waits for the first to
commit, then sees its record and is flagged; hq/duplicates.py).

Revision ID: 0009
Revises: 0008
"""

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table("number_claims", sa.Column("national_number", sa.String(32), primary_key=True))


def downgrade() -> None:
    op.drop_table("number_claims")
