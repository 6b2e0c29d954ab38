"""The LVWS register made current for casework tests, and the names those tests import
(actors, referral payloads, referrals) from the shared factories."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Literal

import pytest

from accord.gate.types import Actor
from accord.register.registry import Registry
from factories import registers
from factories.actors import actor
from factories.cases import dob_for_age, police, refer, referral_body
from factories.registers import using

ROOT = Path(__file__).resolve().parents[2]


def registry() -> Registry:
    return registers.registry("lvws")


@pytest.fixture(autouse=True)
def lvws_registry() -> Iterator[Registry]:
    with using("lvws") as found:
        yield found


def make_actor(
    organisation: str,
    role: str,
    *,
    teams: tuple[str, ...] = (),
    kind: Literal["user", "token"] = "user",
) -> Actor:
    """A person (or token) of `organisation` holding `role` in LVWS (not checked against
    what the organisation may hold, so tests can build the grants production refuses)."""
    return actor("lvws", role, organisation, teams=teams, kind=kind, checked=False)


__all__ = [
    "ROOT",
    "dob_for_age",
    "lvws_registry",
    "make_actor",
    "police",
    "refer",
    "referral_body",
    "registry",
]
