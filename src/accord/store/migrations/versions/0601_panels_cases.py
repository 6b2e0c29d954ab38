"""panels: risk panel meetings, community safety cases, actions, updates; fair-processing notices

Revision ID: panels_0002
Revises: panels_0001
Create Date: 2026-11-23
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from accord.store.migrations import columns as col

revision: str = "panels_0002"
down_revision: str | Sequence[str] | None = "panels_0001"


def upgrade() -> None:
    op.create_table(
        "panel_meetings",
        *col.uuids("id"),
        *col.strings("register_id", "organisation", "panel"),
        sa.Column("held_on", sa.Date(), nullable=False),
        *col.strings("chair", length=120),
        *col.strings("location", length=120, nullable=True),
        *col.strings("status", length=16),
        *col.uuids("created_by", nullable=True),
        *col.moments("created_at"),
        col.pk("panel_meetings"),
    )
    col.indexes("panel_meetings", "panel", "held_on")

    op.create_table(
        "safety_cases",
        *col.uuids("id"),
        *col.strings("register_id", "organisation", "service", "record_type"),
        *col.strings("reference", length=32),
        *col.uuids("subject_id"),
        *col.strings("risk_level", length=16, nullable=True),
        *col.strings("status", length=16),
        *col.workload(),
        *col.sealed("referral"),
        *col.strings("referred_by", nullable=True),
        *col.moments("opened_at"),
        *col.moments("last_action_at", "closed_at", nullable=True),
        *col.retention(),
        *col.uuids("created_by", nullable=True),
        col.pk("safety_cases"),
        col.unique("safety_cases", "reference"),
        col.fk("safety_cases", "subject_id", "subjects.id"),
    )
    col.indexes("safety_cases", "organisation", "service", "subject_id", "status", "retention_due")

    op.create_table(
        "safety_case_parties",
        *col.uuids("id", "case_id", "subject_id"),
        *col.strings("role", length=16),
        *col.sealed("details"),
        sa.Column("categories", sa.JSON(), nullable=False),
        *col.moments("added_at"),
        col.pk("safety_case_parties"),
        col.unique("safety_case_parties", "case_id", "subject_id"),
        col.fk("safety_case_parties", "case_id", "safety_cases.id"),
        col.fk("safety_case_parties", "subject_id", "subjects.id"),
    )
    col.indexes("safety_case_parties", "case_id", "subject_id")

    op.create_table(
        "safety_case_agencies",
        *col.uuids("case_id"),
        *col.strings("organisation", "recipient"),
        *col.moments("added_at"),
        col.pk("safety_case_agencies", "case_id", "organisation"),
        col.fk("safety_case_agencies", "case_id", "safety_cases.id"),
    )

    op.create_table(
        "panel_listings",
        *col.uuids("id", "meeting_id", "case_id"),
        *col.counts("position"),
        *col.moments("listed_at"),
        *col.moments("discussed_at", nullable=True),
        *col.sealed("minutes", nullable=True),
        *col.uuids("minuted_by", nullable=True),
        col.pk("panel_listings"),
        col.unique("panel_listings", "meeting_id", "case_id"),
        col.fk("panel_listings", "meeting_id", "panel_meetings.id"),
        col.fk("panel_listings", "case_id", "safety_cases.id"),
    )
    col.indexes("panel_listings", "meeting_id", "case_id")

    op.create_table(
        "safety_case_actions",
        *col.uuids("id", "case_id"),
        *col.uuids("meeting_id", nullable=True),
        *col.strings("owner_agency"),
        *col.sealed("description"),
        sa.Column("due_on", sa.Date(), nullable=False),
        *col.strings("status", length=16),
        *col.uuids("created_by", nullable=True),
        *col.moments("created_at"),
        *col.moments("completed_at", nullable=True),
        col.pk("safety_case_actions"),
        col.fk("safety_case_actions", "case_id", "safety_cases.id"),
        col.fk("safety_case_actions", "meeting_id", "panel_meetings.id", ondelete="SET NULL"),
    )
    col.indexes("safety_case_actions", "case_id", "owner_agency", "due_on")

    op.create_table(
        "safety_case_updates",
        *col.uuids("id", "case_id"),
        *col.uuids("action_id", nullable=True),
        *col.strings("agency"),
        *col.sealed("text"),
        *col.strings("action_status", length=16, nullable=True),
        *col.uuids("recorded_by", nullable=True),
        *col.moments("recorded_at"),
        col.pk("safety_case_updates"),
        col.fk("safety_case_updates", "case_id", "safety_cases.id"),
        col.fk("safety_case_updates", "action_id", "safety_case_actions.id"),
    )
    col.indexes("safety_case_updates", "case_id")

    op.create_table(
        "fair_processing_notices",
        *col.uuids("id", "subject_id"),
        *col.strings("register_id", "organisation", "purpose", "record_type"),
        *col.uuids("record_id"),
        *col.strings("status", length=16),
        *col.strings("channel", length=32, nullable=True),
        *col.strings("notice_digest"),
        *col.strings("reason_code", length=32, nullable=True),
        *col.sealed("reason", nullable=True),
        *col.moments("review_on", nullable=True),
        *col.uuids("decided_by", nullable=True),
        *col.moments("decided_at"),
        col.pk("fair_processing_notices"),
        col.fk("fair_processing_notices", "subject_id", "subjects.id"),
    )
    col.indexes("fair_processing_notices", "subject_id", "record_id")


def downgrade() -> None:
    col.drop_tables(
        "fair_processing_notices",
        "safety_case_updates",
        "safety_case_actions",
        "panel_listings",
        "safety_case_agencies",
        "safety_case_parties",
        "safety_cases",
        "panel_meetings",
    )
