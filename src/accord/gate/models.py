"""Tables of the gate: the hash-chained audit trail and access grants outside a caseload.

Audit entries hold ids and category names only (never a personal data value), and have no
foreign key to subjects, so the trail outlives an erasure.
"""

from __future__ import annotations

import json
import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import (
    BigInteger,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    TypeDecorator,
    Uuid,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import Mapped, mapped_column

from accord.store.base import Base, UtcDateTime, UuidPk, utcnow

GENESIS_HASH = "0" * 64


# Built once: json.dumps with arguments builds a new encoder per call.
COMPACT_JSON = json.JSONEncoder(separators=(",", ":"))


def dump_list(values: list[str]) -> str:
    """The one JSON text of a list of ids or names: stored and hashed byte for byte."""
    return COMPACT_JSON.encode(values)


class JsonList(TypeDecorator[list[str]]):
    """A list of strings kept as JSON text. Already-serialised text passes through, so the
    audit append serialises each list once for both its hash and its row."""

    impl = Text
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Dialect) -> str | None:
        if value is None or isinstance(value, str):
            return value
        return dump_list(list(value))

    def process_result_value(self, value: Any, dialect: Dialect) -> list[str] | None:
        return None if value is None else list(json.loads(value))


class AuditEntry(Base):
    __tablename__ = "audit_entries"

    seq: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    id: Mapped[uuid.UUID] = mapped_column(Uuid, unique=True)
    at: Mapped[datetime] = mapped_column(UtcDateTime)
    actor_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, index=True)
    actor_kind: Mapped[str] = mapped_column(String(16))
    actor_organisation: Mapped[str] = mapped_column(String(64))
    action: Mapped[str] = mapped_column(String(32))
    purpose: Mapped[str] = mapped_column(String(64))
    register: Mapped[str] = mapped_column(String(64))
    record_type: Mapped[str] = mapped_column(String(64))
    record_ids: Mapped[list[str]] = mapped_column(JsonList)
    subject_ids: Mapped[list[str]] = mapped_column(JsonList)
    categories: Mapped[list[str]] = mapped_column(JsonList)
    reason: Mapped[str] = mapped_column(String(64))
    outcome: Mapped[str] = mapped_column(String(16))
    ref: Mapped[str | None] = mapped_column(String(64))  # e.g. the access grant it created
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))


class AuditEntrySubject(Base):
    """Which entries concern which subject: the per-subject access history index."""

    __tablename__ = "audit_entry_subjects"

    subject_id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    entry_seq: Mapped[int] = mapped_column(
        BigInteger,
        ForeignKey("audit_entries.seq", ondelete="CASCADE"),
        primary_key=True,
        index=True,
    )


class AuditHead(Base):
    """One row: the last sequence number and hash. Appenders lock it, so order is total."""

    __tablename__ = "audit_head"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    seq: Mapped[int] = mapped_column(BigInteger)
    hash: Mapped[str] = mapped_column(String(64))


class AccessGrant(UuidPk, Base):
    """Time-limited access to one record outside the actor's caseload, for a stated reason."""

    __tablename__ = "access_grants"
    __table_args__ = (Index("ix_access_grants_actor_id_record_id", "actor_id", "record_id"),)

    actor_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    actor_organisation: Mapped[str] = mapped_column(String(64))
    register: Mapped[str] = mapped_column(String(64))
    record_type: Mapped[str] = mapped_column(String(64))
    record_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    owner_organisation: Mapped[str] = mapped_column(String(64), index=True)
    purpose: Mapped[str] = mapped_column(String(64))
    reason: Mapped[str] = mapped_column(Text)  # free text: kept here, never in the audit trail
    granted_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime)
    audit_seq: Mapped[int | None] = mapped_column(BigInteger)
    review_state: Mapped[str] = mapped_column(String(16), default="pending", index=True)
    reviewed_by: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    reviewed_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    review_note: Mapped[str | None] = mapped_column(Text)
