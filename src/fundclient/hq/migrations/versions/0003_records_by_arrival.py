"""Records by arrival time (the HQ console follows new records with it). The console made this
index itself before it was a migration: skip it where it exists.

Revision ID: 0003
Revises: 0002
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    existing = {i["name"] for i in sa.inspect(op.get_bind()).get_indexes("records")}
    if "ix_records_received_at" not in existing:
        op.create_index("ix_records_received_at", "records", ["received_at"])


def downgrade() -> None:
    op.drop_index("ix_records_received_at", table_name="records")
