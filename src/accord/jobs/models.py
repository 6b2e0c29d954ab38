"""The recurring jobs' state: when each is next due and who holds its lease; reminders."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from accord.store.base import Base, UtcDateTime, UuidPk, utcnow


class Job(Base):
    """One recurring job. A runner takes the lease with one conditional UPDATE; a runner that
    dies leaves the lease to run out, and the next `accord jobs run` takes the job again."""

    __tablename__ = "jobs"

    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    next_due_at: Mapped[datetime] = mapped_column(UtcDateTime)
    lease_owner: Mapped[str | None] = mapped_column(String(120))
    lease_until: Mapped[datetime | None] = mapped_column(UtcDateTime)
    last_started_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    last_finished_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    last_outcome: Mapped[str | None] = mapped_column(String(16))  # ok | failed
    last_message: Mapped[str | None] = mapped_column(String(500))
    cursor: Mapped[datetime | None] = mapped_column(UtcDateTime)  # how far a job has got
    runs: Mapped[int] = mapped_column(Integer, default=0)


class Reminder(UuidPk, Base):
    """A dated reminder a job raised for an organisation (e.g. a six-monthly formal review)."""

    __tablename__ = "job_reminders"
    __table_args__ = (UniqueConstraint("register", "kind", "due_on"),)

    register: Mapped[str] = mapped_column(String(64))
    organisation: Mapped[str] = mapped_column(String(64))
    kind: Mapped[str] = mapped_column(String(64))
    due_on: Mapped[date] = mapped_column(Date)
    text: Mapped[str] = mapped_column(String(500))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
