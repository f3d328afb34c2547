"""The names' vocabulary as a table, kept by triggers.

`name_words` holds every word of every holder's and dependant's normalised name once (a
few thousand rows at a million records). The search reads it for spelling correction and
loose-sound alternatives instead of the FTS indexes' whole term lists (fts5vocab walks
every posting list: 4–33 s for the first search at a million records); it reads only the
words added since it last looked (`id > ?`). Words are never removed (an edited name's old
words stay: harmless for spelling correction).

The triggers split `name_norm` (words of letters and digits only, one space apart:
`domain.arabic.normalise_name`) with json_each; `"` and `\\` are escaped all the same.

Revision ID: 0006
Revises: 0005
"""

from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

_TABLE = "CREATE TABLE name_words (id INTEGER PRIMARY KEY, word TEXT NOT NULL UNIQUE)"
_WORDS = ("""INSERT OR IGNORE INTO name_words (word) SELECT value FROM json_each('["' || replace(replace(replace("""
          """new.name_norm, '\\', '\\\\'), '"', '\\"'), ' ', '","') || '"]') WHERE value != ''""")
TRIGGERS = {
    "name_words_holders_ai": f"CREATE TRIGGER name_words_holders_ai AFTER INSERT ON beneficiaries BEGIN {_WORDS}; END",
    "name_words_holders_au": ("CREATE TRIGGER name_words_holders_au AFTER UPDATE OF name_norm ON beneficiaries"
                              f" BEGIN {_WORDS}; END"),
    "name_words_dependants_ai": f"CREATE TRIGGER name_words_dependants_ai AFTER INSERT ON dependants BEGIN {_WORDS}; END",
    "name_words_dependants_au": ("CREATE TRIGGER name_words_dependants_au AFTER UPDATE OF name_norm ON dependants"
                                 f" BEGIN {_WORDS}; END"),
}


def upgrade() -> None:
    op.execute(_TABLE)
    for fts in ("names_fts", "dependant_names_fts"):
        # Once, here: the FTS index's own term list (every posting list read once).
        op.execute(f"CREATE VIRTUAL TABLE temp.{fts}_words USING fts5vocab(main, {fts}, col)")
        op.execute(f"INSERT OR IGNORE INTO name_words (word) SELECT term FROM temp.{fts}_words"
                   " WHERE col = 'name_norm'")
        op.execute(f"DROP TABLE temp.{fts}_words")
    for statement in TRIGGERS.values():
        op.execute(statement)


def downgrade() -> None:
    for name in TRIGGERS:
        op.execute(f"DROP TRIGGER IF EXISTS {name}")
    op.execute("DROP TABLE name_words")
