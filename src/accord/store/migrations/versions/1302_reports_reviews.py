"""reports: the outcomes of six-monthly partner data reviews

Revision ID: reports_0003
Revises: reports_0002
Create Date: 2026-12-01
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from accord.store.migrations import columns as col

revision: str = "reports_0003"
down_revision: str | Sequence[str] | None = "reports_0002"
branch_labels: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "report_partner_reviews",
        *col.uuids("id"),
        *col.strings("register", "partner"),
        sa.Column("period_from", sa.Date(), nullable=False),
        sa.Column("period_to", sa.Date(), nullable=False),
        *col.strings("decision", length=32),
        *col.strings("notes", length=2000),
        *col.strings("pack_hash"),
        *col.uuids("decided_by", nullable=True),
        *col.strings("decided_by_name", length=200),
        *col.strings("organisation"),
        *col.moments("decided_at"),
        col.pk("report_partner_reviews"),
    )
    col.indexes("report_partner_reviews", "partner", "decided_at")


def downgrade() -> None:
    col.drop_tables("report_partner_reviews")
