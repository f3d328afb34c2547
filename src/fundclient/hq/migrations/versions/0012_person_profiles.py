"""`person_profiles`: the HQ-wide duplicate check's view of every holder and dependant HQ holds,
in compact columns (normalised national number, name keys and their sounds, sex, birth date,
mother's name key, the name shown, office and registration day), filed at ingest so the check
compares held candidates without reading their JSON (hq/profiles.py, #11 item 7). Filled here
from the newest revision of every record HQ holds.

Revision ID: 0012
Revises: 0011
"""

import json

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    table = op.create_table(
        "person_profiles",
        sa.Column("record_id", sa.String(36), primary_key=True),
        sa.Column("person", sa.Integer, primary_key=True),
        sa.Column("revision", sa.Integer, nullable=False),
        sa.Column("role", sa.String(9), nullable=False),
        sa.Column("national_number", sa.Text, nullable=False),
        sa.Column("first", sa.Text, nullable=False),
        sa.Column("father", sa.Text, nullable=False),
        sa.Column("grandfather", sa.Text, nullable=False),
        sa.Column("family", sa.Text, nullable=False),
        sa.Column("sounds", sa.Text, nullable=False),
        sa.Column("sex", sa.Text, nullable=False),
        sa.Column("born", sa.String(10), nullable=False),
        sa.Column("mother", sa.Text, nullable=False),
        sa.Column("shown", sa.Text, nullable=False),
        sa.Column("office_code", sa.String(32), nullable=False),
        sa.Column("registered_on", sa.String(10), nullable=False),
    )
    from fundclient.domain.records import Beneficiary  # lazy: only this upgrade needs it (Alembic loads every revision)
    from fundclient.hq import profiles  # lazy: the same
    from fundclient.hq.duplicates import registered_on  # lazy: the same

    # The newest revision of each record, streamed (an HQ holds millions: never all in memory), in
    # the primary key's order (record_id, revision: read along its index, no sort of the table);
    # the last row of each record is its newest. received_at typed: SQLite gives its text back
    # otherwise, and a record without created_at is registered on the day HQ received it.
    records = op.get_bind().execute(sa.text(
        "SELECT record_id, revision, office_code, data, received_at FROM records ORDER BY record_id, revision"
    ).columns(received_at=sa.DateTime(timezone=True)).execution_options(yield_per=2_000))
    # (options on the statement: the migration's connection runs on after it)
    rows: list[dict] = []

    def file(record_id, rev, office, data, received) -> None:
        try:
            record = json.loads(data)
            rows.extend(profiles.rows(record_id, rev, Beneficiary.from_dict(record), office,
                                      registered_on(record, received)))
        except (TypeError, ValueError, KeyError, AttributeError, RecursionError):
            pass  # (a record whose data does not parse is not compared: none filed)

    held = None
    for row in records:
        if held is not None and row[0] != held[0]:
            file(*held)  # held was its record's last (newest) revision
            if len(rows) >= 10_000:
                op.bulk_insert(table, rows)
                rows.clear()
        held = tuple(row)
    if held is not None:
        file(*held)
    if rows:
        op.bulk_insert(table, rows)


def downgrade() -> None:
    op.drop_table("person_profiles")
