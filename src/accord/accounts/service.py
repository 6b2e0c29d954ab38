"""People, teams and role grants; password sign-in with throttling.

Roles are checked against the registers: a grant names a register and one of its `roles:`,
and goes only to people of an organisation that can hold it (`actor.role_refusal`: a role
tied to an organisation is that organisation's; a source, commissioner, recipient or
processor holds only what the register lets it).
"""

from __future__ import annotations

import hashlib
import hmac
import uuid
from dataclasses import dataclass
from datetime import timedelta
from typing import Literal

from email_validator import EmailNotValidError, validate_email
from sqlalchemy import select
from sqlalchemy.orm import Session

from accord.accounts import events, passwords, sessions
from accord.accounts.actor import role_refusal
from accord.accounts.errors import AccountError
from accord.accounts.models import SignInThrottle, Team, TeamMembership, User, UserRole
from accord.gate.types import Actor
from accord.register.registry import Registry, current_registry
from accord.settings import Settings
from accord.store.base import utcnow


def normalise_email(email: str) -> str:
    return email.strip().lower()


def _checked_email(email: str) -> str:
    try:
        return normalise_email(validate_email(email.strip(), check_deliverability=False).normalized)
    except EmailNotValidError as exc:
        raise AccountError("email", str(exc)) from None


def _checked_organisation(organisation: str, registry: Registry) -> str:
    try:
        registry.organisation(organisation)
    except KeyError:
        raise AccountError(
            "organisation", f"no organisation {organisation!r} in any register"
        ) from None
    return organisation


def find_user(session: Session, *, email: str) -> User | None:
    return session.scalars(select(User).where(User.email == normalise_email(email))).first()


def get_user(session: Session, *, ref: str) -> User:
    """A user by id or email address (for the command line)."""
    user: User | None
    try:
        user = session.get(User, uuid.UUID(ref))
    except ValueError:
        user = find_user(session, email=ref)
    if user is None:
        raise AccountError("user", f"no user {ref!r}")
    return user


def create_user(
    session: Session,
    *,
    email: str,
    name: str,
    organisation: str,
    password: str | None = None,
    registry: Registry | None = None,
    actor: Actor | None = None,
) -> User:
    registry = registry or current_registry()
    address = _checked_email(email)
    if not name.strip():
        raise AccountError("name", "enter the person's name")
    _checked_organisation(organisation, registry)
    if find_user(session, email=address) is not None:
        raise AccountError("email", f"an account with {address} already exists")
    password_hash = None
    if password is not None:
        problem = passwords.password_problem(password)
        if problem:
            raise AccountError("password", problem)
        password_hash = passwords.hash_password(password)
    user = User(
        email=address,
        name=name.strip(),
        organisation=organisation,
        password_hash=password_hash,
        totp_confirmed=False,
        active=True,
    )
    session.add(user)
    session.flush()
    events.about(session, user, actor=actor, action="create")
    session.commit()
    return user


def set_password(
    session: Session, *, user: User, password: str, actor: Actor | None = None
) -> None:
    problem = passwords.password_problem(password)
    if problem:
        raise AccountError("password", problem)
    user.password_hash = passwords.hash_password(password)
    events.about(
        session,
        user,
        actor=actor,
        action="set-password",
    )
    session.commit()
    sessions.revoke_all(session, user_id=user.id)


def add_role(
    session: Session,
    *,
    user: User,
    register: str,
    role: str,
    registry: Registry | None = None,
    actor: Actor | None = None,
) -> UserRole:
    registry = registry or current_registry()
    try:
        reg = registry.get(register)
    except KeyError:
        raise AccountError("register", f"no register {register!r}") from None
    try:
        role_def = reg.role(role)
    except KeyError:
        known = ", ".join(r.id for r in reg.roles) or "none"
        raise AccountError(
            "role", f"no role {role!r} in register {register!r} (roles: {known})"
        ) from None
    if role_def.organisation is not None and role_def.organisation != user.organisation:
        raise AccountError(
            "role",
            f"role {role!r} in {register!r} is for organisation {role_def.organisation!r}, "
            f"not {user.organisation!r}",
        )
    if not any(o.id == user.organisation for o in reg.organisations):
        raise AccountError(
            "register", f"organisation {user.organisation!r} is not named in register {register!r}"
        )
    refusal = role_refusal(reg, user.organisation, role_def)
    if refusal is not None:
        raise AccountError("role", refusal)
    for grant in user.roles:
        if grant.register == register and grant.role_id == role:
            return grant
    grant = UserRole(user_id=user.id, register=register, role_id=role)
    user.roles.append(grant)
    events.about(
        session,
        user,
        actor=actor,
        action="grant-role",
        register=register,
        ref=role,
    )
    session.commit()
    return grant


