"""rights_bundles: finding a person's data (searches, candidates) and access bundles with
their withheld items

Revision ID: rights_bundles_0001
Revises: 0001
Create Date: 2026-12-01
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from accord.store.migrations import columns as col

revision: str = "rights_bundles_0001"
down_revision: str | Sequence[str] | None = "0001"
branch_labels: str | Sequence[str] | None = ("rights_bundles",)
depends_on: str | Sequence[str] | None = ("people_0001", "rights_0001")


def upgrade() -> None:
    op.create_table(
        "rights_searches",
        *col.strings("register", "organisation"),
        *col.uuids("request_id", "searched_by", nullable=True),
        sa.Column("kinds", sa.JSON(), nullable=False),
        *col.moments("searched_at"),
        *col.uuids("id"),
        col.fk("rights_searches", "request_id", "rights_requests.id"),
        col.pk("rights_searches"),
    )
    col.indexes("rights_searches", "request_id")
    op.create_table(
        "rights_candidates",
        *col.uuids("search_id"),
        *col.strings("kind", length=32),
        *col.uuids("record_id", "subject_id"),
        *col.strings("register", "owner"),
        *col.strings("record_type", nullable=True),
        *col.moments("held_since", nullable=True),
        sa.Column("matched_on", sa.JSON(), nullable=False),
        *col.strings("status", length=16),
        *col.uuids("decided_by", nullable=True),
        *col.moments("decided_at", nullable=True),
        *col.uuids("id"),
        col.fk("rights_candidates", "search_id", "rights_searches.id"),
        col.fk("rights_candidates", "subject_id", "subjects.id"),
        col.pk("rights_candidates"),
    )
    col.indexes("rights_candidates", "search_id", "subject_id")
    op.create_table(
        "rights_access_bundles",
        *col.uuids("search_id"),
        *col.strings("register", "organisation"),
        *col.uuids("subject_id"),
        *col.strings("status", length=16),
        *col.strings("digest"),
        *col.counts("records"),
        *col.uuids("produced_by", nullable=True),
        *col.moments("produced_at"),
        *col.uuids("approved_by", nullable=True),
        *col.moments("approved_at", nullable=True),
        *col.uuids("released_by", nullable=True),
        *col.moments("released_at", nullable=True),
        *col.uuids("id"),
        col.fk("rights_access_bundles", "search_id", "rights_searches.id"),
        col.fk("rights_access_bundles", "subject_id", "subjects.id"),
        col.pk("rights_access_bundles"),
    )
    col.indexes("rights_access_bundles", "search_id", "subject_id")
    op.create_table(
        "rights_bundle_withholdings",
        *col.uuids("bundle_id"),
        *col.strings("item", length=300),
        *col.strings("kind", length=16),
        *col.strings("pattern", length=32, nullable=True),
        *col.uuids("other_subject_id", nullable=True),
        *col.strings("exemption", length=48),
        sa.Column("factors", sa.JSON(), nullable=True),
        *col.sealed("reason", nullable=True),
        *col.strings("status", length=16),
        *col.uuids("decided_by", nullable=True),
        *col.moments("decided_at", nullable=True),
        *col.uuids("id"),
        col.fk("rights_bundle_withholdings", "bundle_id", "rights_access_bundles.id"),
        col.pk("rights_bundle_withholdings"),
    )
    col.indexes("rights_bundle_withholdings", "bundle_id")


def downgrade() -> None:
    col.drop_tables(
        "rights_bundle_withholdings",
        "rights_access_bundles",
        "rights_candidates",
        "rights_searches",
    )
