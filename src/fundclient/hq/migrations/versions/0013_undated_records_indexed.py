"""Data fix: the HQ-wide duplicate index rows (person_numbers, person_names) of records that
migration 0006 skipped. Until 368c61b, 0006 read `received_at` untyped and SQLite gave its text
back, so a record whose data has no `created_at` (registered on the day HQ received it) failed
in `registered_on` and was silently left out: no number and no name rows, so the HQ-wide check
never found it (review finding 4; offices always send created_at, but older exports and hand
edits may not). Files them now from the newest revision of every held record that has no index
row at all — a record ingest indexed has its rows and is left alone. On PostgreSQL 0006 read a
datetime and skipped nothing: the same query finds nothing (a record with no number and no name
block is filed again as nothing). Duplicate findings missed meanwhile are not made here: the
next revision of either record is checked as usual.

Revision ID: 0013
Revises: 0012
"""

import json

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None

# The records with no index row: read from the indexes alone (the records' primary key index and
# the two record_id indexes), no record's JSON — one pass over them, however many records HQ holds.
_UNINDEXED = sa.text(
    "SELECT DISTINCT r.record_id FROM records r "
    "WHERE NOT EXISTS (SELECT 1 FROM person_numbers n WHERE n.record_id = r.record_id) "
    "AND NOT EXISTS (SELECT 1 FROM person_names m WHERE m.record_id = r.record_id)")
# Their revisions in the primary key's order: the last row of each record is its newest.
# received_at typed: SQLite gives its text back otherwise (the bug this fixes).
_REVISIONS = sa.text(
    "SELECT record_id, revision, office_code, data, received_at FROM records WHERE record_id IN :ids "
    "ORDER BY record_id, revision"
).bindparams(sa.bindparam("ids", expanding=True)).columns(received_at=sa.DateTime(timezone=True))
_CHUNK = 500


def upgrade() -> None:
    from fundclient.hq.duplicates import index_rows  # lazy: only this upgrade needs it (Alembic loads every revision)

    bind = op.get_bind()
    numbers = sa.table("person_numbers", sa.column("national_number"), sa.column("record_id"),
                       sa.column("office_code"), sa.column("role"), sa.column("registered_on"))
    names = sa.table("person_names", sa.column("block"), sa.column("record_id"))
    missing = sorted(bind.execute(_UNINDEXED).scalars())
    for start in range(0, len(missing), _CHUNK):
        newest: dict[str, tuple] = {}
        for record_id, rev, office, data, received in bind.execute(_REVISIONS, {"ids": missing[start:start + _CHUNK]}):
            newest[record_id] = (office, data, received)
        number_rows, name_rows = [], []
        for record_id, (office, data, received) in newest.items():
            try:
                found_numbers, found_names = index_rows(record_id, json.loads(data), office, received)
            except (TypeError, ValueError, KeyError, AttributeError, RecursionError):
                continue  # (a record whose data does not parse is not compared, as in 0006)
            number_rows += found_numbers
            name_rows += found_names
        if number_rows:
            op.bulk_insert(numbers, number_rows)
        if name_rows:
            op.bulk_insert(names, name_rows)


def downgrade() -> None:
    pass  # rows of the index 0006 should have made: nothing to undo
