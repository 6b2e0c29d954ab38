"""reports: identifying priority lists, their entries, decisions, openings and actions

Revision ID: reports_0004
Revises: reports_0003
Create Date: 2026-12-01
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from accord.store.migrations import columns as col

revision: str = "reports_0004"
down_revision: str | Sequence[str] | None = "reports_0003"
branch_labels: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "priority_lists",
        *col.uuids("id"),
        *col.strings("register", "report", "definition_hash", "record_type", "organisation"),
        *col.uuids("subject_id", "produced_by", nullable=True),
        *col.strings("produced_by_name", "impact_assessment", length=200),
        *col.moments("produced_at", "expires_at"),
        sa.Column("recipients", sa.JSON(), nullable=False),
        *col.counts("entries"),
        *col.retention(),
        col.pk("priority_lists"),
    )
    col.indexes("priority_lists", "report", "retention_due")
    op.create_table(
        "priority_entries",
        *col.uuids("id", "list_id"),
        *col.strings("person"),
        sa.Column("factors", sa.JSON(), nullable=False),
        sa.Column("records", sa.JSON(), nullable=False),
        *col.strings("decision", length=32, nullable=True),
        *col.strings("reason", "removed_reason", length=1000, nullable=True),
        *col.uuids("decided_by", nullable=True),
        *col.strings("decided_by_name", length=200, nullable=True),
        *col.moments("decided_at", "removed_at", nullable=True),
        col.pk("priority_entries"),
        col.fk("priority_entries", "list_id", "priority_lists.id"),
    )
    col.indexes("priority_entries", "list_id", "person")
    op.create_table(
        "priority_accesses",
        *col.uuids("id", "list_id"),
        *col.uuids("actor_id", nullable=True),
        *col.strings("actor_name", length=200),
        *col.strings("organisation"),
        *col.strings("kind", length=16),
        *col.strings("format", length=16, nullable=True),
        sa.Column("people", sa.JSON(), nullable=False),
        *col.moments("at"),
        col.pk("priority_accesses"),
        col.fk("priority_accesses", "list_id", "priority_lists.id"),
    )
    col.indexes("priority_accesses", "list_id")
    op.create_table(
        "priority_actions",
        *col.uuids("id", "entry_id"),
        *col.strings("action", length=1000),
        *col.strings("organisation"),
        *col.uuids("by", nullable=True),
        *col.strings("by_name", length=200),
        *col.moments("at"),
        col.pk("priority_actions"),
        col.fk("priority_actions", "entry_id", "priority_entries.id"),
    )
    col.indexes("priority_actions", "entry_id")


def downgrade() -> None:
    col.drop_tables("priority_actions", "priority_accesses", "priority_entries", "priority_lists")
