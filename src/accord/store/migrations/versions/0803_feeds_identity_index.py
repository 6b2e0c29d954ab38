"""feeds: keyed digests of partner records' finding identifiers

Revision ID: feeds_0004
Revises: feeds_0003
Create Date: 2026-12-01

A rights requester's partner records are found by digest (kind, digest) instead of by
opening every row of the partner's datasets. Rows stored before this revision have no
digests until `accord feeds reindex` writes them.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from accord.store.migrations import columns as col

revision: str = "feeds_0004"
down_revision: str | Sequence[str] | None = "feeds_0003"


def upgrade() -> None:
    op.create_table(
        "feed_identity_index",
        *col.strings("record_id", length=32),
        *col.strings("kind", length=16),
        sa.Column("digest", sa.LargeBinary(32), nullable=False),
        col.pk("feed_identity_index", "record_id", "kind"),
        col.fk("feed_identity_index", "record_id", "feed_identifiers.record_id"),
    )
    op.create_index("ix_feed_identity_index_kind_digest", "feed_identity_index", ["kind", "digest"])


def downgrade() -> None:
    op.drop_index("ix_feed_identity_index_kind_digest", "feed_identity_index")
    op.drop_table("feed_identity_index")
