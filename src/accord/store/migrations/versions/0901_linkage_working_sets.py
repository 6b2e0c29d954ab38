"""linkage: sealed working sets (each partner dataset's prepared records and person ids)

Revision ID: linkage_0002
Revises: linkage_0001
Create Date: 2026-12-01
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "linkage_0002"
down_revision: str | Sequence[str] | None = "linkage_0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "linkage_working_sets",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("register", sa.String(64), nullable=False),
        sa.Column("partner", sa.String(64), nullable=False),
        sa.Column("dataset", sa.String(64), nullable=False),
        sa.Column("run_id", sa.Uuid(), nullable=False),
        sa.Column("records", sa.Integer(), nullable=False),
        sa.Column("columns", sa.JSON(), nullable=False),
        sa.Column("sealed", sa.LargeBinary(), nullable=False),
        sa.Column("written_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["run_id"], ["linkage_runs.id"], name="fk_linkage_working_sets_run_id_linkage_runs"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_linkage_working_sets"),
        sa.UniqueConstraint(
            "register", "partner", "dataset", name="uq_linkage_working_sets_register"
        ),
    )


def downgrade() -> None:
    op.drop_table("linkage_working_sets")
