"""Identifying priority lists' tables (imported by `accord.reports.models`).

A list holds references, never copies: each entry names a person by the linkage's person id
(or the partner record's id where no match was made) and the factors that put them there, by
the definition's ids. Every open and download is recorded with who; an entry is acted on only
after a person's recorded decision; removing a person marks their entry in every list, so
every later opening or download leaves them out. A list is a `report-identifying` record kept
on the register's retention clock (`accord.reports.disposal`): its entries, decisions,
openings and actions go with it.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Integer, String, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from accord.store.base import Base, UtcDateTime, UuidPk, utcnow


class PriorityList(UuidPk, Base):
    __tablename__ = "priority_lists"

    register: Mapped[str] = mapped_column(String(64))
    report: Mapped[str] = mapped_column(String(64), index=True)
    definition_hash: Mapped[str] = mapped_column(String(64))
    record_type: Mapped[str] = mapped_column(String(64))  # the register's list record type
    organisation: Mapped[str] = mapped_column(String(64))  # the producer's
    subject_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)  # none: a list is about many
    produced_by: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    produced_by_name: Mapped[str] = mapped_column(String(200))
    produced_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime)
    recipients: Mapped[list[str]] = mapped_column(JSON)  # organisations it was made for
    impact_assessment: Mapped[str] = mapped_column(String(200))
    entries: Mapped[int] = mapped_column(Integer)
    retention_from: Mapped[datetime | None] = mapped_column(UtcDateTime)
    retention_due: Mapped[datetime | None] = mapped_column(UtcDateTime, index=True)


class PriorityEntry(UuidPk, Base):
    __tablename__ = "priority_entries"

    list_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("priority_lists.id", ondelete="CASCADE"), index=True
    )
    person: Mapped[str] = mapped_column(String(64), index=True)  # linkage person id
    factors: Mapped[list[str]] = mapped_column(JSON)  # the definition's factor ids
    records: Mapped[list[dict[str, Any]]] = mapped_column(JSON)  # {source, record_id, factor}
    decision: Mapped[str | None] = mapped_column(String(32))  # support | no-action | ...
    reason: Mapped[str | None] = mapped_column(String(1000))
    decided_by: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    decided_by_name: Mapped[str | None] = mapped_column(String(200))
    decided_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    removed_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    removed_reason: Mapped[str | None] = mapped_column(String(1000))


class PriorityAccess(UuidPk, Base):
    """One opening or download of a list: who, from which organisation, when, in what form."""

    __tablename__ = "priority_accesses"

    list_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("priority_lists.id", ondelete="CASCADE"), index=True
    )
    actor_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    actor_name: Mapped[str] = mapped_column(String(200))
    organisation: Mapped[str] = mapped_column(String(64))
    kind: Mapped[str] = mapped_column(String(16))  # open | download
    format: Mapped[str | None] = mapped_column(String(16))
    people: Mapped[list[str]] = mapped_column(JSON)  # who was in what they saw
    at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class PriorityAction(UuidPk, Base):
    """What was done for a listed person, after the decision to support them."""

    __tablename__ = "priority_actions"

    entry_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("priority_entries.id", ondelete="CASCADE"), index=True
    )
    action: Mapped[str] = mapped_column(String(1000))
    organisation: Mapped[str] = mapped_column(String(64))
    by: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    by_name: Mapped[str] = mapped_column(String(200))
    at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
