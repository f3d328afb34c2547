"""The HQ console's tables (hq/console/models.py): staff, their sessions, the hash-chained staff
audit log, HQ's decisions on flagged records, and the console's search index of people. The
console made these itself (create_all) before it was a migration: existing ones are kept.

Revision ID: 0005
Revises: 0004
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

TZ = sa.DateTime(timezone=True)


def _tables() -> list[tuple[str, list, list[tuple[str, list[str]]]]]:
    """(name, columns, indexes) as of this revision."""
    C = sa.Column
    return [
        ("staff", [C("username", sa.String(64), primary_key=True), C("role", sa.String(16), nullable=False),
                   C("password_hash", sa.Text, nullable=False), C("totp_secret", sa.String(64)),
                   C("failed", sa.Integer, nullable=False), C("locked_until", TZ),
                   C("disabled", sa.Boolean, nullable=False), C("created_at", TZ, nullable=False)], []),
        ("staff_sessions", [C("token_hash", sa.String(64), primary_key=True),
                            C("username", sa.String(64), nullable=False), C("csrf", sa.String(64), nullable=False),
                            C("created_at", TZ, nullable=False), C("seen_at", TZ, nullable=False)],
         [("ix_staff_sessions_username", ["username"])]),
        ("hq_audit", [C("id", sa.Integer, primary_key=True, autoincrement=True), C("at", TZ, nullable=False),
                      C("actor", sa.String(64), nullable=False), C("action", sa.String(48), nullable=False),
                      C("target", sa.String(128), nullable=False), C("detail", sa.Text, nullable=False),
                      C("prev_hash", sa.String(64), nullable=False), C("hash", sa.String(64), nullable=False)], []),
        ("decisions", [C("id", sa.Integer, primary_key=True, autoincrement=True),
                       C("record_id", sa.String(36), nullable=False), C("revision", sa.Integer, nullable=False),
                       C("office_code", sa.String(32), nullable=False), C("action", sa.String(16), nullable=False),
                       C("reason", sa.String(48), nullable=False), C("duplicate_of", sa.String(36)),
                       C("note", sa.Text, nullable=False), C("decided_by", sa.String(64), nullable=False),
                       C("decided_at", TZ, nullable=False), C("doc", sa.Text, nullable=False)],
         [("ix_decisions_record_id", ["record_id"]), ("ix_decisions_office_id", ["office_code", "id"])]),
        ("console_people", [C("record_id", sa.String(36), primary_key=True), C("revision", sa.Integer, nullable=False),
                            C("national_number", sa.String(32), nullable=False),
                            C("office_code", sa.String(32), nullable=False), C("status", sa.String(16), nullable=False),
                            C("received_at", TZ, nullable=False), C("name", sa.Text, nullable=False),
                            C("names", sa.Text, nullable=False), C("birth", sa.String(10), nullable=False),
                            C("phone", sa.String(32), nullable=False), C("decided", sa.Boolean, nullable=False),
                            C("device_id", sa.String(36), nullable=False),
                            C("registered_day", sa.String(10), nullable=False)],
         [("ix_console_people_national_number", ["national_number"]),
          ("ix_console_people_received_at", ["received_at"]), ("ix_console_people_phone", ["phone"]),
          ("ix_people_queue", ["status", "decided", "received_at"]),
          ("ix_people_received_device", ["received_at", "device_id"]),
          ("ix_people_registered", ["registered_day", "office_code"]),
          ("ix_people_office_received", ["office_code", "received_at"])]),
        ("console_people_sounds", [C("sound", sa.String(48), nullable=False),
                                   C("record_id", sa.String(36), nullable=False)],
         [("ix_people_sounds", ["sound", "record_id"]), ("ix_people_sounds_record", ["record_id"])]),
        ("console_people_keys", [C("kind", sa.String(8), nullable=False), C("value", sa.String(40), nullable=False),
                                 C("record_id", sa.String(36), nullable=False)],
         [("ix_console_people_keys_record_id", ["record_id"]), ("ix_people_keys", ["kind", "value"])]),
        ("console_index_state", [C("id", sa.Integer, primary_key=True), C("watermark", TZ)], []),
    ]


def upgrade() -> None:
    existing = set(sa.inspect(op.get_bind()).get_table_names())
    for name, columns, indexes in _tables():
        if name in existing:
            continue
        op.create_table(name, *columns)
        for index, cols in indexes:
            op.create_index(index, name, cols)


def downgrade() -> None:
    for name, _columns, _indexes in reversed(_tables()):
        op.drop_table(name)
