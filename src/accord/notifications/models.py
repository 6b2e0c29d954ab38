"""Fair-processing notifications: telling people their information is being processed.

Where data did not come from the person (a referral by another agency, a panel listing), the
controller tells them, unless telling them is recorded as impossible, disproportionate or
prejudicial to the purpose (Art 14(5), DPA 2018 Schedule 2). A withheld notification always
carries a reason code and a sealed explanation, and is audited.
"""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import ForeignKey, LargeBinary, String, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from accord.store.base import Base, UtcDateTime, UuidPk, utcnow


class FairProcessingNotice(UuidPk, Base):
    __tablename__ = "fair_processing_notices"

    subject_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("subjects.id", ondelete="CASCADE"), index=True
    )
    register: Mapped[str] = mapped_column(String(64))
    organisation: Mapped[str] = mapped_column(String(64))  # the controller telling them
    purpose: Mapped[str] = mapped_column(String(64))
    record_type: Mapped[str] = mapped_column(String(64))
    record_id: Mapped[uuid.UUID] = mapped_column(Uuid, index=True)
    status: Mapped[str] = mapped_column(String(16))  # sent | withheld
    channel: Mapped[str | None] = mapped_column(String(32))  # letter, email, phone, in-person
    notice_digest: Mapped[str] = mapped_column(String(64))  # the register version described
    reason_code: Mapped[str | None] = mapped_column(String(32))  # why withheld
    reason: Mapped[bytes | None] = mapped_column(LargeBinary)  # sealed explanation
    review_on: Mapped[datetime | None] = mapped_column(UtcDateTime)
    decided_by: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    decided_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
