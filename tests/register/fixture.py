"""A small valid register as a plain dict; tests break it one field at a time."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

from accord.register.errors import Problem
from accord.register.load import parse
from accord.register.validate import validate

BAD_FILE = Path("bad.yaml")

_MINIMAL: dict[str, Any] = {
    "id": "mini",
    "title": "Minimal register",
    "version": "1",
    "effective_from": "2026-01-01",
    "summary": "A register small enough to break one rule at a time.",
    "organisations": [
        {"id": "ctl", "name": "Controller", "role": "controller", "public_authority": True},
        {"id": "proc", "name": "Processor", "role": "processor", "controller": "ctl"},
        {"id": "jc", "name": "Joint", "role": "joint_controller", "joint_arrangement": "Art 26 agreement"},
        {"id": "comm", "name": "Commissioner", "role": "commissioner"},
    ],
    "services": [{"id": "svc", "name": "Support", "organisation": "ctl", "kind": "support"}],
    "data_subjects": [{"id": "victim", "name": "Victims"}],
    "categories": [
        {"id": "name", "name": "Name", "identifying": True},
        {"id": "health", "name": "Health", "kind": "special", "special_type": "health"},
        {"id": "offence", "name": "Offence", "kind": "criminal_offence"},
    ],
    "sources": [{"id": "self", "name": "You"}],
    "purposes": [
        {
            "id": "support",
            "name": "Support",
            "description": "Supporting victims.",
            "official_function": True,
            "basis": {
                "art6": "public_task",
                "art9": "substantial_public_interest",
                "art9_schedule1": {"part": 2, "paragraph": 18, "name": "Safeguarding"},
                "art10": "official_authority",
            },
            "categories": ["name", "health", "offence"],
        },
        {
            "id": "updates",
            "name": "Updates",
            "description": "Updates you asked for.",
            "basis": {"art6": "consent"},
            "consent": {"how_to_withdraw": "Reply STOP.", "effect": "stop_processing"},
            "categories": ["name"],
        },
    ],
    "access_profiles": [
        {
            "id": "casework",
            "read": ["case:case:read"],
            "list": ["case:case:list"],
            "create": ["case:case:update"],
            "update": ["case:case:update"],
        },
    ],
    "record_types": [
        {
            "id": "case",
            "name": "Case",
            "service": "svc",
            "categories": ["name", "health", "offence"],
            "purposes": ["support", "updates"],
            "data_subjects": ["victim"],
            "sources": ["self"],
            "retention": {"trigger": "last_contact", "period": "6 years", "action": "delete", "source": "policy"},
            "access": "casework",
        }
    ],
    "recipients": [
        {
            "id": "hosted",
            "name": "Hosting",
            "kind": "processor",
            "organisation": "proc",
            "purposes": ["support"],
            "hosting_location": "United States",
            "transfers": [{"country": "United States", "safeguard": "uk_addendum"}],
        },
        {"id": "stats", "name": "Statistics", "organisation": "comm", "purposes": ["support"], "identifying": False},
        {"id": "friend", "name": "A service you chose", "purposes": ["updates"]},
    ],
    "sharing": [
        {
            "id": "statistics",
            "kind": "anonymous_statistics",
            "from_organisations": ["ctl"],
            "recipients": ["stats"],
            "identifying": False,
            "description": "Anonymous statistics.",
        },
        {
            "id": "with-consent",
            "kind": "with_consent",
            "from_organisations": ["ctl"],
            "recipients": ["friend"],
            "consent_purpose": "updates",
            "description": "Only with consent.",
        },
    ],
    "routing": [{"id": "all", "when": {"age_at_least": 18}, "to_service": "svc", "rationale": "adults"}],
    "roles": [
        {"id": "worker", "name": "Worker", "purposes": ["support"], "permissions": ["case:case:read"], "caseload": "own"}
    ],
    "statements": {"automated_decisions": "A person always decides."},
}  # fmt: skip


def minimal() -> dict[str, Any]:
    return copy.deepcopy(_MINIMAL)


def problems_of(document: dict[str, Any]) -> list[Problem]:
    return validate(parse(document, BAD_FILE), BAD_FILE)
