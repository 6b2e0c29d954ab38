"""panels: risk panel meetings, community safety cases, actions, updates; fair-processing notices

Revision ID: panels_0002
Revises: panels_0001
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
    retention,
    sealed,
    strings,
    unique,
    uuids,
    workload,
)

revision: str = "panels_0002"
down_revision: str | Sequence[str] | None = "panels_0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "panel_meetings",
        *uuids("id"),
        *strings("register_id", "organisation", "panel"),
        sa.Column("held_on", sa.Date(), nullable=False),
        *strings("chair", length=120),
        *strings("location", length=120, nullable=True),
        *strings("status", length=16),
        *uuids("created_by", nullable=True),
        *moments("created_at"),
        pk("panel_meetings"),
    )
    indexes("panel_meetings", "panel", "held_on")

    op.create_table(
        "safety_cases",
        *uuids("id"),
        *strings("register_id", "organisation", "service", "record_type"),
        *strings("reference", length=32),
        *uuids("subject_id"),
        *strings("risk_level", length=16, nullable=True),
        *strings("status", length=16),
        *workload(),
        *sealed("referral"),
        *strings("referred_by", nullable=True),
        *moments("opened_at"),
        *moments("last_action_at", "closed_at", nullable=True),
        *retention(),
        *uuids("created_by", nullable=True),
        pk("safety_cases"),
        unique("safety_cases", "reference"),
        fk("safety_cases", "subject_id", "subjects.id"),
    )
    indexes("safety_cases", "organisation", "service", "subject_id", "status", "retention_due")

    op.create_table(
        "safety_case_parties",
        *uuids("id", "case_id", "subject_id"),
        *strings("role", length=16),
        *sealed("details"),
        sa.Column("categories", sa.JSON(), nullable=False),
        *moments("added_at"),
        pk("safety_case_parties"),
        unique("safety_case_parties", "case_id", "subject_id"),
        fk("safety_case_parties", "case_id", "safety_cases.id"),
        fk("safety_case_parties", "subject_id", "subjects.id"),
    )
    indexes("safety_case_parties", "case_id", "subject_id")

    op.create_table(
        "safety_case_agencies",
        *uuids("case_id"),
        *strings("organisation", "recipient"),
        *moments("added_at"),
        pk("safety_case_agencies", "case_id", "organisation"),
        fk("safety_case_agencies", "case_id", "safety_cases.id"),
    )

    op.create_table(
        "panel_listings",
        *uuids("id", "meeting_id", "case_id"),
        *counts("position"),
        *moments("listed_at"),
        *moments("discussed_at", nullable=True),
        *sealed("minutes", nullable=True),
        *uuids("minuted_by", nullable=True),
        pk("panel_listings"),
        unique("panel_listings", "meeting_id", "case_id"),
        fk("panel_listings", "meeting_id", "panel_meetings.id"),
        fk("panel_listings", "case_id", "safety_cases.id"),
    )
    indexes("panel_listings", "meeting_id", "case_id")

    op.create_table(
        "safety_case_actions",
        *uuids("id", "case_id"),
        *uuids("meeting_id", nullable=True),
        *strings("owner_agency"),
        *sealed("description"),
        sa.Column("due_on", sa.Date(), nullable=False),
        *strings("status", length=16),
        *uuids("created_by", nullable=True),
        *moments("created_at"),
        *moments("completed_at", nullable=True),
        pk("safety_case_actions"),
        fk("safety_case_actions", "case_id", "safety_cases.id"),
        fk("safety_case_actions", "meeting_id", "panel_meetings.id", ondelete="SET NULL"),
    )
    indexes("safety_case_actions", "case_id", "owner_agency", "due_on")

    op.create_table(
        "safety_case_updates",
        *uuids("id", "case_id"),
        *uuids("action_id", nullable=True),
        *strings("agency"),
        *sealed("text"),
        *strings("action_status", length=16, nullable=True),
        *uuids("recorded_by", nullable=True),
        *moments("recorded_at"),
        pk("safety_case_updates"),
        fk("safety_case_updates", "case_id", "safety_cases.id"),
        fk("safety_case_updates", "action_id", "safety_case_actions.id"),
    )
    indexes("safety_case_updates", "case_id")

    op.create_table(
        "fair_processing_notices",
        *uuids("id", "subject_id"),
        *strings("register_id", "organisation", "purpose", "record_type"),
        *uuids("record_id"),
        *strings("status", length=16),
        *strings("channel", length=32, nullable=True),
        *strings("notice_digest"),
        *strings("reason_code", length=32, nullable=True),
        *sealed("reason", nullable=True),
        *moments("review_on", nullable=True),
        *uuids("decided_by", nullable=True),
        *moments("decided_at"),
        pk("fair_processing_notices"),
        fk("fair_processing_notices", "subject_id", "subjects.id"),
    )
    indexes("fair_processing_notices", "subject_id", "record_id")


def downgrade() -> None:
    drop_tables(
        "fair_processing_notices",
        "safety_case_updates",
        "safety_case_actions",
        "panel_listings",
        "safety_case_agencies",
        "safety_case_parties",
        "safety_cases",
        "panel_meetings",
    )
