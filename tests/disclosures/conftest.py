"""A small register with a consent referral and a risk-of-harm sharing rule."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from accord.gate.types import Actor
from accord.register.registry import Registry, use_registry
from accord.register.schema import Register
from factories.actors import actor
from factories.registers import case_access

DISCLOSURE_REGISTER: dict[str, Any] = {
    "id": "disclosure-test",
    "title": "Disclosure test register",
    "version": "1",
    "effective_from": "2026-01-01",
    "summary": "A hub that refers on with consent and discloses for a risk of harm.",
    "organisations": [
        {"id": "hub", "name": "Hub", "role": "controller"},
        {"id": "police", "name": "Police", "role": "recipient"},
    ],
    "data_subjects": [{"id": "victim", "name": "Victim"}],
    "categories": [
        {"id": "name", "name": "Name", "identifying": True},
        {"id": "address", "name": "Address", "identifying": True},
        {"id": "phone", "name": "Phone", "identifying": True},
        {"id": "needs", "name": "Needs assessment"},
    ],
    "purposes": [
        {
            "id": "support",
            "name": "Support",
            "description": "Support",
            "basis": {"art6": "consent"},
            "consent": {"how_to_withdraw": "Call us", "effect": "stop_processing"},
            "categories": ["name", "address", "phone", "needs"],
        },
        {
            "id": "referral-on",
            "name": "Referral on",
            "description": "Referral to a specialist service",
            "basis": {"art6": "consent"},
            "consent": {"how_to_withdraw": "Call us"},
            "categories": ["name", "phone", "needs"],
        },
        {
            "id": "risk-of-harm-disclosure",
            "name": "Risk of harm",
            "description": "Disclosure without consent where there is a risk of harm",
            "basis": {"art6": "vital_interests"},
            "categories": ["name", "address", "phone", "needs"],
        },
    ],
    "record_types": [
        {
            "id": "case",
            "name": "Case",
            "categories": ["name", "address", "phone", "needs"],
            "purposes": ["support", "referral-on", "risk-of-harm-disclosure"],
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
    "recipients": [
        {"id": "idva", "name": "IDVA service", "purposes": ["referral-on"]},
        {
            "id": "police-safeguarding",
            "name": "Police safeguarding team",
            "organisation": "police",
            "purposes": ["risk-of-harm-disclosure"],
        },
    ],
    "sharing": [
        {
            "id": "refer-on",
            "kind": "referral_with_consent",
            "from_organisations": ["hub"],
            "recipients": ["idva"],
            "consent_purpose": "referral-on",
            "description": "Referral on with consent",
        },
        {
            "id": "risk",
            "kind": "disclosure_risk_of_harm",
            "from_organisations": ["hub"],
            "recipients": ["police-safeguarding"],
            "purposes": ["risk-of-harm-disclosure"],
            "requires_risk_of_harm": True,
            "requires_approver": True,
            "description": "Without consent where there is a risk of harm",
        },
    ],
    "roles": [
        {
            "id": "caseworker",
            "name": "Caseworker",
            "purposes": ["support", "referral-on", "risk-of-harm-disclosure"],
            "permissions": [
                "consent:record:create",
                "disclosure:request:create",
                "disclosure:log:read",
                "case:case:read",
            ],
        },
        {
            "id": "team-manager",
            "name": "Team manager",
            "purposes": ["support", "referral-on", "risk-of-harm-disclosure"],
            "permissions": [
                "consent:record:create",
                "disclosure:request:create",
                "disclosure:request:approve",
                "disclosure:log:read",
                "case:case:read",
            ],
            "caseload": "organisation",
        },
    ],
    "statements": {"automated_decisions": "none"},
}


@pytest.fixture
def register() -> Iterator[Register]:
    reg = Register.model_validate(DISCLOSURE_REGISTER)
    with use_registry(Registry({reg.id: reg})):
        yield reg


@pytest.fixture
def caseworker(register: Register) -> Actor:
    return actor(register, "caseworker")


@pytest.fixture
def manager(register: Register) -> Actor:
    return actor(register, "team-manager")


@pytest.fixture
def other_manager(register: Register) -> Actor:
    return actor(register, "team-manager")
