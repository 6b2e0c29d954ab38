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
from accord.gate.types import Actor
from accord.panels.models import CaseParty, SafetyCase
from accord.register.registry import current_registry
from accord.rights.applicable import record_rights
from accord.rights.decisions import audit, person_for

SELF_REFERRAL = "self-referral"
WHAT = "rights-applicable"


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


@dataclass(frozen=True)
class RecordRightsView:
    """One record of the person with the rights that apply to it, from the register."""

    record: HeldRecord
    name: str  # the record type's name in the register
    rights: tuple[str, ...]
    erasure_exemptions: dict[str, tuple[str, ...]]
    portable: bool
    portability: str  # why it is or is not portable, in plain words


def rights_of(session: Session, records: list[HeldRecord]) -> list[RecordRightsView]:
    """The rights over each record, decided from its register's lawful bases."""
    registry = current_registry()
    views = []
    for record in records:
        register = registry.get(record.register)
        found = record_rights(register, record.record_type)
        portable = found.portable and record.from_person
        views.append(
            RecordRightsView(
                record=record,
                name=register.record_type(record.record_type).name,
                rights=tuple(r.value for r in found.rights if portable or r.value != "portability"),
                erasure_exemptions={e.value: p for e, p in found.erasure_exemptions.items()},
                portable=portable,
                portability=found.portability_reason()
                if not found.portable or record.from_person
                else "Not included: this information came from someone else, not from you.",
            )
        )
    return views


def applicable_for(
    session: Session, *, actor: Actor, subject_id: uuid.UUID
) -> list[RecordRightsView]:
    """Each record held about the person and the rights that apply to it, for the rights team."""
    subject = person_for(session, actor=actor, subject_id=subject_id, what=WHAT)
    views = rights_of(session, held_records(session, subject.id))
    audit(
        session,
        actor=actor,
        what=WHAT,
        action="read",
        register=subject.register,
        subject_ids=(subject.id,),
        record_ids=[v.record.record_id for v in views],
        ref="applicable-rights",
    )
    return views
