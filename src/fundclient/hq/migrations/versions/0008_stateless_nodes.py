"""Stateless HQ nodes (#15): uploads in progress live in the database, not on one node's disk;
photos are stored once, by SHA-256, outside the record rows.

* `uploads` (one row per upload in progress: its signed length, hash, device, the bytes HQ
  holds) and `upload_parts` (the bytes, in the pieces they arrived in, keyed by their offset).
  Any node answers HEAD and continues a PATCH from the byte the database holds.
* `blobs` (sha256 -> bytes); `photos` keeps the hash and loses its `data` column. Existing
  photo bytes move into `blobs`, one row per distinct hash.

Uploads that 0.5 and older kept as files in HQ_DIR/uploads are not carried over: the office
asks HQ (HEAD), hears 404 and sends the batch again (docs/sync-protocol.md).

Revision ID: 0008
Revises: 0007
"""

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

TZ = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "uploads",
        sa.Column("batch_id", sa.String(36), primary_key=True),
        sa.Column("device_id", sa.String(36), nullable=False),
        sa.Column("length", sa.BigInteger, nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("held", sa.BigInteger, nullable=False),
        sa.Column("created_at", TZ, nullable=False),
        sa.Column("updated_at", TZ, nullable=False),
    )
    op.create_index("ix_uploads_device_id", "uploads", ["device_id"])
    op.create_index("ix_uploads_updated_at", "uploads", ["updated_at"])
    op.create_table(
        "upload_parts",
        sa.Column("batch_id", sa.String(36), primary_key=True),
        sa.Column("start_byte", sa.BigInteger, primary_key=True),
        sa.Column("data", sa.LargeBinary, nullable=False),
    )
    op.create_table(
        "blobs",
        sa.Column("sha256", sa.String(64), primary_key=True),
        sa.Column("size", sa.Integer, nullable=False),
        sa.Column("data", sa.LargeBinary, nullable=False),
    )
    if op.get_bind().dialect.name == "postgresql":
        # Sealed batches and JPEGs do not compress: skip TOAST's compression attempt.
        op.execute("ALTER TABLE blobs ALTER COLUMN data SET STORAGE EXTERNAL")
        op.execute("ALTER TABLE upload_parts ALTER COLUMN data SET STORAGE EXTERNAL")
    # One blob per distinct hash (ingest checked every photo's bytes against its hash).
    op.execute("INSERT INTO blobs (sha256, size, data) SELECT sha256, length(data), data FROM photos "
               "WHERE id IN (SELECT MIN(id) FROM photos GROUP BY sha256)")
    with op.batch_alter_table("photos") as batch:
        batch.drop_column("data")
    op.create_index("ix_photos_sha256", "photos", ["sha256"])


def downgrade() -> None:
    op.drop_index("ix_photos_sha256", "photos")
    with op.batch_alter_table("photos") as batch:
        batch.add_column(sa.Column("data", sa.LargeBinary))
    op.execute("UPDATE photos SET data = (SELECT data FROM blobs WHERE blobs.sha256 = photos.sha256)")
    with op.batch_alter_table("photos") as batch:
        batch.alter_column("data", existing_type=sa.LargeBinary, nullable=False)
    if op.get_bind().dialect.name == "postgresql":
        op.execute("ALTER TABLE photos ALTER COLUMN data SET STORAGE EXTERNAL")
    op.drop_table("blobs")
    op.drop_table("upload_parts")
    op.drop_index("ix_uploads_updated_at", "uploads")
    op.drop_index("ix_uploads_device_id", "uploads")
    op.drop_table("uploads")
