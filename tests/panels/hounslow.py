"""Hounslow's shipped register, and the people who work its panels (fixtures shared by the
panels and notifications tests)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from accord.gate.types import Actor
from accord.register.schema import Register
from factories.actors import actor
from factories.registers import using

PANELS = ("marac", "community-risk-panel", "iom")


@pytest.fixture
def hounslow() -> Iterator[Register]:
    with using("hounslow") as registry:
        yield registry.get("hounslow")


@pytest.fixture
def coordinator(hounslow: Register) -> Actor:
    return actor(hounslow, "panel-coordinator", teams=PANELS)


@pytest.fixture
def police_partner(hounslow: Register) -> Actor:
    return actor(hounslow, "partner-agency", "metropolitan-police", teams=PANELS)


@pytest.fixture
def outreach_worker(hounslow: Register) -> Actor:
    return actor(hounslow, "caseworker", teams=("dsv-outreach", "fgm-service"))


@pytest.fixture
def dpo(hounslow: Register) -> Actor:
    return actor(hounslow, "dpo")
