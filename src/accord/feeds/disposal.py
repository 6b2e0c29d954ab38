"""Partner records leave by the feeds' own lookback sweep (accord.feeds.sweep); retention
runs it for each register with feeds. One sweep covers every store a partner record is in:

- the identifiers (`feed_identifiers`): counted as the partner records deleted;
- the analytical store's attribute tables (one per partner dataset, accord.analytics): the
  same records' other columns, removed under the analytical store's writer lock with the
  same cutoff, and counted apart as `analytical-rows` (a copy, not more records);
- quarantined rows (`feed_quarantine`): their sealed raw copy is cleared once
  `QUARANTINE_KEEP` has passed; the row number and reasons stay (no personal data).

The cutoff is each contract's lookback, which for a register's personal-data feed must not
be longer than the register's period for partner records (`lookback_within_period`, checked
for the shipped registers by the tests), so nothing outlives the period the notice gives."""

from __future__ import annotations

from datetime import date, datetime

from dateutil.relativedelta import relativedelta
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from accord.feeds.contracts import RECORD_TYPE, lookback_cutoff
from accord.feeds.models import FeedIdentity
from accord.gate.types import Actor
from accord.register.period import Period, Unit
from accord.register.schema import Register
from accord.retention.declare import PlanCount, SweepOutcome, Swept, present


def _record_types(register: Register) -> frozenset[str]:
    return present(register, RECORD_TYPE) if register.feeds else frozenset()


def _plan(session: Session, register: Register, before: datetime) -> list[PlanCount]:
    counts: dict[str, int] = {}
    for contract in register.feeds:
        cutoff = lookback_cutoff(contract, before.date())
        if cutoff is None or not contract.personal_data:
            continue
        count = session.scalar(
            select(func.count()).where(
                FeedIdentity.register == register.id,
                FeedIdentity.partner == contract.partner,
                FeedIdentity.dataset == contract.dataset,
                FeedIdentity.record_date < cutoff,
            )
        )
        counts[contract.partner] = counts.get(contract.partner, 0) + int(count or 0)
    return [
        PlanCount(register.id, partner, None, RECORD_TYPE, count)
        for partner, count in counts.items()
        if count
    ]


def _sweep(session: Session, register: Register, now: datetime, actor: Actor) -> list[SweepOutcome]:
    from accord.feeds.sweep import sweep

    removed: dict[str, int] = {}
    attributes: dict[str, int] = {}
    for result in sweep(session, actor=actor, register=register.id, today=now.date()):
        removed[result.partner] = removed.get(result.partner, 0) + result.identifiers_removed
        attributes[result.partner] = attributes.get(result.partner, 0) + result.attributes_removed
    return [
        SweepOutcome(register.id, partner, RECORD_TYPE, count)
        for partner, count in removed.items()
        if count
    ] + [
        SweepOutcome(register.id, partner, RECORD_TYPE, count, outcome="analytical-rows")
        for partner, count in attributes.items()
        if count
    ]


def lookback_within_period(register: Register) -> list[str]:
    """The register's personal-data feed contracts whose lookback is missing or longer than
    its retention period for partner records (none may be): "partner/dataset" each."""
    try:
        rule = register.record_type(RECORD_TYPE).retention
    except KeyError:
        return []
    if rule is None or rule.indefinite or rule.period is None:
        return []
    today = date(2026, 1, 1)
    period_cutoff = today - _delta(rule.period)
    return [
        f"{contract.partner}/{contract.dataset}"
        for contract in register.feeds
        if contract.personal_data
        and ((cutoff := lookback_cutoff(contract, today)) is None or cutoff < period_cutoff)
    ]


def _delta(period: Period) -> relativedelta:
    return {
        Unit.DAYS: relativedelta(days=period.amount),
        Unit.WEEKS: relativedelta(weeks=period.amount),
        Unit.MONTHS: relativedelta(months=period.amount),
        Unit.YEARS: relativedelta(years=period.amount),
    }[period.unit]


DECLARATIONS = (
    Swept(name="partner-records", record_types=_record_types, plan_counts=_plan, sweep=_sweep),
)
