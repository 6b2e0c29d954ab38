"""linkage: runs, person ids of partner records, clerical review queue

Revision ID: linkage_0001
Revises: 0001
Create Date: 2026-11-23
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from accord.store.migrations.columns import (
    counts,
    drop_tables,
    fk,
    indexes,
    moments,
    pk,
    strings,
    unique,
    uuids,
)

revision: str = "linkage_0001"
down_revision: str | Sequence[str] | None = "0001"
branch_labels: str | Sequence[str] | None = ("linkage",)
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "linkage_runs",
        *uuids("id"),
        *strings("kind", "status", "engine", length=16),
        *moments("started_at"),
        *moments("finished_at", nullable=True),
        *strings("started_by"),
        *counts("records", "delta_records", "comparisons", "people"),
        sa.Column("config", sa.JSON(), nullable=False),
        sa.Column("model", sa.JSON(), nullable=True),
        sa.Column("report", sa.JSON(), nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        sa.CheckConstraint("kind IN ('full', 'incremental')", name="ck_linkage_runs_kind"),
        sa.CheckConstraint(
            "status IN ('running', 'finished', 'failed')", name="ck_linkage_runs_status"
        ),
        pk("linkage_runs"),
    )
    op.create_table(
        "linkage_person_ids",
        *strings("record_id", length=128),
        *strings("person_id"),
        *uuids("run_id"),
        *strings("fingerprint"),
        *moments("assigned_at"),
        fk("linkage_person_ids", "run_id", "linkage_runs.id", ondelete=None),
        pk("linkage_person_ids", "record_id"),
    )
    indexes("linkage_person_ids", "person_id")
    op.create_table(
        "linkage_review_pairs",
        *uuids("id"),
        *strings("record_id_l", "record_id_r", length=128),
        sa.Column("match_weight", sa.Float(), nullable=False),
        sa.Column("match_probability", sa.Float(), nullable=False),
        *strings("status", length=16),
        *strings("decision", length=16, nullable=True),
        *strings("decided_by", nullable=True),
        *moments("decided_at", nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        *uuids("run_id"),
        *moments("created_at"),
        sa.CheckConstraint("status IN ('open', 'decided')", name="ck_linkage_review_pairs_status"),
        sa.CheckConstraint(
            "decision IS NULL OR decision IN ('accept', 'reject')",
            name="ck_linkage_review_pairs_decision",
        ),
        fk("linkage_review_pairs", "run_id", "linkage_runs.id", ondelete=None),
        pk("linkage_review_pairs"),
        unique("linkage_review_pairs", "record_id_l", "record_id_r"),
    )
    indexes("linkage_review_pairs", "status")


def downgrade() -> None:
    drop_tables("linkage_review_pairs", "linkage_person_ids", "linkage_runs")
