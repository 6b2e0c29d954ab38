"""linkage: runs, person ids of partner records, clerical review queue

Revision ID: linkage_0001
Revises: 0001
Create Date: 2026-11-23
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from accord.store.migrations import columns as col

revision: str = "linkage_0001"
down_revision: str | Sequence[str] | None = "0001"
branch_labels: str | Sequence[str] | None = ("linkage",)


def upgrade() -> None:
    op.create_table(
        "linkage_runs",
        *col.uuids("id"),
        *col.strings("kind", "status", "engine", length=16),
        *col.moments("started_at"),
        *col.moments("finished_at", nullable=True),
        *col.strings("started_by"),
        *col.counts("records", "delta_records", "comparisons", "people"),
        sa.Column("config", sa.JSON(), nullable=False),
        sa.Column("model", sa.JSON(), nullable=True),
        sa.Column("report", sa.JSON(), nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        sa.CheckConstraint("kind IN ('full', 'incremental')", name="ck_linkage_runs_kind"),
        sa.CheckConstraint(
            "status IN ('running', 'finished', 'failed')", name="ck_linkage_runs_status"
        ),
        col.pk("linkage_runs"),
    )
    op.create_table(
        "linkage_person_ids",
        *col.strings("record_id", length=128),
        *col.strings("person_id"),
        *col.uuids("run_id"),
        *col.strings("fingerprint"),
        *col.moments("assigned_at"),
        col.fk("linkage_person_ids", "run_id", "linkage_runs.id", ondelete=None),
        col.pk("linkage_person_ids", "record_id"),
    )
    col.indexes("linkage_person_ids", "person_id")
    op.create_table(
        "linkage_review_pairs",
        *col.uuids("id"),
        *col.strings("record_id_l", "record_id_r", length=128),
        sa.Column("match_weight", sa.Float(), nullable=False),
        sa.Column("match_probability", sa.Float(), nullable=False),
        *col.strings("status", length=16),
        *col.strings("decision", length=16, nullable=True),
        *col.strings("decided_by", nullable=True),
        *col.moments("decided_at", nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        *col.uuids("run_id"),
        *col.moments("created_at"),
        sa.CheckConstraint("status IN ('open', 'decided')", name="ck_linkage_review_pairs_status"),
        sa.CheckConstraint(
            "decision IS NULL OR decision IN ('accept', 'reject')",
            name="ck_linkage_review_pairs_decision",
        ),
        col.fk("linkage_review_pairs", "run_id", "linkage_runs.id", ondelete=None),
        col.pk("linkage_review_pairs"),
        col.unique("linkage_review_pairs", "record_id_l", "record_id_r"),
    )
    col.indexes("linkage_review_pairs", "status")


def downgrade() -> None:
    col.drop_tables("linkage_review_pairs", "linkage_person_ids", "linkage_runs")
