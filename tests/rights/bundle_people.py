"""One person known to LVWS through several services, and someone else, for the discovery
and access bundle tests."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from sqlalchemy.orm import Session

from accord.cases import complaints
from accord.cases.models import Case, Complaint
from accord.cases.schemas import ComplaintIn
from accord.enquiries import service as enquiries
from accord.enquiries.models import Enquiry
from accord.enquiries.schemas import EnquiryIn
from accord.gate.types import Actor
from factories.actors import actor
from factories.cases import refer

EMAIL = "amelia.hughes@example.org"
PHONE = "07700 900123"
NAME_DOB = "Amelia Hughes|1986-04-12"


@dataclass(frozen=True)
class Known:
    case_id: uuid.UUID
    case_subject: uuid.UUID
    enquiry_id: uuid.UUID
    enquiry_subject: uuid.UUID
    complaint_id: uuid.UUID
    complaint_subject: uuid.UUID
    other_case_id: uuid.UUID
    owner: str


def manager(organisation: str) -> Actor:
    return actor(
        "lvws", "team-manager", organisation, teams=("intake", "complaints"), checked=False
    )


def dpo(organisation: str) -> Actor:
    return actor("lvws", "dpo", organisation, checked=False)


def known_person(session: Session, *, message: str = "Please call me back.") -> Known:
    """Amelia Hughes, referred by the police, who later phoned with an enquiry (email given)
    and complained by phone; and Ben Other, referred the same day, nothing in common."""
    referred = refer(session)
    case = session.get(Case, referred.case_id)
    assert case is not None
    worker = manager(case.organisation)
    enquiry = enquiries.record_enquiry(
        session,
        actor=worker,
        data=EnquiryIn(
            register_id="lvws", channel="phone", name="Amelia Hughes", email=EMAIL,
            message=message, organisation=case.organisation, wants_updates=True,
        ),
    )  # fmt: skip
    complaint = complaints.create_complaint(
        session,
        actor=worker,
        data=ComplaintIn(
            register_id="lvws", channel="phone", name="Amelia H", phone=PHONE,
            details="Nobody called me back after my enquiry.", organisation=case.organisation,
        ),
    )  # fmt: skip
    other = refer(
        session,
        person__given_name="Ben",
        person__family_name="Other",
        person__date_of_birth="1970-01-01",
        person__email="ben.other@example.org",
        person__phone="07700 900999",
        crime__crime_number="7654321/26",
    )
    return Known(
        case_id=case.id,
        case_subject=case.subject_id,
        enquiry_id=enquiry.id,
        enquiry_subject=_subject_of(session, Enquiry, enquiry.id),
        complaint_id=complaint.id,
        complaint_subject=_subject_of(session, Complaint, complaint.id),
        other_case_id=other.case_id,
        owner=case.organisation,
    )


def _subject_of(session: Session, model: type[Enquiry | Complaint], row_id: uuid.UUID) -> uuid.UUID:
    row = session.get(model, row_id)
    assert row is not None
    return row.subject_id
