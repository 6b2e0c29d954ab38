"""people: data subjects and their keyed blind indexes (data keys live in the keystore)

Revision ID: people_0001
Revises: 0001
Create Date: 2026-11-23
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "people_0001"
down_revision: str | Sequence[str] | None = "0001"
branch_labels: str | Sequence[str] | None = ("people",)
depends_on: str | Sequence[str] | None = None

_TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "subjects",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("register", sa.String(64), nullable=False),
        sa.Column("organisation", sa.String(64), nullable=False),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("restricted", sa.Boolean(), nullable=False),
        sa.Column("objection_pending", sa.Boolean(), nullable=False),
        sa.Column("created_at", _TS, nullable=False),
        sa.Column("erased_at", _TS, nullable=True),
        sa.CheckConstraint("state IN ('active', 'erased', 'anonymised')", name="ck_subjects_state"),
        sa.PrimaryKeyConstraint("id", name="pk_subjects"),
    )
    op.create_index("ix_subjects_register", "subjects", ["register"])
    op.create_table(
        "subject_indexes",
        sa.Column("subject_id", sa.Uuid(), nullable=False),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("digest", sa.LargeBinary(32), nullable=False),
        sa.Column("indexed_at", _TS, nullable=False),
        sa.ForeignKeyConstraint(
            ["subject_id"],
            ["subjects.id"],
            name="fk_subject_indexes_subject_id_subjects",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("subject_id", "kind", "digest", name="pk_subject_indexes"),
    )
    op.create_index("ix_subject_indexes_kind_digest", "subject_indexes", ["kind", "digest"])


def downgrade() -> None:
    op.drop_index("ix_subject_indexes_kind_digest", "subject_indexes")
    op.drop_table("subject_indexes")
    op.drop_index("ix_subjects_register", "subjects")
    op.drop_table("subjects")
