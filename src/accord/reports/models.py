"""Reports' tables: partners' approvals of a definition, and the runs whose released outputs
make the release ledger.

An approval names the hash of the definition it approved, so a changed definition has none.
A run keeps its disclosure-control outcome, the protected table and its note; the true counts
behind each released cell stay with the run (never released) so a later release can be
checked for differencing against every earlier one.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Date, Integer, String, UniqueConstraint, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from accord.store.base import Base, UtcDateTime, UuidPk, utcnow


class ReportApproval(UuidPk, Base):
    __tablename__ = "report_approvals"
    __table_args__ = (UniqueConstraint("register", "report", "definition_hash", "organisation"),)

    register: Mapped[str] = mapped_column(String(64))
    report: Mapped[str] = mapped_column(String(64), index=True)
    definition_hash: Mapped[str] = mapped_column(String(64))
    organisation: Mapped[str] = mapped_column(String(64))  # the partner that approved
    approved_by: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    approver_name: Mapped[str] = mapped_column(String(200))
    approved_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class ReportRun(UuidPk, Base):
    __tablename__ = "report_runs"

    register: Mapped[str] = mapped_column(String(64))
    report: Mapped[str] = mapped_column(String(64), index=True)
    definition_hash: Mapped[str] = mapped_column(String(64))
    source: Mapped[str] = mapped_column(String(120))
    organisation: Mapped[str] = mapped_column(String(64))  # who produced it
    run_by: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    run_by_name: Mapped[str] = mapped_column(String(200))
    ran_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    outcome: Mapped[str] = mapped_column(String(16))  # pass | review | fail
    status: Mapped[str] = mapped_column(String(16), index=True)  # released | held | refused
    refusal: Mapped[str | None] = mapped_column(String(1000))
    scope: Mapped[dict[str, Any]] = mapped_column(JSON)  # period and filters of the run
    output: Mapped[dict[str, Any]] = mapped_column(JSON)  # columns, protected cells, totals
    notes: Mapped[list[str]] = mapped_column(JSON)  # what was suppressed or rounded, and why
    # The true count behind each released cell, for differencing checks only (never shown).
    ledger: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    cells: Mapped[int] = mapped_column(Integer)
    released_at: Mapped[datetime | None] = mapped_column(UtcDateTime, index=True)
    checked_by_name: Mapped[str | None] = mapped_column(String(200))


class EvaluationExtract(UuidPk, Base):
    """One evaluation extract as it left: who made it, for whom, how many people it carried and
    left out, how far its quasi-identifiers were widened. The rows and the key are never kept:
    the evaluator receives both once, and only a fingerprint of the key stays here."""

    __tablename__ = "evaluation_extracts"

    register: Mapped[str] = mapped_column(String(64))
    report: Mapped[str] = mapped_column(String(64), index=True)
    definition_hash: Mapped[str] = mapped_column(String(64))
    recipient: Mapped[str] = mapped_column(String(64))
    organisation: Mapped[str] = mapped_column(String(64))  # who produced it
    produced_by: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    produced_by_name: Mapped[str] = mapped_column(String(200))
    produced_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow, index=True)
    key_fingerprint: Mapped[str] = mapped_column(String(64))  # SHA-256 of the key, hex
    rows: Mapped[int] = mapped_column(Integer)
    people: Mapped[int] = mapped_column(Integer)
    withdrawn: Mapped[int] = mapped_column(Integer)  # left out: withdrew consent
    without_consent: Mapped[int] = mapped_column(Integer)  # gave it once; since refused, expired
    refused_by_gate: Mapped[int] = mapped_column(Integer)
    withheld: Mapped[int] = mapped_column(Integer)  # rows withheld for k-anonymity
    k: Mapped[int] = mapped_column(Integer)
    levels: Mapped[dict[str, Any]] = mapped_column(JSON)  # quasi-identifier -> level reached
    notes: Mapped[list[str]] = mapped_column(JSON)


class PartnerReview(UuidPk, Base):
    """The outcome of a six-monthly review of one partner's data: who decided what, when, on
    which pack (its SHA-256: the counts the partners looked at)."""

    __tablename__ = "report_partner_reviews"

    register: Mapped[str] = mapped_column(String(64))
    partner: Mapped[str] = mapped_column(String(64), index=True)
    period_from: Mapped[date] = mapped_column(Date)
    period_to: Mapped[date] = mapped_column(Date)
    decision: Mapped[str] = mapped_column(String(32))  # continue | change | suspend
    notes: Mapped[str] = mapped_column(String(2000))
    pack_hash: Mapped[str] = mapped_column(String(64))
    decided_by: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    decided_by_name: Mapped[str] = mapped_column(String(200))
    organisation: Mapped[str] = mapped_column(String(64))  # the decider's organisation
    decided_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow, index=True)


# Identifying priority lists' tables live in a module of their own.
from accord.reports.priority_models import (  # noqa: E402, F401
    PriorityAccess,
    PriorityAction,
    PriorityEntry,
    PriorityList,
)
