"""Decisions carrying out each right other than access: what was corrected, erased, kept,
restricted, objected to, reviewed or complained about, by whom, when and why.

Free text (reasons, the person's view, old values) is sealed under the person's data key;
ids, register ids and outcomes are in clear. Each decision names the rights request it answers
(`request_id`) when it came through one. Erasures and the notices to recipients hold ids only
and outlive the person (no foreign key to `subjects`): they are the record that an erasure
happened and who was told.
"""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import JSON, ForeignKey, LargeBinary, String, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from accord.store.base import Base, UtcDateTime, UuidPk, utcnow

SUBJECT_FK = "subjects.id"
REQUEST_FK = "rights_requests.id"


class Rectification(UuidPk, Base):
    """Fields of one record corrected at once: the old values and the reason sealed."""

    __tablename__ = "rights_rectifications"

    request_id: Mapped[uuid.UUID | None] = mapped_column(
        Uuid, ForeignKey(REQUEST_FK, ondelete="SET NULL"), index=True
    )
    subject_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey(SUBJECT_FK, ondelete="CASCADE"), index=True
    )
    register: Mapped[str] = mapped_column(String(64))
    organisation: Mapped[str] = mapped_column(String(64))
    record_type: Mapped[str] = mapped_column(String(64))
    record_id: Mapped[uuid.UUID] = mapped_column(Uuid, index=True)
    fields: Mapped[list[str]] = mapped_column(JSON)  # field names corrected
    categories: Mapped[list[str]] = mapped_column(JSON)  # their register categories
    old_values: Mapped[bytes] = mapped_column(LargeBinary)  # sealed {field: old value}
    reason: Mapped[bytes] = mapped_column(LargeBinary)  # sealed
    decided_by: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    decided_by_kind: Mapped[str] = mapped_column(String(16))
    decided_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class RecipientNotice(UuidPk, Base):
    """A recipient of the person's data who must hear of a correction or erasure (Art 19),
    and whether they were told or why they could not be."""

    __tablename__ = "rights_recipient_notices"

    request_id: Mapped[uuid.UUID | None] = mapped_column(
        Uuid, ForeignKey(REQUEST_FK, ondelete="SET NULL"), index=True
    )
    subject_id: Mapped[uuid.UUID] = mapped_column(Uuid, index=True)  # outlives an erasure
    kind: Mapped[str] = mapped_column(String(16))  # rectification | erasure
    decision_id: Mapped[uuid.UUID] = mapped_column(Uuid, index=True)
    register: Mapped[str] = mapped_column(String(64))
    organisation: Mapped[str] = mapped_column(String(64))  # the controller telling them
    recipient: Mapped[str] = mapped_column(String(64))
    fields: Mapped[list[str]] = mapped_column(JSON)  # categories concerned
    state: Mapped[str] = mapped_column(String(16), default="pending", index=True)
    # pending | notified | impossible | disproportionate
    note: Mapped[str | None] = mapped_column(String(500))  # about the recipient, never the person
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    recorded_by: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    recorded_at: Mapped[datetime | None] = mapped_column(UtcDateTime)


class ErasureDecision(UuidPk, Base):
    """An erasure request decided record by record (ids only: it outlives the person)."""

    __tablename__ = "rights_erasures"

    request_id: Mapped[uuid.UUID | None] = mapped_column(
        Uuid, ForeignKey(REQUEST_FK, ondelete="SET NULL"), index=True
    )
    subject_id: Mapped[uuid.UUID] = mapped_column(Uuid, index=True)
    register: Mapped[str] = mapped_column(String(64))
    organisation: Mapped[str] = mapped_column(String(64))
    outcome: Mapped[str] = mapped_column(String(16))  # erased | partial | refused
    decided_by: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    decided_by_kind: Mapped[str] = mapped_column(String(16))
    decided_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class ErasureItem(UuidPk, Base):
    """One record of an erasure decision: erased, or kept under a named exemption."""

    __tablename__ = "rights_erasure_items"

    erasure_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("rights_erasures.id", ondelete="CASCADE"), index=True
    )
    record_type: Mapped[str] = mapped_column(String(64))
    record_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    outcome: Mapped[str] = mapped_column(String(16))  # erased | kept
    exemption: Mapped[str | None] = mapped_column(String(32))
    # sealed under the person's key: a kept record means the key is kept too
    reason: Mapped[bytes | None] = mapped_column(LargeBinary)


