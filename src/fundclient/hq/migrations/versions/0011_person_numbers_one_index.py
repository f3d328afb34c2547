"""`person_numbers` loses its index on `national_number` alone: the unique constraint
(national_number, record_id) is an index that starts with the same column, and every lookup by
number (the HQ-wide duplicate check, the offices' online lookup, the claim's second look)
searches that one just as well. One B-tree fewer to write for each holder's and dependant's
number at ingest (#11 item 7).

Revision ID: 0011
Revises: 0010
"""

from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.drop_index("ix_person_numbers_national_number", table_name="person_numbers")


def downgrade() -> None:
    op.create_index("ix_person_numbers_national_number", "person_numbers", ["national_number"])
