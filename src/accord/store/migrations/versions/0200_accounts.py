"""accounts: users, teams, role grants, API tokens, sign-in sessions and throttles

Revision ID: accounts_0001
Revises: 0001
Create Date: 2026-11-23
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from accord.store.migrations import columns as col

revision: str = "accounts_0001"
down_revision: str | Sequence[str] | None = "0001"
branch_labels: str | Sequence[str] | None = ("accounts",)


def upgrade() -> None:
    op.create_table(
        "users",
        *col.uuids("id"),
        *col.strings("email", length=320),
        *col.strings("name", length=200),
        *col.strings("organisation"),
        *col.strings("password_hash", length=200, nullable=True),
        *col.sealed("totp_secret", nullable=True),
        *col.flags("totp_confirmed"),
        sa.Column("totp_last_step", sa.Integer(), nullable=True),
        *col.strings("oidc_subject", length=255, nullable=True),
        *col.flags("active"),
        *col.moments("created_at"),
        col.pk("users"),
        col.unique("users", "email"),
        col.unique("users", "oidc_subject"),
    )
    op.create_table(
        "teams",
        *col.uuids("id"),
        *col.strings("organisation", "slug"),
        *col.strings("name", length=200),
        *col.moments("created_at"),
        col.pk("teams"),
        col.unique("teams", "organisation", "slug"),
    )
    op.create_table(
        "team_memberships",
        *col.uuids("id", "team_id", "user_id"),
        col.fk("team_memberships", "team_id", "teams.id"),
        col.fk("team_memberships", "user_id", "users.id"),
        col.pk("team_memberships"),
        col.unique("team_memberships", "team_id", "user_id"),
    )
    col.indexes("team_memberships", "user_id")
    op.create_table(
        "user_roles",
        *col.uuids("id", "user_id"),
        *col.strings("register_id", "role_id"),
        *col.moments("created_at"),
        col.fk("user_roles", "user_id", "users.id"),
        col.pk("user_roles"),
        col.unique("user_roles", "user_id", "register_id", "role_id"),
    )
    col.indexes("user_roles", "user_id")
    op.create_table(
        "api_tokens",
        *col.uuids("id"),
        *col.strings("name", length=200),
        *col.strings("organisation", "register_id", "role_id"),
        sa.Column("permissions", sa.JSON(), nullable=True),
        *col.strings("secret_hash"),
        *col.uuids("created_by", nullable=True),
        *col.moments("created_at"),
        *col.moments("expires_at", "revoked_at", "last_used_at", nullable=True),
        col.fk("api_tokens", "created_by", "users.id", ondelete="SET NULL"),
        col.pk("api_tokens"),
        col.unique("api_tokens", "secret_hash"),
    )
    op.create_table(
        "sign_in_sessions",
        *col.uuids("id", "user_id"),
        *col.strings("stage", "method", length=16),
        *col.moments("created_at", "last_seen_at", "expires_at"),
        *col.moments("revoked_at", nullable=True),
        sa.Column("data", sa.JSON(), nullable=False),
        col.fk("sign_in_sessions", "user_id", "users.id"),
        col.pk("sign_in_sessions"),
    )
    col.indexes("sign_in_sessions", "user_id")
    op.create_table(
        "sign_in_throttles",
        *col.strings("key"),
        *col.counts("failures"),
        *col.moments("locked_until", "last_failure_at", nullable=True),
        col.pk("sign_in_throttles", "key"),
    )


def downgrade() -> None:
    col.drop_tables(
        "sign_in_throttles",
        "sign_in_sessions",
        "api_tokens",
        "user_roles",
        "team_memberships",
        "teams",
        "users",
    )
