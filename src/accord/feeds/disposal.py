"""Partner records leave by the feeds' own lookback sweep (accord.feeds.sweep), which also
clears quarantined rows' raw copies; retention runs it for each register with feeds."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from accord.feeds.contracts import RECORD_TYPE, lookback_cutoff
from accord.feeds.models import FeedIdentity
from accord.gate.types import Actor
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
    for result in sweep(session, actor=actor, register=register.id, today=now.date()):
        removed[result.partner] = removed.get(result.partner, 0) + result.identifiers_removed
    return [
        SweepOutcome(register.id, partner, RECORD_TYPE, count)
        for partner, count in removed.items()
        if count
    ]


DECLARATIONS = (
    Swept(name="partner-records", record_types=_record_types, plan_counts=_plan, sweep=_sweep),
)
