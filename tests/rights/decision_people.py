"""People for the tests of decisions on rights: LVWS referrals worked by a caseworker, a DPO
who carries out the rights, and disclosures of their data logged to recipients."""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from sqlalchemy.orm import Session

from accord.cases import workflow
from accord.cases.complaints import create_complaint
from accord.cases.schemas import AssignmentIn, ComplaintIn
from accord.disclosures.service import DisclosureBasis, log_disclosure
from accord.gate.types import Actor
from accord.register.registry import Registry
from factories.actors import actor
from factories.cases import refer
from factories.registers import using

ORG = "victim-support"


@pytest.fixture
def lvws() -> Iterator[Registry]:
    with using("lvws") as found:
        yield found


def dpo(organisation: str = ORG) -> Actor:
    return actor("lvws", "dpo", organisation, checked=False)


@dataclass(frozen=True)
class Person:
    subject_id: uuid.UUID
    case_id: uuid.UUID
    worker: Actor


def referred(session: Session, **overrides: Any) -> Person:
    """A police referral to Victim Support, assigned to a caseworker of its own."""
    accepted = refer(session, **overrides)
    worker = actor("lvws", "caseworker", ORG)
    manager = actor("lvws", "team-manager", ORG, teams=("intake",))
    workflow.assign(
        session,
        actor=manager,
        case_id=accepted.case_id,
        data=AssignmentIn(user_id=worker.id),
    )
    return Person(accepted.subject_id, accepted.case_id, worker)


def complaint_about(session: Session, person: Person) -> uuid.UUID:
    """A complaint the same person made about the service (their own record)."""
    made = create_complaint(
        session,
        actor=person.worker,
        data=ComplaintIn.model_validate(
            {
                "register": "lvws",
                "case_id": str(person.case_id),
                "channel": "email",
                "name": "Amelia Hughes",
                "details": "Nobody called me back for a week.",
            }
        ),
    )
    return made.id


def disclosed(session: Session, person: Person, recipient: str, fields: Iterable[str]) -> uuid.UUID:
    """A disclosure of the person's case to `recipient`, in the disclosure log."""
    logged = log_disclosure(
        session,
        actor=person.worker,
        subject_id=person.subject_id,
        register="lvws",
        recipient=recipient,
        fields=list(fields),
        with_consent=False,
        basis=DisclosureBasis.LEGAL_REQUIREMENT,
        record_type="case",
        record_id=person.case_id,
    )
    return logged.id
