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
bulk load does their work once per batch, `storage.bulk`). The names the office holds already are
filed at the store's opening (`storage.name_ends_fill`: in slices, resumable, progress at sign-in),
not here.

Revision ID: 0014
Revises: 0013
"""

from alembic import op

from fundclient.storage.name_ends_fill import NAME_HEADS
from fundclient.storage.search_keys import NAME_HEADS_TABLE, NAME_HEADS_TRIGGERS

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute(NAME_HEADS_TABLE)
    for statement in NAME_HEADS_TRIGGERS.values():
        op.execute(statement)
    # The rows of the names the office holds already are filed at the store's opening, in slices,
    # resumable, with progress at sign-in (`storage.name_ends_fill`): here only noted.
    if op.get_bind().exec_driver_sql("SELECT EXISTS (SELECT 1 FROM beneficiaries)").scalar():
        for statement in NAME_HEADS.notes:
            op.execute(statement)


def downgrade() -> None:
    for name in NAME_HEADS_TRIGGERS:
        op.execute(f"DROP TRIGGER IF EXISTS {name}")
    op.execute("DROP TABLE name_heads")
    op.execute(f"DROP TABLE IF EXISTS {NAME_HEADS.pending}")
    for name in op.get_bind().exec_driver_sql(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name LIKE 'name_heads_stage_%'").scalars().all():
        op.execute(f"DROP TABLE {name}")
