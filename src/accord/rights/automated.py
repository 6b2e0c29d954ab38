"""Rights about automated decisions (Art 22): where a score or a list informs a decision about
a person, they can ask for a person to review it, give their view and get an explanation.

In accord a score or list only ever informs a person's decision (the register's
`statements.automated_decisions` says how). Two kinds are explained from what was recorded:
a referral match score (`match-score`: the score, which identifiers agreed, never their
values, and what the caseworker decided) and a place on a priority list (`priority-list`:
the register's statement, the officer adds the list's own explanation). The request, the
person's view, the explanation and the reviewer's outcome and reasons are recorded, sealed
under the person's key.
"""

from __future__ import annotations

import uuid
from enum import StrEnum

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from accord.cases.models import MatchProposal
from accord.errors import Conflict, Invalid, NotFound
from accord.gate.types import Actor
from accord.register.registry import current_registry
from accord.rights.decision_models import AutomatedReview
from accord.rights.decisions import audit, open_text, person_for, request_for, seal_text, text
from accord.store.base import utcnow

WHAT = "rights-automated-review"


class Kind(StrEnum):
    MATCH_SCORE = "match-score"
    PRIORITY_LIST = "priority-list"


class Outcome(StrEnum):
    CONFIRMED = "confirmed"  # the reviewer reached the same decision
    CHANGED = "changed"  # the reviewer decided otherwise (carried out where it was made)


_STATUS = {
    "proposed": "no one has decided yet whether it is the same person",
    "accepted": "a caseworker confirmed it is the same person",
    "rejected": "a caseworker decided it is not the same person",
}


def _match_explanation(session: Session, subject_id: uuid.UUID, reference: uuid.UUID) -> str:
    proposal = session.scalar(
        select(MatchProposal).where(
            MatchProposal.id == reference,
            or_(
                MatchProposal.subject_id == subject_id,
                MatchProposal.candidate_subject_id == subject_id,
            ),
        )
    )
    if proposal is None:
        raise Invalid("reference", "This is not a match score about this person.")
    agreed = [r.strip() for r in proposal.reasons.split(",") if r.strip()]
    return (
        "When a referral arrived, the system compared the details in it with people we already "
        f"support and scored how alike they were: {proposal.score:.2f} out of 1. "
        + (
            "The details that agreed were: " + ", ".join(agreed) + ". "
            if agreed
            else "No single detail agreed exactly. "
        )
        + "The score only suggests a match; "
        + _STATUS.get(proposal.status, f"its status is {proposal.status}")
        + "."
    )


def request_review(
    session: Session,
    *,
    actor: Actor,
    subject_id: uuid.UUID,
    kind: str,
    reference: uuid.UUID | None = None,
    view: str | None = None,
    explanation: str | None = None,
    request_id: uuid.UUID | None = None,
) -> AutomatedReview:
    """Record the person's request for a human review, their view, and the explanation."""
    try:
        chosen = Kind(kind)
    except ValueError:
        raise Invalid("kind", "Choose one of: " + ", ".join(k.value for k in Kind) + ".") from None
    person_view = text("view", view or "", required=False)
    added = text("explanation", explanation or "", required=False)
    subject = person_for(session, actor=actor, subject_id=subject_id, what=WHAT)
    request_id = request_for(
        session, subject=subject, request_id=request_id, right="automated-decision-review"
    )
    statement = " ".join(
        current_registry().get(subject.register).statements.automated_decisions.split()
    )
    if chosen is Kind.MATCH_SCORE:
        if reference is None:
            raise Invalid("reference", "Name the match score the person asks about.")
        parts = [_match_explanation(session, subject.id, reference), statement]
    else:
        if not added:
            raise Invalid("explanation", "Explain how the list was drawn up and used.")
        parts = [statement]
    if added:
        parts.append(added)
    row = AutomatedReview(
        id=uuid.uuid4(),
        request_id=request_id,
        subject_id=subject.id,
        register=subject.register,
        organisation=subject.organisation,
        kind=chosen.value,
        reference=reference,
        view=seal_text(session, subject, person_view) if person_view else None,
        explanation=seal_text(session, subject, " ".join(parts)),
        requested_at=utcnow(),
        recorded_by=actor.id,
    )
    session.add(row)
    session.flush()
    audit(
        session,
        actor=actor,
        what=WHAT,
        action="create",
        register=subject.register,
        subject_ids=(subject.id,),
        record_ids=[row.id, *([reference] if reference else [])],
        ref=f"automated-review:{chosen.value}",
    )
    return row


def explanation(session: Session, row: AutomatedReview) -> str:
    return open_text(session, row.subject_id, row.explanation) or ""


def person_view(session: Session, row: AutomatedReview) -> str:
    """What the person said about the decision, if anything."""
    return open_text(session, row.subject_id, row.view) or ""


def get_review(session: Session, *, actor: Actor, review_id: uuid.UUID) -> AutomatedReview:
    """One review request, for a rights officer of the organisation holding the person."""
    row = session.get(AutomatedReview, review_id)
    if row is None:
        raise NotFound("review")
    person_for(session, actor=actor, subject_id=row.subject_id, what=WHAT)
    return row


def review(
    session: Session, *, actor: Actor, review_id: uuid.UUID, outcome: str, note: str
) -> AutomatedReview:
    """A person's review of the score or list: the outcome and their reasons."""
    try:
        decided = Outcome(outcome)
    except ValueError:
        raise Invalid(
            "outcome", "Choose one of: " + ", ".join(o.value for o in Outcome) + "."
        ) from None
    why = text("note", note)
    row = session.get(AutomatedReview, review_id)
    if row is None:
        raise NotFound("review")
    subject = person_for(session, actor=actor, subject_id=row.subject_id, what=WHAT)
    if row.outcome is not None:
        raise Conflict("This review has already been decided.")
    if actor.id is not None and actor.id == row.recorded_by:
        raise Conflict(
            "Someone other than the person who recorded the request must review it.",
            field="outcome",
        )
    row.outcome = decided.value
    row.note = seal_text(session, subject, why)
    row.reviewed_by = actor.id
    row.reviewed_at = utcnow()
    session.flush()
    audit(
        session,
        actor=actor,
        what=WHAT,
        action="update",
        register=row.register,
        subject_ids=(subject.id,),
        record_ids=(row.id,),
        ref=f"automated-review:{decided.value}",
    )
    return row
