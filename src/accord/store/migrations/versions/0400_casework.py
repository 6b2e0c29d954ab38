"""casework: cases and their timeline, match proposals, complaints, enquiries

Revision ID: casework_0001
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
    flags,
    indexes,
    moments,
    pk,
    retention,
    sealed,
    strings,
    timestamps,
    uuids,
    workload,
)

revision: str = "casework_0001"
down_revision: str | Sequence[str] | None = "0001"
branch_labels: str | Sequence[str] | None = ("casework",)
depends_on: str | Sequence[str] | None = ("people_0001",)


def upgrade() -> None:
    op.create_table(
        "cases",
        *strings("register", "organisation"),
        *strings("service", nullable=True),
        *strings("record_type"),
        *strings("status", length=20),
        *uuids("subject_id"),
        *strings("source", length=32),
        *strings("source_organisation", nullable=True),
        *strings("police_reference", length=60, nullable=True),
        *strings("person_role", length=16),
        *strings("crime_type", nullable=True),
        *flags("domestic_abuse"),
        sa.Column("age", sa.Integer(), nullable=True),
        *flags("vulnerable"),
        *strings("requested_service", nullable=True),
        *sealed("identity"),
        *sealed("equality", nullable=True),
        *strings("consent_captured_by", length=120),
        *moments("consent_captured_at"),
        *strings("consent_channel", length=20),
        *strings("proposed_service", "proposed_rule", nullable=True),
        *moments("routing_confirmed_at", nullable=True),
        *workload(),
        *moments("received_at"),
        *moments("last_contact_at", "not_taken_up_at", "closed_at", nullable=True),
        *strings("closure_reason", nullable=True),
        *retention(),
        *uuids("id"),
        *timestamps(),
        fk("cases", "subject_id", "subjects.id"),
        pk("cases"),
    )
    indexes(
        "cases",
        "organisation",
        "police_reference",
        "received_at",
        "retention_due",
        "service",
        "status",
        "subject_id",
    )
    op.create_table(
        "case_shares",
        *uuids("case_id"),
        *strings("organisation", "purpose"),
        *moments("shared_at"),
        fk("case_shares", "case_id", "cases.id"),
        pk("case_shares", "case_id", "organisation"),
    )
    op.create_table(
        "case_events",
        *uuids("case_id", "subject_id"),
        *strings("kind", length=32),
        *counts("position"),
        *moments("occurred_at", "recorded_at"),
        *strings("organisation"),
        *uuids("actor_id", nullable=True),
        *strings("outcome", "channel", length=32, nullable=True),
        *strings("service", "category", nullable=True),
        *sealed("detail", nullable=True),
        *uuids("id"),
        fk("case_events", "case_id", "cases.id"),
        fk("case_events", "subject_id", "subjects.id"),
        pk("case_events"),
    )
    indexes("case_events", "case_id", "subject_id")
    op.create_table(
        "match_proposals",
        *uuids("case_id", "subject_id", "candidate_subject_id"),
        *uuids("candidate_case_id", nullable=True),
        sa.Column("score", sa.Float(), nullable=False),
        *strings("reasons", length=300),
        *strings("status", length=16),
        *moments("proposed_at"),
        *uuids("decided_by", nullable=True),
        *moments("decided_at", nullable=True),
        *strings("decision_reason", length=500, nullable=True),
        *uuids("id"),
        fk("match_proposals", "candidate_case_id", "cases.id"),
        fk("match_proposals", "candidate_subject_id", "subjects.id"),
        fk("match_proposals", "case_id", "cases.id"),
        fk("match_proposals", "subject_id", "subjects.id"),
        pk("match_proposals"),
    )
    indexes("match_proposals", "candidate_subject_id", "case_id")
    op.create_table(
        "complaints",
        *strings("register", "organisation", "record_type"),
        *uuids("subject_id"),
        *uuids("case_id", nullable=True),
        *strings("channel", length=32),
        *strings("status", length=16),
        *strings("outcome", length=32, nullable=True),
        *workload(),
        *sealed("content"),
        *moments("received_at", "last_contact_at"),
        *moments("closed_at", nullable=True),
        *retention(),
        *uuids("id"),
        *timestamps(),
        fk("complaints", "case_id", "cases.id", ondelete="SET NULL"),
        fk("complaints", "subject_id", "subjects.id"),
        pk("complaints"),
    )
    indexes("complaints", "organisation", "retention_due", "subject_id")
    op.create_table(
        "enquiries",
        *strings("register", "organisation", "record_type"),
        *strings("channel", length=16),
        *uuids("subject_id"),
        *strings("status", length=16),
        *flags("wants_updates"),
        *sealed("content"),
        *workload(),
        *moments("received_at", "last_contact_at"),
        *moments("closed_at", nullable=True),
        *retention(),
        *uuids("id"),
        *timestamps(),
        fk("enquiries", "subject_id", "subjects.id"),
        pk("enquiries"),
    )
    indexes("enquiries", "organisation", "received_at", "retention_due", "subject_id")


def downgrade() -> None:
    drop_tables("enquiries", "complaints", "match_proposals", "case_events", "case_shares", "cases")
