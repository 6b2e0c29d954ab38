"""linkage: sealed working sets (each partner dataset's prepared records and person ids)

Revision ID: linkage_0002
Revises: linkage_0001
Create Date: 2026-12-01
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from accord.store.migrations.columns import counts, fk, moments, pk, sealed, strings, unique, uuids

revision: str = "linkage_0002"
down_revision: str | Sequence[str] | None = "linkage_0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "linkage_working_sets",
        *uuids("id"),
        *strings("register", "partner", "dataset"),
        *uuids("run_id"),
        *counts("records"),
        sa.Column("columns", sa.JSON(), nullable=False),
        *sealed("sealed"),
        *moments("written_at"),
        fk("linkage_working_sets", "run_id", "linkage_runs.id", ondelete=None),
        pk("linkage_working_sets"),
        unique("linkage_working_sets", "register", "partner", "dataset"),
    )


def downgrade() -> None:
    op.drop_table("linkage_working_sets")
