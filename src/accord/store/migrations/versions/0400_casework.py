"""casework: cases and their timeline, match proposals, complaints, enquiries

Revision ID: casework_0001
Revises: 0001
Create Date: 2026-11-23
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from accord.store.migrations import columns as col

revision: str = "casework_0001"
down_revision: str | Sequence[str] | None = "0001"
branch_labels: str | Sequence[str] | None = ("casework",)
depends_on: str | Sequence[str] | None = ("people_0001",)


def upgrade() -> None:
    op.create_table(
        "cases",
        *col.strings("register", "organisation"),
        *col.strings("service", nullable=True),
        *col.strings("record_type"),
        *col.strings("status", length=20),
        *col.uuids("subject_id"),
        *col.strings("source", length=32),
        *col.strings("source_organisation", nullable=True),
        *col.strings("police_reference", length=60, nullable=True),
        *col.strings("person_role", length=16),
        *col.strings("crime_type", nullable=True),
        *col.flags("domestic_abuse"),
        sa.Column("age", sa.Integer(), nullable=True),
        *col.flags("vulnerable"),
        *col.strings("requested_service", nullable=True),
        *col.sealed("identity"),
        *col.sealed("equality", nullable=True),
        *col.strings("consent_captured_by", length=120),
        *col.moments("consent_captured_at"),
        *col.strings("consent_channel", length=20),
        *col.strings("proposed_service", "proposed_rule", nullable=True),
        *col.moments("routing_confirmed_at", nullable=True),
        *col.workload(),
        *col.moments("received_at"),
        *col.moments("last_contact_at", "not_taken_up_at", "closed_at", nullable=True),
        *col.strings("closure_reason", nullable=True),
        *col.retention(),
        *col.uuids("id"),
        *col.timestamps(),
        col.fk("cases", "subject_id", "subjects.id"),
        col.pk("cases"),
    )
    col.indexes(
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
        *col.uuids("case_id"),
        *col.strings("organisation", "purpose"),
        *col.moments("shared_at"),
        col.fk("case_shares", "case_id", "cases.id"),
        col.pk("case_shares", "case_id", "organisation"),
    )
    op.create_table(
        "case_events",
        *col.uuids("case_id", "subject_id"),
        *col.strings("kind", length=32),
        *col.counts("position"),
        *col.moments("occurred_at", "recorded_at"),
        *col.strings("organisation"),
        *col.uuids("actor_id", nullable=True),
        *col.strings("outcome", "channel", length=32, nullable=True),
        *col.strings("service", "category", nullable=True),
        *col.sealed("detail", nullable=True),
        *col.uuids("id"),
        col.fk("case_events", "case_id", "cases.id"),
        col.fk("case_events", "subject_id", "subjects.id"),
        col.pk("case_events"),
    )
    col.indexes("case_events", "case_id", "subject_id")
    op.create_table(
        "match_proposals",
        *col.uuids("case_id", "subject_id", "candidate_subject_id"),
        *col.uuids("candidate_case_id", nullable=True),
        sa.Column("score", sa.Float(), nullable=False),
        *col.strings("reasons", length=300),
        *col.strings("status", length=16),
        *col.moments("proposed_at"),
        *col.uuids("decided_by", nullable=True),
        *col.moments("decided_at", nullable=True),
        *col.strings("decision_reason", length=500, nullable=True),
        *col.uuids("id"),
        col.fk("match_proposals", "candidate_case_id", "cases.id"),
        col.fk("match_proposals", "candidate_subject_id", "subjects.id"),
        col.fk("match_proposals", "case_id", "cases.id"),
        col.fk("match_proposals", "subject_id", "subjects.id"),
        col.pk("match_proposals"),
    )
    col.indexes("match_proposals", "candidate_subject_id", "case_id")
    op.create_table(
        "complaints",
        *col.strings("register", "organisation", "record_type"),
        *col.uuids("subject_id"),
        *col.uuids("case_id", nullable=True),
        *col.strings("channel", length=32),
        *col.strings("status", length=16),
        *col.strings("outcome", length=32, nullable=True),
        *col.workload(),
        *col.sealed("content"),
        *col.moments("received_at", "last_contact_at"),
        *col.moments("closed_at", nullable=True),
        *col.retention(),
        *col.uuids("id"),
        *col.timestamps(),
        col.fk("complaints", "case_id", "cases.id", ondelete="SET NULL"),
        col.fk("complaints", "subject_id", "subjects.id"),
        col.pk("complaints"),
    )
    col.indexes("complaints", "organisation", "retention_due", "subject_id")
    op.create_table(
        "enquiries",
        *col.strings("register", "organisation", "record_type"),
        *col.strings("channel", length=16),
        *col.uuids("subject_id"),
        *col.strings("status", length=16),
        *col.flags("wants_updates"),
        *col.sealed("content"),
        *col.workload(),
        *col.moments("received_at", "last_contact_at"),
        *col.moments("closed_at", nullable=True),
        *col.retention(),
        *col.uuids("id"),
        *col.timestamps(),
        col.fk("enquiries", "subject_id", "subjects.id"),
        col.pk("enquiries"),
    )
    col.indexes("enquiries", "organisation", "received_at", "retention_due", "subject_id")


def downgrade() -> None:
    col.drop_tables(
        "enquiries", "complaints", "match_proposals", "case_events", "case_shares", "cases"
    )
