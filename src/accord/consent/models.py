"""The consent ledger (append-only events) and the opted-out list (blind indexes only).

A consent event is never edited: the current state of a subject's consent for a purpose is the
latest event (an expired one counts as none). The migration adds a database trigger that
refuses UPDATE on `consent_events`, and `accord.consent.ledger` refuses it in the ORM first.
Erasing the subject deletes their events through the foreign key (ON DELETE CASCADE).

The opted-out list holds no subject id: it must outlive erasure of the person so that they
are never contacted again, so it keeps only keyed blind indexes of their email or phone.
"""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, UniqueConstraint, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from accord.store.base import Base, UtcDateTime, UuidPk, utcnow


class ConsentEvent(UuidPk, Base):
    """One dated statement of consent (given, refused or withdrawn) for one purpose."""

    __tablename__ = "consent_events"
    __table_args__ = (
        Index("ix_consent_events_subject_purpose", "subject_id", "purpose", "recorded_at"),
    )

    subject_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("subjects.id", ondelete="CASCADE"), index=True
    )
    register: Mapped[str] = mapped_column(String(64))
    controller: Mapped[str] = mapped_column(String(64))  # organisation id
    purpose: Mapped[str] = mapped_column(String(64), index=True)
    state: Mapped[str] = mapped_column(String(16))  # given | refused | withdrawn
    channel: Mapped[str] = mapped_column(String(32))  # phone, web-form, in-person ...
    notice_digest: Mapped[str] = mapped_column(String(64))  # register version shown
    captured_by: Mapped[uuid.UUID | None] = mapped_column(Uuid)  # user or token id
    captured_by_kind: Mapped[str] = mapped_column(String(16))  # user | token | system
    captured_by_organisation: Mapped[str] = mapped_column(String(64))
    recorded_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    expires_at: Mapped[datetime | None] = mapped_column(UtcDateTime)


class OptOut(UuidPk, Base):
    """A keyed blind index of an email or phone number that must never be contacted again."""

    __tablename__ = "consent_opt_outs"
    __table_args__ = (UniqueConstraint("register", "purpose", "kind", "blind_index"),)

    register: Mapped[str] = mapped_column(String(64))
    purpose: Mapped[str] = mapped_column(String(64))
    kind: Mapped[str] = mapped_column(String(16))  # email | phone
    blind_index: Mapped[str] = mapped_column(String(64))
    channel: Mapped[str] = mapped_column(String(32))
    recorded_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    recorded_by_kind: Mapped[str] = mapped_column(String(16))
