"""Enquiries: each channel is its own record type with its own retention rule."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, LargeBinary, String, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from accord.store.base import Base, Timestamps, UtcDateTime, UuidPk


class Enquiry(UuidPk, Timestamps, Base):
    __tablename__ = "enquiries"

    register: Mapped[str] = mapped_column(String(64))
    organisation: Mapped[str] = mapped_column(String(64), index=True)
    record_type: Mapped[str] = mapped_column(String(64))  # phone-enquiry | email-enquiry | ...
    channel: Mapped[str] = mapped_column(String(16))
    subject_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("subjects.id", ondelete="CASCADE"), index=True
    )
    status: Mapped[str] = mapped_column(String(16), default="open")
    wants_updates: Mapped[bool] = mapped_column(Boolean, default=False)
    content: Mapped[bytes] = mapped_column(LargeBinary)  # sealed: name, contact, message
    assigned_user: Mapped[uuid.UUID | None] = mapped_column(Uuid)  # who handles it
    team: Mapped[str | None] = mapped_column(String(64))
    received_at: Mapped[datetime] = mapped_column(UtcDateTime, index=True)
    last_contact_at: Mapped[datetime] = mapped_column(UtcDateTime)
    closed_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    retention_from: Mapped[datetime | None] = mapped_column(UtcDateTime)
    retention_due: Mapped[datetime | None] = mapped_column(UtcDateTime, index=True)
