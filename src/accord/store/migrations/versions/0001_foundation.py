"""foundation: register versions

Revision ID: 0001
Revises:
Create Date: 2026-11-23
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | Sequence[str] | None = None
branch_labels: str | Sequence[str] | None = ("foundation",)


def upgrade() -> None:
    op.create_table(
        "register_versions",
        sa.Column("id", sa.Uuid(), primary_key=True),
        sa.Column("register_id", sa.String(64), nullable=False),
        sa.Column("version", sa.String(32), nullable=False),
        sa.Column("digest", sa.String(64), nullable=False),
        sa.Column("loaded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("document", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_register_versions"),
        sa.UniqueConstraint("register_id", "digest", name="uq_register_versions_register_id"),
    )
    op.create_index("ix_register_versions_register_id", "register_versions", ["register_id"])


def downgrade() -> None:
    op.drop_index("ix_register_versions_register_id", "register_versions")
    op.drop_table("register_versions")
