"""casework: cases and their timeline, match proposals, complaints, enquiries

Revision ID: casework_0001
Revises: 0001
Create Date: 2026-11-23
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "casework_0001"
down_revision: str | Sequence[str] | None = "0001"
branch_labels: str | Sequence[str] | None = ("casework",)
depends_on: str | Sequence[str] | None = ("people_0001",)

_TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "cases",
        sa.Column("register", sa.String(64), nullable=False),
        sa.Column("organisation", sa.String(64), nullable=False),
        sa.Column("service", sa.String(64), nullable=True),
        sa.Column("record_type", sa.String(64), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("subject_id", sa.Uuid(), nullable=False),
        sa.Column("source", sa.String(32), nullable=False),
        sa.Column("source_organisation", sa.String(64), nullable=True),
        sa.Column("police_reference", sa.String(60), nullable=True),
        sa.Column("person_role", sa.String(16), nullable=False),
        sa.Column("crime_type", sa.String(64), nullable=True),
        sa.Column("domestic_abuse", sa.Boolean(), nullable=False),
        sa.Column("age", sa.Integer(), nullable=True),
        sa.Column("vulnerable", sa.Boolean(), nullable=False),
        sa.Column("requested_service", sa.String(64), nullable=True),
        sa.Column("identity", sa.LargeBinary(), nullable=False),
        sa.Column("equality", sa.LargeBinary(), nullable=True),
        sa.Column("consent_captured_by", sa.String(120), nullable=False),
        sa.Column("consent_captured_at", _TS, nullable=False),
        sa.Column("consent_channel", sa.String(20), nullable=False),
        sa.Column("proposed_service", sa.String(64), nullable=True),
        sa.Column("proposed_rule", sa.String(64), nullable=True),
        sa.Column("routing_confirmed_at", _TS, nullable=True),
        sa.Column("assigned_user", sa.Uuid(), nullable=True),
        sa.Column("team", sa.String(64), nullable=True),
        sa.Column("received_at", _TS, nullable=False),
        sa.Column("last_contact_at", _TS, nullable=True),
        sa.Column("not_taken_up_at", _TS, nullable=True),
        sa.Column("closed_at", _TS, nullable=True),
        sa.Column("closure_reason", sa.String(64), nullable=True),
        sa.Column("retention_from", _TS, nullable=True),
        sa.Column("retention_due", _TS, nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", _TS, nullable=False),
        sa.Column("updated_at", _TS, nullable=False),
        sa.ForeignKeyConstraint(
            ["subject_id"],
            ["subjects.id"],
            name="fk_cases_subject_id_subjects",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_cases"),
    )
    op.create_index("ix_cases_organisation", "cases", ["organisation"])
    op.create_index("ix_cases_police_reference", "cases", ["police_reference"])
    op.create_index("ix_cases_received_at", "cases", ["received_at"])
    op.create_index("ix_cases_retention_due", "cases", ["retention_due"])
    op.create_index("ix_cases_service", "cases", ["service"])
    op.create_index("ix_cases_status", "cases", ["status"])
    op.create_index("ix_cases_subject_id", "cases", ["subject_id"])
    op.create_table(
        "case_shares",
        sa.Column("case_id", sa.Uuid(), nullable=False),
        sa.Column("organisation", sa.String(64), nullable=False),
        sa.Column("purpose", sa.String(64), nullable=False),
        sa.Column("shared_at", _TS, nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"],
            ["cases.id"],
            name="fk_case_shares_case_id_cases",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("case_id", "organisation", name="pk_case_shares"),
    )
    op.create_table(
        "case_events",
        sa.Column("case_id", sa.Uuid(), nullable=False),
        sa.Column("subject_id", sa.Uuid(), nullable=False),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("occurred_at", _TS, nullable=False),
        sa.Column("recorded_at", _TS, nullable=False),
        sa.Column("organisation", sa.String(64), nullable=False),
        sa.Column("actor_id", sa.Uuid(), nullable=True),
        sa.Column("outcome", sa.String(32), nullable=True),
        sa.Column("channel", sa.String(32), nullable=True),
        sa.Column("service", sa.String(64), nullable=True),
        sa.Column("category", sa.String(64), nullable=True),
        sa.Column("detail", sa.LargeBinary(), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"],
            ["cases.id"],
            name="fk_case_events_case_id_cases",
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["subject_id"],
            ["subjects.id"],
            name="fk_case_events_subject_id_subjects",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_case_events"),
    )
    op.create_index("ix_case_events_case_id", "case_events", ["case_id"])
    op.create_index("ix_case_events_subject_id", "case_events", ["subject_id"])
    op.create_table(
        "match_proposals",
        sa.Column("case_id", sa.Uuid(), nullable=False),
        sa.Column("subject_id", sa.Uuid(), nullable=False),
        sa.Column("candidate_subject_id", sa.Uuid(), nullable=False),
        sa.Column("candidate_case_id", sa.Uuid(), nullable=True),
        sa.Column("score", sa.Float(), nullable=False),
        sa.Column("reasons", sa.String(300), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("proposed_at", _TS, nullable=False),
        sa.Column("decided_by", sa.Uuid(), nullable=True),
        sa.Column("decided_at", _TS, nullable=True),
        sa.Column("decision_reason", sa.String(500), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["candidate_case_id"],
            ["cases.id"],
            name="fk_match_proposals_candidate_case_id_cases",
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["candidate_subject_id"],
            ["subjects.id"],
            name="fk_match_proposals_candidate_subject_id_subjects",
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["case_id"],
            ["cases.id"],
            name="fk_match_proposals_case_id_cases",
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["subject_id"],
            ["subjects.id"],
            name="fk_match_proposals_subject_id_subjects",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_match_proposals"),
    )
    op.create_index(
        "ix_match_proposals_candidate_subject_id", "match_proposals", ["candidate_subject_id"]
    )
    op.create_index("ix_match_proposals_case_id", "match_proposals", ["case_id"])
    op.create_table(
        "complaints",
        sa.Column("register", sa.String(64), nullable=False),
        sa.Column("organisation", sa.String(64), nullable=False),
        sa.Column("record_type", sa.String(64), nullable=False),
        sa.Column("subject_id", sa.Uuid(), nullable=False),
        sa.Column("case_id", sa.Uuid(), nullable=True),
        sa.Column("channel", sa.String(32), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("outcome", sa.String(32), nullable=True),
        sa.Column("assigned_user", sa.Uuid(), nullable=True),
        sa.Column("team", sa.String(64), nullable=True),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.Column("received_at", _TS, nullable=False),
        sa.Column("last_contact_at", _TS, nullable=False),
        sa.Column("closed_at", _TS, nullable=True),
        sa.Column("retention_from", _TS, nullable=True),
        sa.Column("retention_due", _TS, nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", _TS, nullable=False),
        sa.Column("updated_at", _TS, nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"],
            ["cases.id"],
            name="fk_complaints_case_id_cases",
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["subject_id"],
            ["subjects.id"],
            name="fk_complaints_subject_id_subjects",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_complaints"),
    )
    op.create_index("ix_complaints_organisation", "complaints", ["organisation"])
    op.create_index("ix_complaints_retention_due", "complaints", ["retention_due"])
    op.create_index("ix_complaints_subject_id", "complaints", ["subject_id"])
    op.create_table(
        "enquiries",
        sa.Column("register", sa.String(64), nullable=False),
        sa.Column("organisation", sa.String(64), nullable=False),
        sa.Column("record_type", sa.String(64), nullable=False),
        sa.Column("channel", sa.String(16), nullable=False),
        sa.Column("subject_id", sa.Uuid(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("wants_updates", sa.Boolean(), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.Column("assigned_user", sa.Uuid(), nullable=True),
        sa.Column("team", sa.String(64), nullable=True),
        sa.Column("received_at", _TS, nullable=False),
        sa.Column("last_contact_at", _TS, nullable=False),
        sa.Column("closed_at", _TS, nullable=True),
        sa.Column("retention_from", _TS, nullable=True),
        sa.Column("retention_due", _TS, nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", _TS, nullable=False),
        sa.Column("updated_at", _TS, nullable=False),
        sa.ForeignKeyConstraint(
            ["subject_id"],
            ["subjects.id"],
            name="fk_enquiries_subject_id_subjects",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_enquiries"),
    )
    op.create_index("ix_enquiries_organisation", "enquiries", ["organisation"])
    op.create_index("ix_enquiries_received_at", "enquiries", ["received_at"])
    op.create_index("ix_enquiries_retention_due", "enquiries", ["retention_due"])
    op.create_index("ix_enquiries_subject_id", "enquiries", ["subject_id"])


def downgrade() -> None:
    op.drop_index("ix_enquiries_organisation", "enquiries")
    op.drop_index("ix_enquiries_received_at", "enquiries")
    op.drop_index("ix_enquiries_retention_due", "enquiries")
    op.drop_index("ix_enquiries_subject_id", "enquiries")
    op.drop_table("enquiries")
    op.drop_index("ix_complaints_organisation", "complaints")
    op.drop_index("ix_complaints_retention_due", "complaints")
    op.drop_index("ix_complaints_subject_id", "complaints")
    op.drop_table("complaints")
    op.drop_index("ix_match_proposals_candidate_subject_id", "match_proposals")
    op.drop_index("ix_match_proposals_case_id", "match_proposals")
    op.drop_table("match_proposals")
    op.drop_index("ix_case_events_case_id", "case_events")
    op.drop_index("ix_case_events_subject_id", "case_events")
    op.drop_table("case_events")
    op.drop_table("case_shares")
    op.drop_index("ix_cases_organisation", "cases")
    op.drop_index("ix_cases_police_reference", "cases")
    op.drop_index("ix_cases_received_at", "cases")
    op.drop_index("ix_cases_retention_due", "cases")
    op.drop_index("ix_cases_service", "cases")
    op.drop_index("ix_cases_status", "cases")
    op.drop_index("ix_cases_subject_id", "cases")
    op.drop_table("cases")
