"""jobs: recurring jobs with leases, and the reminders they raise

Revision ID: jobs_0001
Revises: 0001
Create Date: 2026-12-01
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from accord.store.migrations import columns as col

revision: str = "jobs_0001"
down_revision: str | Sequence[str] | None = "0001"
branch_labels: str | Sequence[str] | None = ("jobs",)


def upgrade() -> None:
    op.create_table(
        "jobs",
        *col.strings("name"),
        *col.moments("next_due_at"),
        *col.strings("lease_owner", length=120, nullable=True),
        *col.moments("lease_until", "last_started_at", "last_finished_at", nullable=True),
        *col.strings("last_outcome", length=16, nullable=True),
        *col.strings("last_message", length=500, nullable=True),
        *col.moments("cursor", nullable=True),
        *col.counts("runs"),
        col.pk("jobs", "name"),
    )
    op.create_table(
        "job_reminders",
        *col.uuids("id"),
        *col.strings("register", "organisation", "kind"),
        sa.Column("due_on", sa.Date(), nullable=False),
        *col.strings("text", length=500),
        *col.moments("created_at"),
        col.pk("job_reminders"),
        sa.UniqueConstraint("register", "kind", "due_on", name="uq_job_reminders_register"),
    )


def downgrade() -> None:
    col.drop_tables("job_reminders", "jobs")
