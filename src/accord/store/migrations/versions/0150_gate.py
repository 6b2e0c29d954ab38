"""gate: hash-chained audit trail, its head row, access grants outside a caseload

Revision ID: gate_0001
Revises: 0001
Create Date: 2026-11-23
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from accord.store.migrations.columns import (
    drop_tables,
    fk,
    indexes,
    moments,
    pk,
    strings,
    unique,
    uuids,
)

revision: str = "gate_0001"
down_revision: str | Sequence[str] | None = "0001"
branch_labels: str | Sequence[str] | None = ("gate",)
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "audit_entries",
        sa.Column("seq", sa.BigInteger(), autoincrement=False, nullable=False),
        *uuids("id"),
        *moments("at"),
        *uuids("actor_id", nullable=True),
        *strings("actor_kind", length=16),
        *strings("actor_organisation"),
        *strings("action", length=32),
        *strings("purpose", "register", "record_type"),
        sa.Column("record_ids", sa.Text(), nullable=False),
        sa.Column("subject_ids", sa.Text(), nullable=False),
        sa.Column("categories", sa.Text(), nullable=False),
        *strings("reason"),
        *strings("outcome", length=16),
        *strings("ref", nullable=True),
        *strings("prev_hash", "hash"),
        pk("audit_entries", "seq"),
        unique("audit_entries", "id"),
    )
    indexes("audit_entries", "actor_id")
    op.create_table(
        "audit_entry_subjects",
        *uuids("subject_id"),
        sa.Column("entry_seq", sa.BigInteger(), nullable=False),
        fk("audit_entry_subjects", "entry_seq", "audit_entries.seq"),
        pk("audit_entry_subjects", "subject_id", "entry_seq"),
    )
    indexes("audit_entry_subjects", "entry_seq")
    head = op.create_table(
        "audit_head",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("seq", sa.BigInteger(), nullable=False),
        *strings("hash"),
        pk("audit_head"),
    )
    op.bulk_insert(head, [{"id": 1, "seq": 0, "hash": "0" * 64}])
    op.create_table(
        "access_grants",
        *uuids("id", "actor_id"),
        *strings("actor_organisation", "register", "record_type"),
        *uuids("record_id"),
        *strings("owner_organisation", "purpose"),
        sa.Column("reason", sa.Text(), nullable=False),
        *moments("granted_at", "expires_at"),
        sa.Column("audit_seq", sa.BigInteger(), nullable=True),
        *strings("review_state", length=16),
        *uuids("reviewed_by", nullable=True),
        *moments("reviewed_at", nullable=True),
        sa.Column("review_note", sa.Text(), nullable=True),
        pk("access_grants"),
    )
    op.create_index(
        "ix_access_grants_actor_id_record_id", "access_grants", ["actor_id", "record_id"]
    )
    indexes("access_grants", "owner_organisation", "review_state")


def downgrade() -> None:
    drop_tables("access_grants", "audit_head", "audit_entry_subjects", "audit_entries")