class Restriction(UuidPk, Base):
    """A restriction of processing (Art 18): placed, the person told it will be lifted, lifted."""

    __tablename__ = "rights_restrictions"

    request_id: Mapped[uuid.UUID | None] = mapped_column(
        Uuid, ForeignKey(REQUEST_FK, ondelete="SET NULL"), index=True
    )
    subject_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey(SUBJECT_FK, ondelete="CASCADE"), index=True
    )
    register: Mapped[str] = mapped_column(String(64))
    organisation: Mapped[str] = mapped_column(String(64))
    grounds: Mapped[str] = mapped_column(String(32))
    placed_by: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    placed_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    lift_notice_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    lift_notice_channel: Mapped[str | None] = mapped_column(String(32))
    lift_notice_by: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    lifted_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    lifted_by: Mapped[uuid.UUID | None] = mapped_column(Uuid)


class Objection(UuidPk, Base):
    """An objection to processing (Art 21) and its decision."""

    __tablename__ = "rights_objections"

    request_id: Mapped[uuid.UUID | None] = mapped_column(
        Uuid, ForeignKey(REQUEST_FK, ondelete="SET NULL"), index=True
    )
    subject_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey(SUBJECT_FK, ondelete="CASCADE"), index=True
    )
    register: Mapped[str] = mapped_column(String(64))
    organisation: Mapped[str] = mapped_column(String(64))
    purposes: Mapped[list[str]] = mapped_column(JSON)
    grounds: Mapped[bytes] = mapped_column(LargeBinary)  # sealed: the person's reasons
    received_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    recorded_by: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    outcome: Mapped[str | None] = mapped_column(String(32))  # upheld | compelling-grounds
    reason: Mapped[bytes | None] = mapped_column(LargeBinary)  # sealed
    decided_by: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    decided_at: Mapped[datetime | None] = mapped_column(UtcDateTime)


class AutomatedReview(UuidPk, Base):
    """A person's request for human review of a score or list that informed a decision."""

    __tablename__ = "rights_automated_reviews"

    request_id: Mapped[uuid.UUID | None] = mapped_column(
        Uuid, ForeignKey(REQUEST_FK, ondelete="SET NULL"), index=True
    )
    subject_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey(SUBJECT_FK, ondelete="CASCADE"), index=True
    )
    register: Mapped[str] = mapped_column(String(64))
    organisation: Mapped[str] = mapped_column(String(64))
    kind: Mapped[str] = mapped_column(String(32))  # match-score | priority-list
    reference: Mapped[uuid.UUID | None] = mapped_column(Uuid)  # the scored item
    view: Mapped[bytes | None] = mapped_column(LargeBinary)  # sealed: the person's view
    explanation: Mapped[bytes] = mapped_column(LargeBinary)  # sealed
    requested_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    recorded_by: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    outcome: Mapped[str | None] = mapped_column(String(16))  # confirmed | changed
    note: Mapped[bytes | None] = mapped_column(LargeBinary)  # sealed: the reviewer's reasons
    reviewed_by: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    reviewed_at: Mapped[datetime | None] = mapped_column(UtcDateTime)


class HandlingComplaint(UuidPk, Base):
    """A complaint about how a rights request was handled, and the answer given."""

    __tablename__ = "rights_handling_complaints"

    request_id: Mapped[uuid.UUID | None] = mapped_column(
        Uuid, ForeignKey(REQUEST_FK, ondelete="SET NULL"), index=True
    )
    subject_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey(SUBJECT_FK, ondelete="CASCADE"), index=True
    )
    register: Mapped[str] = mapped_column(String(64))
    organisation: Mapped[str] = mapped_column(String(64))
    content: Mapped[bytes] = mapped_column(LargeBinary)  # sealed
    received_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    recorded_by: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    answer: Mapped[bytes | None] = mapped_column(LargeBinary)  # sealed
    answered_by: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    answered_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
