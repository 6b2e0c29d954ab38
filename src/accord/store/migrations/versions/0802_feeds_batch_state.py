"""feeds: a batch's state (pending until both stores hold it, then applied, then complete)

Revision ID: feeds_0003
Revises: feeds_0002
Create Date: 2026-12-01

Ingest records the batch as pending before it writes the analytical store, so the next run
finds a batch a crash left half-done and rolls it back. Batches already held are complete.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "feeds_0003"
down_revision: str | Sequence[str] | None = "feeds_0002"


def upgrade() -> None:
    with op.batch_alter_table("feed_batches") as batch:
        batch.add_column(
            sa.Column("state", sa.String(16), nullable=False, server_default="complete")
        )
    op.create_index("ix_feed_batches_state", "feed_batches", ["state"])


def downgrade() -> None:
    op.drop_index("ix_feed_batches_state", "feed_batches")
    with op.batch_alter_table("feed_batches") as batch:
        batch.drop_column("state")
