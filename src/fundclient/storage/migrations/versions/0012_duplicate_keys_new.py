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

Revision ID: 0012
Revises: 0011
"""

from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None

TABLE = "duplicate_keys_new"
_TABLE = f"CREATE TABLE {TABLE} (key TEXT NOT NULL, person INTEGER NOT NULL)"
_INDEXES = [f"CREATE UNIQUE INDEX ix_{TABLE} ON {TABLE} (key, person)"]


def _each(column: str) -> str:
    return """json_each('["' || replace(replace(replace(""" + column + """, '\\', '\\\\'), '"', '\\"'), ' ', '","') || '"]')"""


def _split(column: str, person: str) -> str:
    """The keys of `column` (space-separated) filed for `person` in the small table."""
    return (f"INSERT OR IGNORE INTO {TABLE} (key, person) SELECT value, " + person
            + " FROM " + _each(column) + " WHERE value != ''")


def _forget(column: str, person: str) -> str:
    """The keys of `column` filed for `person` removed from both tables (by their (key, person)
    indexes, as migration 0011's triggers remove them)."""
    return "".join(f"DELETE FROM {table} WHERE person = {person} AND key IN (SELECT value FROM {_each(column)}); "
                   for table in ("duplicate_keys", TABLE))


# Same names as migrations 0008's and 0011's (storage.bulk and storage.duplicate_rule set them aside by name).
TRIGGERS = {
    "duplicate_keys_holders_ai": ("CREATE TRIGGER duplicate_keys_holders_ai AFTER INSERT ON beneficiaries"
                                  f" WHEN new.dup_keys != '' BEGIN {_split('new.dup_keys', 'new.id')}; END"),
    "duplicate_keys_holders_au": ("CREATE TRIGGER duplicate_keys_holders_au AFTER UPDATE OF dup_keys ON beneficiaries"
                                  f" BEGIN {_forget('old.dup_keys', 'old.id')} {_split('new.dup_keys', 'new.id')}; END"),
    "duplicate_keys_holders_ad": ("CREATE TRIGGER duplicate_keys_holders_ad AFTER DELETE ON beneficiaries"
                                  f" BEGIN {_forget('old.dup_keys', 'old.id')} END"),
    "duplicate_keys_dependants_ai": ("CREATE TRIGGER duplicate_keys_dependants_ai AFTER INSERT ON dependants"
                                     f" WHEN new.dup_keys != '' BEGIN {_split('new.dup_keys', '-new.id')}; END"),
    "duplicate_keys_dependants_au": ("CREATE TRIGGER duplicate_keys_dependants_au AFTER UPDATE OF dup_keys ON"
                                     f" dependants BEGIN {_forget('old.dup_keys', '-old.id')} {_split('new.dup_keys', '-new.id')}; END"),
    "duplicate_keys_dependants_ad": ("CREATE TRIGGER duplicate_keys_dependants_ad AFTER DELETE ON dependants"
                                     f" BEGIN {_forget('old.dup_keys', '-old.id')} END"),
}


def _exists(kind: str, name: str) -> bool:
    return op.get_bind().exec_driver_sql("SELECT EXISTS (SELECT 1 FROM sqlite_master WHERE type = ? AND name = ?)",
                                         (kind, name)).scalar() == 1


def _triggers(made: dict[str, str]) -> None:
    """`made`'s triggers in place of the keys' triggers — or, an office re-keying
    (`duplicate_rule`, its triggers set aside), in its note, as migration 0011 does."""
    pending = _exists("table", "duplicate_keys_pending")
    for name, sql in made.items():
        if _exists("trigger", name) or not pending:
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
            op.execute(sql)
        if pending:
            op.get_bind().exec_driver_sql("UPDATE duplicate_keys_pending SET sql = ? WHERE kind = 'trigger' AND name = ?",
                                          (sql, name))


def upgrade() -> None:
    op.execute(_TABLE)
    for statement in _INDEXES:
        op.execute(statement)
    _triggers(TRIGGERS)


def downgrade() -> None:
    from importlib import import_module

    versions = "fundclient.storage.migrations.versions."
    earlier = {**import_module(versions + "0008_duplicate_keys").TRIGGERS,
               **import_module(versions + "0011_duplicate_keys_one_index").TRIGGERS}
    op.execute(f"INSERT OR IGNORE INTO duplicate_keys (key, person) SELECT key, person FROM {TABLE}")
    _triggers(earlier)
    op.execute(f"DROP TABLE {TABLE}")
