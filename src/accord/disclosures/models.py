"""Disclosure requests (sharing without consent, pending an approver) and the disclosure log.

Every disclosure of a subject's data to another organisation lands in `disclosure_log`, with
or without consent, so rights requests can list the recipients and corrections can be passed
on (Art 19). The free-text risk description and necessity note are sealed under the subject's
data key; the log itself holds only ids, category ids and dates.
"""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import JSON, Boolean, ForeignKey, LargeBinary, String, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from accord.store.base import Base, UtcDateTime, UuidPk, utcnow


class DisclosureRequest(UuidPk, Base):
    """A proposal to disclose without consent because of a risk of harm; pending until approved."""

    __tablename__ = "disclosure_requests"

    subject_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("subjects.id", ondelete="CASCADE"), index=True
    )
    register: Mapped[str] = mapped_column(String(64))
    from_organisation: Mapped[str] = mapped_column(String(64))
    recipient: Mapped[str] = mapped_column(String(64))
    purpose: Mapped[str] = mapped_column(String(64))
    record_type: Mapped[str] = mapped_column(String(64))  # the record disclosed from
    record_id: Mapped[uuid.UUID] = mapped_column(Uuid, index=True)
    fields: Mapped[list[str]] = mapped_column(JSON)  # register category ids
    risk_level: Mapped[str] = mapped_column(String(16))  # standard | medium | high
    # sealed {"risk": ..., "necessity": ...} under the subject's data key
    sealed_reasons: Mapped[bytes] = mapped_column(LargeBinary)
    state: Mapped[str] = mapped_column(String(16), default="pending", index=True)
    requested_by: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    requested_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    decided_by: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    decided_at: Mapped[datetime | None] = mapped_column(UtcDateTime)


class DisclosureEntry(UuidPk, Base):
    """One disclosure that happened: who sent which categories of whose data to whom, and why."""

    __tablename__ = "disclosure_log"

    subject_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("subjects.id", ondelete="CASCADE"), index=True
    )
    register: Mapped[str] = mapped_column(String(64))
    from_organisation: Mapped[str] = mapped_column(String(64))
    recipient: Mapped[str] = mapped_column(String(64), index=True)
    purpose: Mapped[str | None] = mapped_column(String(64))
    fields: Mapped[list[str]] = mapped_column(JSON)  # register category ids released
    with_consent: Mapped[bool] = mapped_column(Boolean)
    basis: Mapped[str] = mapped_column(String(32))  # consent | risk-of-harm | legal-requirement ...
    record_type: Mapped[str | None] = mapped_column(String(64))
    record_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, index=True)
    request_id: Mapped[uuid.UUID | None] = mapped_column(
        Uuid, ForeignKey("disclosure_requests.id", ondelete="SET NULL")
    )
    disclosed_by: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    disclosed_by_kind: Mapped[str] = mapped_column(String(16))
    approved_by: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    disclosed_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow, index=True)
    method: Mapped[str | None] = mapped_column(String(32))  # secure-email, phone, meeting ...
