"""retention: legal holds, disposal runs with their counts and certificates, review queue

Revision ID: retention_0001
Revises: 0001
Create Date: 2026-12-01
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from accord.store.migrations import columns as col

revision: str = "retention_0001"
down_revision: str | Sequence[str] | None = "0001"
branch_labels: str | Sequence[str] | None = ("retention",)


def upgrade() -> None:
    op.create_table(
        "retention_holds",
        *col.uuids("id"),
        *col.strings("scope", "kind", length=16),
        *col.strings("register", "organisation"),
        *col.strings("record_type", nullable=True),
        *col.uuids("record_id", "subject_id", nullable=True),
        *col.strings("reason", length=500),
        *col.strings("placed_by", length=200),
        *col.moments("placed_at"),
        *col.strings("released_by", length=200, nullable=True),
        *col.moments("released_at", nullable=True),
        col.pk("retention_holds"),
    )
    col.indexes("retention_holds", "record_id", "subject_id", "released_at")
    op.create_table(
        "retention_runs",
        *col.uuids("id"),
        *col.strings("status", length=16),
        *col.flags("dry_run"),
        *col.strings("ran_by", length=200),
        *col.moments("started_at", "as_of"),
        *col.moments("period_from", "finished_at", nullable=True),
        *col.counts("keys_destroyed"),
        *col.moments("keys_first_at", "keys_last_at", nullable=True),
        sa.Column("certificate", sa.JSON(), nullable=True),
        *col.strings("certificate_hash", nullable=True),
        col.pk("retention_runs"),
    )
    col.indexes("retention_runs", "status")
    op.create_table(
        "retention_run_counts",
        *col.uuids("run_id"),
        *col.strings("register", "organisation", "record_type"),
        *col.strings("action", "outcome", length=16),
        *col.strings("rule", length=120),
        *col.counts("count"),
        col.fk("retention_run_counts", "run_id", "retention_runs.id"),
        col.pk(
            "retention_run_counts",
            "run_id",
            "register",
            "organisation",
            "record_type",
            "action",
            "outcome",
        ),
    )
    op.create_table(
        "retention_reviews",
        *col.uuids("id", "record_id"),
        *col.strings("store", "register", "organisation", "record_type"),
        *col.strings("service", nullable=True),
        *col.moments("due_at", "queued_at"),
        *col.strings("status", length=16),
        *col.strings("decided_by", length=200, nullable=True),
        *col.moments("decided_at", nullable=True),
        *col.strings("reason", length=500, nullable=True),
        *col.moments("review_on", nullable=True),
        col.pk("retention_reviews"),
        col.unique("retention_reviews", "store", "record_id", "due_at"),
    )
    col.indexes("retention_reviews", "record_id", "organisation", "status")


def downgrade() -> None:
    col.drop_tables(
        "retention_reviews", "retention_run_counts", "retention_runs", "retention_holds"
    )
