"""Cases: one row per referral, from intake to closure, and everything recorded against it.

A referral and the case it becomes are the same row: `record_type` is `referral` until the
person engages, then `case` (or `rj-case` for restorative justice), so the retention rule that
applies is always the one for what the row currently is. Identifying fields are sealed under
the subject's data key (`identity`), equality-monitoring data apart (`equality`) so casework
never decrypts it. Every row references `subjects.id` with ON DELETE CASCADE (erasure).
"""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import (
    Boolean,
    Float,
    ForeignKey,
    Integer,
    LargeBinary,
    String,
    Uuid,
)
from sqlalchemy.orm import Mapped, mapped_column

from accord.store.base import Base, Timestamps, UtcDateTime, UuidPk, utcnow

SUBJECT_FK = "subjects.id"


class Case(UuidPk, Timestamps, Base):
    __tablename__ = "cases"

    register: Mapped[str] = mapped_column(String(64))
    organisation: Mapped[str] = mapped_column(String(64), index=True)  # the owner (controller)
    # Human-readable, e.g. LVWS-2026-000123 (`accord.cases.references`); set at intake.
    reference: Mapped[str | None] = mapped_column(String(32), unique=True, index=True)
    service: Mapped[str | None] = mapped_column(String(64), index=True)
    record_type: Mapped[str] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(20), index=True)
    subject_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey(SUBJECT_FK, ondelete="CASCADE"), index=True
    )
    source: Mapped[str] = mapped_column(String(32))  # police-api | police-file | self-referral
    source_organisation: Mapped[str | None] = mapped_column(String(64))
    police_reference: Mapped[str | None] = mapped_column(String(60), index=True)
    person_role: Mapped[str] = mapped_column(String(16))  # victim | witness
    crime_type: Mapped[str | None] = mapped_column(String(64))
    domestic_abuse: Mapped[bool] = mapped_column(Boolean, default=False)
    age: Mapped[int | None] = mapped_column(Integer)  # at referral; drives routing
    vulnerable: Mapped[bool] = mapped_column(Boolean, default=False)
    requested_service: Mapped[str | None] = mapped_column(String(64))
    identity: Mapped[bytes] = mapped_column(LargeBinary)
    equality: Mapped[bytes | None] = mapped_column(LargeBinary)
    consent_captured_by: Mapped[str] = mapped_column(String(120))
    consent_captured_at: Mapped[datetime] = mapped_column(UtcDateTime)
    consent_channel: Mapped[str] = mapped_column(String(20))
    proposed_service: Mapped[str | None] = mapped_column(String(64))
    proposed_rule: Mapped[str | None] = mapped_column(String(64))
    routing_confirmed_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    assigned_user: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    team: Mapped[str | None] = mapped_column(String(64))
    received_at: Mapped[datetime] = mapped_column(UtcDateTime, index=True)
    last_contact_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    not_taken_up_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    closed_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    closure_reason: Mapped[str | None] = mapped_column(String(64))
    retention_from: Mapped[datetime | None] = mapped_column(UtcDateTime)
    retention_due: Mapped[datetime | None] = mapped_column(UtcDateTime, index=True)


class CaseReferenceCounter(Base):
    """The last case reference number given in a register in a year (one row each)."""

    __tablename__ = "case_reference_counters"

    register: Mapped[str] = mapped_column(String(64), primary_key=True)
    year: Mapped[int] = mapped_column(Integer, primary_key=True)
    last: Mapped[int] = mapped_column(Integer)


class CaseShare(Base):
    """An organisation a case was referred or routed to (the gate's Target.shared_with)."""

    __tablename__ = "case_shares"

    case_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("cases.id", ondelete="CASCADE"), primary_key=True
    )
    organisation: Mapped[str] = mapped_column(String(64), primary_key=True)
    purpose: Mapped[str] = mapped_column(String(64))
    shared_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class CaseEvent(UuidPk, Base):
    """One entry on a case's timeline; details sealed, the kind and outcome in clear."""

    __tablename__ = "case_events"

    case_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("cases.id", ondelete="CASCADE"), index=True
    )
    subject_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey(SUBJECT_FK, ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(32))
    position: Mapped[int] = mapped_column(Integer)  # recording order within the case
    occurred_at: Mapped[datetime] = mapped_column(UtcDateTime)
    recorded_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    organisation: Mapped[str] = mapped_column(String(64))  # who recorded it
    actor_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    outcome: Mapped[str | None] = mapped_column(String(32))
    channel: Mapped[str | None] = mapped_column(String(32))
    service: Mapped[str | None] = mapped_column(String(64))
    category: Mapped[str | None] = mapped_column(String(64))  # the category its details hold
    detail: Mapped[bytes | None] = mapped_column(LargeBinary)


class MatchProposal(UuidPk, Base):
    """A person already known to the service, proposed as the same person as a new referral."""

    __tablename__ = "match_proposals"

    case_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("cases.id", ondelete="CASCADE"), index=True
    )
    subject_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey(SUBJECT_FK, ondelete="CASCADE"), index=True
    )
    candidate_subject_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey(SUBJECT_FK, ondelete="CASCADE"), index=True
    )
    candidate_case_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("cases.id", ondelete="CASCADE"), index=True
    )
    score: Mapped[float] = mapped_column(Float)
    reasons: Mapped[str] = mapped_column(String(300))  # which fields agreed, never their values
    status: Mapped[str] = mapped_column(String(16), default="proposed")
    proposed_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    decided_by: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    decided_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    decision_reason: Mapped[str | None] = mapped_column(String(500))


class Complaint(UuidPk, Timestamps, Base):
    """A complaint about the service (`complaint`: 6 years after the last contact)."""

    __tablename__ = "complaints"

    register: Mapped[str] = mapped_column(String(64))
    organisation: Mapped[str] = mapped_column(String(64), index=True)
    record_type: Mapped[str] = mapped_column(String(64), default="complaint")
    subject_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey(SUBJECT_FK, ondelete="CASCADE"), index=True
    )
    case_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("cases.id", ondelete="SET NULL"))
    channel: Mapped[str] = mapped_column(String(32))
    status: Mapped[str] = mapped_column(String(16), default="open")
    outcome: Mapped[str | None] = mapped_column(String(32))
    assigned_user: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    team: Mapped[str | None] = mapped_column(String(64))
    content: Mapped[bytes] = mapped_column(LargeBinary)
    received_at: Mapped[datetime] = mapped_column(UtcDateTime)
    last_contact_at: Mapped[datetime] = mapped_column(UtcDateTime)
    closed_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    retention_from: Mapped[datetime | None] = mapped_column(UtcDateTime)
    retention_due: Mapped[datetime | None] = mapped_column(UtcDateTime, index=True)
