"""Accounts: people, teams, role grants, API tokens, sign-in sessions and sign-in throttles."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    ForeignKey,
    Integer,
    LargeBinary,
    String,
    UniqueConstraint,
    Uuid,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from accord.store.base import Base, UtcDateTime, UuidPk, utcnow


class User(UuidPk, Base):
    """A person who signs in. Roles are granted per register (`UserRole`)."""

    __tablename__ = "users"

    email: Mapped[str] = mapped_column(String(320), unique=True)  # stored lower-cased
    name: Mapped[str] = mapped_column(String(200))
    organisation: Mapped[str] = mapped_column(String(64))  # register organisation id
    password_hash: Mapped[str | None] = mapped_column(String(200), default=None)  # None: SSO only
    # AES-GCM sealed under a key derived from the master key (see accounts.totp).
    totp_secret: Mapped[bytes | None] = mapped_column(LargeBinary, default=None)
    totp_confirmed: Mapped[bool] = mapped_column(Boolean, default=False)
    # The last time step whose code was accepted: a code is never accepted twice.
    totp_last_step: Mapped[int | None] = mapped_column(Integer, default=None)
    oidc_subject: Mapped[str | None] = mapped_column(String(255), unique=True, default=None)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)

    roles: Mapped[list[UserRole]] = relationship(
        back_populates="user", cascade="all, delete-orphan", lazy="selectin"
    )
    memberships: Mapped[list[TeamMembership]] = relationship(
        back_populates="user", cascade="all, delete-orphan", lazy="selectin"
    )


class Team(UuidPk, Base):
    __tablename__ = "teams"
    __table_args__ = (UniqueConstraint("organisation", "slug"),)

    organisation: Mapped[str] = mapped_column(String(64))
    slug: Mapped[str] = mapped_column(String(64))  # the id the gate compares with Target.team
    name: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class TeamMembership(UuidPk, Base):
    __tablename__ = "team_memberships"
    __table_args__ = (UniqueConstraint("team_id", "user_id"),)

    team_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("teams.id", ondelete="CASCADE"))
    user_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("users.id", ondelete="CASCADE"), index=True
    )

    user: Mapped[User] = relationship(back_populates="memberships")
    team: Mapped[Team] = relationship(lazy="joined")


class UserRole(UuidPk, Base):
    """A role from a register's `roles:` list, granted to a person."""

    __tablename__ = "user_roles"
    __table_args__ = (UniqueConstraint("user_id", "register", "role_id"),)

    user_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    register: Mapped[str] = mapped_column(String(64))
    role_id: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)

    user: Mapped[User] = relationship(back_populates="roles")


class ApiToken(UuidPk, Base):
    """A machine credential. Only a SHA-256 of the secret is kept; the secret is shown once."""

    __tablename__ = "api_tokens"

    name: Mapped[str] = mapped_column(String(200))
    organisation: Mapped[str] = mapped_column(String(64))
    register: Mapped[str] = mapped_column(String(64))
    role_id: Mapped[str] = mapped_column(String(64))
    # A subset of the role's permissions; None means all of them.
    permissions: Mapped[list[str] | None] = mapped_column(JSON, default=None)
    secret_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_by: Mapped[uuid.UUID | None] = mapped_column(
        Uuid, ForeignKey("users.id", ondelete="SET NULL"), default=None
    )
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    expires_at: Mapped[datetime | None] = mapped_column(UtcDateTime, default=None)
    revoked_at: Mapped[datetime | None] = mapped_column(UtcDateTime, default=None)
    last_used_at: Mapped[datetime | None] = mapped_column(UtcDateTime, default=None)


class SessionRecord(UuidPk, Base):
    """A server-side sign-in session; the cookie holds only its signed id."""

    __tablename__ = "sign_in_sessions"

    user_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    # "totp": the password was right and the second factor is still owed; "full": signed in.
    stage: Mapped[str] = mapped_column(String(16))
    method: Mapped[str] = mapped_column(String(16))  # password | oidc
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UtcDateTime, default=None)
    # Flow state that must survive one redirect (OIDC state and nonce, the page to return to).
    data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)

    user: Mapped[User] = relationship(lazy="joined")


class SignInThrottle(Base):
    """Failed sign-ins per email address, whether or not an account has that address.

    Keyed by an HMAC of the address so the table itself does not list who tried, and kept
    apart from `users` so a locked-out unknown address looks exactly like a known one.
    """

    __tablename__ = "sign_in_throttles"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    failures: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[datetime | None] = mapped_column(UtcDateTime, default=None)
    last_failure_at: Mapped[datetime | None] = mapped_column(UtcDateTime, default=None)
