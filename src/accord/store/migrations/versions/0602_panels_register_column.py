"""panels: the register column is called `register`, as in every other domain's tables

Revision ID: panels_0003
Revises: panels_0002
Create Date: 2026-12-01
"""

from collections.abc import Sequence

from alembic import op

revision: str = "panels_0003"
down_revision: str | Sequence[str] | None = "panels_0002"

TABLES = (
    "disclosure_requests",
    "disclosure_log",
    "panel_meetings",
    "safety_cases",
    "fair_processing_notices",
)


def _rename(old: str, new: str) -> None:
    # Batch mode: SQLite renames by ALTER TABLE where it can; PostgreSQL renames in place.
    for table in TABLES:
        with op.batch_alter_table(table) as batch:
            batch.alter_column(old, new_column_name=new)


def upgrade() -> None:
    _rename("register_id", "register")


def downgrade() -> None:
    _rename("register", "register_id")
