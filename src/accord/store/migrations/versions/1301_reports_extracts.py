"""reports: evaluation extracts as they left (never their rows or key)

Revision ID: reports_0002
Revises: reports_0001
Create Date: 2026-12-01
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from accord.store.migrations import columns as col

revision: str = "reports_0002"
down_revision: str | Sequence[str] | None = "reports_0001"
branch_labels: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "evaluation_extracts",
        *col.uuids("id"),
        *col.strings("register", "report", "definition_hash", "recipient", "organisation"),
        *col.uuids("produced_by", nullable=True),
        *col.strings("produced_by_name", length=200),
        *col.moments("produced_at"),
        *col.strings("key_fingerprint"),
        *col.counts("rows", "people", "withdrawn", "without_consent", "refused_by_gate"),
        *col.counts("withheld", "k"),
        sa.Column("levels", sa.JSON(), nullable=False),
        sa.Column("notes", sa.JSON(), nullable=False),
        col.pk("evaluation_extracts"),
    )
    col.indexes("evaluation_extracts", "report", "produced_at")


def downgrade() -> None:
    col.drop_tables("evaluation_extracts")
