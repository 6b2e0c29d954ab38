"""people: data subjects and their keyed blind indexes (data keys live in the keystore)

Revision ID: people_0001
Revises: 0001
Create Date: 2026-11-23
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from accord.store.migrations.columns import (
    drop_tables,
    fk,
    flags,
    indexes,
    moments,
    pk,
    strings,
    uuids,
)

revision: str = "people_0001"
down_revision: str | Sequence[str] | None = "0001"
branch_labels: str | Sequence[str] | None = ("people",)
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "subjects",
        *uuids("id"),
        *strings("register", "organisation"),
        *strings("state", length=16),
        *flags("restricted", "objection_pending"),
        *moments("created_at"),
        *moments("erased_at", nullable=True),
        sa.CheckConstraint("state IN ('active', 'erased', 'anonymised')", name="ck_subjects_state"),
        pk("subjects"),
    )
    indexes("subjects", "register")
    op.create_table(
        "subject_indexes",
        *uuids("subject_id"),
        *strings("kind", length=32),
        sa.Column("digest", sa.LargeBinary(32), nullable=False),
        *moments("indexed_at"),
        fk("subject_indexes", "subject_id", "subjects.id"),
        pk("subject_indexes", "subject_id", "kind", "digest"),
    )
    op.create_index("ix_subject_indexes_kind_digest", "subject_indexes", ["kind", "digest"])


def downgrade() -> None:
    drop_tables("subject_indexes", "subjects")
