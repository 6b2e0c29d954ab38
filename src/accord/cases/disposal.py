"""What retention disposes of in casework: cases (referrals, cases, restorative justice) with
their timeline, shares and match proposals, and complaints (accord.retention.declare).

A case under an `anonymise` rule keeps only the statistics its record type marks
(`statistical`: `age` as a ten-year band, `crime_type`, `outcome`): its sealed identity is
replaced by an empty one, its equality data, police reference, assignment and timeline
details go, match proposals are deleted, and it leaves the clock. A complaint under one keeps
its channel, status, outcome (if statistical) and dates."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from accord.cases import purposes
from accord.cases.models import Case, CaseEvent, Complaint, MatchProposal
from accord.people import service as people
from accord.retention.declare import ClockedRows, chunks, content_emptied, present

ANONYMISED = "anonymised"


def age_band(age: int | None) -> int | None:
    """The lower bound of the ten-year band (37 -> 30), kept where the age was."""
    return None if age is None else (age // 10) * 10


def _anonymise(session: Session, ids: Sequence[uuid.UUID], keep: frozenset[str]) -> None:
    for part in chunks(ids):
        for case in session.scalars(select(Case).where(Case.id.in_(part))):
            case.identity = people.seal(session, subject_id=case.subject_id, values={})
            case.equality = None
            case.police_reference = None
            case.assigned_user = None
            case.consent_captured_by = ANONYMISED
            case.age = age_band(case.age) if "age" in keep else None
            if "crime_type" not in keep:
                case.crime_type = None
            if "outcome" not in keep:
                case.closure_reason = None
            case.retention_due = None
        session.execute(update(CaseEvent).where(CaseEvent.case_id.in_(part)).values(detail=None))
        session.execute(delete(MatchProposal).where(MatchProposal.case_id.in_(part)))
    session.flush()


DECLARATIONS = (
    ClockedRows(
        name="cases",
        model=Case,
        record_types=lambda register: present(
            register, purposes.REFERRAL, purposes.CASE, purposes.RJ_CASE
        ),
        anonymise=_anonymise,
    ),
    ClockedRows(
        name="complaints",
        model=Complaint,
        record_types=lambda register: present(register, purposes.COMPLAINT),
        has_service=False,
        anonymise=content_emptied(
            Complaint, cleared={"assigned_user": None}, unless_kept=("outcome",)
        ),
    ),
)
