"""linkage: runs, person ids of partner records, clerical review queue

Revision ID: linkage_0001
Revises: 0001
Create Date: 2026-11-23
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "linkage_0001"
down_revision: str | Sequence[str] | None = "0001"
branch_labels: str | Sequence[str] | None = ("linkage",)
depends_on: str | Sequence[str] | None = None

_TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "linkage_runs",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("engine", sa.String(16), nullable=False),
        sa.Column("started_at", _TS, nullable=False),
        sa.Column("finished_at", _TS, nullable=True),
        sa.Column("started_by", sa.String(64), nullable=False),
        sa.Column("records", sa.Integer(), nullable=False),
        sa.Column("delta_records", sa.Integer(), nullable=False),
        sa.Column("comparisons", sa.Integer(), nullable=False),
        sa.Column("people", sa.Integer(), nullable=False),
        sa.Column("config", sa.JSON(), nullable=False),
        sa.Column("model", sa.JSON(), nullable=True),
        sa.Column("report", sa.JSON(), nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        sa.CheckConstraint("kind IN ('full', 'incremental')", name="ck_linkage_runs_kind"),
        sa.CheckConstraint(
            "status IN ('running', 'finished', 'failed')", name="ck_linkage_runs_status"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_linkage_runs"),
    )
    op.create_table(
        "linkage_person_ids",
        sa.Column("record_id", sa.String(128), nullable=False),
        sa.Column("person_id", sa.String(64), nullable=False),
        sa.Column("run_id", sa.Uuid(), nullable=False),
        sa.Column("fingerprint", sa.String(64), nullable=False),
        sa.Column("assigned_at", _TS, nullable=False),
        sa.ForeignKeyConstraint(
            ["run_id"], ["linkage_runs.id"], name="fk_linkage_person_ids_run_id_linkage_runs"
        ),
        sa.PrimaryKeyConstraint("record_id", name="pk_linkage_person_ids"),
    )
    op.create_index("ix_linkage_person_ids_person_id", "linkage_person_ids", ["person_id"])
    op.create_table(
        "linkage_review_pairs",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("record_id_l", sa.String(128), nullable=False),
        sa.Column("record_id_r", sa.String(128), nullable=False),
        sa.Column("match_weight", sa.Float(), nullable=False),
        sa.Column("match_probability", sa.Float(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("decision", sa.String(16), nullable=True),
        sa.Column("decided_by", sa.String(64), nullable=True),
        sa.Column("decided_at", _TS, nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("run_id", sa.Uuid(), nullable=False),
        sa.Column("created_at", _TS, nullable=False),
        sa.CheckConstraint("status IN ('open', 'decided')", name="ck_linkage_review_pairs_status"),
        sa.CheckConstraint(
            "decision IS NULL OR decision IN ('accept', 'reject')",
            name="ck_linkage_review_pairs_decision",
        ),
        sa.ForeignKeyConstraint(
            ["run_id"], ["linkage_runs.id"], name="fk_linkage_review_pairs_run_id_linkage_runs"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_linkage_review_pairs"),
        sa.UniqueConstraint(
            "record_id_l", "record_id_r", name="uq_linkage_review_pairs_record_id_l"
        ),
    )
    op.create_index("ix_linkage_review_pairs_status", "linkage_review_pairs", ["status"])


def downgrade() -> None:
    op.drop_index("ix_linkage_review_pairs_status", "linkage_review_pairs")
    op.drop_table("linkage_review_pairs")
    op.drop_index("ix_linkage_person_ids_person_id", "linkage_person_ids")
    op.drop_table("linkage_person_ids")
    op.drop_table("linkage_runs")
