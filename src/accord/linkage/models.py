"""Linkage tables: runs, the person id of each partner record, and the clerical review queue."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    CheckConstraint,
    Float,
    ForeignKey,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from accord.store.base import Base, UtcDateTime, UuidPk, utcnow


class LinkageRun(UuidPk, Base):
    """One linkage run: what it did, the model it trained (full runs) and its quality report."""

    __tablename__ = "linkage_runs"
    __table_args__ = (
        CheckConstraint("kind IN ('full', 'incremental')", name="kind"),
        CheckConstraint("status IN ('running', 'finished', 'failed')", name="status"),
    )

    kind: Mapped[str] = mapped_column(String(16))
    status: Mapped[str] = mapped_column(String(16), default="running")
    engine: Mapped[str] = mapped_column(String(16))
    started_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    started_by: Mapped[str] = mapped_column(String(64))
    records: Mapped[int] = mapped_column(Integer, default=0)
    delta_records: Mapped[int] = mapped_column(Integer, default=0)
    comparisons: Mapped[int] = mapped_column(Integer, default=0)
    people: Mapped[int] = mapped_column(Integer, default=0)
    config: Mapped[dict[str, Any]] = mapped_column(JSON)
    model: Mapped[dict[str, Any] | None] = mapped_column(JSON)  # trained Splink model
    report: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    error: Mapped[str | None] = mapped_column(Text)


class PersonId(Base):
    """The person a partner record belongs to (record ids are the feeds' pseudonymous keys)."""

    __tablename__ = "linkage_person_ids"

    record_id: Mapped[str] = mapped_column(String(128), primary_key=True)
    person_id: Mapped[str] = mapped_column(String(64), index=True)
    run_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("linkage_runs.id"))
    # keyed digest of the identifiers as linked, so a later run can tell changed records
    fingerprint: Mapped[str] = mapped_column(String(64))
    assigned_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class ReviewPair(UuidPk, Base):
    """A pair in the uncertain band, waiting for (or holding) the matching team's decision.

    The service stores each pair once, with record_id_l < record_id_r in Python's ordering
    (not a database constraint: collations order strings differently across engines).
    """

    __tablename__ = "linkage_review_pairs"
    __table_args__ = (
        UniqueConstraint("record_id_l", "record_id_r"),
        CheckConstraint("status IN ('open', 'decided')", name="status"),
        CheckConstraint("decision IS NULL OR decision IN ('accept', 'reject')", name="decision"),
    )

    record_id_l: Mapped[str] = mapped_column(String(128))
    record_id_r: Mapped[str] = mapped_column(String(128))
    match_weight: Mapped[float] = mapped_column(Float)
    match_probability: Mapped[float] = mapped_column(Float)
    status: Mapped[str] = mapped_column(String(16), default="open", index=True)
    decision: Mapped[str | None] = mapped_column(String(16))
    decided_by: Mapped[str | None] = mapped_column(String(64))
    decided_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    note: Mapped[str | None] = mapped_column(Text)
    run_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("linkage_runs.id"))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class WorkingSet(UuidPk, Base):
    """One partner dataset's records as the last run prepared and linked them, sealed.

    Sealed under that dataset's own data key (accord.feeds.crypto), so destroying the key
    shreds this copy too; an incremental run reads these instead of unsealing, parsing and
    preparing every stored record again (accord.linkage.working_set).
    """

    __tablename__ = "linkage_working_sets"
    __table_args__ = (UniqueConstraint("register", "partner", "dataset"),)

    register: Mapped[str] = mapped_column(String(64))
    partner: Mapped[str] = mapped_column(String(64))
    dataset: Mapped[str] = mapped_column(String(64))
    run_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("linkage_runs.id"))
    records: Mapped[int] = mapped_column(Integer)
    # the match columns the run's gate decision allowed; a set built under others is not used
    columns: Mapped[list[str]] = mapped_column(JSON)
    sealed: Mapped[bytes] = mapped_column(LargeBinary)
    written_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
