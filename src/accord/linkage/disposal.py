"""What linkage derived from partner records goes once the partner record it was derived from
has left the store (the feeds' sweep runs first, in package order):

- person ids (`linkage_person_ids`) of records no longer stored: counted as `linked-person`
  records deleted;
- review pairs naming such a record, open or decided;
- working sets (`linkage_working_sets`, one sealed copy per partner dataset of its records'
  prepared identifiers): a set still holding a record no longer stored, or that can no longer
  be opened (its dataset key destroyed), is deleted whole and counted as `working-sets`; the
  next linkage run reads the identifiers table as a full run does and writes a new one."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, func, or_, select
from sqlalchemy.orm import InstrumentedAttribute, Session
from sqlalchemy.sql.elements import ColumnElement

from accord.feeds.models import FeedIdentity
from accord.gate.types import Actor
from accord.linkage.models import PersonId, ReviewPair, WorkingSet
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


def _stale_sets(session: Session, register: Register) -> int:
    """Delete the register's working sets that hold a record no longer stored; how many."""
    from accord.linkage.working_set import load

    removed = 0
    for row in list(session.scalars(select(WorkingSet).where(WorkingSet.register == register.id))):
        dataset = (row.partner, row.dataset)
        frame = load(session, register=register.id, columns={dataset: frozenset(row.columns)})
        if frame is not None:
            stored = set(
                session.scalars(
                    select(FeedIdentity.record_id).where(
                        FeedIdentity.register == register.id,
                        FeedIdentity.partner == row.partner,
                        FeedIdentity.dataset == row.dataset,
                    )
                )
            )
            if set(frame["record_id"].astype(str)) <= stored:
                continue
        session.delete(row)
        removed += 1
    session.flush()
    return removed


def _sweep(session: Session, register: Register, now: datetime, actor: Actor) -> list[SweepOutcome]:
    result = session.execute(delete(PersonId).where(_gone(PersonId.record_id)))
    session.execute(
        delete(ReviewPair).where(or_(_gone(ReviewPair.record_id_l), _gone(ReviewPair.record_id_r)))
    )
    removed = int(getattr(result, "rowcount", 0) or 0)
    sets = _stale_sets(session, register)
    owner = _owner(register)
    outcomes = [SweepOutcome(register.id, owner, RECORD_TYPE, removed)] if removed else []
    if sets:
        outcomes.append(SweepOutcome(register.id, owner, RECORD_TYPE, sets, outcome="working-sets"))
    return outcomes


DECLARATIONS = (
    Swept(name="linked-people", record_types=_record_types, plan_counts=_plan, sweep=_sweep),
)
