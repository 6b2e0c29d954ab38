"""Hounslow's shipped register, and the people who work its panels (fixtures shared by the
panels and notifications tests)."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from accord.gate.types import Actor
from accord.register.load import load_file
from accord.register.registry import Registry, use_registry
from accord.register.schema import Register

REGISTERS = Path(__file__).resolve().parents[2] / "registers"


@pytest.fixture
def hounslow() -> Iterator[Register]:
    register = load_file(REGISTERS / "hounslow.yaml")
    with use_registry(Registry({register.id: register})):
        yield register


def hounslow_actor(
    register: Register, role: str, *, organisation: str = "hounslow", teams: tuple[str, ...] = ()
) -> Actor:
    return Actor(
        id=uuid.uuid4(),
        kind="user",
        organisation=organisation,
        roles=frozenset({role}),
        permissions=frozenset(register.role(role).permissions),
        teams=frozenset(teams),
        name=role,
    )


PANELS = ("marac", "community-risk-panel", "iom")


@pytest.fixture
def coordinator(hounslow: Register) -> Actor:
    return hounslow_actor(hounslow, "panel-coordinator", teams=PANELS)


@pytest.fixture
def police_partner(hounslow: Register) -> Actor:
    return hounslow_actor(
        hounslow, "partner-agency", organisation="metropolitan-police", teams=PANELS
    )


@pytest.fixture
def outreach_worker(hounslow: Register) -> Actor:
    return hounslow_actor(hounslow, "caseworker", teams=("dsv-outreach", "fgm-service"))


@pytest.fixture
def dpo(hounslow: Register) -> Actor:
    return hounslow_actor(hounslow, "dpo")
