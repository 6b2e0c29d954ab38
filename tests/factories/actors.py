"""Actors as production builds them: a person or an API token granted a role of a register.

The Actor comes from `accounts.actor.actor_for_user` / `actor_for_token`, so its roles are
bound to the register they were granted in, exactly as for a signed-in user or a token. The
grant is checked the way `accounts.service.add_role` checks it: a role the organisation
cannot hold under the register is refused here rather than giving a test an actor that
production could never have.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from typing import Literal

from accord.accounts.actor import actor_for_token, actor_for_user, role_refusal
from accord.accounts.models import ApiToken, Team, TeamMembership, User, UserRole
from accord.gate.types import Actor
from accord.register.registry import Registry, current_registry
from accord.register.schema import OrgRole, Register


def default_organisation(register: Register, role: str) -> str:
    """The organisation a role belongs to, else the register's first controller."""
    owner = register.role(role).organisation
    if owner is not None:
        return owner
    return next(
        o.id
        for o in register.organisations
        if o.role in (OrgRole.CONTROLLER, OrgRole.JOINT_CONTROLLER)
    )


def _granted(
    registry: Registry, register: str, role: str, organisation: str | None, checked: bool = True
) -> str:
    reg = registry.get(register)
    organisation = organisation or default_organisation(reg, role)
    refusal = role_refusal(reg, organisation, reg.role(role))
    if refusal is not None and checked:
        raise ValueError(f"test actor: {refusal}")
    return organisation


def actor(
    register: str | Register,
    role: str,
    organisation: str | None = None,
    *,
    teams: Iterable[str] = (),
    kind: Literal["user", "token"] = "user",
    extra_roles: Iterable[tuple[str, str]] = (),
    registry: Registry | None = None,
    checked: bool = True,
) -> Actor:
    """A signed-in person (or, with kind="token", an API token) of `organisation` holding
    `role` in `register`, in the given teams. `extra_roles` adds (register, role) grants.
    `checked=False` skips the organisation check, for tests of a grant production refuses."""
    registry = registry or current_registry()
    register_id = register if isinstance(register, str) else register.id
    organisation = _granted(registry, register_id, role, organisation, checked)
    if kind == "token":
        token = ApiToken(
            id=uuid.uuid4(),
            name=f"{role} token of {organisation}",
            organisation=organisation,
            register=register_id,
            role_id=role,
            permissions=None,
        )
        return actor_for_token(token, registry)
    user = User(
        id=uuid.uuid4(),
        email=f"{role}.{uuid.uuid4().hex[:8]}@{organisation}.example",
        name=f"{role} at {organisation}",
        organisation=organisation,
    )
    for reg, granted in [(register_id, role), *extra_roles]:
        _granted(registry, reg, granted, organisation, checked)
        user.roles.append(UserRole(register=reg, role_id=granted))
    for slug in teams:
        team = Team(organisation=organisation, slug=slug, name=slug)
        user.memberships.append(TeamMembership(team=team))
    return actor_for_user(user, registry)
