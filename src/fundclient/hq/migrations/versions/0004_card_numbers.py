"""Who holds each card number: HQ refuses a record whose card number another record holds
(#17: two PCs of one office issuing the same number). Filled from the records HQ holds.

Revision ID: 0004
Revises: 0003
"""

import json

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    table = op.create_table(
        "card_numbers",
        sa.Column("card_number", sa.String(32), primary_key=True),
        sa.Column("record_id", sa.String(36), nullable=False),
    )
    held: dict[str, str] = {}
    rows = op.get_bind().execute(sa.text("SELECT record_id, data FROM records ORDER BY received_at"))
    for record_id, data in rows:
        for number in card_numbers_of(json.loads(data)):
            held.setdefault(number, record_id)  # the first to arrive holds it
    if held:
        op.bulk_insert(table, [{"card_number": n, "record_id": r} for n, r in held.items()])


def card_numbers_of(record: dict) -> list[str]:
    numbers = [record.get("card_number")] + [d.get("card_number") for d in record.get("dependants") or []
                                             if isinstance(d, dict)]
    return [n for n in numbers if isinstance(n, str) and 0 < len(n) <= 32]


def downgrade() -> None:
    op.drop_table("card_numbers")
