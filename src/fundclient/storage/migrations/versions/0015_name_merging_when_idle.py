"""The name indexes' (FTS5) segments merged when the writer is idle, not inside a save's commit:
'automerge' = 0 on `names_fts` and `dependant_names_fts`.

With FTS5's default (4) every ~64th save merged ~450 pages of each index inside its COMMIT at a
million records (40–100 ms of that save's own CPU, issue #11 item 2). The merging is now done by
the store's idle thread in short steps (`storage.name_merging`, `storage.key_filing`); a commit
merges only in FTS5's crisis (a level of 16 segments). The setting lives in each index's
`_config` table, so every connection and every process (a CLI import, a bulk build) follows it.

Revision ID: 0015
Revises: 0014
"""

from alembic import op

from fundclient.storage.name_merging import AUTOMERGE_OFF, AUTOMERGE_ON

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade() -> None:
    for statement in AUTOMERGE_OFF:
        op.execute(statement)


def downgrade() -> None:
    for statement in AUTOMERGE_ON:
        op.execute(statement)
