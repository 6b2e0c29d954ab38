"""feeds: partner feed batches, quarantined rows, sealed identifiers, dataset data keys

Revision ID: feeds_0001
Revises: 0001
Create Date: 2026-11-23
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from accord.store.migrations.columns import (
    counts,
    drop_tables,
    fk,
    indexes,
    moments,
    pk,
    sealed,
    strings,
    unique,
    uuids,
)

revision: str = "feeds_0001"
down_revision: str | Sequence[str] | None = "0001"
branch_labels: str | Sequence[str] | None = ("feeds",)
depends_on: str | Sequence[str] | None = None

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
        *uuids("id"),
        *strings("register", "partner", "dataset"),
        *strings("file_name", length=255),
        *strings("file_hash"),
        *strings("delivery", length=16),
        *moments("received_at"),
        *uuids("actor_id", nullable=True),
        *counts(*_COUNTS),
        pk("feed_batches"),
        unique("feed_batches", "register", "partner", "dataset", "file_hash"),
    )
    op.create_table(
        "feed_quarantine",
        *uuids("id", "batch_id"),
        *counts("row_number"),
        sa.Column("reasons", sa.JSON(), nullable=False),
        *sealed("sealed_row", nullable=True),
        pk("feed_quarantine"),
        fk("feed_quarantine", "batch_id", "feed_batches.id"),
    )
    indexes("feed_quarantine", "batch_id")
    op.create_table(
        "feed_identifiers",
        *strings("record_id", length=32),
        *strings("register", "partner", "dataset"),
        *uuids("batch_id", nullable=True),
        *strings("row_digest", length=32),
        sa.Column("record_date", sa.Date(), nullable=True),
        *sealed("sealed"),
        *moments("updated_at"),
        pk("feed_identifiers", "record_id"),
    )
    op.create_index(
        "ix_feed_identifiers_dataset", "feed_identifiers", ["register", "partner", "dataset"]
    )
    op.create_table(
        "feed_data_keys",
        *uuids("id"),
        *strings("register", "partner", "dataset", "key_id"),
        *sealed("wrapped"),
        *moments("created_at"),
        pk("feed_data_keys"),
        unique("feed_data_keys", "register", "partner", "dataset"),
    )


def downgrade() -> None:
    drop_tables("feed_data_keys", "feed_identifiers", "feed_quarantine", "feed_batches")
