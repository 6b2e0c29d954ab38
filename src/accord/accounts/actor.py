"""Build the gate's Actor from a person or an API token, using the registers' role lists."""

from __future__ import annotations

from accord.accounts.models import ApiToken, User
from accord.gate.catalogue import Permission
from accord.gate.types import Actor
from accord.register.registry import Registry, current_registry
from accord.register.schema import OrgRole, Register, Role


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
        granted = role_permissions(registry, grant.register, grant.role_id)
        if granted or _role_exists(registry, grant.register, grant.role_id):
            grants.add((grant.register, grant.role_id))
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
    granted = role_permissions(registry, token.register, token.role_id)
    if token.permissions is not None:
        granted = granted & frozenset(token.permissions)
    return Actor(
        id=token.id,
        kind="token",
        organisation=token.organisation,
        roles=frozenset({token.role_id}),
        permissions=granted,
        name=token.name,
        grants=frozenset({(token.register, token.role_id)}),
    )


def _role_exists(registry: Registry, register_id: str, role_id: str) -> bool:
    try:
        registry.role(register_id, role_id)
    except KeyError:
        return False
    return True


# Permissions that only hand data in (a referral, an enquiry, a partner feed and its status):
# a role holding nothing else receives no personal data.
_SUBMIT_ONLY = frozenset(
    {
        Permission.CASE_REFERRAL_CREATE.value,
        Permission.CASE_ENQUIRY_CREATE.value,
        Permission.FEEDS_BATCH_INGEST.value,
        Permission.FEEDS_STATUS_READ.value,
    }
)


def role_refusal(register: Register, organisation: str, role: Role) -> str | None:
    """Why `organisation` cannot hold `role` of `register`, or None when it can.

    The register says what each organisation is, and that bounds its roles: a role tied to
    an organisation is that organisation's alone; controllers (and joint controllers) hold
    any other role; a source only submits; a commissioner sees anonymous data only; a
    recipient works only anonymously or for purposes the register's sharing rules send to
    it; a processor acts on its controller's instructions and holds
    no role of its own.
    """
    org = next((o for o in register.organisations if o.id == organisation), None)
    if org is None:
        return f"{organisation!r} is not named in register {register.id!r}"
    if role.organisation is not None and role.organisation != organisation:
        return f"role {role.id!r} belongs to organisation {role.organisation!r}"
    kind = org.role
    submit_only = set(role.permissions) <= _SUBMIT_ONLY
    if kind in (OrgRole.CONTROLLER, OrgRole.JOINT_CONTROLLER):
        return None
    if kind is OrgRole.PROCESSOR:
        return (
            f"{organisation!r} is a processor for {org.controller!r} in {register.id!r}: it acts "
            "on its controller's instructions and holds no role; give the role to the controller"
        )
    if kind is OrgRole.SOURCE:
        if submit_only:
            return None
        return (
            f"{organisation!r} is a source in {register.id!r}: it provides data and receives "
            f"none, so it holds only roles that submit ({', '.join(sorted(_SUBMIT_ONLY))}), "
            f"not {role.id!r}"
        )
    if role.anonymous_only:
        return None
    if kind is OrgRole.COMMISSIONER:
        return (
            f"{organisation!r} is a commissioner in {register.id!r} and receives anonymous data "
            f"only: {role.id!r} is not an anonymous-only role"
        )
    # a recipient: only what the register shares with it
    missing = sorted(set(role.purposes) - purposes_shared_with(register, organisation))
    if role.purposes and not missing:
        return None
    return (
        f"{organisation!r} is a recipient in {register.id!r} and holds only what the register's "
        f"sharing rules send it: role {role.id!r} works for {', '.join(missing) or 'no purpose'}"
        ", which no rule shares with it"
    )


def purposes_shared_with(register: Register, organisation: str) -> set[str]:
    """The purposes for which a sharing rule of the register sends data to `organisation`."""
    recipients = {r.id: r.organisation or r.id for r in register.recipients}
    found: set[str] = set()
    for rule in register.sharing:
        if any(recipients.get(rid, rid) == organisation for rid in rule.recipients):
            found.update(rule.purposes)
    return found
