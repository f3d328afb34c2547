"""The names by the sound of their first two words and the spelling of their last: `name_heads`,
a narrow table clustered by (`heads`, `last`) — the sound keys of a name's first and second words
(first name, father's name) «x», and its last word (family name) as spelled.

A search of three or more words (first name, father's name, …, the family name or the start of it
being typed) ranks first the names whose first two words sound like the first two typed and whose
last word is the last typed, or starts with it. Those names are a few ranges of this table, each
row holding what the ranking needs (the normalised name): no holder's or dependant's row read
(`storage.search`, docs/performance.md).

`person`: the holder's `beneficiaries.id`, or minus the dependant's `dependants.id` (as
`name_ends`). Kept by triggers on every insert, rename and delete of a holder or a dependant (a
bulk load does their work once per batch, `storage.bulk`).

Revision ID: 0014
Revises: 0013
"""

from alembic import op

from fundclient.storage.search_keys import NAME_HEADS_TABLE, NAME_HEADS_TRIGGERS, name_heads_insert

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute(NAME_HEADS_TABLE)
    # Set-based: every holder's and dependant's row read once, sorted by SQLite's sorter, and the
    # table's B-tree filled in key order (no page split per row).
    holders = name_heads_insert("beneficiaries", "t.id", "t")
    dependants = name_heads_insert("dependants", "-d.id", "d").split(" SELECT ", 1)[1]
    op.execute(f"{holders} UNION ALL SELECT {dependants} ORDER BY 1, 2, 3")
    for statement in NAME_HEADS_TRIGGERS.values():
        op.execute(statement)


def downgrade() -> None:
    for name in NAME_HEADS_TRIGGERS:
        op.execute(f"DROP TRIGGER IF EXISTS {name}")
    op.execute("DROP TABLE name_heads")
