"""Build the gate's Actor from a person or an API token, using the registers' role lists."""

from __future__ import annotations

from accord.accounts.models import ApiToken, User
from accord.gate.types import Actor
from accord.register.registry import Registry, current_registry


def role_permissions(registry: Registry, register_id: str, role_id: str) -> frozenset[str]:
    """The permissions a register grants a role; empty if either no longer exists."""
    try:
        role = registry.role(register_id, role_id)
    except KeyError:
        return frozenset()
    return frozenset(role.permissions)


def actor_for_user(user: User, registry: Registry | None = None) -> Actor:
    registry = registry or current_registry()
    permissions: set[str] = set()
    grants: set[tuple[str, str]] = set()
    for grant in user.roles:
        granted = role_permissions(registry, grant.register_id, grant.role_id)
        if granted or _role_exists(registry, grant.register_id, grant.role_id):
            grants.add((grant.register_id, grant.role_id))
            permissions |= granted
    return Actor(
        id=user.id,
        kind="user",
        organisation=user.organisation,
        roles=frozenset(role for _, role in grants),
        permissions=frozenset(permissions),
        teams=frozenset(m.team.slug for m in user.memberships),
        name=user.name,
        grants=frozenset(grants),
    )


def actor_for_token(token: ApiToken, registry: Registry | None = None) -> Actor:
    registry = registry or current_registry()
    granted = role_permissions(registry, token.register_id, token.role_id)
    if token.permissions is not None:
        granted = granted & frozenset(token.permissions)
    return Actor(
        id=token.id,
        kind="token",
        organisation=token.organisation,
        roles=frozenset({token.role_id}),
        permissions=granted,
        name=token.name,
        grants=frozenset({(token.register_id, token.role_id)}),
    )


def _role_exists(registry: Registry, register_id: str, role_id: str) -> bool:
    try:
        registry.role(register_id, role_id)
    except KeyError:
        return False
    return True
