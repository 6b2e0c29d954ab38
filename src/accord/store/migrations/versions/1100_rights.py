"""rights: data subject rights requests, the rights asked for and the clock's events

Revision ID: rights_0001
Revises: 0001
Create Date: 2026-12-01
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from accord.store.migrations import columns as col

revision: str = "rights_0001"
down_revision: str | Sequence[str] | None = "0001"
branch_labels: str | Sequence[str] | None = ("rights",)
depends_on: str | Sequence[str] | None = ("people_0001",)


def upgrade() -> None:
    op.create_table(
        "rights_requests",
        *col.strings("register", "organisation", "record_type"),
        *col.strings("service", nullable=True),
        *col.strings("channel", length=16),
        *col.strings("nation", length=24),
        *col.uuids("subject_id"),
        *col.sealed("details"),
        *col.uuids("representative_id", nullable=True),
        *col.sealed("representative_details", nullable=True),
        *col.strings("authority", length=32, nullable=True),
        *col.strings("status", length=16),
        *col.strings("outcome", length=32, nullable=True),
        *col.workload(),
        sa.Column("received_on", sa.Date(), nullable=False),
        *col.moments("closed_at", nullable=True),
        *col.retention(),
        *col.uuids("id"),
        *col.timestamps(),
        col.fk("rights_requests", "subject_id", "subjects.id"),
        col.fk("rights_requests", "representative_id", "subjects.id", ondelete="SET NULL"),
        col.pk("rights_requests"),
    )
    col.indexes(
        "rights_requests",
        "organisation",
        "received_on",
        "representative_id",
        "retention_due",
        "status",
        "subject_id",
    )
    op.create_table(
        "rights_request_rights",
        *col.uuids("request_id"),
        *col.strings("right", length=32),
        col.fk("rights_request_rights", "request_id", "rights_requests.id"),
        col.pk("rights_request_rights", "request_id", "right"),
    )
    op.create_table(
        "rights_request_events",
        *col.uuids("request_id"),
        *col.counts("position"),
        *col.strings("kind", length=32),
        sa.Column("occurred_on", sa.Date(), nullable=False),
        *col.moments("recorded_at"),
        *col.uuids("actor_id", nullable=True),
        *col.strings("reason", length=32, nullable=True),
        *col.strings("partner", nullable=True),
        *col.sealed("note", nullable=True),
        *col.uuids("id"),
        col.fk("rights_request_events", "request_id", "rights_requests.id"),
        col.pk("rights_request_events"),
    )
    col.indexes("rights_request_events", "request_id")


def downgrade() -> None:
    col.drop_tables("rights_request_events", "rights_request_rights", "rights_requests")
