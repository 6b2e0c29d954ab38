"""panels: consent ledger, opted-out list, disclosure requests and the disclosure log

Revision ID: panels_0001
Revises: 0001
Create Date: 2026-11-23
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from accord.store.migrations import columns as col

revision: str = "panels_0001"
down_revision: str | Sequence[str] | None = "0001"
branch_labels: str | Sequence[str] | None = ("panels",)
depends_on: str | Sequence[str] | None = ("people_0001",)


def upgrade() -> None:
    op.create_table(
        "consent_events",
        *col.uuids("id", "subject_id"),
        *col.strings("register_id", "controller", "purpose"),
        *col.strings("state", length=16),
        *col.strings("channel", length=32),
        *col.strings("notice_digest"),
        *col.uuids("captured_by", nullable=True),
        *col.strings("captured_by_kind", length=16),
        *col.strings("captured_by_organisation"),
        *col.moments("recorded_at"),
        *col.moments("expires_at", nullable=True),
        col.pk("consent_events"),
        col.fk("consent_events", "subject_id", "subjects.id"),
    )
    col.indexes("consent_events", "subject_id", "purpose")
    op.create_index(
        "ix_consent_events_subject_purpose",
        "consent_events",
        ["subject_id", "purpose", "recorded_at"],
    )
    _refuse_updates("consent_events")

    op.create_table(
        "consent_opt_outs",
        *col.uuids("id"),
        *col.strings("register_id", "purpose"),
        *col.strings("kind", length=16),
        *col.strings("blind_index"),
        *col.strings("channel", length=32),
        *col.moments("recorded_at"),
        *col.strings("recorded_by_kind", length=16),
        col.pk("consent_opt_outs"),
        col.unique("consent_opt_outs", "register_id", "purpose", "kind", "blind_index"),
    )

    op.create_table(
        "disclosure_requests",
        *col.uuids("id", "subject_id"),
        *col.strings("register_id", "from_organisation", "recipient", "purpose", "record_type"),
        *col.uuids("record_id"),
        sa.Column("fields", sa.JSON(), nullable=False),
        *col.strings("risk_level", length=16),
        *col.sealed("sealed_reasons"),
        *col.strings("state", length=16),
        *col.uuids("requested_by", nullable=True),
        *col.moments("requested_at"),
        *col.uuids("decided_by", nullable=True),
        *col.moments("decided_at", nullable=True),
        col.pk("disclosure_requests"),
        col.fk("disclosure_requests", "subject_id", "subjects.id"),
    )
    col.indexes("disclosure_requests", "subject_id", "state")

    op.create_table(
        "disclosure_log",
        *col.uuids("id", "subject_id"),
        *col.strings("register_id", "from_organisation", "recipient"),
        *col.strings("purpose", nullable=True),
        sa.Column("fields", sa.JSON(), nullable=False),
        *col.flags("with_consent"),
        *col.strings("basis", length=32),
        *col.strings("record_type", nullable=True),
        *col.uuids("record_id", "request_id", "disclosed_by", nullable=True),
        *col.strings("disclosed_by_kind", length=16),
        *col.uuids("approved_by", nullable=True),
        *col.moments("disclosed_at"),
        *col.strings("method", length=32, nullable=True),
        col.pk("disclosure_log"),
        col.fk("disclosure_log", "subject_id", "subjects.id"),
        col.fk("disclosure_log", "request_id", "disclosure_requests.id", ondelete="SET NULL"),
    )
    col.indexes("disclosure_log", "subject_id", "recipient", "disclosed_at")


def _refuse_updates(table: str) -> None:
    """A database trigger that refuses UPDATE, so an append-only table stays append-only even
    for code that bypasses the ORM (deletes still cascade from an erased subject)."""
    message = f"{table} is append-only: record a new event instead"
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            f"CREATE FUNCTION {table}_refuse_update() RETURNS trigger LANGUAGE plpgsql AS $$ "
            f"BEGIN RAISE EXCEPTION '{message}'; END $$"
        )
        op.execute(
            f"CREATE TRIGGER {table}_no_update BEFORE UPDATE ON {table} "
            f"FOR EACH ROW EXECUTE FUNCTION {table}_refuse_update()"
        )
    else:
        op.execute(
            f"CREATE TRIGGER {table}_no_update BEFORE UPDATE ON {table} "
            f"BEGIN SELECT RAISE(ABORT, '{message}'); END"
        )


def _drop_update_trigger(table: str) -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(f"DROP TRIGGER IF EXISTS {table}_no_update ON {table}")
        op.execute(f"DROP FUNCTION IF EXISTS {table}_refuse_update()")
    else:
        op.execute(f"DROP TRIGGER IF EXISTS {table}_no_update")


def downgrade() -> None:
    col.drop_tables("disclosure_log", "disclosure_requests", "consent_opt_outs")
    _drop_update_trigger("consent_events")
    op.drop_table("consent_events")
