"""The actor public forms act as: the service receiving a form, with the register's
`public-form` role (no person is signed in)."""

from __future__ import annotations

from accord.accounts.actor import role_permissions
from accord.gate.types import Actor
from accord.register.registry import current_registry

PUBLIC_ROLE = "public-form"


def public_actor(register_id: str, organisation: str) -> Actor:
    return Actor(
        id=None,
        kind="system",
        organisation=organisation,
        roles=frozenset({PUBLIC_ROLE}),
        permissions=role_permissions(current_registry(), register_id, PUBLIC_ROLE),
        name="public web form",
    )
