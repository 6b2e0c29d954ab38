"""Data subjects and their blind indexes (the case database; data keys live in the keystore)."""

from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    ForeignKey,
    Index,
    LargeBinary,
    String,
    Uuid,
)
from sqlalchemy.orm import Mapped, mapped_column

from accord.store.base import Base, UtcDateTime, UuidPk, utcnow


class SubjectState(StrEnum):
    active = "active"
    erased = "erased"  # data key destroyed on request or at the end of retention
    anonymised = "anonymised"  # data key destroyed; unidentifying record data kept


# `date_of_birth` alone finds everyone born that day: a search narrowed by the gate to one's
# caseload, never an identifier that singles out a person (rights discovery corroborates with it).
INDEX_KINDS = ("name_dob", "date_of_birth", "email", "phone", "crime_number", "postcode")


class Subject(UuidPk, Base):
    """A person whose data accord holds. Every personal-data row references `subjects.id`
    with ON DELETE CASCADE, so deleting this row erases everything about them."""

    __tablename__ = "subjects"
    __table_args__ = (CheckConstraint("state IN ('active', 'erased', 'anonymised')", name="state"),)

    register: Mapped[str] = mapped_column(String(64), index=True)
    organisation: Mapped[str] = mapped_column(String(64))
    state: Mapped[str] = mapped_column(String(16), default=SubjectState.active.value)
    # Article 18 restriction: store only, no other processing without consent or a claim.
    restricted: Mapped[bool] = mapped_column(Boolean, default=False)
    # Article 21 objection received and not yet decided: processing under the objected
    # purposes pauses until it is.
    objection_pending: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    erased_at: Mapped[datetime | None] = mapped_column(UtcDateTime)

    @property
    def is_active(self) -> bool:
        return self.state == SubjectState.active.value


class SubjectIndex(Base):
    """One keyed digest of one identifier of a subject (HMAC, never the value itself)."""

    __tablename__ = "subject_indexes"
    __table_args__ = (Index("ix_subject_indexes_kind_digest", "kind", "digest"),)

    subject_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("subjects.id", ondelete="CASCADE"), primary_key=True
    )
    kind: Mapped[str] = mapped_column(String(32), primary_key=True)
    digest: Mapped[bytes] = mapped_column(LargeBinary(32), primary_key=True)
    indexed_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
