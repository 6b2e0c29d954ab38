"""Foundation tables: the register versions loaded into the store."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from accord.store.base import Base, UtcDateTime, UuidPk, utcnow


class RegisterVersion(UuidPk, Base):
    """One loaded version of a processing register; notices and consents cite it by digest."""

    __tablename__ = "register_versions"
    __table_args__ = (UniqueConstraint("register_id", "digest"),)

    register_id: Mapped[str] = mapped_column(String(64), index=True)
    version: Mapped[str] = mapped_column(String(32))
    digest: Mapped[str] = mapped_column(String(64))
    loaded_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    document: Mapped[dict[str, Any]] = mapped_column(JSON)
