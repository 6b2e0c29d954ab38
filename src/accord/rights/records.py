"""The records a person's rights reach, as the rights decisions need them: by record type,
whether the person gave the data themselves, and how one of them is erased on its own.

Cases, complaints and enquiries are one person's each; a community safety case is its main
subject's, and another person in it is a party (erasing the party removes only their part).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from accord.cases.models import Case, Complaint
from accord.enquiries.models import Enquiry
from accord.panels.models import CaseParty, SafetyCase

SELF_REFERRAL = "self-referral"


@dataclass(frozen=True)
class HeldRecord:
    kind: str  # case | complaint | enquiry | safety-case | safety-case-party
    record_id: uuid.UUID  # the record's id (for a party: the safety case's)
    register: str
    record_type: str
    organisation: str
    from_person: bool  # the person gave us this data themselves


def held_records(session: Session, subject_id: uuid.UUID) -> list[HeldRecord]:
    """Every record held about the person, oldest kind first, each once."""
    found: list[HeldRecord] = []
    for case in session.scalars(
        select(Case).where(Case.subject_id == subject_id).order_by(Case.received_at, Case.id)
    ):
        found.append(
            HeldRecord(
                "case",
                case.id,
                case.register,
                case.record_type,
                case.organisation,
                case.source == SELF_REFERRAL,
            )
        )
    for complaint in session.scalars(
        select(Complaint).where(Complaint.subject_id == subject_id).order_by(Complaint.id)
    ):
        found.append(
            HeldRecord(
                "complaint",
                complaint.id,
                complaint.register,
                complaint.record_type,
                complaint.organisation,
                True,
            )
        )
    for enquiry in session.scalars(
        select(Enquiry).where(Enquiry.subject_id == subject_id).order_by(Enquiry.id)
    ):
        found.append(
            HeldRecord(
                "enquiry",
                enquiry.id,
                enquiry.register,
                enquiry.record_type,
                enquiry.organisation,
                True,
            )
        )
    own: set[uuid.UUID] = set()
    for safety in session.scalars(
        select(SafetyCase).where(SafetyCase.subject_id == subject_id).order_by(SafetyCase.id)
    ):
        own.add(safety.id)
        found.append(
            HeldRecord(
                "safety-case",
                safety.id,
                safety.register,
                safety.record_type,
                safety.organisation,
                False,
            )
        )
    for safety in session.scalars(
        select(SafetyCase)
        .join(CaseParty, CaseParty.case_id == SafetyCase.id)
        .where(CaseParty.subject_id == subject_id)
        .order_by(SafetyCase.id)
    ):
        if safety.id in own:
            continue
        found.append(
            HeldRecord(
                "safety-case-party",
                safety.id,
                safety.register,
                safety.record_type,
                safety.organisation,
                False,
            )
        )
    return found


def delete_record(session: Session, record: HeldRecord, subject_id: uuid.UUID) -> None:
    """Delete one record of the person (its timeline, shares and parts go with it)."""
    if record.kind == "safety-case-party":
        session.execute(
            delete(CaseParty).where(
                CaseParty.case_id == record.record_id, CaseParty.subject_id == subject_id
            )
        )
        return
    model = {
        "case": Case,
        "complaint": Complaint,
        "enquiry": Enquiry,
        "safety-case": SafetyCase,
    }[record.kind]
    row = session.get(model, record.record_id)
    if row is not None:
        session.delete(row)
    session.flush()
