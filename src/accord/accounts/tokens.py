"""API tokens for machines (e.g. a police force's referral feed).

A token is `accord_` followed by 32 random bytes in URL-safe base64. Only its SHA-256 is
stored: the secret has 256 bits of entropy, so a fast hash is safe and keeps lookups cheap.
"""

from __future__ import annotations

import hashlib
import secrets
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from accord.accounts import events
from accord.accounts.actor import actor_for_token, role_refusal
from accord.accounts.errors import AccountError
from accord.accounts.models import ApiToken
from accord.gate.types import Actor
from accord.register.registry import Registry, current_registry
from accord.store.base import aware, utcnow

PREFIX = "accord_"
DEFAULT_LIFETIME = timedelta(days=365)


@dataclass(frozen=True)
class IssuedToken:
    token: ApiToken
    secret: str  # shown once, never stored


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def create_token(
    session: Session,
    *,
    name: str,
    organisation: str,
    register: str,
    role: str,
    permissions: list[str] | None = None,
    created_by: uuid.UUID | None = None,
    lifetime: timedelta | None = DEFAULT_LIFETIME,
    registry: Registry | None = None,
    actor: Actor | None = None,
) -> IssuedToken:
    registry = registry or current_registry()
    if not name.strip():
        raise AccountError("name", "give the token a name that says what uses it")
    try:
        reg = registry.get(register)
    except KeyError:
        raise AccountError("register", f"no register {register!r}") from None
    if not any(o.id == organisation for o in reg.organisations):
        raise AccountError(
            "organisation", f"{organisation!r} is not named in register {register!r}"
        )
    try:
        role_def = reg.role(role)
    except KeyError:
        known = ", ".join(r.id for r in reg.roles) or "none"
        raise AccountError(
            "role", f"no role {role!r} in register {register!r} (roles: {known})"
        ) from None
    refusal = role_refusal(reg, organisation, role_def)
    if refusal is not None:
        raise AccountError("role", refusal)
    if permissions is not None:
        extra = sorted(set(permissions) - set(role_def.permissions))
        if extra:
            raise AccountError("permissions", f"not granted by role {role!r}: {', '.join(extra)}")
    secret = PREFIX + secrets.token_urlsafe(32)
    now = utcnow()
    token = ApiToken(
        name=name.strip(),
        organisation=organisation,
        register=register,
        role_id=role,
        permissions=sorted(permissions) if permissions is not None else None,
        secret_hash=_digest(secret),
        created_by=created_by,
        created_at=now,
        expires_at=now + lifetime if lifetime is not None else None,
    )
    session.add(token)
    session.flush()
    events.about(
        session,
        token,
        actor=actor,
        action="create",
        record_type="api-token",
        register=register,
        ref=role,
    )
    session.commit()
    return IssuedToken(token=token, secret=secret)


def revoke_token(session: Session, *, token_id: uuid.UUID, actor: Actor | None = None) -> ApiToken:
    token = session.get(ApiToken, token_id)
    if token is None:
        raise AccountError("id", f"no API token {token_id}")
    if token.revoked_at is None:
        token.revoked_at = utcnow()
        events.about(
            session,
            token,
            actor=actor,
            action="revoke",
            record_type="api-token",
            register=token.register,
        )
        session.commit()
    return token


def list_tokens(session: Session, *, organisation: str | None = None) -> list[ApiToken]:
    query = select(ApiToken).order_by(ApiToken.created_at)
    if organisation is not None:
        query = query.where(ApiToken.organisation == organisation)
    return list(session.scalars(query))


def token_state(token: ApiToken, now: datetime | None = None) -> str:
    now = aware(now) if now else utcnow()
    if token.revoked_at is not None:
        return "revoked"
    if token.expires_at is not None and token.expires_at <= now:
        return "expired"
    return "active"


def resolve(session: Session, *, secret: str, registry: Registry | None = None) -> Actor | None:
    """The Actor for a presented bearer secret, or None if unknown, revoked or expired."""
    if not secret.startswith(PREFIX):
        return None
    token = session.scalars(select(ApiToken).where(ApiToken.secret_hash == _digest(secret))).first()
    if token is None or token_state(token) != "active":
        return None
    now = utcnow()
    if token.last_used_at is None or now - token.last_used_at > timedelta(minutes=1):
        token.last_used_at = now
        session.commit()
    return actor_for_token(token, registry)
