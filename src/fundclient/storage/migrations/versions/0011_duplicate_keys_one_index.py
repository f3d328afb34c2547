"""The duplicate check's keys with one index: `duplicate_keys (key, person)` only.

The index by person (`ix_duplicate_keys_person`) served the keys' triggers alone (a person's
keys removed when the row changes or goes). They now remove them by the row's own keys
(`old.dup_keys`, the very text the keys were filed from), through the (key, person) index. One
index fewer to keep at every save, and to make when an office's keys are made again
(`storage.duplicate_rule`: at a million records that index was a sort of 48 million entries,
held in memory — temporary files stay in memory, they would be plaintext).

Revision ID: 0011
Revises: 0010
"""

from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def _each(column: str) -> str:
    return """json_each('["' || replace(replace(replace(""" + column + """, '\\', '\\\\'), '"', '\\"'), ' ', '","') || '"]')"""


def _file(column: str, person: str) -> str:
    return ("INSERT OR IGNORE INTO duplicate_keys (key, person) SELECT value, " + person
            + " FROM " + _each(column) + " WHERE value != ''")


def _remove(column: str, person: str) -> str:
    """The keys of `column` filed for `person` removed (by the (key, person) index)."""
    return (f"DELETE FROM duplicate_keys WHERE person = {person} AND key IN (SELECT value FROM {_each(column)})")


TRIGGERS = {
    "duplicate_keys_holders_au": ("CREATE TRIGGER duplicate_keys_holders_au AFTER UPDATE OF dup_keys ON beneficiaries"
                                  f" BEGIN {_remove('old.dup_keys', 'old.id')}; {_file('new.dup_keys', 'new.id')}; END"),
    "duplicate_keys_holders_ad": ("CREATE TRIGGER duplicate_keys_holders_ad AFTER DELETE ON beneficiaries"
                                  f" BEGIN {_remove('old.dup_keys', 'old.id')}; END"),
    "duplicate_keys_dependants_au": ("CREATE TRIGGER duplicate_keys_dependants_au AFTER UPDATE OF dup_keys ON"
                                     f" dependants BEGIN {_remove('old.dup_keys', '-old.id')};"
                                     f" {_file('new.dup_keys', '-new.id')}; END"),
    "duplicate_keys_dependants_ad": ("CREATE TRIGGER duplicate_keys_dependants_ad AFTER DELETE ON dependants"
                                     f" BEGIN {_remove('old.dup_keys', '-old.id')}; END"),
}
_BY_PERSON = {
    "duplicate_keys_holders_au": ("CREATE TRIGGER duplicate_keys_holders_au AFTER UPDATE OF dup_keys ON beneficiaries"
                                  " BEGIN DELETE FROM duplicate_keys WHERE person = old.id;"
                                  f" {_file('new.dup_keys', 'new.id')}; END"),
    "duplicate_keys_holders_ad": ("CREATE TRIGGER duplicate_keys_holders_ad AFTER DELETE ON beneficiaries"
                                  " BEGIN DELETE FROM duplicate_keys WHERE person = old.id; END"),
    "duplicate_keys_dependants_au": ("CREATE TRIGGER duplicate_keys_dependants_au AFTER UPDATE OF dup_keys ON"
                                     " dependants BEGIN DELETE FROM duplicate_keys WHERE person = -old.id;"
                                     f" {_file('new.dup_keys', '-new.id')}; END"),
    "duplicate_keys_dependants_ad": ("CREATE TRIGGER duplicate_keys_dependants_ad AFTER DELETE ON dependants"
                                     " BEGIN DELETE FROM duplicate_keys WHERE person = -old.id; END"),
}


def _exists(kind: str, name: str) -> bool:
    return op.get_bind().exec_driver_sql("SELECT EXISTS (SELECT 1 FROM sqlite_master WHERE type = ? AND name = ?)",
                                         (kind, name)).scalar() == 1


def upgrade() -> None:
    # An office re-keying (`duplicate_rule`, its triggers set aside): its note holds their SQL.
    pending = _exists("table", "duplicate_keys_pending")
    for name, sql in TRIGGERS.items():
        if _exists("trigger", name):
            op.execute(f"DROP TRIGGER {name}")
            op.execute(sql)
        if pending:
            op.get_bind().exec_driver_sql("UPDATE duplicate_keys_pending SET sql = ? WHERE kind = 'trigger' AND name = ?",
                                          (sql, name))
    op.execute("DROP INDEX IF EXISTS ix_duplicate_keys_person")
    if pending:
        op.execute("DELETE FROM duplicate_keys_pending WHERE kind = 'index' AND name = 'ix_duplicate_keys_person'")


def downgrade() -> None:
    for name, sql in _BY_PERSON.items():
        op.execute(f"DROP TRIGGER IF EXISTS {name}")
        op.execute(sql)
    op.execute("CREATE INDEX ix_duplicate_keys_person ON duplicate_keys (person)")
