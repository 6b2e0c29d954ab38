"""What linkage derived from partner records (person ids, review pairs) goes once the partner
record it was derived from has left the store (the feeds' sweep runs first)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, func, or_, select
from sqlalchemy.orm import InstrumentedAttribute, Session
from sqlalchemy.sql.elements import ColumnElement

from accord.feeds.models import FeedIdentity
from accord.gate.types import Actor
from accord.linkage.models import PersonId, ReviewPair
from accord.register.schema import Register
from accord.retention.declare import PlanCount, SweepOutcome, Swept, present

RECORD_TYPE = "linked-person"  # accord.linkage.config.LinkageConfig.record_type


def _record_types(register: Register) -> frozenset[str]:
    return present(register, RECORD_TYPE) if register.feeds else frozenset()


def _gone(column: ColumnElement[str] | InstrumentedAttribute[str]) -> ColumnElement[bool]:
    return ~select(FeedIdentity.record_id).where(FeedIdentity.record_id == column).exists()


def _owner(register: Register) -> str:
    return register.organisations[0].id


def _plan(session: Session, register: Register, before: datetime) -> list[PlanCount]:
    count = int(session.scalar(select(func.count()).where(_gone(PersonId.record_id))) or 0)
    return [PlanCount(register.id, _owner(register), None, RECORD_TYPE, count)] if count else []


def _sweep(session: Session, register: Register, now: datetime, actor: Actor) -> list[SweepOutcome]:
    result = session.execute(delete(PersonId).where(_gone(PersonId.record_id)))
    session.execute(
        delete(ReviewPair).where(or_(_gone(ReviewPair.record_id_l), _gone(ReviewPair.record_id_r)))
    )
    removed = int(getattr(result, "rowcount", 0) or 0)
    return [SweepOutcome(register.id, _owner(register), RECORD_TYPE, removed)] if removed else []


DECLARATIONS = (
    Swept(name="linked-people", record_types=_record_types, plan_counts=_plan, sweep=_sweep),
)
