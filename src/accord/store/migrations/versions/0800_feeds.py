"""feeds: partner feed batches, quarantined rows, sealed identifiers, dataset data keys

Revision ID: feeds_0001
Revises: 0001
Create Date: 2026-11-23
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "feeds_0001"
down_revision: str | Sequence[str] | None = "0001"
branch_labels: str | Sequence[str] | None = ("feeds",)
depends_on: str | Sequence[str] | None = None

_TS = sa.DateTime(timezone=True)
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
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("register", sa.String(64), nullable=False),
        sa.Column("partner", sa.String(64), nullable=False),
        sa.Column("dataset", sa.String(64), nullable=False),
        sa.Column("file_name", sa.String(255), nullable=False),
        sa.Column("file_hash", sa.String(64), nullable=False),
        sa.Column("delivery", sa.String(16), nullable=False),
        sa.Column("received_at", _TS, nullable=False),
        sa.Column("actor_id", sa.Uuid(), nullable=True),
        *(sa.Column(name, sa.Integer(), nullable=False) for name in _COUNTS),
        sa.PrimaryKeyConstraint("id", name="pk_feed_batches"),
        sa.UniqueConstraint(
            "register", "partner", "dataset", "file_hash", name="uq_feed_batches_register"
        ),
    )
    op.create_table(
        "feed_quarantine",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("batch_id", sa.Uuid(), nullable=False),
        sa.Column("row_number", sa.Integer(), nullable=False),
        sa.Column("reasons", sa.JSON(), nullable=False),
        sa.Column("sealed_row", sa.LargeBinary(), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_feed_quarantine"),
        sa.ForeignKeyConstraint(
            ["batch_id"],
            ["feed_batches.id"],
            name="fk_feed_quarantine_batch_id_feed_batches",
            ondelete="CASCADE",
        ),
    )
    op.create_index("ix_feed_quarantine_batch_id", "feed_quarantine", ["batch_id"])
    op.create_table(
        "feed_identifiers",
        sa.Column("record_id", sa.String(32), nullable=False),
        sa.Column("register", sa.String(64), nullable=False),
        sa.Column("partner", sa.String(64), nullable=False),
        sa.Column("dataset", sa.String(64), nullable=False),
        sa.Column("batch_id", sa.Uuid(), nullable=True),
        sa.Column("row_digest", sa.String(32), nullable=False),
        sa.Column("record_date", sa.Date(), nullable=True),
        sa.Column("sealed", sa.LargeBinary(), nullable=False),
        sa.Column("updated_at", _TS, nullable=False),
        sa.PrimaryKeyConstraint("record_id", name="pk_feed_identifiers"),
    )
    op.create_index(
        "ix_feed_identifiers_dataset", "feed_identifiers", ["register", "partner", "dataset"]
    )
    op.create_table(
        "feed_data_keys",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("register", sa.String(64), nullable=False),
        sa.Column("partner", sa.String(64), nullable=False),
        sa.Column("dataset", sa.String(64), nullable=False),
        sa.Column("key_id", sa.String(64), nullable=False),
        sa.Column("wrapped", sa.LargeBinary(), nullable=False),
        sa.Column("created_at", _TS, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_feed_data_keys"),
        sa.UniqueConstraint("register", "partner", "dataset", name="uq_feed_data_keys_register"),
    )


def downgrade() -> None:
    op.drop_table("feed_data_keys")
    op.drop_index("ix_feed_identifiers_dataset", "feed_identifiers")
    op.drop_table("feed_identifiers")
    op.drop_index("ix_feed_quarantine_batch_id", "feed_quarantine")
    op.drop_table("feed_quarantine")
    op.drop_table("feed_batches")
