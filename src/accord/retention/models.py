"""Retention's own records: legal holds, runs with their tallies and certificates, and the
review queue. Ids and register ids only: nothing here identifies a person."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, ForeignKey, Integer, String, UniqueConstraint, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from accord.store.base import Base, UtcDateTime, UuidPk, utcnow


class RetentionHold(UuidPk, Base):
    """A legal hold (litigation, investigation, inquiry) on a person, a record or a record
    type: nothing it covers is disposed of until it is released."""

    __tablename__ = "retention_holds"

    scope: Mapped[str] = mapped_column(String(16))  # subject | record | record-type
    register: Mapped[str] = mapped_column(String(64))
    organisation: Mapped[str] = mapped_column(String(64))  # whose records it holds
    record_type: Mapped[str | None] = mapped_column(String(64))
    record_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, index=True)
    subject_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, index=True)
    kind: Mapped[str] = mapped_column(String(16))  # litigation | investigation | inquiry
    reason: Mapped[str] = mapped_column(String(500))
    placed_by: Mapped[str] = mapped_column(String(200))
    placed_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    released_by: Mapped[str | None] = mapped_column(String(200))
    released_at: Mapped[datetime | None] = mapped_column(UtcDateTime, index=True)
    release_reason: Mapped[str | None] = mapped_column(String(500))


class RetentionRun(UuidPk, Base):
    """One disposal run; `status` running until its certificate is written."""

    __tablename__ = "retention_runs"

    status: Mapped[str] = mapped_column(String(16), index=True)  # running | finished
    dry_run: Mapped[bool] = mapped_column(Boolean)
    ran_by: Mapped[str] = mapped_column(String(200))
    started_at: Mapped[datetime] = mapped_column(UtcDateTime)
    as_of: Mapped[datetime] = mapped_column(UtcDateTime)  # everything due by then
    period_from: Mapped[datetime | None] = mapped_column(UtcDateTime)  # the previous run's as_of
    finished_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    keys_destroyed: Mapped[int] = mapped_column(Integer, default=0)
    keys_first_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    keys_last_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    certificate: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    certificate_hash: Mapped[str | None] = mapped_column(String(64))


class RetentionRunCount(Base):
    """How many records of one kind a run disposed of, queued, or left (held, refused):
    written in the same transaction as the records it counts, so counts survive a crash."""

    __tablename__ = "retention_run_counts"

    run_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("retention_runs.id", ondelete="CASCADE"), primary_key=True
    )
    register: Mapped[str] = mapped_column(String(64), primary_key=True)
    organisation: Mapped[str] = mapped_column(String(64), primary_key=True)
    record_type: Mapped[str] = mapped_column(String(64), primary_key=True)
    action: Mapped[str] = mapped_column(String(16), primary_key=True)  # the rule's action
    outcome: Mapped[str] = mapped_column(String(16), primary_key=True)  # deleted|queued|held|...
    rule: Mapped[str] = mapped_column(String(120))
    count: Mapped[int] = mapped_column(Integer)


class RetentionReview(UuidPk, Base):
    """A record whose rule says a person decides: dispose of it, or keep it with a reason
    and a new review date."""

    __tablename__ = "retention_reviews"
    __table_args__ = (UniqueConstraint("store", "record_id", "due_at"),)

    store: Mapped[str] = mapped_column(String(64))
    record_id: Mapped[uuid.UUID] = mapped_column(Uuid, index=True)
    register: Mapped[str] = mapped_column(String(64))
    organisation: Mapped[str] = mapped_column(String(64), index=True)
    service: Mapped[str | None] = mapped_column(String(64))
    record_type: Mapped[str] = mapped_column(String(64))
    due_at: Mapped[datetime] = mapped_column(UtcDateTime)
    queued_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    status: Mapped[str] = mapped_column(String(16), index=True)  # pending | kept | disposed
    decided_by: Mapped[str | None] = mapped_column(String(200))
    decided_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    reason: Mapped[str | None] = mapped_column(String(500))
    review_on: Mapped[datetime | None] = mapped_column(UtcDateTime)
