"""Linkage test fixtures: a small matching register, actors, and a slice of FEBRL4."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

import pandas as pd
import pytest

from accord.gate.catalogue import Permission as Perm
from accord.gate.types import Actor
from accord.linkage.config import LinkageConfig
from accord.linkage.samples import Labelled, febrl4
from accord.register.registry import Registry, use_registry
from accord.register.schema import Register

POLICE = "police"
PEOPLE = 1_250  # FEBRL4 people kept for tests: 2,500 records, two per person


def _register_document() -> dict[str, Any]:
    matching = [
        Perm.LINKAGE_IDENTIFIERS_READ.value,
        Perm.LINKAGE_RUN_EXECUTE.value,
        Perm.LINKAGE_REVIEW_DECIDE.value,
        Perm.FEEDS_BATCH_INGEST.value,
    ]
    return {
        "id": "lt",
        "title": "Linkage test register",
        "version": "1",
        "effective_from": "2026-01-01",
        "summary": "Matching across partners, for the linkage tests.",
        "organisations": [
            {"id": POLICE, "name": "Police", "role": "joint_controller"},
            {"id": "council", "name": "Council", "role": "joint_controller"},
        ],
        "data_subjects": [{"id": "person", "name": "Person"}],
        "categories": [
            {"id": "name", "name": "Name", "identifying": True},
            {"id": "contact", "name": "Contact details", "identifying": True},
        ],
        "purposes": [
            {
                "id": "data-matching",
                "name": "Data matching",
                "description": "Link partners' records about the same person",
                "basis": {"art6": "public_task"},
                "categories": ["name", "contact"],
            }
        ],
        "record_types": [
            {
                "id": "linked-person",
                "name": "Linked person",
                "categories": ["name", "contact"],
                "purposes": ["data-matching"],
                "data_subjects": ["person"],
                "access": {
                    "read": ["linkage:identifiers:read"],
                    "list": ["linkage:identifiers:read"],
                    "create": ["feeds:batch:ingest"],
                    "update": ["feeds:batch:ingest"],
                    "delete": ["retention:run:execute", "feeds:batch:ingest"],
                    "export": ["linkage:run:execute"],
                    "aggregate": ["stats:aggregate:read", "reports:aggregate:read"],
                },
            }
        ],
        "roles": [
            {
                "id": "partnership-analyst",
                "name": "Partnership analyst",
                "purposes": ["data-matching"],
                "permissions": matching,
                "caseload": "organisation",
            },
            {
                "id": "report-recipient",
                "name": "Report recipient",
                "purposes": ["data-matching"],
                "permissions": [Perm.REPORTS_AGGREGATE_READ.value],
                "caseload": "none",
            },
        ],
        "statements": {"automated_decisions": "none"},
    }


@pytest.fixture
def link_registry() -> Iterator[Registry]:
    register = Register.model_validate(_register_document())
    with use_registry(Registry({register.id: register})) as registry:
        yield registry


def actor_for(role: str, registry: Registry) -> Actor:
    return Actor(
        id=uuid.uuid4(),
        kind="user",
        organisation=POLICE,
        roles=frozenset({role}),
        permissions=frozenset(registry.role("lt", role).permissions),
    )


@pytest.fixture
def analyst(link_registry: Registry) -> Actor:
    return actor_for("partnership-analyst", link_registry)


@pytest.fixture
def outsider(link_registry: Registry) -> Actor:
    return actor_for("report-recipient", link_registry)


@pytest.fixture
def config() -> LinkageConfig:
    return LinkageConfig(register="lt", owner_organisation=POLICE)


def person_number(record_ids: pd.Series) -> pd.Series:
    return record_ids.str.extract(r"rec-(\d+)-")[0].astype(int)


@pytest.fixture(scope="session")
def febrl() -> Labelled:
    """FEBRL4 people 0..1249, both files: 2,500 records."""
    full = febrl4()
    keep = person_number(full.identifiers["record_id"]) < PEOPLE
    identifiers = full.identifiers[keep].reset_index(drop=True)
    truth = full.truth[full.truth["record_id"].isin(identifiers["record_id"])]
    return Labelled(identifiers, truth.reset_index(drop=True))
