"""accounts: users, teams, role grants, API tokens, sign-in sessions and throttles

Revision ID: accounts_0001
Revises: 0001
Create Date: 2026-11-23
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from accord.store.migrations.columns import (
    counts,
    drop_tables,
    fk,
    flags,
    indexes,
    moments,
    pk,
    sealed,
    strings,
    unique,
    uuids,
)

revision: str = "accounts_0001"
down_revision: str | Sequence[str] | None = "0001"
branch_labels: str | Sequence[str] | None = ("accounts",)
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "users",
        *uuids("id"),
        *strings("email", length=320),
        *strings("name", length=200),
        *strings("organisation"),
        *strings("password_hash", length=200, nullable=True),
        *sealed("totp_secret", nullable=True),
        *flags("totp_confirmed"),
        sa.Column("totp_last_step", sa.Integer(), nullable=True),
        *strings("oidc_subject", length=255, nullable=True),
        *flags("active"),
        *moments("created_at"),
        pk("users"),
        unique("users", "email"),
        unique("users", "oidc_subject"),
    )
    op.create_table(
        "teams",
        *uuids("id"),
        *strings("organisation", "slug"),
        *strings("name", length=200),
        *moments("created_at"),
        pk("teams"),
        unique("teams", "organisation", "slug"),
    )
    op.create_table(
        "team_memberships",
        *uuids("id", "team_id", "user_id"),
        fk("team_memberships", "team_id", "teams.id"),
        fk("team_memberships", "user_id", "users.id"),
        pk("team_memberships"),
        unique("team_memberships", "team_id", "user_id"),
    )
    indexes("team_memberships", "user_id")
    op.create_table(
        "user_roles",
        *uuids("id", "user_id"),
        *strings("register_id", "role_id"),
        *moments("created_at"),
        fk("user_roles", "user_id", "users.id"),
        pk("user_roles"),
        unique("user_roles", "user_id", "register_id", "role_id"),
    )
    indexes("user_roles", "user_id")
    op.create_table(
        "api_tokens",
        *uuids("id"),
        *strings("name", length=200),
        *strings("organisation", "register_id", "role_id"),
        sa.Column("permissions", sa.JSON(), nullable=True),
        *strings("secret_hash"),
        *uuids("created_by", nullable=True),
        *moments("created_at"),
        *moments("expires_at", "revoked_at", "last_used_at", nullable=True),
        fk("api_tokens", "created_by", "users.id", ondelete="SET NULL"),
        pk("api_tokens"),
        unique("api_tokens", "secret_hash"),
    )
    op.create_table(
        "sign_in_sessions",
        *uuids("id", "user_id"),
        *strings("stage", "method", length=16),
        *moments("created_at", "last_seen_at", "expires_at"),
        *moments("revoked_at", nullable=True),
        sa.Column("data", sa.JSON(), nullable=False),
        fk("sign_in_sessions", "user_id", "users.id"),
        pk("sign_in_sessions"),
    )
    indexes("sign_in_sessions", "user_id")
    op.create_table(
        "sign_in_throttles",
        *strings("key"),
        *counts("failures"),
        *moments("locked_until", "last_failure_at", nullable=True),
        pk("sign_in_throttles", "key"),
    )


def downgrade() -> None:
    drop_tables(
        "sign_in_throttles",
        "sign_in_sessions",
        "api_tokens",
        "user_roles",
        "team_memberships",
        "teams",
        "users",
    )
