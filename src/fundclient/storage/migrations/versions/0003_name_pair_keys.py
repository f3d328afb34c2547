"""Name pair keys: the sound keys of every ordered pair of name words ("محمدxورفل"),
indexed in FTS. A pair is rare even when both words are common, so a name search or a
duplicate check reads a few short posting lists instead of the huge ones of محمد or علي.

Revision ID: 0003
Revises: 0002
"""

import sqlalchemy as sa
from alembic import op

from fundclient.storage.search_keys import name_pairs_from_norm

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

_FTS = ("CREATE VIRTUAL TABLE names_fts USING fts5(name_norm, name_phon, name_pairs, content='beneficiaries',"
        " content_rowid='id', tokenize='unicode61 remove_diacritics 2', prefix='2 3')")
_COLUMNS = "name_norm, name_phon, name_pairs"
_TRIGGERS = [
    f"""CREATE TRIGGER beneficiaries_fts_ai AFTER INSERT ON beneficiaries BEGIN
        INSERT INTO names_fts (rowid, {_COLUMNS}) VALUES (new.id, new.name_norm, new.name_phon, new.name_pairs); END""",
    f"""CREATE TRIGGER beneficiaries_fts_ad AFTER DELETE ON beneficiaries BEGIN
        INSERT INTO names_fts (names_fts, rowid, {_COLUMNS})
            VALUES ('delete', old.id, old.name_norm, old.name_phon, old.name_pairs); END""",
    f"""CREATE TRIGGER beneficiaries_fts_au AFTER UPDATE OF {_COLUMNS} ON beneficiaries BEGIN
        INSERT INTO names_fts (names_fts, rowid, {_COLUMNS})
            VALUES ('delete', old.id, old.name_norm, old.name_phon, old.name_pairs);
        INSERT INTO names_fts (rowid, {_COLUMNS}) VALUES (new.id, new.name_norm, new.name_phon, new.name_pairs); END""",
]
_TRIGGER_NAMES = ("beneficiaries_fts_ai", "beneficiaries_fts_ad", "beneficiaries_fts_au")


def upgrade() -> None:
    bind = op.get_bind()
    for name in _TRIGGER_NAMES:
        op.execute(f"DROP TRIGGER {name}")
    op.execute("DROP TABLE names_fts")
    op.execute("ALTER TABLE beneficiaries ADD COLUMN name_pairs TEXT NOT NULL DEFAULT ''")
    rows = bind.execute(sa.text("SELECT id, name_norm FROM beneficiaries")).fetchall()
    if rows:
        bind.execute(sa.text("UPDATE beneficiaries SET name_pairs = :pairs WHERE id = :id"),
                     [{"id": rid, "pairs": name_pairs_from_norm(norm)} for rid, norm in rows])
    op.execute(_FTS)
    for statement in _TRIGGERS:
        op.execute(statement)
    op.execute("INSERT INTO names_fts (names_fts) VALUES ('rebuild')")


def downgrade() -> None:
    for name in _TRIGGER_NAMES:
        op.execute(f"DROP TRIGGER {name}")
    op.execute("DROP TABLE names_fts")
    op.execute("ALTER TABLE beneficiaries DROP COLUMN name_pairs")
    op.execute("CREATE VIRTUAL TABLE names_fts USING fts5(name_norm, name_phon, content='beneficiaries',"
               " content_rowid='id', tokenize='unicode61 remove_diacritics 2', prefix='2 3')")
    op.execute("""CREATE TRIGGER beneficiaries_fts_ai AFTER INSERT ON beneficiaries BEGIN
        INSERT INTO names_fts (rowid, name_norm, name_phon) VALUES (new.id, new.name_norm, new.name_phon); END""")
    op.execute("""CREATE TRIGGER beneficiaries_fts_ad AFTER DELETE ON beneficiaries BEGIN
        INSERT INTO names_fts (names_fts, rowid, name_norm, name_phon)
            VALUES ('delete', old.id, old.name_norm, old.name_phon); END""")
    op.execute("""CREATE TRIGGER beneficiaries_fts_au AFTER UPDATE OF name_norm, name_phon ON beneficiaries BEGIN
        INSERT INTO names_fts (names_fts, rowid, name_norm, name_phon)
            VALUES ('delete', old.id, old.name_norm, old.name_phon);
        INSERT INTO names_fts (rowid, name_norm, name_phon) VALUES (new.id, new.name_norm, new.name_phon); END""")
    op.execute("INSERT INTO names_fts (names_fts) VALUES ('rebuild')")
