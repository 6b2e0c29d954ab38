"""Relational tables for partner feeds: batches (lineage), quarantined rows, the sealed
identifiers of each partner record, and each partner dataset's wrapped data key.

Attributes are not here: they live in the analytical store (accord.analytics) against the
same pseudonymous record_id.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime

from sqlalchemy import (
    JSON,
    Date,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    UniqueConstraint,
    Uuid,
)
from sqlalchemy.orm import Mapped, mapped_column

from accord.store.base import Base, UtcDateTime, UuidPk, utcnow

# A batch's state: `pending` from before the analytical store is written until the
# relational store commits it (`applied`); `complete` once its undo table is gone. The next
# writer rolls back a pending batch a crash left behind (accord.feeds.recovery).
PENDING, APPLIED, COMPLETE = "pending", "applied", "complete"


class FeedBatch(UuidPk, Base):
    """One delivered file: where it came from, its hash, and how its rows were reconciled."""

    __tablename__ = "feed_batches"
    __table_args__ = (
        UniqueConstraint("register", "partner", "dataset", "file_hash"),
        Index("ix_feed_batches_state", "state"),
    )

    register: Mapped[str] = mapped_column(String(64))
    partner: Mapped[str] = mapped_column(String(64))
    dataset: Mapped[str] = mapped_column(String(64))
    file_name: Mapped[str] = mapped_column(String(255))
    file_hash: Mapped[str] = mapped_column(String(64))
    delivery: Mapped[str] = mapped_column(String(16))
    state: Mapped[str] = mapped_column(String(16), default=COMPLETE, server_default=COMPLETE)
    received_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    actor_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    rows_in: Mapped[int] = mapped_column(Integer)
    rows_loaded: Mapped[int] = mapped_column(Integer)  # inserted + updated + unchanged
    rows_inserted: Mapped[int] = mapped_column(Integer)
    rows_updated: Mapped[int] = mapped_column(Integer)
    rows_unchanged: Mapped[int] = mapped_column(Integer)
    rows_deleted_in_file: Mapped[int] = mapped_column(Integer)  # delta deletion rows
    rows_excluded: Mapped[int] = mapped_column(Integer)  # older than the lookback window
    rows_quarantined: Mapped[int] = mapped_column(Integer)
    records_deleted: Mapped[int] = mapped_column(Integer)  # records removed from the store
    duplicate_keys: Mapped[int] = mapped_column(Integer)


class QuarantinedRow(UuidPk, Base):
    """A row that failed validation: its number, its reasons, and the raw row sealed under the
    dataset key (deleted with its batch, or by the sweep once the quarantine period ends)."""

    __tablename__ = "feed_quarantine"

    batch_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("feed_batches.id", ondelete="CASCADE"), index=True
    )
    row_number: Mapped[int] = mapped_column(Integer)  # 1 = first data row after the header
    reasons: Mapped[list[str]] = mapped_column(JSON)
    sealed_row: Mapped[bytes | None] = mapped_column(LargeBinary)


class FeedIdentity(Base):
    """A partner record's identifiers (and partner key), sealed; reachable by the matching
    role only, through the gate. Rows are upserted and deleted with the partner's record."""

    __tablename__ = "feed_identifiers"
    __table_args__ = (
        Index("ix_feed_identifiers_dataset", "register", "partner", "dataset"),
        # covering: linkage compares every row's digest without reading the sealed values
        Index("ix_feed_identifiers_digest", "register", "record_id", "row_digest"),
    )

    record_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    register: Mapped[str] = mapped_column(String(64))
    partner: Mapped[str] = mapped_column(String(64))
    dataset: Mapped[str] = mapped_column(String(64))
    batch_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    row_digest: Mapped[str] = mapped_column(String(32))
    record_date: Mapped[date | None] = mapped_column(Date)
    sealed: Mapped[bytes] = mapped_column(LargeBinary)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class FeedIdentityDigest(Base):
    """A keyed digest of one finding identifier of a partner record (name with date of
    birth, email, phone; accord.feeds.identity_index), never the value: how a rights
    requester's records are found without opening every row. Deleted with the row."""

    __tablename__ = "feed_identity_index"
    __table_args__ = (Index("ix_feed_identity_index_kind_digest", "kind", "digest"),)

    record_id: Mapped[str] = mapped_column(
        String(32),
        ForeignKey("feed_identifiers.record_id", ondelete="CASCADE"),
        primary_key=True,
    )
    kind: Mapped[str] = mapped_column(String(16), primary_key=True)
    digest: Mapped[bytes] = mapped_column(LargeBinary(32))


class FeedDataKey(UuidPk, Base):
    """A partner dataset's data key, wrapped under the master key (accord.keys)."""

    __tablename__ = "feed_data_keys"
    __table_args__ = (UniqueConstraint("register", "partner", "dataset"),)

    register: Mapped[str] = mapped_column(String(64))
    partner: Mapped[str] = mapped_column(String(64))
    dataset: Mapped[str] = mapped_column(String(64))
    key_id: Mapped[str] = mapped_column(String(64))
    wrapped: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
