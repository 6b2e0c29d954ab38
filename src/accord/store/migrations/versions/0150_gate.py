"""gate: hash-chained audit trail, its head row, access grants outside a caseload

Revision ID: gate_0001
Revises: 0001
Create Date: 2026-11-23
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from accord.store.migrations import columns as col

revision: str = "gate_0001"
down_revision: str | Sequence[str] | None = "0001"
branch_labels: str | Sequence[str] | None = ("gate",)


def upgrade() -> None:
    op.create_table(
        "audit_entries",
        sa.Column("seq", sa.BigInteger(), autoincrement=False, nullable=False),
        *col.uuids("id"),
        *col.moments("at"),
        *col.uuids("actor_id", nullable=True),
        *col.strings("actor_kind", length=16),
        *col.strings("actor_organisation"),
        *col.strings("action", length=32),
        *col.strings("purpose", "register", "record_type"),
        sa.Column("record_ids", sa.Text(), nullable=False),
        sa.Column("subject_ids", sa.Text(), nullable=False),
        sa.Column("categories", sa.Text(), nullable=False),
        *col.strings("reason"),
        *col.strings("outcome", length=16),
        *col.strings("ref", nullable=True),
        *col.strings("prev_hash", "hash"),
        col.pk("audit_entries", "seq"),
        col.unique("audit_entries", "id"),
    )
    col.indexes("audit_entries", "actor_id")
    op.create_table(
        "audit_entry_subjects",
        *col.uuids("subject_id"),
        sa.Column("entry_seq", sa.BigInteger(), nullable=False),
        col.fk("audit_entry_subjects", "entry_seq", "audit_entries.seq"),
        col.pk("audit_entry_subjects", "subject_id", "entry_seq"),
    )
    col.indexes("audit_entry_subjects", "entry_seq")
    head = op.create_table(
        "audit_head",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("seq", sa.BigInteger(), nullable=False),
        *col.strings("hash"),
        col.pk("audit_head"),
    )
    op.bulk_insert(head, [{"id": 1, "seq": 0, "hash": "0" * 64}])
    op.create_table(
        "access_grants",
        *col.uuids("id", "actor_id"),
        *col.strings("actor_organisation", "register", "record_type"),
        *col.uuids("record_id"),
        *col.strings("owner_organisation", "purpose"),
        sa.Column("reason", sa.Text(), nullable=False),
        *col.moments("granted_at", "expires_at"),
        sa.Column("audit_seq", sa.BigInteger(), nullable=True),
        *col.strings("review_state", length=16),
        *col.uuids("reviewed_by", nullable=True),
        *col.moments("reviewed_at", nullable=True),
        sa.Column("review_note", sa.Text(), nullable=True),
        col.pk("access_grants"),
    )
    op.create_index(
        "ix_access_grants_actor_id_record_id", "access_grants", ["actor_id", "record_id"]
    )
    col.indexes("access_grants", "owner_organisation", "review_state")


def downgrade() -> None:
    col.drop_tables("access_grants", "audit_head", "audit_entry_subjects", "audit_entries")
