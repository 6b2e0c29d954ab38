"""Community safety casework: risk panels (MARAC, Community Risk Panel, IOM) and outreach.

A `SafetyCase` is one case of one service, held under that service's record type
(`marac-case`, `crp-case`, `iom-case`, `dsv-outreach-case`, `fgm-case`) and its retention rule.
Its people are `CaseParty` rows (victim, perpetrator, offender, child...), each a data subject
whose details are sealed under their own key. Everything said about the case (referral
details, minutes, actions, partner updates) is sealed under the key of the case's main
subject, so erasing that person removes the case and everything recorded on it (CASCADE).
"""

from __future__ import annotations

import uuid
from datetime import date, datetime

from sqlalchemy import (
    JSON,
    Date,
    ForeignKey,
    Integer,
    LargeBinary,
    String,
    UniqueConstraint,
    Uuid,
)
from sqlalchemy.orm import Mapped, mapped_column

from accord.store.base import Base, UtcDateTime, UuidPk, utcnow

SUBJECT_FK = "subjects.id"
CASE_FK = "safety_cases.id"


class PanelMeeting(UuidPk, Base):
    """One sitting of a panel: its date, chair and the cases listed."""

    __tablename__ = "panel_meetings"

    register: Mapped[str] = mapped_column(String(64))
    organisation: Mapped[str] = mapped_column(String(64))  # who runs the panel
    panel: Mapped[str] = mapped_column(String(64), index=True)  # service id: marac, iom ...
    held_on: Mapped[date] = mapped_column(Date, index=True)
    chair: Mapped[str] = mapped_column(
        String(120)
    )  # the chair's name and role (staff, not a subject)
    location: Mapped[str | None] = mapped_column(String(120))
    status: Mapped[str] = mapped_column(String(16), default="scheduled")  # scheduled|held|cancelled
    created_by: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class SafetyCase(UuidPk, Base):
    __tablename__ = "safety_cases"

    register: Mapped[str] = mapped_column(String(64))
    organisation: Mapped[str] = mapped_column(String(64), index=True)  # the owner (controller)
    service: Mapped[str] = mapped_column(String(64), index=True)
    record_type: Mapped[str] = mapped_column(String(64))
    reference: Mapped[str] = mapped_column(String(32), unique=True)  # e.g. MARAC-2026-0007
    subject_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey(SUBJECT_FK, ondelete="CASCADE"), index=True
    )
    risk_level: Mapped[str | None] = mapped_column(String(16))  # standard | medium | high
    status: Mapped[str] = mapped_column(String(16), default="open", index=True)  # open | closed
    assigned_user: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    team: Mapped[str | None] = mapped_column(String(64))  # the service's team
    referral: Mapped[bytes] = mapped_column(LargeBinary)  # sealed referral details
    referred_by: Mapped[str | None] = mapped_column(String(64))  # referring agency id
    opened_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    last_action_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    closed_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    retention_from: Mapped[datetime | None] = mapped_column(UtcDateTime)
    retention_due: Mapped[datetime | None] = mapped_column(UtcDateTime, index=True)
    created_by: Mapped[uuid.UUID | None] = mapped_column(Uuid)


class CaseParty(UuidPk, Base):
    """A person in a case; their details (by register category) sealed under their own key."""

    __tablename__ = "safety_case_parties"
    __table_args__ = (UniqueConstraint("case_id", "subject_id"),)

    case_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey(CASE_FK, ondelete="CASCADE"), index=True
    )
    subject_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey(SUBJECT_FK, ondelete="CASCADE"), index=True
    )
    role: Mapped[str] = mapped_column(String(16))  # victim | perpetrator | offender | child ...
    details: Mapped[bytes] = mapped_column(LargeBinary)
    categories: Mapped[list[str]] = mapped_column(JSON)  # category ids held (no values)
    added_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class CaseAgency(Base):
    """A partner agency working the case: the gate's `shared_with` for the case."""

    __tablename__ = "safety_case_agencies"

    case_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey(CASE_FK, ondelete="CASCADE"), primary_key=True
    )
    organisation: Mapped[str] = mapped_column(String(64), primary_key=True)
    recipient: Mapped[str] = mapped_column(String(64))  # the register recipient it is under
    added_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class PanelListing(UuidPk, Base):
    """A case listed at a meeting, in agenda order."""

    __tablename__ = "panel_listings"
    __table_args__ = (UniqueConstraint("meeting_id", "case_id"),)

    meeting_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("panel_meetings.id", ondelete="CASCADE"), index=True
    )
    case_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey(CASE_FK, ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(Integer)
    listed_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    discussed_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    minutes: Mapped[bytes | None] = mapped_column(LargeBinary)  # sealed minutes of discussion
    minuted_by: Mapped[uuid.UUID | None] = mapped_column(Uuid)


class CaseAction(UuidPk, Base):
    """An action agreed for a case, owned by a partner agency, with a due date."""

    __tablename__ = "safety_case_actions"

    case_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey(CASE_FK, ondelete="CASCADE"), index=True
    )
    meeting_id: Mapped[uuid.UUID | None] = mapped_column(
        Uuid, ForeignKey("panel_meetings.id", ondelete="SET NULL")
    )
    owner_agency: Mapped[str] = mapped_column(String(64), index=True)  # organisation id
    description: Mapped[bytes] = mapped_column(LargeBinary)  # sealed
    due_on: Mapped[date] = mapped_column(Date, index=True)
    status: Mapped[str] = mapped_column(String(16), default="open")  # open|done|cancelled
    created_by: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    completed_at: Mapped[datetime | None] = mapped_column(UtcDateTime)


class CaseUpdate(UuidPk, Base):
    """An update from a partner agency on a case, optionally against one of its actions."""

    __tablename__ = "safety_case_updates"

    case_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey(CASE_FK, ondelete="CASCADE"), index=True
    )
    action_id: Mapped[uuid.UUID | None] = mapped_column(
        Uuid, ForeignKey("safety_case_actions.id", ondelete="CASCADE")
    )
    agency: Mapped[str] = mapped_column(String(64))  # organisation id of who reported it
    text: Mapped[bytes] = mapped_column(LargeBinary)  # sealed
    action_status: Mapped[str | None] = mapped_column(String(16))  # status set by the update
    recorded_by: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    recorded_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
