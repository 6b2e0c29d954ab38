"""Record types' access profiles: the permissions each action on a record type needs.

The register is the only place this is written: the gate reads the resolved profile and
refuses an action the profile does not list (fail closed). `check_access` reports, by file and
path, a record type without a profile, a profile that names an unknown permission or profile,
and a role that could create a record type under none of its purposes.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from accord.register.errors import Problem
from accord.register.schema import AccessProfile, AccessRules, Register

# The gate's actions, in the order the register lists them (YAML names).
ACTIONS: tuple[str, ...] = (
    "read",
    "list",
    "create",
    "update",
    "delete",
    "disclose",
    "export",
    "aggregate",
)
_ATTRIBUTE = {"list": "list_"}  # `list` is a Python builtin, so the model field is `list_`

Resolved = Mapping[str, tuple[str, ...]]


def actions_of(rules: AccessRules) -> dict[str, list[str] | None]:
    """The actions `rules` itself sets (None: not set here, inherited from `extends`)."""
    return {action: getattr(rules, _ATTRIBUTE.get(action, action)) for action in ACTIONS}


def _chain(register: Register, access: str | AccessRules | None) -> list[AccessRules] | None:
    """`access` and the profiles it extends, nearest first; None when any link is missing or
    the chain loops (validate reports both; the gate then refuses everything)."""
    profiles: dict[str, AccessProfile] = {p.id: p for p in register.access_profiles}
    current: AccessRules | None = profiles.get(access) if isinstance(access, str) else access
    chain: list[AccessRules] = []
    seen: set[str] = {access} if isinstance(access, str) else set()
    while current is not None:
        chain.append(current)
        parent = current.extends
        if parent is None:
            return chain
        if parent in seen:
            return None
        seen.add(parent)
        current = profiles.get(parent)
    return None


def resolve(register: Register, access: str | AccessRules | None) -> dict[str, tuple[str, ...]]:
    """{action: permissions (any one will do)}; empty when the profile is missing or broken."""
    chain = _chain(register, access)
    resolved: dict[str, tuple[str, ...]] = {}
    for rules in reversed(chain or []):
        for action, permissions in actions_of(rules).items():
            if permissions is not None:
                resolved[action] = tuple(permissions)
    return resolved


def access_by_record_type(register: Register) -> dict[str, dict[str, tuple[str, ...]]]:
    return {rt.id: resolve(register, rt.access) for rt in register.record_types}


def _check_rules(
    rules: AccessRules, base: str, owner: str, known: frozenset[str], file: Path
) -> list[Problem]:
    problems: list[Problem] = []
    for action, permissions in actions_of(rules).items():
        for j, permission in enumerate(permissions or []):
            if permission not in known:
                problems.append(
                    Problem(
                        file,
                        f"{base}.{action}[{j}]",
                        "unknown-permission",
                        f"{owner} lets {permission!r} {action}, but that permission is not in "
                        "accord.gate.catalogue.Permission",
                    )
                )
    return problems


def _check_profile_ref(
    register: Register, name: str, path: str, owner: str, file: Path
) -> list[Problem]:
    if any(p.id == name for p in register.access_profiles):
        return []
    known = ", ".join(p.id for p in register.access_profiles) or "none"
    return [
        Problem(
            file,
            path,
            "unknown-access-profile",
            f"{owner} refers to access profile {name!r}, which the register does not define "
            f"(access_profiles: {known})",
        )
    ]


def _check_profiles(register: Register, known: frozenset[str], file: Path) -> list[Problem]:
    problems: list[Problem] = []
    for i, profile in enumerate(register.access_profiles):
        base, owner = f"access_profiles[{i}]", f"access profile {profile.id!r}"
        problems += _check_rules(profile, base, owner, known, file)
        if profile.extends is None:
            continue
        found = _check_profile_ref(register, profile.extends, f"{base}.extends", owner, file)
        if found:
            problems += found
        elif _chain(register, profile.id) is None:
            problems.append(
                Problem(
                    file,
                    f"{base}.extends",
                    "access-profile-cycle",
                    f"{owner} extends itself through {profile.extends!r}",
                )
            )
    return problems


def _check_record_types(register: Register, known: frozenset[str], file: Path) -> list[Problem]:
    problems: list[Problem] = []
    for i, rt in enumerate(register.record_types):
        base, owner = f"record_types[{i}].access", f"record type {rt.id!r}"
        if rt.access is None:
            problems.append(
                Problem(
                    file,
                    base,
                    "access-profile-required",
                    f"{owner} has no access profile: name one from access_profiles or give the "
                    "permissions each action needs; without one every access to it is refused",
                )
            )
        elif isinstance(rt.access, str):
            problems += _check_profile_ref(register, rt.access, base, owner, file)
        else:
            problems += _check_rules(rt.access, base, owner, known, file)
            if rt.access.extends is not None:
                problems += _check_profile_ref(
                    register, rt.access.extends, f"{base}.extends", owner, file
                )
    return problems


def _check_creators(register: Register, file: Path) -> list[Problem]:
    """A role holding a permission that creates record types, under none of whose purposes it
    works, would be refused every such write. One permission often creates several record
    types (rights:request:manage), so the rule is per permission, not per record type."""
    access = access_by_record_type(register)
    problems: list[Problem] = []
    for i, role in enumerate(register.roles):
        for j, permission in enumerate(role.permissions):
            creates = [
                rt for rt in register.record_types if permission in access[rt.id].get("create", ())
            ]
            if not creates or any(set(role.purposes) & set(rt.purposes) for rt in creates):
                continue
            names = ", ".join(rt.id for rt in creates)
            problems.append(
                Problem(
                    file,
                    f"roles[{i}].permissions[{j}]",
                    "role-purpose-not-for-record",
                    f"role {role.id!r} holds {permission!r}, which creates {names}, but none of "
                    "its purposes is a purpose of those record types, so every such write "
                    "would be refused",
                )
            )
    return problems


def check_access(register: Register, known: frozenset[str], file: Path) -> list[Problem]:
    """Every access-profile problem in `register`; `known` is the permission catalogue."""
    return [
        *_check_profiles(register, known, file),
        *_check_record_types(register, known, file),
        *_check_creators(register, file),
    ]
