"""gate: hash-chained audit trail, its head row, access grants outside a caseload

Revision ID: gate_0001
Revises: 0001
Create Date: 2026-11-23
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "gate_0001"
down_revision: str | Sequence[str] | None = "0001"
branch_labels: str | Sequence[str] | None = ("gate",)
depends_on: str | Sequence[str] | None = None

_TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "audit_entries",
        sa.Column("seq", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("at", _TS, nullable=False),
        sa.Column("actor_id", sa.Uuid(), nullable=True),
        sa.Column("actor_kind", sa.String(16), nullable=False),
        sa.Column("actor_organisation", sa.String(64), nullable=False),
        sa.Column("action", sa.String(32), nullable=False),
        sa.Column("purpose", sa.String(64), nullable=False),
        sa.Column("register", sa.String(64), nullable=False),
        sa.Column("record_type", sa.String(64), nullable=False),
        sa.Column("record_ids", sa.Text(), nullable=False),
        sa.Column("subject_ids", sa.Text(), nullable=False),
        sa.Column("categories", sa.Text(), nullable=False),
        sa.Column("reason", sa.String(64), nullable=False),
        sa.Column("outcome", sa.String(16), nullable=False),
        sa.Column("ref", sa.String(64), nullable=True),
        sa.Column("prev_hash", sa.String(64), nullable=False),
        sa.Column("hash", sa.String(64), nullable=False),
        sa.PrimaryKeyConstraint("seq", name="pk_audit_entries"),
        sa.UniqueConstraint("id", name="uq_audit_entries_id"),
    )
    op.create_index("ix_audit_entries_actor_id", "audit_entries", ["actor_id"])
    op.create_table(
        "audit_entry_subjects",
        sa.Column("subject_id", sa.Uuid(), nullable=False),
        sa.Column("entry_seq", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["entry_seq"],
            ["audit_entries.seq"],
            name="fk_audit_entry_subjects_entry_seq_audit_entries",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("subject_id", "entry_seq", name="pk_audit_entry_subjects"),
    )
    op.create_index("ix_audit_entry_subjects_entry_seq", "audit_entry_subjects", ["entry_seq"])
    head = op.create_table(
        "audit_head",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("seq", sa.BigInteger(), nullable=False),
        sa.Column("hash", sa.String(64), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_audit_head"),
    )
    op.bulk_insert(head, [{"id": 1, "seq": 0, "hash": "0" * 64}])
    op.create_table(
        "access_grants",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("actor_id", sa.Uuid(), nullable=False),
        sa.Column("actor_organisation", sa.String(64), nullable=False),
        sa.Column("register", sa.String(64), nullable=False),
        sa.Column("record_type", sa.String(64), nullable=False),
        sa.Column("record_id", sa.Uuid(), nullable=False),
        sa.Column("owner_organisation", sa.String(64), nullable=False),
        sa.Column("purpose", sa.String(64), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("granted_at", _TS, nullable=False),
        sa.Column("expires_at", _TS, nullable=False),
        sa.Column("audit_seq", sa.BigInteger(), nullable=True),
        sa.Column("review_state", sa.String(16), nullable=False),
        sa.Column("reviewed_by", sa.Uuid(), nullable=True),
        sa.Column("reviewed_at", _TS, nullable=True),
        sa.Column("review_note", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_access_grants"),
    )
    op.create_index(
        "ix_access_grants_actor_id_record_id", "access_grants", ["actor_id", "record_id"]
    )
    op.create_index("ix_access_grants_owner_organisation", "access_grants", ["owner_organisation"])
    op.create_index("ix_access_grants_review_state", "access_grants", ["review_state"])


def downgrade() -> None:
    op.drop_table("access_grants")
    op.drop_table("audit_head")
    op.drop_table("audit_entry_subjects")
    op.drop_table("audit_entries")
