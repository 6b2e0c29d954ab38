"""feeds: partner feed batches, quarantined rows, sealed identifiers, dataset data keys

Revision ID: feeds_0001
Revises: 0001
Create Date: 2026-11-23
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from accord.store.migrations import columns as col

revision: str = "feeds_0001"
down_revision: str | Sequence[str] | None = "0001"
branch_labels: str | Sequence[str] | None = ("feeds",)

_COUNTS = (
    "rows_in",
    "rows_loaded",
    "rows_inserted",
    "rows_updated",
    "rows_unchanged",
    "rows_deleted_in_file",
    "rows_excluded",
    "rows_quarantined",
    "records_deleted",
    "duplicate_keys",
)


def upgrade() -> None:
    op.create_table(
        "feed_batches",
        *col.uuids("id"),
        *col.strings("register", "partner", "dataset"),
        *col.strings("file_name", length=255),
        *col.strings("file_hash"),
        *col.strings("delivery", length=16),
        *col.moments("received_at"),
        *col.uuids("actor_id", nullable=True),
        *col.counts(*_COUNTS),
        col.pk("feed_batches"),
        col.unique("feed_batches", "register", "partner", "dataset", "file_hash"),
    )
    op.create_table(
        "feed_quarantine",
        *col.uuids("id", "batch_id"),
        *col.counts("row_number"),
        sa.Column("reasons", sa.JSON(), nullable=False),
        *col.sealed("sealed_row", nullable=True),
        col.pk("feed_quarantine"),
        col.fk("feed_quarantine", "batch_id", "feed_batches.id"),
    )
    col.indexes("feed_quarantine", "batch_id")
    op.create_table(
        "feed_identifiers",
        *col.strings("record_id", length=32),
        *col.strings("register", "partner", "dataset"),
        *col.uuids("batch_id", nullable=True),
        *col.strings("row_digest", length=32),
        sa.Column("record_date", sa.Date(), nullable=True),
        *col.sealed("sealed"),
        *col.moments("updated_at"),
        col.pk("feed_identifiers", "record_id"),
    )
    op.create_index(
        "ix_feed_identifiers_dataset", "feed_identifiers", ["register", "partner", "dataset"]
    )
    op.create_table(
        "feed_data_keys",
        *col.uuids("id"),
        *col.strings("register", "partner", "dataset", "key_id"),
        *col.sealed("wrapped"),
        *col.moments("created_at"),
        col.pk("feed_data_keys"),
        col.unique("feed_data_keys", "register", "partner", "dataset"),
    )


def downgrade() -> None:
    col.drop_tables("feed_data_keys", "feed_identifiers", "feed_quarantine", "feed_batches")
