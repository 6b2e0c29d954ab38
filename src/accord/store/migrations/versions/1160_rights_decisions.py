"""rights_decisions: rectifications, recipient notices, erasures, restrictions, objections,
automated-decision reviews and complaints about the handling of rights requests

Revision ID: rights_decisions_0001
Revises: 0001
Create Date: 2026-12-01
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from accord.store.migrations import columns as col

revision: str = "rights_decisions_0001"
down_revision: str | Sequence[str] | None = "0001"
branch_labels: str | Sequence[str] | None = ("rights_decisions",)
depends_on: str | Sequence[str] | None = ("people_0001", "rights_0001")


def _subject_owned() -> list[sa.Column[object]]:
    """Columns every decision about one person has: its request, person, register, owner."""
    return [
        *col.uuids("id"),
        *col.uuids("request_id", nullable=True),
        *col.uuids("subject_id"),
        *col.strings("register", "organisation"),
    ]


def upgrade() -> None:
    op.create_table(
        "rights_rectifications",
        *_subject_owned(),
        *col.strings("record_type"),
        *col.uuids("record_id"),
        sa.Column("fields", sa.JSON(), nullable=False),
        sa.Column("categories", sa.JSON(), nullable=False),
        *col.sealed("old_values", "reason"),
        *col.uuids("decided_by", nullable=True),
        *col.strings("decided_by_kind", length=16),
        *col.moments("decided_at"),
        col.pk("rights_rectifications"),
        col.fk("rights_rectifications", "request_id", "rights_requests.id", ondelete="SET NULL"),
        col.fk("rights_rectifications", "subject_id", "subjects.id"),
    )
    col.indexes("rights_rectifications", "request_id", "subject_id", "record_id")

    op.create_table(
        "rights_recipient_notices",
        *_subject_owned(),
        *col.strings("kind", length=16),
        *col.uuids("decision_id"),
        *col.strings("recipient"),
        sa.Column("fields", sa.JSON(), nullable=False),
        *col.strings("state", length=16),
        *col.strings("note", length=500, nullable=True),
        *col.moments("created_at"),
        *col.uuids("recorded_by", nullable=True),
        *col.moments("recorded_at", nullable=True),
        col.pk("rights_recipient_notices"),
        col.fk("rights_recipient_notices", "request_id", "rights_requests.id", ondelete="SET NULL"),
    )
    col.indexes("rights_recipient_notices", "request_id", "subject_id", "decision_id", "state")

    op.create_table(
        "rights_erasures",
        *_subject_owned(),
        *col.strings("outcome", length=16),
        *col.uuids("decided_by", nullable=True),
        *col.strings("decided_by_kind", length=16),
        *col.moments("decided_at"),
        col.pk("rights_erasures"),
        col.fk("rights_erasures", "request_id", "rights_requests.id", ondelete="SET NULL"),
    )
    col.indexes("rights_erasures", "request_id", "subject_id")

    op.create_table(
        "rights_erasure_items",
        *col.uuids("id", "erasure_id"),
        *col.strings("record_type"),
        *col.uuids("record_id"),
        *col.strings("outcome", length=16),
        *col.strings("exemption", length=32, nullable=True),
        *col.sealed("reason", nullable=True),
        col.pk("rights_erasure_items"),
        col.fk("rights_erasure_items", "erasure_id", "rights_erasures.id"),
    )
    col.indexes("rights_erasure_items", "erasure_id")

    op.create_table(
        "rights_restrictions",
        *_subject_owned(),
        *col.strings("grounds", length=32),
        *col.uuids("placed_by", nullable=True),
        *col.moments("placed_at"),
        *col.moments("lift_notice_at", nullable=True),
        *col.strings("lift_notice_channel", length=32, nullable=True),
        *col.uuids("lift_notice_by", nullable=True),
        *col.moments("lifted_at", nullable=True),
        *col.uuids("lifted_by", nullable=True),
        col.pk("rights_restrictions"),
        col.fk("rights_restrictions", "request_id", "rights_requests.id", ondelete="SET NULL"),
        col.fk("rights_restrictions", "subject_id", "subjects.id"),
    )
    col.indexes("rights_restrictions", "request_id", "subject_id")

    op.create_table(
        "rights_objections",
        *_subject_owned(),
        sa.Column("purposes", sa.JSON(), nullable=False),
        *col.sealed("grounds"),
        *col.moments("received_at"),
        *col.uuids("recorded_by", nullable=True),
        *col.strings("outcome", length=32, nullable=True),
        *col.sealed("reason", nullable=True),
        *col.uuids("decided_by", nullable=True),
        *col.moments("decided_at", nullable=True),
        col.pk("rights_objections"),
        col.fk("rights_objections", "request_id", "rights_requests.id", ondelete="SET NULL"),
        col.fk("rights_objections", "subject_id", "subjects.id"),
    )
    col.indexes("rights_objections", "request_id", "subject_id")

    op.create_table(
        "rights_automated_reviews",
        *_subject_owned(),
        *col.strings("kind", length=32),
        *col.uuids("reference", nullable=True),
        *col.sealed("view", nullable=True),
        *col.sealed("explanation"),
        *col.moments("requested_at"),
        *col.uuids("recorded_by", nullable=True),
        *col.strings("outcome", length=16, nullable=True),
        *col.sealed("note", nullable=True),
        *col.uuids("reviewed_by", nullable=True),
        *col.moments("reviewed_at", nullable=True),
        col.pk("rights_automated_reviews"),
        col.fk("rights_automated_reviews", "request_id", "rights_requests.id", ondelete="SET NULL"),
        col.fk("rights_automated_reviews", "subject_id", "subjects.id"),
    )
    col.indexes("rights_automated_reviews", "request_id", "subject_id")

    op.create_table(
        "rights_handling_complaints",
        *_subject_owned(),
        *col.sealed("content"),
        *col.moments("received_at"),
        *col.uuids("recorded_by", nullable=True),
        *col.sealed("answer", nullable=True),
        *col.uuids("answered_by", nullable=True),
        *col.moments("answered_at", nullable=True),
        col.pk("rights_handling_complaints"),
        col.fk(
            "rights_handling_complaints", "request_id", "rights_requests.id", ondelete="SET NULL"
        ),
        col.fk("rights_handling_complaints", "subject_id", "subjects.id"),
    )
    col.indexes("rights_handling_complaints", "request_id", "subject_id")


def downgrade() -> None:
    col.drop_tables(
        "rights_handling_complaints",
        "rights_automated_reviews",
        "rights_objections",
        "rights_restrictions",
        "rights_erasure_items",
        "rights_erasures",
        "rights_recipient_notices",
        "rights_rectifications",
    )
