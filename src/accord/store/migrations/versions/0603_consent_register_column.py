"""panels: the consent ledger and the opted-out list call their register column `register`

Revision ID: panels_0004
Revises: panels_0003
Create Date: 2026-12-01
"""

from collections.abc import Sequence

from alembic import op

revision: str = "panels_0004"
down_revision: str | Sequence[str] | None = "panels_0003"

OPT_OUT_KEY = ("purpose", "kind", "blind_index")  # after the register column


def _rename(old: str, new: str) -> None:
    # consent_events is renamed in place (RENAME COLUMN on both databases): copying the table,
    # as batch mode does on SQLite, would drop the trigger that keeps it append-only.
    op.alter_column("consent_events", old, new_column_name=new)
    # The opted-out list's unique key is named after its first column, so it is renamed too.
    # Two batches: on SQLite one copy cannot both drop the old key and add the new one.
    with op.batch_alter_table("consent_opt_outs") as batch:
        batch.alter_column(old, new_column_name=new)
        batch.drop_constraint(f"uq_consent_opt_outs_{old}", type_="unique")
    with op.batch_alter_table("consent_opt_outs") as batch:
        batch.create_unique_constraint(f"uq_consent_opt_outs_{new}", [new, *OPT_OUT_KEY])


def upgrade() -> None:
    _rename("register_id", "register")


def downgrade() -> None:
    _rename("register", "register_id")
