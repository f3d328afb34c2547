"""Initial schema: records with full revision history, dependants, photos, operators,
audit chain, drafts, sequences, and the FTS5 index of normalised Arabic names.

Revision ID: 0001
Revises:
"""

from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

STATEMENTS = [
    """CREATE TABLE operators (
        username TEXT PRIMARY KEY, full_name TEXT NOT NULL DEFAULT '',
        role TEXT NOT NULL CHECK (role IN ('clerk', 'supervisor', 'admin')),
        active INTEGER NOT NULL DEFAULT 1, created_at TEXT NOT NULL, created_by TEXT NOT NULL DEFAULT '')""",
    # The current revision of each record, with the columns searches and reports need.
    """CREATE TABLE beneficiaries (
        id INTEGER PRIMARY KEY, record_id TEXT NOT NULL UNIQUE, revision INTEGER NOT NULL,
        national_number TEXT NOT NULL DEFAULT '', card_number TEXT UNIQUE, mobile TEXT NOT NULL DEFAULT '',
        name_norm TEXT NOT NULL DEFAULT '', name_phon TEXT NOT NULL DEFAULT '',
        status TEXT NOT NULL DEFAULT 'active',
        office_code TEXT NOT NULL DEFAULT '', created_by TEXT NOT NULL DEFAULT '',
        channel TEXT NOT NULL DEFAULT '', municipality TEXT NOT NULL DEFAULT '',
        created_at TEXT NOT NULL, updated_at TEXT NOT NULL)""",
    "CREATE INDEX ix_beneficiaries_national ON beneficiaries (national_number)",
    "CREATE INDEX ix_beneficiaries_mobile ON beneficiaries (mobile)",
    # Every revision's full JSON (Beneficiary.to_dict()), never updated except its sync state.
    """CREATE TABLE revisions (
        record_id TEXT NOT NULL REFERENCES beneficiaries (record_id) ON DELETE RESTRICT,
        revision INTEGER NOT NULL, data TEXT NOT NULL, saved_at TEXT NOT NULL, saved_by TEXT NOT NULL,
        sync_state TEXT NOT NULL DEFAULT 'pending'
            CHECK (sync_state IN ('pending', 'sent', 'accepted', 'duplicate', 'rejected')),
        sync_reason TEXT NOT NULL DEFAULT '', PRIMARY KEY (record_id, revision))""",
    """CREATE TABLE dependants (
        record_id TEXT NOT NULL REFERENCES beneficiaries (record_id) ON DELETE CASCADE,
        dependant_id TEXT NOT NULL, national_number TEXT NOT NULL DEFAULT '',
        card_number TEXT NOT NULL DEFAULT '', name_norm TEXT NOT NULL DEFAULT '',
        PRIMARY KEY (record_id, dependant_id))""",
    "CREATE INDEX ix_dependants_national ON dependants (national_number)",
    "CREATE INDEX ix_dependants_card ON dependants (card_number)",
    # Photos and document scans live in the encrypted DB, never as plain files.
    """CREATE TABLE blobs (
        record_id TEXT NOT NULL REFERENCES beneficiaries (record_id) ON DELETE RESTRICT,
        revision INTEGER NOT NULL, kind TEXT NOT NULL, mime TEXT NOT NULL, quality TEXT NOT NULL DEFAULT '{}',
        override_reason TEXT NOT NULL DEFAULT '', data BLOB NOT NULL,
        PRIMARY KEY (record_id, revision, kind))""",
    """CREATE TABLE audit_log (
        seq INTEGER PRIMARY KEY, at TEXT NOT NULL, operator TEXT NOT NULL, action TEXT NOT NULL,
        record_id TEXT NOT NULL DEFAULT '', detail TEXT NOT NULL DEFAULT '{}',
        prev_hash TEXT NOT NULL, hash TEXT NOT NULL)""",
    """CREATE TABLE drafts (
        operator TEXT NOT NULL, draft_id TEXT NOT NULL, payload TEXT NOT NULL, updated_at TEXT NOT NULL,
        PRIMARY KEY (operator, draft_id))""",
    "CREATE TABLE sequences (name TEXT PRIMARY KEY, value INTEGER NOT NULL)",
    # External-content FTS over the normalised name and its sound keys (domain.arabic),
    # kept in step by triggers; no copy of the names is stored twice.
    """CREATE VIRTUAL TABLE names_fts USING fts5(
        name_norm, name_phon, content='beneficiaries', content_rowid='id', tokenize='unicode61 remove_diacritics 2',
        prefix='2 3')""",
    """CREATE TRIGGER beneficiaries_fts_ai AFTER INSERT ON beneficiaries BEGIN
        INSERT INTO names_fts (rowid, name_norm, name_phon) VALUES (new.id, new.name_norm, new.name_phon); END""",
    """CREATE TRIGGER beneficiaries_fts_ad AFTER DELETE ON beneficiaries BEGIN
        INSERT INTO names_fts (names_fts, rowid, name_norm, name_phon)
            VALUES ('delete', old.id, old.name_norm, old.name_phon); END""",
    """CREATE TRIGGER beneficiaries_fts_au AFTER UPDATE OF name_norm, name_phon ON beneficiaries BEGIN
        INSERT INTO names_fts (names_fts, rowid, name_norm, name_phon)
            VALUES ('delete', old.id, old.name_norm, old.name_phon);
        INSERT INTO names_fts (rowid, name_norm, name_phon) VALUES (new.id, new.name_norm, new.name_phon); END""",
]

DROPS = ["names_fts", "sequences", "drafts", "audit_log", "blobs", "dependants", "revisions",
         "beneficiaries", "operators"]


def upgrade() -> None:
    for statement in STATEMENTS:
        op.execute(statement)


def downgrade() -> None:
    for table in DROPS:
        op.execute(f"DROP TABLE IF EXISTS {table}")
