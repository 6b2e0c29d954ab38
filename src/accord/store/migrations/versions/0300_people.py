"""people: data subjects and their keyed blind indexes (data keys live in the keystore)

Revision ID: people_0001
Revises: 0001
Create Date: 2026-11-23
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from accord.store.migrations import columns as col

revision: str = "people_0001"
down_revision: str | Sequence[str] | None = "0001"
branch_labels: str | Sequence[str] | None = ("people",)


def upgrade() -> None:
    op.create_table(
        "subjects",
        *col.uuids("id"),
        *col.strings("register", "organisation"),
        *col.strings("state", length=16),
        *col.flags("restricted", "objection_pending"),
        *col.moments("created_at"),
        *col.moments("erased_at", nullable=True),
        sa.CheckConstraint("state IN ('active', 'erased', 'anonymised')", name="ck_subjects_state"),
        col.pk("subjects"),
    )
    col.indexes("subjects", "register")
    op.create_table(
        "subject_indexes",
        *col.uuids("subject_id"),
        *col.strings("kind", length=32),
        sa.Column("digest", sa.LargeBinary(32), nullable=False),
        *col.moments("indexed_at"),
        col.fk("subject_indexes", "subject_id", "subjects.id"),
        col.pk("subject_indexes", "subject_id", "kind", "digest"),
    )
    op.create_index("ix_subject_indexes_kind_digest", "subject_indexes", ["kind", "digest"])


def downgrade() -> None:
    col.drop_tables("subject_indexes", "subjects")
