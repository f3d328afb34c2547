"""The duplicate check's blocking keys, indexed (`domain.duplicate_keys`).

Each holder's and dependant's row carries its keys (`dup_keys`, space-separated, written with
the row by `storage.rows`); triggers file them in `duplicate_keys` (key, person: the holder's
`beneficiaries.id`, or minus the dependant's `dependants.id`), so every write path — a save,
an edit (dependants are deleted and inserted again), a bulk load — keeps the table true. The
form's check and an import's batch check read the candidates of a key set from its index.

Existing stores: every current record's keys are filed by migration 0009 (by the key rule's
current version, `storage.duplicate_rule`).

Revision ID: 0008
Revises: 0007
"""

from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

_TABLE = "CREATE TABLE duplicate_keys (key TEXT NOT NULL, person INTEGER NOT NULL)"
_INDEXES = ["CREATE UNIQUE INDEX ix_duplicate_keys ON duplicate_keys (key, person)",
            "CREATE INDEX ix_duplicate_keys_person ON duplicate_keys (person)"]


def _each(column: str) -> str:
    return """json_each('["' || replace(replace(replace(""" + column + """, '\\', '\\\\'), '"', '\\"'), ' ', '","') || '"]')"""


def _split(column: str, person: str) -> str:
    """The keys of `column` (space-separated) filed for `person` (as name_words' triggers split a name)."""
    return ("INSERT OR IGNORE INTO duplicate_keys (key, person) SELECT value, " + person
            + " FROM " + _each(column) + " WHERE value != ''")


TRIGGERS = {
    "duplicate_keys_holders_ai": ("CREATE TRIGGER duplicate_keys_holders_ai AFTER INSERT ON beneficiaries"
                                  f" WHEN new.dup_keys != '' BEGIN {_split('new.dup_keys', 'new.id')}; END"),
    "duplicate_keys_holders_au": ("CREATE TRIGGER duplicate_keys_holders_au AFTER UPDATE OF dup_keys ON beneficiaries"
                                  " BEGIN DELETE FROM duplicate_keys WHERE person = old.id;"
                                  f" {_split('new.dup_keys', 'new.id')}; END"),
    "duplicate_keys_holders_ad": ("CREATE TRIGGER duplicate_keys_holders_ad AFTER DELETE ON beneficiaries"
                                  " BEGIN DELETE FROM duplicate_keys WHERE person = old.id; END"),
    "duplicate_keys_dependants_ai": ("CREATE TRIGGER duplicate_keys_dependants_ai AFTER INSERT ON dependants"
                                     f" WHEN new.dup_keys != '' BEGIN {_split('new.dup_keys', '-new.id')}; END"),
    "duplicate_keys_dependants_au": ("CREATE TRIGGER duplicate_keys_dependants_au AFTER UPDATE OF dup_keys ON"
                                     " dependants BEGIN DELETE FROM duplicate_keys WHERE person = -old.id;"
                                     f" {_split('new.dup_keys', '-new.id')}; END"),
    "duplicate_keys_dependants_ad": ("CREATE TRIGGER duplicate_keys_dependants_ad AFTER DELETE ON dependants"
                                     " BEGIN DELETE FROM duplicate_keys WHERE person = -old.id; END"),
}


def upgrade() -> None:
    op.execute("ALTER TABLE beneficiaries ADD COLUMN dup_keys TEXT NOT NULL DEFAULT ''")
    op.execute("ALTER TABLE dependants ADD COLUMN dup_keys TEXT NOT NULL DEFAULT ''")
    op.execute(_TABLE)
    # An existing store's keys are filed by migration 0009 (`storage.duplicate_rule.rekey`, by the
    # rule's current version: one pass over the records, not one here and one there).
    for statement in (*_INDEXES, *TRIGGERS.values()):
        op.execute(statement)


def downgrade() -> None:
    for name in TRIGGERS:
        op.execute(f"DROP TRIGGER IF EXISTS {name}")
    op.execute("DROP TABLE duplicate_keys")
    op.execute("ALTER TABLE dependants DROP COLUMN dup_keys")
    op.execute("ALTER TABLE beneficiaries DROP COLUMN dup_keys")
