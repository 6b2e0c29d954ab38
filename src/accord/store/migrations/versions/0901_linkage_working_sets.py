"""linkage: sealed working sets (each partner dataset's prepared records and person ids)

Revision ID: linkage_0002
Revises: linkage_0001
Create Date: 2026-12-01
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from accord.store.migrations import columns as col

revision: str = "linkage_0002"
down_revision: str | Sequence[str] | None = "linkage_0001"


def upgrade() -> None:
    op.create_table(
        "linkage_working_sets",
        *col.uuids("id"),
        *col.strings("register", "partner", "dataset"),
        *col.uuids("run_id"),
        *col.counts("records"),
        sa.Column("columns", sa.JSON(), nullable=False),
        *col.sealed("sealed"),
        *col.moments("written_at"),
        col.fk("linkage_working_sets", "run_id", "linkage_runs.id", ondelete=None),
        col.pk("linkage_working_sets"),
        col.unique("linkage_working_sets", "register", "partner", "dataset"),
    )


def downgrade() -> None:
    op.drop_table("linkage_working_sets")
