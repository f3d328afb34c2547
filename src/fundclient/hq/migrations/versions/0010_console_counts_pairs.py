"""The console at a million records (#13): per-day counters and sound-key pairs.

* `console_day_counts` (day, office, device -> records received that day, people registered
  that day): the Offices and Devices pages and the chart read these few rows instead of
  counting console_people on every request.
* `console_people_pairs` (sound-key pair, record): a two-word name search is one index range.
* `console_people_sounds` becomes one B-tree keyed (sound, record) — on SQLite WITHOUT ROWID —
  with no index by record: the indexer finds a replaced record's sound and pair rows again from
  its normalised names (console_people.names). At a million records that is ten million index
  entries fewer to write.
* `ix_people_office_status_received`: the records page filtered by office and status (the
  flagged records of one office, newest first) reads only what it shows.

Both are derived from the console's index (console_people*), which is derived from `records`.
Rather than back-fill them beside an index that may be half built, this migration empties the
index and its watermark: the console's background indexer rebuilds all of it, counters and
pairs included, from `records` (decisions are re-applied as it goes). Nothing HQ holds is lost;
until the rebuild ends the console's searches and counts show what is indexed so far.

Downgrade drops both tables and empties the index again (the older console rebuilds it).

Revision ID: 0010
Revises: 0009
"""

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

INDEX_TABLES = ("console_people", "console_people_sounds", "console_people_keys", "console_index_state")


def _empty_index() -> None:
    for table in INDEX_TABLES:
        op.execute(f"DELETE FROM {table}")


def upgrade() -> None:
    _empty_index()
    op.create_table(
        "console_day_counts",
        sa.Column("day", sa.String(10), primary_key=True),
        sa.Column("office_code", sa.String(32), primary_key=True),
        sa.Column("device_id", sa.String(36), primary_key=True),
        sa.Column("received", sa.Integer, nullable=False),
        sa.Column("registered", sa.Integer, nullable=False),
    )
    op.create_table(
        "console_people_pairs",
        sa.Column("pair", sa.String(100), primary_key=True),
        sa.Column("record_id", sa.String(36), primary_key=True),
        sqlite_with_rowid=False,
    )
    op.drop_table("console_people_sounds")
    op.create_table(
        "console_people_sounds",
        sa.Column("sound", sa.String(48), primary_key=True),
        sa.Column("record_id", sa.String(36), primary_key=True),
        sqlite_with_rowid=False,
    )
    op.create_index("ix_people_office_status_received", "console_people", ["office_code", "status", "received_at"])


def downgrade() -> None:
    _empty_index()
    op.drop_index("ix_people_office_status_received", "console_people")
    op.drop_table("console_people_pairs")
    op.drop_table("console_day_counts")
    op.drop_table("console_people_sounds")
    op.create_table(
        "console_people_sounds",
        sa.Column("sound", sa.String(48), nullable=False),
        sa.Column("record_id", sa.String(36), nullable=False),
    )
    op.create_index("ix_people_sounds", "console_people_sounds", ["sound", "record_id"])
    op.create_index("ix_people_sounds_record", "console_people_sounds", ["record_id"])
