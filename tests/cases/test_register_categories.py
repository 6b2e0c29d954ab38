"""Casework files each stored field and timeline entry under the category its register names:
the Cambridgeshire hub's own ids for equality data and feedback, another register's own ids for
contact details."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import yaml
from sqlalchemy.orm import Session

from accord.cases import entries, reading, workflow
from accord.cases.facts import group_by_category
from accord.cases.models import Case
from accord.cases.purposes import field_categories
from accord.cases.schemas import AssignmentIn, ContactIn, EventIn
from accord.consent.ledger import record_consent
from accord.gate.types import Actor
from accord.people.service import unseal
from accord.referrals import intake
from accord.referrals.schemas import Person, ReferralConsent
from accord.register.load import digest, load_file, parse
from accord.register.registry import Registry, use_registry
from accord.register.schema import Register
from accord.register.validate import validate

REGISTERS = Path(__file__).resolve().parents[2] / "registers"


@pytest.fixture
def hub() -> Iterator[Register]:
    register = load_file(REGISTERS / "cambs-hub.yaml")
    with use_registry(Registry({register.id: register})):
        yield register


def _actor(register: Register, role: str, teams: tuple[str, ...] = ()) -> Actor:
    return Actor(
        id=uuid.uuid4(),
        kind="user",
        organisation="cambs-hub",
        roles=frozenset({role}),
        permissions=frozenset(register.role(role).permissions),
        teams=frozenset(teams),
        name=role,
    )


def test_hub_case_keeps_equality_data_and_feedback_under_its_own_ids(
    session: Session, hub: Register
) -> None:
    caseworker = _actor(hub, "caseworker")
    manager = _actor(hub, "team-manager", teams=("intake",))
    equality = {"ethnicity": "White British", "religion": "None", "disability": "Deaf"}
    accepted = intake.receive(
        session,
        actor=caseworker,
        intake=intake.Intake(
            register="cambs-hub",
            person=Person(
                given_name="Hannah",
                family_name="Walker",
                address="4 Mill Road, Cambridge",
                postcode="CB1 2AD",
                **equality,
            ),
            consent=ReferralConsent(
                given=True,
                captured_by="the person (self-referral form)",
                captured_at=datetime.now(UTC),
                channel="online",
            ),
            source="self-referral",
            receiving_organisation="cambs-hub",
        ),
    )
    record_consent(
        session,
        actor=caseworker,
        subject_id=accepted.subject_id,
        register="cambs-hub",
        controller="cambs-hub",
        purpose="victim-support",
        state="given",
        channel="web-form",
        notice_digest=digest(hub),
    )
    workflow.assign(
        session,
        actor=manager,
        case_id=accepted.case_id,
        data=AssignmentIn(user_id=caseworker.id, team="intake"),
    )
    workflow.record_contact(
        session,
        actor=caseworker,
        case_id=accepted.case_id,
        data=ContactIn(outcome="engaged", channel="phone"),
    )
    entries.record_event(
        session,
        actor=caseworker,
        case_id=accepted.case_id,
        data=EventIn(kind="feedback", details={"rating": 5, "comment": "kind and quick"}),
    )

    case = session.get(Case, accepted.case_id)
    assert case is not None
    assert unseal(session, subject_id=case.subject_id, blob=case.equality) == equality
    timeline = reading.timeline(session, actor=caseworker, case_id=accepted.case_id)
    feedback = [e for e in timeline if e.kind == "feedback"]
    assert [e.details for e in feedback] == [{"rating": 5, "comment": "kind and quick"}]
    # The address is held under the hub's own address category, so a caseworker sees it.
    person = reading.get_case(session, actor=caseworker, case_id=accepted.case_id).person
    assert person["address"] == "4 Mill Road, Cambridge"
    assert person["postcode"] == "CB1 2AD"


def _with_own_contact_ids() -> dict[str, Any]:
    """LVWS as a register that names telephone and email apart (as Hounslow does)."""
    document: dict[str, Any] = yaml.safe_load((REGISTERS / "lvws.yaml").read_text())
    document["categories"] += [
        {"id": "telephone", "name": "Telephone number", "identifying": True},
        {"id": "email", "name": "Email address", "identifying": True},
    ]
    for part in (*document["purposes"], *document["record_types"]):
        if "contact-details" in part.get("categories", []):
            part["categories"] += ["telephone", "email"]
    case = next(rt for rt in document["record_types"] if rt["id"] == "case")
    case["fields"] = {"phone": "telephone", "email": "email"}
    return document


def test_a_register_with_its_own_contact_ids_files_contact_details_under_them() -> None:
    path = Path("own-contact.yaml")
    register = parse(_with_own_contact_ids(), path)
    assert validate(register, path) == []
    categories = field_categories(register, "case")
    assert (categories["phone"], categories["email"]) == ("telephone", "email")
    assert categories["address"] == "contact-details"  # not declared: casework's own id
    identity = {"given_name": "Ada", "phone": "07700 900123", "email": "ada@example.org"}
    with use_registry(Registry({register.id: register})):
        grouped = group_by_category(register.id, "case", identity)
    assert grouped == {
        "name": {"given_name": "Ada"},
        "telephone": {"phone": "07700 900123"},
        "email": {"email": "ada@example.org"},
    }
