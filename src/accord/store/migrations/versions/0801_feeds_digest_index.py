"""feeds: a covering index of record ids and row digests

Revision ID: feeds_0002
Revises: feeds_0001
Create Date: 2026-12-01

A linkage run compares every stored row's digest with its working sets; with this index the
database reads the small index instead of every row with its sealed identifiers.
"""

from collections.abc import Sequence

from alembic import op

revision: str = "feeds_0002"
down_revision: str | Sequence[str] | None = "feeds_0001"


def upgrade() -> None:
    op.create_index(
        "ix_feed_identifiers_digest", "feed_identifiers", ["register", "record_id", "row_digest"]
    )


def downgrade() -> None:
    op.drop_index("ix_feed_identifiers_digest", "feed_identifiers")
