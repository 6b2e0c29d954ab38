"""retention: why a legal hold was released

Revision ID: retention_0002
Revises: retention_0001
Create Date: 2026-12-01

Holds released before this revision have no recorded reason (NULL).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "retention_0002"
down_revision: str | Sequence[str] | None = "retention_0001"


def upgrade() -> None:
    with op.batch_alter_table("retention_holds") as batch:
        batch.add_column(sa.Column("release_reason", sa.String(500), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("retention_holds") as batch:
        batch.drop_column("release_reason")
