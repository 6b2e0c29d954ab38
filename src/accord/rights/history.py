"""A person's past rights decisions, newest first, in a rights officer's words: corrections,
erasures (what was kept and why), restrictions, objections, portable copies, reviews of a
score or list, and complaints about how a request was handled. Only the organisation's own
decisions about its own person; reading them is audited like any other act on a right.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from accord.gate.models import AuditEntry, AuditEntrySubject
from accord.gate.types import Actor
from accord.register.registry import current_registry
from accord.rights import portability
from accord.rights.applicable import EXEMPTION_TEXT, Exemption
from accord.rights.decision_models import (
    AutomatedReview,
    ErasureDecision,
    ErasureItem,
    HandlingComplaint,
    Objection,
    Rectification,
    Restriction,
)
from accord.rights.decisions import audit, open_text, person_for
from accord.rights.restriction import Grounds

WHAT = "rights-decisions"

ERASURE_OUTCOMES = {
    "erased": "Everything erased",
    "partial": "Some records erased, some kept",
    "refused": "Nothing erased: every record kept",
}
OBJECTION_OUTCOMES = {
    None: "Not decided yet: that use is paused",
    "upheld": "Upheld: that use stopped",
    "compelling-grounds": "Not upheld: compelling reasons to carry on",
}
REVIEW_OUTCOMES = {
    None: "Not reviewed yet",
    "confirmed": "Reviewed: the result stands",
    "changed": "Reviewed: the result was changed",
}
REVIEW_KINDS = {"match-score": "A match score", "priority-list": "A priority list"}


@dataclass(frozen=True)
class PastDecision:
    title: str  # what kind of decision, in plain words
    at: datetime
    rows: tuple[tuple[str, str], ...]  # (what, answer) for a summary list


def _day(moment: datetime | None) -> str:
    return "" if moment is None else moment.strftime("%-d %B %Y")


def _record_name(register: str, record_type: str) -> str:
    try:
        return current_registry().get(register).record_type(record_type).name
    except KeyError:
        return record_type


def _rows(*pairs: tuple[str, str | None]) -> tuple[tuple[str, str], ...]:
    return tuple((k, v) for k, v in pairs if v)


def _rectifications(
    session: Session, subject_id: uuid.UUID, rows: Sequence[Any]
) -> list[PastDecision]:
    return [
        PastDecision(
            "Correction",
            r.decided_at,
            _rows(
                ("Record", _record_name(r.register, r.record_type)),
                ("Corrected", ", ".join(f.replace("_", " ") for f in r.fields)),
                ("Why", open_text(session, subject_id, r.reason)),
                ("Decided", _day(r.decided_at)),
            ),
        )
        for r in rows
    ]


def _erasures(session: Session, subject_id: uuid.UUID, rows: Sequence[Any]) -> list[PastDecision]:
    out = []
    for e in rows:
        items = session.scalars(
            select(ErasureItem).where(ErasureItem.erasure_id == e.id).order_by(ErasureItem.id)
        ).all()
        kept = [
            f"{_record_name(e.register, i.record_type)}: "
            f"{EXEMPTION_TEXT.get(Exemption(i.exemption), i.exemption) if i.exemption else ''}"
            + (f" ({why})" if (why := open_text(session, subject_id, i.reason)) else "")
            for i in items
            if i.outcome == "kept"
        ]
        erased = [_record_name(e.register, i.record_type) for i in items if i.outcome == "erased"]
        out.append(
            PastDecision(
                "Erasure",
                e.decided_at,
                _rows(
                    ("Outcome", ERASURE_OUTCOMES.get(e.outcome, e.outcome)),
                    ("Erased", "; ".join(erased)),
                    ("Kept, and why", "; ".join(kept)),
                    ("Decided", _day(e.decided_at)),
                ),
            )
        )
    return out


def _restrictions(
    session: Session, subject_id: uuid.UUID, rows: Sequence[Any]
) -> list[PastDecision]:
    words = {
        Grounds.ACCURACY_CONTESTED.value: "They said it was wrong, while we checked it",
        Grounds.UNLAWFUL_PROCESSING.value: "We should not have had it, but they wanted it kept",
        Grounds.LEGAL_CLAIMS.value: "They needed it kept for a legal claim",
        Grounds.OBJECTION.value: "While we decided their objection",
    }
    return [
        PastDecision(
            "Restriction",
            r.placed_at,
            _rows(
                ("Why", words.get(r.grounds, r.grounds)),
                ("Restricted", _day(r.placed_at)),
                ("Told it would be lifted", _day(r.lift_notice_at) or "Not yet"),
                ("Lifted", _day(r.lifted_at) or "Still restricted"),
            ),
        )
        for r in rows
    ]


def _objections(session: Session, subject_id: uuid.UUID, rows: Sequence[Any]) -> list[PastDecision]:
    out = []
    for o in rows:
        register = current_registry().get(o.register)
        names = {p.id: p.name for p in register.purposes}
        out.append(
            PastDecision(
                "Objection",
                o.received_at,
                _rows(
                    ("They objected to", ", ".join(names.get(p, p) for p in o.purposes)),
                    ("Their reasons", open_text(session, subject_id, o.grounds)),
                    ("Received", _day(o.received_at)),
                    ("Decision", OBJECTION_OUTCOMES.get(o.outcome, o.outcome)),
                    ("Why", open_text(session, subject_id, o.reason)),
                    ("Decided", _day(o.decided_at)),
                ),
            )
        )
    return out


def _reviews(session: Session, subject_id: uuid.UUID, rows: Sequence[Any]) -> list[PastDecision]:
    return [
        PastDecision(
            "Review of an automated result",
            r.requested_at,
            _rows(
                ("What was reviewed", REVIEW_KINDS.get(r.kind, r.kind)),
                ("Their view", open_text(session, subject_id, r.view)),
                ("Asked", _day(r.requested_at)),
                ("Outcome", REVIEW_OUTCOMES.get(r.outcome, r.outcome)),
                ("Reviewer's reasons", open_text(session, subject_id, r.note)),
                ("Reviewed", _day(r.reviewed_at)),
            ),
        )
        for r in rows
    ]


def _complaints(session: Session, subject_id: uuid.UUID, rows: Sequence[Any]) -> list[PastDecision]:
    return [
        PastDecision(
            "Complaint about how we handled their request",
            c.received_at,
            _rows(
                ("Their complaint", open_text(session, subject_id, c.content)),
                ("Received", _day(c.received_at)),
                ("Our answer", open_text(session, subject_id, c.answer) or "Not answered yet"),
                ("Answered", _day(c.answered_at)),
            ),
        )
        for c in rows
    ]


def _portable_copies(
    session: Session, subject_id: uuid.UUID, organisation: str
) -> list[PastDecision]:
    """Portable copies made (kept only as the audit entries of their export)."""
    entries = session.scalars(
        select(AuditEntry)
        .join(AuditEntrySubject, AuditEntrySubject.entry_seq == AuditEntry.seq)
        .where(
            AuditEntrySubject.subject_id == subject_id,
            AuditEntry.purpose == portability.WHAT,
            AuditEntry.actor_organisation == organisation,
            AuditEntry.action == "export",
        )
    ).all()
    return [
        PastDecision(
            "Copy to take elsewhere",
            e.at,
            _rows(
                ("Records in it", str(len(e.record_ids))),
                ("Made", _day(e.at)),
            ),
        )
        for e in entries
    ]


Reader = Callable[[Session, uuid.UUID, Sequence[Any]], list[PastDecision]]
MODELS: tuple[tuple[Any, Any, Reader], ...] = (
    (Rectification, Rectification.decided_at, _rectifications),
    (ErasureDecision, ErasureDecision.decided_at, _erasures),
    (Restriction, Restriction.placed_at, _restrictions),
    (Objection, Objection.received_at, _objections),
    (AutomatedReview, AutomatedReview.requested_at, _reviews),
    (HandlingComplaint, HandlingComplaint.received_at, _complaints),
)


def past_decisions(session: Session, *, actor: Actor, subject_id: uuid.UUID) -> list[PastDecision]:
    """Every decision the actor's organisation made about the person, newest first."""
    subject = person_for(session, actor=actor, subject_id=subject_id, what=WHAT)
    found: list[PastDecision] = []
    for model, when, read in MODELS:
        rows = session.scalars(
            select(model)
            .where(model.subject_id == subject.id, model.organisation == subject.organisation)
            .order_by(when, model.id)
        ).all()
        found += read(session, subject.id, rows)
    found += _portable_copies(session, subject.id, subject.organisation)
    audit(
        session,
        actor=actor,
        what=WHAT,
        action="read",
        register=subject.register,
        subject_ids=(subject.id,),
        ref="past-decisions",
    )
    return sorted(found, key=lambda d: d.at, reverse=True)
