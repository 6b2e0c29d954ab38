"""reports: partners' approvals of report definitions, report runs and the release ledger

Revision ID: reports_0001
Revises: 0001
Create Date: 2026-12-01
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from accord.store.migrations import columns as col

revision: str = "reports_0001"
down_revision: str | Sequence[str] | None = "0001"
branch_labels: str | Sequence[str] | None = ("reports",)


def upgrade() -> None:
    op.create_table(
        "report_approvals",
        *col.uuids("id"),
        *col.strings("register", "report", "definition_hash", "organisation"),
        *col.uuids("approved_by", nullable=True),
        *col.strings("approver_name", length=200),
        *col.moments("approved_at"),
        col.pk("report_approvals"),
        col.unique("report_approvals", "register", "report", "definition_hash", "organisation"),
    )
    col.indexes("report_approvals", "report")
    op.create_table(
        "report_runs",
        *col.uuids("id"),
        *col.strings("register", "report", "definition_hash", "organisation"),
        *col.strings("source", length=120),
        *col.uuids("run_by", nullable=True),
        *col.strings("run_by_name", length=200),
        *col.moments("ran_at"),
        *col.strings("outcome", "status", length=16),
        *col.strings("refusal", length=1000, nullable=True),
        sa.Column("scope", sa.JSON(), nullable=False),
        sa.Column("output", sa.JSON(), nullable=False),
        sa.Column("notes", sa.JSON(), nullable=False),
        sa.Column("ledger", sa.JSON(), nullable=False),
        *col.counts("cells"),
        *col.moments("released_at", nullable=True),
        *col.strings("checked_by_name", length=200, nullable=True),
        col.pk("report_runs"),
    )
    col.indexes("report_runs", "report", "status", "released_at")


def downgrade() -> None:
    col.drop_tables("report_runs", "report_approvals")
