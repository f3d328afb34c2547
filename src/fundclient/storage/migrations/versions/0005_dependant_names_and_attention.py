"""Dependants found by name, and no full scan for the attention list.

- `dependants` is rebuilt with its own INTEGER PRIMARY KEY (a rowid that VACUUM, backups
  and restores keep) and the same search keys as a holder (sound keys, sound-key pairs);
  `dependant_names_fts` indexes them like `names_fts` indexes holders.
- `ix_revisions_attention`: the few revisions HQ refused or found to be duplicates
  (`needing_attention()` after login, save and sync read it instead of every revision).

Revision ID: 0005
Revises: 0004
"""

import sqlalchemy as sa
from alembic import op

from fundclient.storage.search_keys import name_pairs_from_norm, name_phon

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

_DEPENDANTS = """CREATE TABLE dependants (
    id INTEGER PRIMARY KEY,
    record_id TEXT NOT NULL REFERENCES beneficiaries (record_id) ON DELETE CASCADE,
    dependant_id TEXT NOT NULL, national_number TEXT NOT NULL DEFAULT '',
    card_number TEXT NOT NULL DEFAULT '', name_norm TEXT NOT NULL DEFAULT '',
    name_phon TEXT NOT NULL DEFAULT '', name_pairs TEXT NOT NULL DEFAULT '',
    UNIQUE (record_id, dependant_id))"""
_INDEXES = [
    "CREATE INDEX ix_dependants_national ON dependants (national_number)",
    "CREATE INDEX ix_dependants_card ON dependants (card_number)",
]
_COUNTERS = [
    """CREATE TRIGGER counters_dependants_ai AFTER INSERT ON dependants BEGIN
        UPDATE counters SET value = value + 1 WHERE name = 'dependants'; END""",
    """CREATE TRIGGER counters_dependants_ad AFTER DELETE ON dependants BEGIN
        UPDATE counters SET value = value - 1 WHERE name = 'dependants'; END""",
]
_COLUMNS = "name_norm, name_phon, name_pairs"
_FTS = ("CREATE VIRTUAL TABLE dependant_names_fts USING fts5(name_norm, name_phon, name_pairs,"
        " content='dependants', content_rowid='id', tokenize='unicode61 remove_diacritics 2', prefix='2 3')")
_FTS_TRIGGERS = [
    f"""CREATE TRIGGER dependants_fts_ai AFTER INSERT ON dependants BEGIN
        INSERT INTO dependant_names_fts (rowid, {_COLUMNS})
            VALUES (new.id, new.name_norm, new.name_phon, new.name_pairs); END""",
    f"""CREATE TRIGGER dependants_fts_ad AFTER DELETE ON dependants BEGIN
        INSERT INTO dependant_names_fts (dependant_names_fts, rowid, {_COLUMNS})
            VALUES ('delete', old.id, old.name_norm, old.name_phon, old.name_pairs); END""",
    f"""CREATE TRIGGER dependants_fts_au AFTER UPDATE OF {_COLUMNS} ON dependants BEGIN
        INSERT INTO dependant_names_fts (dependant_names_fts, rowid, {_COLUMNS})
            VALUES ('delete', old.id, old.name_norm, old.name_phon, old.name_pairs);
        INSERT INTO dependant_names_fts (rowid, {_COLUMNS})
            VALUES (new.id, new.name_norm, new.name_phon, new.name_pairs); END""",
]
_ATTENTION = ("CREATE INDEX ix_revisions_attention ON revisions (sync_state)"
              " WHERE sync_state IN ('duplicate', 'rejected')")


def upgrade() -> None:
    bind = op.get_bind()
    op.execute("ALTER TABLE dependants RENAME TO dependants_old")
    for name in ("ix_dependants_national", "ix_dependants_card"):
        op.execute(f"DROP INDEX IF EXISTS {name}")
    for name in ("counters_dependants_ai", "counters_dependants_ad"):
        op.execute(f"DROP TRIGGER IF EXISTS {name}")
    op.execute(_DEPENDANTS)
    rows = bind.execute(sa.text("SELECT record_id, dependant_id, national_number, card_number, name_norm"
                                " FROM dependants_old ORDER BY rowid")).fetchall()
    if rows:
        bind.execute(sa.text(
            "INSERT INTO dependants (record_id, dependant_id, national_number, card_number, name_norm,"
            " name_phon, name_pairs) VALUES (:r, :d, :n, :c, :norm, :phon, :pairs)"),
            [{"r": r, "d": d, "n": n, "c": c, "norm": norm, "phon": name_phon(norm),
              "pairs": name_pairs_from_norm(norm)} for r, d, n, c, norm in rows])
    op.execute("DROP TABLE dependants_old")
    for statement in (*_INDEXES, *_COUNTERS, _FTS, *_FTS_TRIGGERS, _ATTENTION):
        op.execute(statement)
    op.execute("INSERT INTO dependant_names_fts (dependant_names_fts) VALUES ('rebuild')")


def downgrade() -> None:
    op.execute("DROP INDEX IF EXISTS ix_revisions_attention")
    for name in ("dependants_fts_ai", "dependants_fts_ad", "dependants_fts_au"):
        op.execute(f"DROP TRIGGER IF EXISTS {name}")
    op.execute("DROP TABLE dependant_names_fts")
    op.execute("ALTER TABLE dependants DROP COLUMN name_pairs")
    op.execute("ALTER TABLE dependants DROP COLUMN name_phon")
