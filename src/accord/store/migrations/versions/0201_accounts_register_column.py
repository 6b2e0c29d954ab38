"""accounts: role grants and API tokens call their register column `register`

Revision ID: accounts_0002
Revises: accounts_0001
Create Date: 2026-12-01
"""

from collections.abc import Sequence

from alembic import op

revision: str = "accounts_0002"
down_revision: str | Sequence[str] | None = "accounts_0001"

TABLES = ("user_roles", "api_tokens")


def _rename(old: str, new: str) -> None:
    # RENAME COLUMN on both databases; constraints that name the column follow it (the unique
    # key on user_roles is named after user_id, so its name stands).
    for table in TABLES:
        op.alter_column(table, old, new_column_name=new)


def upgrade() -> None:
    _rename("register_id", "register")


def downgrade() -> None:
    _rename("register", "register_id")
