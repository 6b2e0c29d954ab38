"""panels: consent ledger, opted-out list, disclosure requests and the disclosure log

Revision ID: panels_0001
Revises: 0001
Create Date: 2026-11-23
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "panels_0001"
down_revision: str | Sequence[str] | None = "0001"
branch_labels: str | Sequence[str] | None = ("panels",)
depends_on: str | Sequence[str] | None = ("people_0001",)

_TZ = sa.DateTime(timezone=True)


def _subject_fk(table: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        ["subject_id"],
        ["subjects.id"],
        name=f"fk_{table}_subject_id_subjects",
        ondelete="CASCADE",
    )


def upgrade() -> None:
    op.create_table(
        "consent_events",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("subject_id", sa.Uuid(), nullable=False),
        sa.Column("register_id", sa.String(64), nullable=False),
        sa.Column("controller", sa.String(64), nullable=False),
        sa.Column("purpose", sa.String(64), nullable=False),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("channel", sa.String(32), nullable=False),
        sa.Column("notice_digest", sa.String(64), nullable=False),
        sa.Column("captured_by", sa.Uuid(), nullable=True),
        sa.Column("captured_by_kind", sa.String(16), nullable=False),
        sa.Column("captured_by_organisation", sa.String(64), nullable=False),
        sa.Column("recorded_at", _TZ, nullable=False),
        sa.Column("expires_at", _TZ, nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_consent_events"),
        _subject_fk("consent_events"),
    )
    op.create_index("ix_consent_events_subject_id", "consent_events", ["subject_id"])
    op.create_index("ix_consent_events_purpose", "consent_events", ["purpose"])
    op.create_index(
        "ix_consent_events_subject_purpose",
        "consent_events",
        ["subject_id", "purpose", "recorded_at"],
    )
    _refuse_updates("consent_events")

    op.create_table(
        "consent_opt_outs",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("register_id", sa.String(64), nullable=False),
        sa.Column("purpose", sa.String(64), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("blind_index", sa.String(64), nullable=False),
        sa.Column("channel", sa.String(32), nullable=False),
        sa.Column("recorded_at", _TZ, nullable=False),
        sa.Column("recorded_by_kind", sa.String(16), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_consent_opt_outs"),
        sa.UniqueConstraint(
            "register_id",
            "purpose",
            "kind",
            "blind_index",
            name="uq_consent_opt_outs_register_id",
        ),
    )

    op.create_table(
        "disclosure_requests",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("subject_id", sa.Uuid(), nullable=False),
        sa.Column("register_id", sa.String(64), nullable=False),
        sa.Column("from_organisation", sa.String(64), nullable=False),
        sa.Column("recipient", sa.String(64), nullable=False),
        sa.Column("purpose", sa.String(64), nullable=False),
        sa.Column("record_type", sa.String(64), nullable=False),
        sa.Column("record_id", sa.Uuid(), nullable=False),
        sa.Column("fields", sa.JSON(), nullable=False),
        sa.Column("risk_level", sa.String(16), nullable=False),
        sa.Column("sealed_reasons", sa.LargeBinary(), nullable=False),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("requested_by", sa.Uuid(), nullable=True),
        sa.Column("requested_at", _TZ, nullable=False),
        sa.Column("decided_by", sa.Uuid(), nullable=True),
        sa.Column("decided_at", _TZ, nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_disclosure_requests"),
        _subject_fk("disclosure_requests"),
    )
    op.create_index("ix_disclosure_requests_subject_id", "disclosure_requests", ["subject_id"])
    op.create_index("ix_disclosure_requests_state", "disclosure_requests", ["state"])

    op.create_table(
        "disclosure_log",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("subject_id", sa.Uuid(), nullable=False),
        sa.Column("register_id", sa.String(64), nullable=False),
        sa.Column("from_organisation", sa.String(64), nullable=False),
        sa.Column("recipient", sa.String(64), nullable=False),
        sa.Column("purpose", sa.String(64), nullable=True),
        sa.Column("fields", sa.JSON(), nullable=False),
        sa.Column("with_consent", sa.Boolean(), nullable=False),
        sa.Column("basis", sa.String(32), nullable=False),
        sa.Column("record_type", sa.String(64), nullable=True),
        sa.Column("record_id", sa.Uuid(), nullable=True),
        sa.Column("request_id", sa.Uuid(), nullable=True),
        sa.Column("disclosed_by", sa.Uuid(), nullable=True),
        sa.Column("disclosed_by_kind", sa.String(16), nullable=False),
        sa.Column("approved_by", sa.Uuid(), nullable=True),
        sa.Column("disclosed_at", _TZ, nullable=False),
        sa.Column("method", sa.String(32), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_disclosure_log"),
        _subject_fk("disclosure_log"),
        sa.ForeignKeyConstraint(
            ["request_id"],
            ["disclosure_requests.id"],
            name="fk_disclosure_log_request_id_disclosure_requests",
            ondelete="SET NULL",
        ),
    )
    op.create_index("ix_disclosure_log_subject_id", "disclosure_log", ["subject_id"])
    op.create_index("ix_disclosure_log_recipient", "disclosure_log", ["recipient"])
    op.create_index("ix_disclosure_log_disclosed_at", "disclosure_log", ["disclosed_at"])


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
    op.drop_table("disclosure_log")
    op.drop_table("disclosure_requests")
    op.drop_table("consent_opt_outs")
    _drop_update_trigger("consent_events")
    op.drop_table("consent_events")
