"""Batch refusals looked up by device and time (the console's Offices page lists each
device's recent refusals).

Revision ID: 0002
Revises: 0001
"""

from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_rejections_device_id", "rejections", ["device_id", "at"])


def downgrade() -> None:
    op.drop_index("ix_rejections_device_id", table_name="rejections")
