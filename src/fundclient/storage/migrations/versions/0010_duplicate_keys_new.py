"""A save's duplicate keys filed first in a small table (`duplicate_keys_new`), moved into the
big one later by `storage.key_filing` when the writer is idle.

At a million records `duplicate_keys` holds ~48 M (key, person) rows: each of a save's ~54
keys (15 per person, the holder and ~2.6 dependants) landed on a random leaf of its (key,
person) index, read from disk or the OS cache and decrypted, split when full (the index is
built packed) and written back at the commit: ~100 more pages read and ~120 more written per
save, 5.9 → 53.7 ms p50 wall (docs/performance.md). The per-row triggers now file a save's or
an edit's keys in `duplicate_keys_new`, whose index stays small and in the page cache; the
duplicate check reads both tables (`storage.duplicate_candidates`). A bulk load's catch-up
(`storage.bulk`) and a re-keying (`storage.duplicate_rule`) still fill `duplicate_keys`
directly. An edit or a deletion removes the person's keys from both.

Revision ID: 0010
Revises: 0009
"""

from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

TABLE = "duplicate_keys_new"
_TABLE = f"CREATE TABLE {TABLE} (key TEXT NOT NULL, person INTEGER NOT NULL)"
_INDEXES = [f"CREATE UNIQUE INDEX ix_{TABLE} ON {TABLE} (key, person)",
            f"CREATE INDEX ix_{TABLE}_person ON {TABLE} (person)"]


def _each(column: str) -> str:
    return """json_each('["' || replace(replace(replace(""" + column + """, '\\', '\\\\'), '"', '\\"'), ' ', '","') || '"]')"""


def _split(column: str, person: str) -> str:
    """The keys of `column` (space-separated) filed for `person` in the small table."""
    return (f"INSERT OR IGNORE INTO {TABLE} (key, person) SELECT value, " + person
            + " FROM " + _each(column) + " WHERE value != ''")


def _forget(person: str) -> str:
    return f"DELETE FROM duplicate_keys WHERE person = {person}; DELETE FROM {TABLE} WHERE person = {person};"


# Same names as migration 0008's (storage.bulk and storage.duplicate_rule set them aside by name).
TRIGGERS = {
    "duplicate_keys_holders_ai": ("CREATE TRIGGER duplicate_keys_holders_ai AFTER INSERT ON beneficiaries"
                                  f" WHEN new.dup_keys != '' BEGIN {_split('new.dup_keys', 'new.id')}; END"),
    "duplicate_keys_holders_au": ("CREATE TRIGGER duplicate_keys_holders_au AFTER UPDATE OF dup_keys ON beneficiaries"
                                  f" BEGIN {_forget('old.id')} {_split('new.dup_keys', 'new.id')}; END"),
    "duplicate_keys_holders_ad": ("CREATE TRIGGER duplicate_keys_holders_ad AFTER DELETE ON beneficiaries"
                                  f" BEGIN {_forget('old.id')} END"),
    "duplicate_keys_dependants_ai": ("CREATE TRIGGER duplicate_keys_dependants_ai AFTER INSERT ON dependants"
                                     f" WHEN new.dup_keys != '' BEGIN {_split('new.dup_keys', '-new.id')}; END"),
    "duplicate_keys_dependants_au": ("CREATE TRIGGER duplicate_keys_dependants_au AFTER UPDATE OF dup_keys ON"
                                     f" dependants BEGIN {_forget('-old.id')} {_split('new.dup_keys', '-new.id')}; END"),
    "duplicate_keys_dependants_ad": ("CREATE TRIGGER duplicate_keys_dependants_ad AFTER DELETE ON dependants"
                                     f" BEGIN {_forget('-old.id')} END"),
}


def upgrade() -> None:
    op.execute(_TABLE)
    for statement in _INDEXES:
        op.execute(statement)
    for name, statement in TRIGGERS.items():
        op.execute(f"DROP TRIGGER IF EXISTS {name}")
        op.execute(statement)


def downgrade() -> None:
    from importlib import import_module

    earlier = import_module("fundclient.storage.migrations.versions.0008_duplicate_keys").TRIGGERS
    op.execute(f"INSERT OR IGNORE INTO duplicate_keys (key, person) SELECT key, person FROM {TABLE}")
    for name, statement in earlier.items():
        op.execute(f"DROP TRIGGER IF EXISTS {name}")
        op.execute(statement)
    op.execute(f"DROP TABLE {TABLE}")
