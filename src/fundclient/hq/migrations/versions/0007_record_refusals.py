"""Records refused one by one inside an accepted batch, kept for the console's decisions page.

Revision ID: 0007
Revises: 0006
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "record_refusals",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("record_id", sa.String(36), nullable=False),
        sa.Column("revision", sa.Integer, nullable=False),
        sa.Column("batch_id", sa.String(64), nullable=False),
        sa.Column("device_id", sa.String(64), nullable=False),
        sa.Column("office_code", sa.String(32), nullable=False),
        sa.Column("reason", sa.String(32), nullable=False),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("national_number", sa.String(32), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_record_refusals_record_id", "record_refusals", ["record_id"])
    op.create_index("ix_record_refusals_at", "record_refusals", ["at"])


def downgrade() -> None:
    op.drop_table("record_refusals")