def remove_role(
    session: Session, *, user: User, register: str, role: str, actor: Actor | None = None
) -> bool:
    for grant in list(user.roles):
        if grant.register == register and grant.role_id == role:
            user.roles.remove(grant)
            events.about(
                session,
                user,
                actor=actor,
                action="remove-role",
                register=register,
                ref=role,
            )
            session.commit()
            return True
    return False


def set_active(session: Session, *, user: User, active: bool, actor: Actor | None = None) -> None:
    """Disable (or re-enable) an account; disabling ends every session at once."""
    user.active = active
    events.about(
        session,
        user,
        actor=actor,
        action="enable" if active else "disable",
    )
    session.commit()
    if not active:
        sessions.revoke_all(session, user_id=user.id)


def add_to_team(session: Session, *, user: User, team: str, name: str | None = None) -> Team:
    """Put a person in a team of their organisation, creating the team on first use."""
    found = session.scalars(
        select(Team).where(Team.organisation == user.organisation, Team.slug == team)
    ).first()
    if found is None:
        found = Team(organisation=user.organisation, slug=team, name=name or team)
        session.add(found)
        session.flush()
    if not any(m.team_id == found.id for m in user.memberships):
        user.memberships.append(TeamMembership(team_id=found.id, user_id=user.id, team=found))
    session.commit()
    return found


def list_users(session: Session, *, organisation: str | None = None) -> list[User]:
    query = select(User).order_by(User.organisation, User.email)
    if organisation is not None:
        query = query.where(User.organisation == organisation)
    return list(session.scalars(query))


# --- password sign-in ----------------------------------------------------------------------


@dataclass(frozen=True)
class SignInResult:
    outcome: Literal["ok", "wrong", "locked"]
    user: User | None = None


def _throttle_key(settings: Settings, email: str) -> str:
    key = settings.session_secret.get_secret_value().encode()
    return hmac.new(key, b"sign-in|" + normalise_email(email).encode(), hashlib.sha256).hexdigest()


def authenticate(
    session: Session, *, settings: Settings, email: str, password: str
) -> SignInResult:
    """Check an email address and password.

    After `sign_in_max_failures` failures in a row the address is locked for
    `sign_in_lockout_minutes`, whether or not an account has that address, and while locked
    even the right password is refused: the answer never tells anyone whether an account exists.
    """
    now = utcnow()
    key = _throttle_key(settings, email)
    throttle = session.get(SignInThrottle, key)
    if throttle is not None and throttle.locked_until is not None:
        if throttle.locked_until > now:
            passwords.verify_password(None, password)  # same cost as any other answer
            return SignInResult("locked")
        throttle.locked_until = None
        throttle.failures = 0
    user = find_user(session, email=email)
    ok = passwords.verify_password(user.password_hash if user else None, password)
    if ok and user is not None and user.active:
        if throttle is not None:
            session.delete(throttle)
        if user.password_hash and passwords.needs_rehash(user.password_hash):
            user.password_hash = passwords.hash_password(password)
        session.commit()
        return SignInResult("ok", user)
    if throttle is None:
        throttle = SignInThrottle(key=key, failures=0)
        session.add(throttle)
    throttle.failures += 1
    throttle.last_failure_at = now
    locked = throttle.failures >= settings.sign_in_max_failures
    if locked:
        throttle.locked_until = now + timedelta(minutes=settings.sign_in_lockout_minutes)
        if user is not None:  # an unknown address has no id to record, and no name is kept
            events.about(
                session,
                user,
                actor=None,
                action="lock",
                outcome="refused",
                reason="too-many-failures",
            )
    session.commit()
    return SignInResult("locked" if locked else "wrong")
