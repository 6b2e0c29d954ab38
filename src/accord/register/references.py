"""Structural rules of a register: unique ids, references that resolve, known permissions.

Each rule appends `Problem`s naming the path inside the file (e.g. `record_types[2].purposes[1]`)
so that a DPO editing the YAML can go straight to the line.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Protocol

from accord.gate.catalogue import Permission
from accord.register.errors import Problem
from accord.register.schema import Register

CASELOADS = frozenset({"own", "team", "organisation", "none"})
KNOWN_PERMISSIONS = frozenset(p.value for p in Permission)
# Permissions whose answers identify people: an anonymous-only role can never hold them.
IDENTIFYING_PERMISSIONS = frozenset(
    {
        Permission.CASE_REFERRAL_READ,
        Permission.CASE_CASE_READ,
        Permission.CASE_CASE_LIST,
        Permission.CASE_ENQUIRY_READ,
        Permission.CASE_COMPLAINT_READ,
        Permission.CASE_SUBJECT_MATCH,
        Permission.PANEL_CASE_READ,
        Permission.LINKAGE_IDENTIFIERS_READ,
        Permission.REPORTS_IDENTIFYING_READ,
    }
)


class _HasId(Protocol):
    @property
    def id(self) -> str: ...


# (register attribute, reference kind used in rule codes and messages)
_COLLECTIONS: tuple[tuple[str, str], ...] = (
    ("organisations", "organisation"),
    ("services", "service"),
    ("data_subjects", "data-subject"),
    ("categories", "category"),
    ("sources", "source"),
    ("purposes", "purpose"),
    ("access_profiles", "access-profile"),
    ("record_types", "record-type"),
    ("recipients", "recipient"),
    ("sharing", "sharing-rule"),
    ("routing", "routing-rule"),
    ("roles", "role"),
)


class _Refs:
    """Known ids per kind, and a checker that reports each unknown reference."""

    def __init__(self, register: Register, file: Path, problems: list[Problem]) -> None:
        self.file = file
        self.problems = problems
        self.known: dict[str, set[str]] = {}
        for attribute, kind in _COLLECTIONS:
            items: Sequence[_HasId] = getattr(register, attribute)
            self.known[kind] = {item.id for item in items}

    def check(self, kind: str, value: str | None, path: str, owner: str) -> None:
        if value is None or value in self.known[kind]:
            return
        self.problems.append(
            Problem(
                self.file,
                path,
                f"unknown-{kind}",
                f"{owner} refers to {kind.replace('-', ' ')} {value!r}, which the register does "
                f"not define",
            )
        )

    def check_all(self, kind: str, values: Iterable[str], path: str, owner: str) -> None:
        for index, value in enumerate(values):
            self.check(kind, value, f"{path}[{index}]", owner)


def check_duplicates(register: Register, file: Path) -> list[Problem]:
    problems: list[Problem] = []
    for attribute, kind in _COLLECTIONS:
        seen: dict[str, int] = {}
        items: Sequence[_HasId] = getattr(register, attribute)
        for index, item in enumerate(items):
            if item.id in seen:
                problems.append(
                    Problem(
                        file,
                        f"{attribute}[{index}].id",
                        "duplicate-id",
                        f"{kind.replace('-', ' ')} id {item.id!r} is already used by "
                        f"{attribute}[{seen[item.id]}]",
                    )
                )
            else:
                seen[item.id] = index
    return problems


def check_references(register: Register, file: Path) -> list[Problem]:
    problems: list[Problem] = []
    refs = _Refs(register, file, problems)
    for i, org in enumerate(register.organisations):
        refs.check("organisation", org.controller, f"organisations[{i}].controller", repr(org.id))
    for i, service in enumerate(register.services):
        refs.check(
            "organisation", service.organisation, f"services[{i}].organisation", repr(service.id)
        )
    for i, purpose in enumerate(register.purposes):
        refs.check_all(
            "category", purpose.categories, f"purposes[{i}].categories", f"purpose {purpose.id!r}"
        )
    for i, rt in enumerate(register.record_types):
        owner = f"record type {rt.id!r}"
        base = f"record_types[{i}]"
        refs.check("service", rt.service, f"{base}.service", owner)
        refs.check_all("category", rt.categories, f"{base}.categories", owner)
        refs.check_all("purpose", rt.purposes, f"{base}.purposes", owner)
        refs.check_all("data-subject", rt.data_subjects, f"{base}.data_subjects", owner)
        refs.check_all("source", rt.sources, f"{base}.sources", owner)
    for i, recipient in enumerate(register.recipients):
        owner = f"recipient {recipient.id!r}"
        base = f"recipients[{i}]"
        refs.check("organisation", recipient.organisation, f"{base}.organisation", owner)
        refs.check_all("purpose", recipient.purposes, f"{base}.purposes", owner)
        refs.check_all("category", recipient.categories, f"{base}.categories", owner)
    for i, rule in enumerate(register.sharing):
        owner = f"sharing rule {rule.id!r}"
        base = f"sharing[{i}]"
        refs.check_all("organisation", rule.from_organisations, f"{base}.from_organisations", owner)
        refs.check_all("recipient", rule.recipients, f"{base}.recipients", owner)
        refs.check_all("purpose", rule.purposes, f"{base}.purposes", owner)
        refs.check("purpose", rule.consent_purpose, f"{base}.consent_purpose", owner)
    for i, route in enumerate(register.routing):
        refs.check("service", route.to_service, f"routing[{i}].to_service", f"route {route.id!r}")
    for i, role in enumerate(register.roles):
        owner = f"role {role.id!r}"
        refs.check("organisation", role.organisation, f"roles[{i}].organisation", owner)
        refs.check_all("purpose", role.purposes, f"roles[{i}].purposes", owner)
    for i, feed in enumerate(register.feeds):
        owner = f"feed {feed.partner}/{feed.dataset}"
        refs.check("organisation", feed.partner, f"feeds[{i}].partner", owner)
        refs.check("purpose", feed.purpose, f"feeds[{i}].purpose", owner)
        for j, field in enumerate(feed.fields):
            refs.check_all(
                "category", field.categories, f"feeds[{i}].fields[{j}].categories", owner
            )
    return problems


def check_roles(register: Register, file: Path) -> list[Problem]:
    """Permissions come from the gate's catalogue; caseloads from a fixed list."""
    problems: list[Problem] = []
    for i, role in enumerate(register.roles):
        for j, permission in enumerate(role.permissions):
            if permission not in KNOWN_PERMISSIONS:
                problems.append(
                    Problem(
                        file,
                        f"roles[{i}].permissions[{j}]",
                        "unknown-permission",
                        f"role {role.id!r} has permission {permission!r}, which is not in "
                        "accord.gate.catalogue.Permission",
                    )
                )
        for j, permission in enumerate(role.permissions):
            if role.anonymous_only and permission in IDENTIFYING_PERMISSIONS:
                problems.append(
                    Problem(
                        file,
                        f"roles[{i}].permissions[{j}]",
                        "anonymous-role-identifying",
                        f"role {role.id!r} is anonymous only but has {permission!r}, which "
                        "returns identifying data",
                    )
                )
        if role.caseload not in CASELOADS:
            problems.append(
                Problem(
                    file,
                    f"roles[{i}].caseload",
                    "invalid-caseload",
                    f"role {role.id!r} has caseload {role.caseload!r}; use one of "
                    f"{', '.join(sorted(CASELOADS))}",
                )
            )
    return problems


def check_feeds(register: Register, file: Path) -> list[Problem]:
    """A feed's key, date and delete fields must be fields of the feed."""
    problems: list[Problem] = []
    for i, feed in enumerate(register.feeds):
        names = {f.name for f in feed.fields}
        for attribute in ("key", "date_field", "delete_field"):
            value = getattr(feed, attribute)
            if value is not None and value not in names:
                problems.append(
                    Problem(
                        file,
                        f"feeds[{i}].{attribute}",
                        "unknown-feed-field",
                        f"feed {feed.partner}/{feed.dataset}: {attribute} {value!r} is not one "
                        "of its fields",
                    )
                )
    return problems
