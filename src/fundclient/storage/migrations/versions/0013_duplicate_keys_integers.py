"""The duplicate check's keys by rule 3 (`domain.duplicate_keys`): ~3 signed 64-bit integer
keys a person instead of ~15 text keys, in tables clustered by (key, person).

`duplicate_keys` and the small table a save files in first (`duplicate_keys_new`, migration
0012, moved by `storage.key_filing`) become `(key INTEGER, person INTEGER, PRIMARY KEY (key,
person)) WITHOUT ROWID`: a key's people are one range of the table itself, read by the
duplicate check without a second lookup, one table to keep at a save instead of a table and its
index. Each row's `dup_keys` holds its person's keys comma-separated (`storage.rows.person_keys`);
the triggers read it as a JSON array — a value that is not one (a row still holding rule 2's
text keys until the re-keying reaches it) files nothing and removes nothing.

The old tables are not dropped here: at a million records they hold ~48 million rows (~4.5 GB),
and a DROP reads every page of them (109 s inside this migration, no progress, no resume: review
finding 1). They are *retired* (`storage.retired_drop.retire`: renamed, their indexes made tables of
their own, noted — a few page writes) and the store's opening drops them in slices before the
re-keying, with progress, resumable after a kill; the office's keys
are made again by `storage.duplicate_rule` at the store's next opening (the rule's version in
`meta` is 2 or less, the code's 3: in slices, resumable, its progress shown at sign-in). A
re-keying of an older rule left half-done (its note and stages) is dropped with them: it
starts again by the new rule. A bulk build's note (`storage.bulk_build`) of the old table's
index is dropped too: the new tables have no index of their own to make again.

Revision ID: 0013
Revises: 0012
"""

from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None

TABLES = ("duplicate_keys", "duplicate_keys_new")


def _table(name: str) -> str:
    return (f"CREATE TABLE {name} (key INTEGER NOT NULL, person INTEGER NOT NULL, PRIMARY KEY (key, person))"
            " WITHOUT ROWID")


def _each(column: str) -> str:
    """The integers of a `dup_keys` column as rows; nothing when it is not a list of them."""
    text = f"'[' || {column} || ']'"
    return f"json_each(CASE WHEN json_valid({text}) THEN {text} ELSE '[]' END)"


def _file(column: str, person: str) -> str:
    return (f"INSERT OR IGNORE INTO duplicate_keys_new (key, person) SELECT value, {person} FROM {_each(column)}"
            " WHERE type = 'integer'")


def _forget(column: str, person: str) -> str:
    """The keys of `column` filed for `person` removed from both tables (by their primary keys)."""
    return "".join(f"DELETE FROM {table} WHERE key IN (SELECT value FROM {_each(column)}) AND person = {person}; "
                   for table in TABLES)


# Same names as migrations 0008's, 0011's and 0012's (storage.bulk and storage.duplicate_rule set them aside by name).
TRIGGERS = {
    "duplicate_keys_holders_ai": ("CREATE TRIGGER duplicate_keys_holders_ai AFTER INSERT ON beneficiaries"
                                  f" WHEN new.dup_keys != '' BEGIN {_file('new.dup_keys', 'new.id')}; END"),
    "duplicate_keys_holders_au": ("CREATE TRIGGER duplicate_keys_holders_au AFTER UPDATE OF dup_keys ON beneficiaries"
                                  f" BEGIN {_forget('old.dup_keys', 'old.id')} {_file('new.dup_keys', 'new.id')}; END"),
    "duplicate_keys_holders_ad": ("CREATE TRIGGER duplicate_keys_holders_ad AFTER DELETE ON beneficiaries"
                                  f" BEGIN {_forget('old.dup_keys', 'old.id')} END"),
    "duplicate_keys_dependants_ai": ("CREATE TRIGGER duplicate_keys_dependants_ai AFTER INSERT ON dependants"
                                     f" WHEN new.dup_keys != '' BEGIN {_file('new.dup_keys', '-new.id')}; END"),
    "duplicate_keys_dependants_au": ("CREATE TRIGGER duplicate_keys_dependants_au AFTER UPDATE OF dup_keys ON"
                                     f" dependants BEGIN {_forget('old.dup_keys', '-old.id')}"
                                     f" {_file('new.dup_keys', '-new.id')}; END"),
    "duplicate_keys_dependants_ad": ("CREATE TRIGGER duplicate_keys_dependants_ad AFTER DELETE ON dependants"
                                     f" BEGIN {_forget('old.dup_keys', '-old.id')} END"),
}


def _names(kind: str, like: str) -> list[str]:
    return [r[0] for r in op.get_bind().exec_driver_sql(
        "SELECT name FROM sqlite_master WHERE type = ? AND name LIKE ? ORDER BY name", (kind, like)).fetchall()]


def _execute(sql: str, params=()):
    return op.get_bind().exec_driver_sql(sql, params)


def _set_aside_old() -> list[str]:
    """Rule 2's triggers and the note of a half-done rule-2 re-keying dropped (a few pages); its
    tables — the keys, the small table, a half-done re-keying's stages — retired. Their names."""
    from fundclient.storage.retired_drop import retire  # lazy: the drop's own module, only when migrating

    for name in _names("trigger", "duplicate_keys_%"):
        op.execute(f'DROP TRIGGER "{name}"')
    op.execute('DROP TABLE IF EXISTS "duplicate_keys_pending"')
    if _names("table", "bulk_build_pending"):
        op.execute("DELETE FROM bulk_build_pending WHERE name LIKE 'ix_duplicate_keys%'")
    retired = []
    for name in (*_names("table", "duplicate_keys_stage_%"), *TABLES):
        retired += retire(_execute, name)
    return retired


def upgrade() -> None:
    _set_aside_old()
    for name in TABLES:
        op.execute(_table(name))
    for sql in TRIGGERS.values():
        op.execute(sql)


def downgrade() -> None:
    """Rule 2's tables and triggers (migration 0012's), empty: the rows' keys cleared and the
    rule's version forgotten, so the older code files every person again at its opening."""
    from importlib import import_module

    versions = "fundclient.storage.migrations.versions."
    older = {**import_module(versions + "0008_duplicate_keys").TRIGGERS,
             **import_module(versions + "0011_duplicate_keys_one_index").TRIGGERS,
             **import_module(versions + "0012_duplicate_keys_new").TRIGGERS}
    from fundclient.storage.retired_drop import drop_here  # lazy: only in a downgrade (small stores, tests)

    for name in _names("trigger", "duplicate_keys_%"):
        op.execute(f'DROP TRIGGER "{name}"')
    for name in TABLES:
        op.execute(f'DROP TABLE IF EXISTS "{name}"')
    drop_here(_execute)
    op.execute("CREATE TABLE duplicate_keys (key TEXT NOT NULL, person INTEGER NOT NULL)")
    op.execute("CREATE UNIQUE INDEX ix_duplicate_keys ON duplicate_keys (key, person)")
    op.execute("CREATE TABLE duplicate_keys_new (key TEXT NOT NULL, person INTEGER NOT NULL)")
    op.execute("CREATE UNIQUE INDEX ix_duplicate_keys_new ON duplicate_keys_new (key, person)")
    op.execute("UPDATE beneficiaries SET dup_keys = '' WHERE dup_keys != ''")
    op.execute("UPDATE dependants SET dup_keys = '' WHERE dup_keys != ''")
    for sql in older.values():
        op.execute(sql)
    op.execute("DELETE FROM meta WHERE name = 'duplicate_keys_rule'")
