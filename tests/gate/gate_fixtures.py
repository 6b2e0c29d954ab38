"""A small register for the gate's tests, independent of the shipped register files."""

from __future__ import annotations

import uuid
from typing import Any

from accord.gate.catalogue import Permission as Perm
from accord.gate.types import Actor
from accord.register.registry import Registry
from accord.register.schema import Register
from factories.registers import case_access

ORG_A, ORG_B, COMMISSIONER = "org-a", "org-b", "comm"
CASEWORK = [
    Perm.CASE_CASE_READ,
    Perm.CASE_CASE_LIST,
    Perm.CASE_CASE_UPDATE,
    Perm.CASE_REFERRAL_READ,
    Perm.CASE_REFERRAL_CREATE,
    Perm.ACCESS_OUTSIDE_CASELOAD_REQUEST,
]


def _basis(art6: str, **more: Any) -> dict[str, Any]:
    return {"art6": art6, **more}


def register_document() -> dict[str, Any]:
    casework = [p.value for p in CASEWORK]
    return {
        "id": "t",
        "title": "Test register",
        "version": "1",
        "effective_from": "2026-01-01",
        "summary": "For the gate's tests.",
        "organisations": [
            {"id": ORG_A, "name": "Org A", "role": "controller"},
            {"id": ORG_B, "name": "Org B", "role": "controller"},
            {"id": COMMISSIONER, "name": "Commissioner", "role": "commissioner"},
            {"id": "jc-1", "name": "Joint 1", "role": "joint_controller"},
            {"id": "jc-2", "name": "Joint 2", "role": "joint_controller"},
        ],
        "data_subjects": [{"id": "victim", "name": "Victim"}],
        "categories": [
            {"id": "name", "name": "Name", "identifying": True},
            {"id": "contact", "name": "Contact details", "identifying": True},
            {"id": "needs", "name": "Support needs"},
            {"id": "age-band", "name": "Age band"},
            {"id": "offence", "name": "Offence", "kind": "criminal_offence"},
            {
                "id": "ethnicity",
                "name": "Ethnicity",
                "kind": "special",
                "special_type": "racial_ethnic_origin",
            },
        ],
        "purposes": [
            {
                "id": "support",
                "name": "Support",
                "description": "Casework",
                "basis": _basis("legitimate_interests", art10="schedule_1"),
                "categories": ["name", "contact", "needs", "offence", "age-band"],
            },
            {
                "id": "public-task",
                "name": "Statutory casework",
                "description": "Statutory duty",
                "basis": _basis("public_task"),
                "categories": ["name", "needs"],
            },
            {
                "id": "referral-on",
                "name": "Referral on",
                "description": "With consent",
                "basis": _basis("consent"),
                "consent": {"how_to_withdraw": "Tell us"},
                "categories": ["name", "contact", "needs"],
            },
            {
                "id": "equality",
                "name": "Equality monitoring",
                "description": "Special category",
                "basis": _basis("legal_obligation", art9="substantial_public_interest"),
                "categories": ["ethnicity", "age-band"],
            },
            {
                "id": "legal",
                "name": "Legal claims and storage",
                "description": "Survives restriction",
                "basis": _basis("legitimate_interests"),
                "categories": ["name", "needs"],
                "survives_restriction": True,
            },
            {
                "id": "stats",
                "name": "Anonymous statistics",
                "description": "Counts",
                "basis": _basis("public_task"),
                "categories": ["name", "needs", "age-band", "ethnicity"],
            },
        ],
        "record_types": [
            {
                "id": "case",
                "name": "Case",
                "categories": ["name", "contact", "needs", "age-band", "offence", "ethnicity"],
                "purposes": ["support", "public-task", "referral-on", "equality", "legal", "stats"],
                "data_subjects": ["victim"],
                "access": case_access(),
            },
            {
                "id": "crime-statistics",
                "name": "Crime statistics",
                "categories": ["age-band"],
                "purposes": ["stats"],
                "data_subjects": ["victim"],
                "access": {
                    "read": ["stats:aggregate:read"],
                    "list": ["stats:aggregate:read"],
                    "export": ["stats:aggregate:read"],
                    "aggregate": ["stats:aggregate:read", "reports:aggregate:read"],
                    "create": ["feeds:batch:ingest"],
                    "update": ["feeds:batch:ingest"],
                    "delete": ["retention:run:execute"],
                },
                "personal_data": False,
            },
        ],
        "recipients": [
            {
                "id": "comm-stats",
                "name": "Commissioner",
                "organisation": COMMISSIONER,
                "identifying": False,
            }
        ],
        "sharing": [
            {
                "id": "stats-to-commissioner",
                "kind": "anonymous_statistics",
                "from_organisations": [ORG_A, ORG_B],
                "recipients": ["comm-stats"],
                "identifying": False,
                "description": "Anonymous counts",
            }
        ],
        "roles": [
            {
                "id": "caseworker",
                "name": "Caseworker",
                "purposes": ["support", "public-task", "referral-on", "legal"],
                "permissions": [*casework, Perm.CONSENT_RECORD_CREATE.value],
                "caseload": "own",
            },
            {
                "id": "team-manager",
                "name": "Team manager",
                "purposes": ["support", "public-task", "referral-on", "legal", "equality"],
                "permissions": casework,
                "caseload": "team",
            },
            {
                "id": "dpo",
                "name": "DPO",
                "purposes": ["support", "legal", "equality"],
                "permissions": [
                    *casework,
                    Perm.ACCESS_REVIEW_READ.value,
                    Perm.ACCESS_REVIEW_DECIDE.value,
                    Perm.AUDIT_HISTORY_READ.value,
                    Perm.AUDIT_TRAIL_VERIFY.value,
                    Perm.STATS_AGGREGATE_READ.value,
                ],
                "caseload": "organisation",
            },
            {
                "id": "commissioner",
                "name": "Commissioner",
                "organisation": COMMISSIONER,
                "purposes": ["stats"],
                "permissions": [Perm.STATS_AGGREGATE_READ.value],
                "anonymous_only": True,
                "caseload": "none",
            },
        ],
        "statements": {"automated_decisions": "none"},
    }


def small_register(**changes: Any) -> Register:
    return Register.model_validate({**register_document(), **changes})


def small_registry(register: Register | None = None) -> Registry:
    register = register or small_register()
    return Registry({register.id: register})


def actor(
    role: str = "caseworker",
    *,
    organisation: str = ORG_A,
    teams: frozenset[str] = frozenset(),
    actor_id: uuid.UUID | None = None,
    register: Register | None = None,
) -> Actor:
    register = register or small_register()
    permissions = frozenset(register.role(role).permissions)
    return Actor(
        id=actor_id or uuid.uuid4(),
        kind="user",
        organisation=organisation,
        roles=frozenset({role}),
        permissions=permissions,
        teams=teams,
    )
