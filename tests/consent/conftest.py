"""A small register with one consent purpose per withdrawal effect, and actors to use it."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

import pytest

from accord.gate.catalogue import Permission
from accord.gate.types import Actor
from accord.register.registry import Registry, use_registry
from accord.register.schema import Register
from factories.registers import case_access

CONSENT_REGISTER: dict[str, Any] = {
    "id": "consent-test",
    "title": "Consent test register",
    "version": "1",
    "effective_from": "2026-01-01",
    "summary": "Purposes resting on consent, one per withdrawal effect.",
    "organisations": [
        {"id": "hub", "name": "Hub", "role": "controller"},
        {"id": "commissioner", "name": "Commissioner", "role": "commissioner"},
    ],
    "recipients": [{"id": "commissioner", "name": "Commissioner", "organisation": "commissioner"}],
    "data_subjects": [{"id": "victim", "name": "Victim"}],
    "categories": [
        {"id": "name", "name": "Name", "identifying": True},
        {"id": "email", "name": "Email", "identifying": True},
        {"id": "outcome", "name": "Outcome"},
    ],
    "purposes": [
        {
            "id": f"p-{effect}",
            "name": effect,
            "description": effect,
            "basis": {"art6": "consent"},
            "consent": {"how_to_withdraw": "Call us", "effect": effect},
            "categories": ["name", "email", "outcome"],
        }
        for effect in ("delete_record", "stop_and_exclude", "opt_out_list", "stop_processing")
    ]
    + [
        {
            "id": "support",
            "name": "Support",
            "description": "Support",
            "basis": {"art6": "public_task"},
            "categories": ["name", "outcome"],
        }
    ],
    "record_types": [
        {
            "id": "case",
            "name": "Case",
            "categories": ["name", "email", "outcome"],
            "purposes": [
                "p-delete_record",
                "p-stop_and_exclude",
                "p-opt_out_list",
                "p-stop_processing",
                "support",
            ],
            "data_subjects": ["victim"],
            "access": case_access(),
            "retention": {
                "trigger": "last_contact",
                "period": "6 years",
                "action": "delete",
                "source": "test",
            },
        }
    ],
    "roles": [
        {
            "id": "caseworker",
            "name": "Caseworker",
            "purposes": [
                "p-delete_record",
                "p-stop_and_exclude",
                "p-opt_out_list",
                "p-stop_processing",
                "support",
            ],
            "permissions": [
                "consent:record:create",
                "consent:record:read",
                "case:case:read",
                "case:case:close",
                "case:case:update",
                "rights:request:manage",
            ],
            "caseload": "organisation",
        }
    ],
    "statements": {"automated_decisions": "none"},
}


@pytest.fixture
def register() -> Iterator[Register]:
    reg = Register.model_validate(CONSENT_REGISTER)
    with use_registry(Registry({reg.id: reg})):
        yield reg


def make_actor(*permissions: Permission, organisation: str = "hub") -> Actor:
    return Actor(
        id=uuid.uuid4(),
        kind="user",
        organisation=organisation,
        roles=frozenset({"caseworker"}),
        permissions=frozenset(p.value for p in permissions),
    )


@pytest.fixture
def caseworker() -> Actor:
    return make_actor(
        Permission.CONSENT_RECORD_CREATE,
        Permission.CONSENT_RECORD_READ,
        Permission.CASE_CASE_READ,
        Permission.CASE_CASE_CLOSE,
        Permission.CASE_CASE_UPDATE,
        Permission.RIGHTS_REQUEST_MANAGE,
    )
