"""HQ-wide duplicates (#14): every national number HQ holds (holders and dependants) with its
record and office, name + birth blocking keys, the duplicate findings with their evidence, and
the audit of the offices' online lookups. The two indexes are filled from the records HQ holds.

Revision ID: 0006
Revises: 0005
"""

import json

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

TZ = sa.DateTime(timezone=True)


def upgrade() -> None:
    numbers = op.create_table(
        "person_numbers",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("national_number", sa.String(32), nullable=False),
        sa.Column("record_id", sa.String(36), nullable=False),
        sa.Column("office_code", sa.String(32), nullable=False),
        sa.Column("role", sa.String(9), nullable=False),
        sa.Column("registered_on", sa.String(10), nullable=False),
        sa.UniqueConstraint("national_number", "record_id"),
    )
    op.create_index("ix_person_numbers_national_number", "person_numbers", ["national_number"])
    op.create_index("ix_person_numbers_record_id", "person_numbers", ["record_id"])
    names = op.create_table(
        "person_names",
        sa.Column("block", sa.String(64), primary_key=True),
        sa.Column("record_id", sa.String(36), primary_key=True),
    )
    op.create_index("ix_person_names_record_id", "person_names", ["record_id"])
    op.create_table(
        "duplicate_findings",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("record_id", sa.String(36), nullable=False),
        sa.Column("revision", sa.Integer, nullable=False),
        sa.Column("office_code", sa.String(32), nullable=False),
        sa.Column("other_record_id", sa.String(36), nullable=False),
        sa.Column("other_office", sa.String(32), nullable=False),
        sa.Column("other_date", sa.String(10), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("score", sa.Float, nullable=False),
        sa.Column("evidence", sa.Text, nullable=False),
        sa.Column("found_at", TZ, nullable=False),
    )
    op.create_index("ix_duplicate_findings_record_id", "duplicate_findings", ["record_id"])
    op.create_table(
        "lookups",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("device_id", sa.String(36), nullable=False),
        sa.Column("at", TZ, nullable=False),
        sa.Column("kind", sa.String(8), nullable=False),
        sa.Column("query_hash", sa.String(64), nullable=False),
        sa.Column("found", sa.Integer, nullable=False),
    )
    op.create_index("ix_lookups_device_at", "lookups", ["device_id", "at"])
    # Fill the indexes from the newest revision of every record HQ holds, in order of arrival.
    from fundclient.hq.duplicates import index_rows  # lazy: only this upgrade needs it (Alembic loads every revision)

    newest: dict[str, tuple] = {}
    # received_at typed: SQLite gives its text back otherwise (a record without created_at is
    # registered on the day HQ received it — with the text, it was skipped)
    rows = op.get_bind().execute(sa.text("SELECT record_id, revision, office_code, data, received_at FROM records "
                                         "ORDER BY received_at").columns(received_at=TZ))
    for record_id, rev, office, data, received in rows:
        if record_id not in newest or rev > newest[record_id][0]:
            newest[record_id] = (rev, office, data, received)
    number_rows, name_rows = [], []
    for record_id, (_rev, office, data, received) in newest.items():
        try:
            found_numbers, found_names = index_rows(record_id, json.loads(data), office, received)
        except (TypeError, ValueError, KeyError, AttributeError):
            continue
        number_rows += found_numbers
        name_rows += found_names
    if number_rows:
        op.bulk_insert(numbers, number_rows)
    if name_rows:
        op.bulk_insert(names, name_rows)


def downgrade() -> None:
    for name in ("lookups", "duplicate_findings", "person_names", "person_numbers"):
        op.drop_table(name)
