"""panels: risk panel meetings, community safety cases, actions, updates; fair-processing notices

Revision ID: panels_0002
Revises: panels_0001
Create Date: 2026-11-23
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "panels_0002"
down_revision: str | Sequence[str] | None = "panels_0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_TZ = sa.DateTime(timezone=True)


def _fk(table: str, column: str, target: str, ondelete: str = "CASCADE") -> sa.ForeignKeyConstraint:
    referred = target.split(".")[0]
    return sa.ForeignKeyConstraint(
        [column], [target], name=f"fk_{table}_{column}_{referred}", ondelete=ondelete
    )


def _index(table: str, *columns: str) -> None:
    for column in columns:
        op.create_index(f"ix_{table}_{column}", table, [column])


def upgrade() -> None:
    op.create_table(
        "panel_meetings",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("register_id", sa.String(64), nullable=False),
        sa.Column("organisation", sa.String(64), nullable=False),
        sa.Column("panel", sa.String(64), nullable=False),
        sa.Column("held_on", sa.Date(), nullable=False),
        sa.Column("chair", sa.String(120), nullable=False),
        sa.Column("location", sa.String(120), nullable=True),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("created_by", sa.Uuid(), nullable=True),
        sa.Column("created_at", _TZ, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_panel_meetings"),
    )
    _index("panel_meetings", "panel", "held_on")

    op.create_table(
        "safety_cases",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("register_id", sa.String(64), nullable=False),
        sa.Column("organisation", sa.String(64), nullable=False),
        sa.Column("service", sa.String(64), nullable=False),
        sa.Column("record_type", sa.String(64), nullable=False),
        sa.Column("reference", sa.String(32), nullable=False),
        sa.Column("subject_id", sa.Uuid(), nullable=False),
        sa.Column("risk_level", sa.String(16), nullable=True),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("assigned_user", sa.Uuid(), nullable=True),
        sa.Column("team", sa.String(64), nullable=True),
        sa.Column("referral", sa.LargeBinary(), nullable=False),
        sa.Column("referred_by", sa.String(64), nullable=True),
        sa.Column("opened_at", _TZ, nullable=False),
        sa.Column("last_action_at", _TZ, nullable=True),
        sa.Column("closed_at", _TZ, nullable=True),
        sa.Column("retention_from", _TZ, nullable=True),
        sa.Column("retention_due", _TZ, nullable=True),
        sa.Column("created_by", sa.Uuid(), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_safety_cases"),
        sa.UniqueConstraint("reference", name="uq_safety_cases_reference"),
        _fk("safety_cases", "subject_id", "subjects.id"),
    )
    _index("safety_cases", "organisation", "service", "subject_id", "status", "retention_due")

    op.create_table(
        "safety_case_parties",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("case_id", sa.Uuid(), nullable=False),
        sa.Column("subject_id", sa.Uuid(), nullable=False),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("details", sa.LargeBinary(), nullable=False),
        sa.Column("categories", sa.JSON(), nullable=False),
        sa.Column("added_at", _TZ, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_safety_case_parties"),
        sa.UniqueConstraint("case_id", "subject_id", name="uq_safety_case_parties_case_id"),
        _fk("safety_case_parties", "case_id", "safety_cases.id"),
        _fk("safety_case_parties", "subject_id", "subjects.id"),
    )
    _index("safety_case_parties", "case_id", "subject_id")

    op.create_table(
        "safety_case_agencies",
        sa.Column("case_id", sa.Uuid(), nullable=False),
        sa.Column("organisation", sa.String(64), nullable=False),
        sa.Column("recipient", sa.String(64), nullable=False),
        sa.Column("added_at", _TZ, nullable=False),
        sa.PrimaryKeyConstraint("case_id", "organisation", name="pk_safety_case_agencies"),
        _fk("safety_case_agencies", "case_id", "safety_cases.id"),
    )

    op.create_table(
        "panel_listings",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("meeting_id", sa.Uuid(), nullable=False),
        sa.Column("case_id", sa.Uuid(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("listed_at", _TZ, nullable=False),
        sa.Column("discussed_at", _TZ, nullable=True),
        sa.Column("minutes", sa.LargeBinary(), nullable=True),
        sa.Column("minuted_by", sa.Uuid(), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_panel_listings"),
        sa.UniqueConstraint("meeting_id", "case_id", name="uq_panel_listings_meeting_id"),
        _fk("panel_listings", "meeting_id", "panel_meetings.id"),
        _fk("panel_listings", "case_id", "safety_cases.id"),
    )
    _index("panel_listings", "meeting_id", "case_id")

    op.create_table(
        "safety_case_actions",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("case_id", sa.Uuid(), nullable=False),
        sa.Column("meeting_id", sa.Uuid(), nullable=True),
        sa.Column("owner_agency", sa.String(64), nullable=False),
        sa.Column("description", sa.LargeBinary(), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("created_by", sa.Uuid(), nullable=True),
        sa.Column("created_at", _TZ, nullable=False),
        sa.Column("completed_at", _TZ, nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_safety_case_actions"),
        _fk("safety_case_actions", "case_id", "safety_cases.id"),
        _fk("safety_case_actions", "meeting_id", "panel_meetings.id", ondelete="SET NULL"),
    )
    _index("safety_case_actions", "case_id", "owner_agency", "due_on")

    op.create_table(
        "safety_case_updates",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("case_id", sa.Uuid(), nullable=False),
        sa.Column("action_id", sa.Uuid(), nullable=True),
        sa.Column("agency", sa.String(64), nullable=False),
        sa.Column("text", sa.LargeBinary(), nullable=False),
        sa.Column("action_status", sa.String(16), nullable=True),
        sa.Column("recorded_by", sa.Uuid(), nullable=True),
        sa.Column("recorded_at", _TZ, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_safety_case_updates"),
        _fk("safety_case_updates", "case_id", "safety_cases.id"),
        _fk("safety_case_updates", "action_id", "safety_case_actions.id"),
    )
    _index("safety_case_updates", "case_id")

    op.create_table(
        "fair_processing_notices",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("subject_id", sa.Uuid(), nullable=False),
        sa.Column("register_id", sa.String(64), nullable=False),
        sa.Column("organisation", sa.String(64), nullable=False),
        sa.Column("purpose", sa.String(64), nullable=False),
        sa.Column("record_type", sa.String(64), nullable=False),
        sa.Column("record_id", sa.Uuid(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("channel", sa.String(32), nullable=True),
        sa.Column("notice_digest", sa.String(64), nullable=False),
        sa.Column("reason_code", sa.String(32), nullable=True),
        sa.Column("reason", sa.LargeBinary(), nullable=True),
        sa.Column("review_on", _TZ, nullable=True),
        sa.Column("decided_by", sa.Uuid(), nullable=True),
        sa.Column("decided_at", _TZ, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_fair_processing_notices"),
        _fk("fair_processing_notices", "subject_id", "subjects.id"),
    )
    _index("fair_processing_notices", "subject_id", "record_id")


def downgrade() -> None:
    for table in (
        "fair_processing_notices",
        "safety_case_updates",
        "safety_case_actions",
        "panel_listings",
        "safety_case_agencies",
        "safety_case_parties",
        "safety_cases",
        "panel_meetings",
    ):
        op.drop_table(table)
