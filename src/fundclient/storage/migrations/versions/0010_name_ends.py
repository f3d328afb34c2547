"""The names by their ends' sound: `name_ends`, a narrow table clustered by the sound keys of a
name's first and last words (first name, family name).

A search of a first and a family name ranks first the names whose first word sounds like the
typed first name and whose last word sounds like the typed family name. Those names are one
range of this table (`ends` = first word's sound key «x» last word's sound key), a few pages,
each row holding what the ranking needs (the normalised name): no holder's or dependant's row
read, one page per name, scattered over the store (`storage.search`, docs/performance.md).

`person`: the holder's `beneficiaries.id`, or minus the dependant's `dependants.id` (as
`duplicate_keys`). Kept by triggers on every insert, rename and delete of a holder or a dependant
(a bulk load does their work once per batch, `storage.bulk`). The sound keys are `name_phon`'s
words, in the places of `name_norm`'s words (an empty key kept in its place). The names the office
holds already are filed at the store's opening (`storage.name_ends_fill`: in slices, resumable,
progress at sign-in), not here.

Revision ID: 0010
Revises: 0009
"""

from alembic import op

from fundclient.storage.name_ends_fill import PENDING, PENDING_TABLE
from fundclient.storage.search_keys import NAME_ENDS_TABLE, NAME_ENDS_TRIGGERS

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute(NAME_ENDS_TABLE)
    for statement in NAME_ENDS_TRIGGERS.values():
        op.execute(statement)
    # The rows of the names the office holds already are filed at the store's opening, in slices,
    # resumable, with progress at sign-in (`storage.name_ends_fill`): here only noted.
    if op.get_bind().exec_driver_sql("SELECT EXISTS (SELECT 1 FROM beneficiaries)").scalar():
        for statement in PENDING:
            op.execute(statement)


def downgrade() -> None:
    for name in NAME_ENDS_TRIGGERS:
        op.execute(f"DROP TRIGGER IF EXISTS {name}")
    op.execute("DROP TABLE name_ends")
    op.execute(f"DROP TABLE IF EXISTS {PENDING_TABLE}")
    for name in op.get_bind().exec_driver_sql(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name LIKE 'name_ends_stage_%'").scalars().all():
        op.execute(f"DROP TABLE {name}")
