"""Test helpers for casework: the LVWS register, actors of each role, referral payloads."""

from __future__ import annotations

import functools
import uuid
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from dateutil.relativedelta import relativedelta
from sqlalchemy.orm import Session

from accord.gate.types import Actor
from accord.referrals import intake
from accord.referrals.schemas import PoliceReferralIn, ReferralAccepted
from accord.register.load import load_file
from accord.register.registry import Registry, use_registry

ROOT = Path(__file__).resolve().parents[2]


@functools.cache
def registry() -> Registry:
    return Registry({"lvws": load_file(ROOT / "registers" / "lvws.yaml")})


@pytest.fixture(autouse=True)
def lvws_registry() -> Iterator[Registry]:
    with use_registry(registry()):
        yield registry


def make_actor(
    organisation: str, role: str, *, teams: tuple[str, ...] = (), kind: str = "user"
) -> Actor:
    return Actor(
        id=uuid.uuid4(),
        kind=kind,  # type: ignore[arg-type]
        organisation=organisation,
        roles=frozenset({role}),
        permissions=frozenset(registry().role("lvws", role).permissions),
        teams=frozenset(teams),
        name=f"{role} at {organisation}",
    )


def police() -> Actor:
    return make_actor("metropolitan-police", "police-referrer", kind="token")


def referral_body(**overrides: Any) -> dict[str, Any]:
    """A valid police referral (JSON-ready); `person__x=...` / `crime__x=...` override nested fields."""
    now = datetime.now(UTC)
    body: dict[str, Any] = {
        "register": "lvws",
        "role": "victim",
        "person": {
            "given_name": "Amelia",
            "family_name": "Hughes",
            "date_of_birth": "1986-04-12",
            "gender": "female",
            "phone": "07700 900123",
            "email": "amelia.hughes@example.org",
            "address": "12 Acacia Road, London",
            "postcode": "SE5 0EG",
            "ethnicity": "White British",
            "vulnerable": False,
        },
        "crime": {
            "crime_number": "1234567/26",
            "crime_date": (now - timedelta(days=3)).date().isoformat(),
            "crime_time": "21:30",
            "crime_type": "burglary",
        },
        "consent": {
            "given": True,
            "captured_by": "PC 1234 Example",
            "captured_at": (now - timedelta(hours=2)).isoformat(),
            "channel": "in-person",
        },
    }
    for key, value in overrides.items():
        if "__" in key:
            outer, inner = key.split("__", 1)
            if value is None:
                body[outer].pop(inner, None)
            else:
                body[outer][inner] = value
        else:
            body[key] = value
    return body


def dob_for_age(age: int) -> str:
    return (date.today() - relativedelta(years=age, months=1)).isoformat()


def refer(session: Session, **overrides: Any) -> ReferralAccepted:
    """A police referral received through the intake service, as the police API would."""
    data = PoliceReferralIn.model_validate(referral_body(**overrides))
    actor = police()
    return intake.receive(session, actor=actor, intake=intake.from_police(data, actor=actor))
