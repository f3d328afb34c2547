"""`person_profiles.rule`: the profile rule a person's stored duplicate profile was filed under
(`hq.profiles.RULE`). The HQ-wide check compares a held person from its stored profile only when
the row's rule is today's; a row of another rule (or a record whose rows are missing) is compared
from the record's JSON as before and filed again in the batch's commit (hq/duplicates.py), so a
change of `domain.duplicates.profile` or of the columns never compares stale profiles. The rows
0012 filled were made by rule 1.

Revision ID: 0014
Revises: 0013
"""

import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # (a constant default: no table rewrite on either database, whatever HQ holds)
    op.add_column("person_profiles", sa.Column("rule", sa.Integer, nullable=False, server_default="1"))


def downgrade() -> None:
    with op.batch_alter_table("person_profiles") as batch:
        batch.drop_column("rule")
