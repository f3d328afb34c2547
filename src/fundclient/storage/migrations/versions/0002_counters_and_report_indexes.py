"""Counters kept by triggers (status without COUNT(*) over a million rows), sync-state and
report indexes.

Revision ID: 0002
Revises: 0001
"""

from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

COUNTED = {
    "records": "SELECT count(*) FROM beneficiaries",
    "dependants": "SELECT count(*) FROM dependants",
    "pending_sync": "SELECT count(*) FROM revisions WHERE sync_state = 'pending'",
    "revisions": "SELECT count(*) FROM revisions",
}

TRIGGERS = {
    "counters_records_ai": "AFTER INSERT ON beneficiaries BEGIN "
        "UPDATE counters SET value = value + 1 WHERE name = 'records'; END",
    "counters_records_ad": "AFTER DELETE ON beneficiaries BEGIN "
        "UPDATE counters SET value = value - 1 WHERE name = 'records'; END",
    "counters_dependants_ai": "AFTER INSERT ON dependants BEGIN "
        "UPDATE counters SET value = value + 1 WHERE name = 'dependants'; END",
    "counters_dependants_ad": "AFTER DELETE ON dependants BEGIN "
        "UPDATE counters SET value = value - 1 WHERE name = 'dependants'; END",
    "counters_revisions_ai": "AFTER INSERT ON revisions BEGIN "
        "UPDATE counters SET value = value + 1 WHERE name = 'revisions'; "
        "UPDATE counters SET value = value + (new.sync_state = 'pending') WHERE name = 'pending_sync'; END",
    "counters_revisions_au": "AFTER UPDATE OF sync_state ON revisions BEGIN "
        "UPDATE counters SET value = value - (old.sync_state = 'pending') + (new.sync_state = 'pending') "
        "WHERE name = 'pending_sync'; END",
}

INDEXES = [
    "CREATE INDEX ix_revisions_pending ON revisions (record_id, revision) WHERE sync_state = 'pending'",
    "CREATE INDEX ix_beneficiaries_created ON beneficiaries (created_at)",
]


def upgrade() -> None:
    op.execute("CREATE TABLE counters (name TEXT PRIMARY KEY, value INTEGER NOT NULL)")
    for name, query in COUNTED.items():
        op.execute(f"INSERT INTO counters (name, value) VALUES ('{name}', ({query}))")
    for name, body in TRIGGERS.items():
        op.execute(f"CREATE TRIGGER {name} {body}")
    for statement in INDEXES:
        op.execute(statement)


def downgrade() -> None:
    for name in TRIGGERS:
        op.execute(f"DROP TRIGGER IF EXISTS {name}")
    op.execute("DROP INDEX IF EXISTS ix_revisions_pending")
    op.execute("DROP INDEX IF EXISTS ix_beneficiaries_created")
    op.execute("DROP TABLE counters")
