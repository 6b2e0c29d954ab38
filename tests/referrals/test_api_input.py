"""Bad referral input over the API is a 422 naming the field, never a 500, and writes nothing."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from accord.accounts.deps import current_actor
from accord.cases.models import Case
from accord.people.crypto import current_crypto
from accord.people.models import Subject
from accord.register.load import load_file
from accord.register.registry import Registry, use_registry
from cases.lvws import ROOT, dob_for_age, police, referral_body, registry


@pytest.fixture
def as_police(app: FastAPI) -> None:
    app.dependency_overrides[current_actor] = police


def _written(session: Session) -> list[int]:
    counts = [session.scalar(select(func.count()).select_from(t)) or 0 for t in (Case, Subject)]
    return [*counts, len(current_crypto().keystore.subject_ids())]


@pytest.mark.parametrize(
    ("override", "loc"),
    [
        ({"person__given_name": "Ame\x00lia"}, ["body", "person", "given_name"]),
        ({"person__address": "12 Acacia\x00 Road"}, ["body", "person", "address"]),
        ({"person__ethnicity": "White\x00"}, ["body", "person", "ethnicity"]),
        ({"crime__crime_number": "1234567/26\x00"}, ["body", "crime", "crime_number"]),
        ({"consent__captured_by": "PC\x00"}, ["body", "consent", "captured_by"]),
        ({"police_reference": "MPS\x00"}, ["body", "police_reference"]),
        ({"requested_service": "\x00"}, ["body", "requested_service"]),
        ({"receiving_organisation": "victim-support\x00"}, ["body", "receiving_organisation"]),
    ],
)
def test_nul_byte_in_any_text_field_is_422_naming_it(
    client: TestClient, session: Session, as_police: None, override: dict[str, str], loc: list[str]
) -> None:
    before = _written(session)
    response = client.post("/api/referrals", json=referral_body(**override))
    assert response.status_code == 422, response.text
    errors = response.json()["detail"]
    assert any(e["loc"] == loc and "NUL" in e["msg"] for e in errors), errors
    assert _written(session) == before


def test_age_against_the_date_of_birth_is_422_naming_both(
    client: TestClient, session: Session, as_police: None
) -> None:
    before = _written(session)
    body = referral_body(person__age=5, person__date_of_birth=dob_for_age(20))
    response = client.post("/api/referrals", json=body)
    assert response.status_code == 422, response.text
    [error] = response.json()["detail"]
    assert error["loc"] == ["body", "person", "age"]
    assert "person.date_of_birth" in error["msg"]
    assert _written(session) == before


@pytest.fixture
def with_mopac() -> Iterator[None]:
    mopac = load_file(ROOT / "registers" / "mopac.yaml")
    with use_registry(Registry({**registry().registers, "mopac": mopac})):
        yield


def test_register_without_referrals_is_422_naming_it(
    client: TestClient, session: Session, as_police: None, with_mopac: None
) -> None:
    before = _written(session)
    response = client.post("/api/referrals", json=referral_body(register="mopac"))
    assert response.status_code == 422, response.text
    [error] = response.json()["detail"]
    assert error["loc"] == ["body", "register"]
    assert "'mopac' does not take referrals" in error["msg"]
    assert _written(session) == before
