"""A small registry of two registers so account tests do not depend on the shipped ones."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import pytest
from argon2 import PasswordHasher
from sqlalchemy.orm import Session

from accord.accounts import passwords, service
from accord.accounts.models import User
from accord.register.registry import Registry, use_registry
from accord.register.schema import Organisation, OrgRole, Register, Role, Statements

PASSWORD = "correct horse battery staple"


def _register(register_id: str, organisations: list[str], roles: list[Role]) -> Register:
    return Register(
        id=register_id,
        title=f"Register {register_id}",
        version="1",
        effective_from=date(2026, 1, 1),
        summary="test register",
        organisations=[
            Organisation(id=o, name=o.title(), role=OrgRole.CONTROLLER) for o in organisations
        ],
        data_subjects=[],
        categories=[],
        purposes=[],
        record_types=[],
        roles=roles,
        statements=Statements(automated_decisions="none"),
    )


def build_registry() -> Registry:
    alpha = _register(
        "alpha",
        ["org-a", "org-b"],
        [
            Role(
                id="caseworker", name="Caseworker", permissions=["case:case:read", "case:case:list"]
            ),
            Role(id="dpo", name="DPO", permissions=["rights:request:manage", "audit:trail:read"]),
            Role(
                id="referrer",
                name="Referrer",
                organisation="org-b",
                permissions=["case:referral:create", "case:referral:read"],
            ),
        ],
    )
    beta = _register(
        "beta",
        ["org-a"],
        [Role(id="analyst", name="Analyst", permissions=["stats:aggregate:read"])],
    )
    return Registry({"alpha": alpha, "beta": beta})


# Argon2's production parameters cost about half a second here; the tests exercise the logic.
FAST_HASHER = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)


@pytest.fixture(autouse=True)
def fast_hashing(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(passwords, "hasher", lambda: FAST_HASHER)


@pytest.fixture(autouse=True)
def registry() -> Iterator[Registry]:
    with use_registry(build_registry()) as reg:
        yield reg


@pytest.fixture
def user(session: Session) -> User:
    person = service.create_user(
        session,
        email="Casey@Example.org",
        name="Casey Worker",
        organisation="org-a",
        password=PASSWORD,
    )
    service.add_role(session, user=person, register="alpha", role="caseworker")
    return person
