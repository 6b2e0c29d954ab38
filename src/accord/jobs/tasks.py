"""The recurring jobs: a retention run, the feeds lookback sweep, the close of expired
outside-caseload grants in the audit trail, and six-monthly formal review reminders.

Each takes the job's context (a session factory, the moment it runs, how far it got last
time) and returns a one-line summary. Each is idempotent: run twice, it does nothing twice.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from accord.gate import audit
from accord.gate.models import AccessGrant
from accord.gate.types import Actor, ReasonCode
from accord.jobs.models import Reminder
from accord.register.period import Unit
from accord.register.registry import current_registry
from accord.register.schema import DisposalAction, OrgRole, Register


@dataclass(frozen=True)
class Context:
    sessions: sessionmaker[Session]
    now: datetime
    cursor: datetime | None  # where the job's last successful run got to


@dataclass(frozen=True)
class Outcome:
    message: str
    cursor: datetime | None = None


Task = Callable[[Context], Outcome]


def retention_run(context: Context) -> Outcome:
    from accord.retention.run import run

    result = run(context.sessions, ran_by="accord jobs (retention-run)", now=context.now)
    deleted = sum(n for key, n in result.counts.items() if key[4] == "deleted")
    return Outcome(
        f"run {result.run_id}: {deleted} records deleted, {result.keys_destroyed} keys destroyed"
    )


def _controller(register: Register) -> str:
    return next(
        (o.id for o in register.organisations if o.role is OrgRole.CONTROLLER),
        register.organisations[0].id,
    )


def feeds_sweep(context: Context) -> Outcome:
    from accord.feeds.sweep import sweep
    from accord.retention.run import retention_actor

    removed = 0
    for register in current_registry().registers.values():
        if not register.feeds:
            continue
        with context.sessions() as session, session.begin():
            actor = retention_actor(register, _controller(register))
            for result in sweep(
                session, actor=actor, register=register.id, today=context.now.date()
            ):
                removed += result.identifiers_removed
    return Outcome(f"{removed} partner records past their lookback removed")


def expire_access_grants(context: Context) -> Outcome:
    """Record in the trail, once, each outside-caseload grant that ran out since the last run
    (the gate already refuses it by time; the trail now shows when the window closed)."""
    since = context.cursor or datetime(1970, 1, 1, tzinfo=UTC)
    with context.sessions() as session, session.begin():
        grants = session.scalars(
            select(AccessGrant)
            .where(AccessGrant.expires_at > since, AccessGrant.expires_at <= context.now)
            .order_by(AccessGrant.expires_at)
        ).all()
        for grant in grants:
            audit.record(
                session,
                audit.Event(
                    actor=Actor(
                        id=None,
                        kind="system",
                        organisation=grant.owner_organisation,
                        roles=frozenset(),
                        permissions=frozenset(),
                        name="accord jobs (access-grant-expiry)",
                    ),
                    action="expire",
                    purpose=grant.purpose,
                    register=grant.register,
                    record_type=grant.record_type,
                    reason=ReasonCode.ALLOWED,
                    outcome="recorded",
                    record_ids=(grant.record_id,),
                    ref=str(grant.id),
                ),
            )
    return Outcome(f"{len(grants)} access grants expired", cursor=context.now)


def _half_year(day: date) -> date:
    return date(day.year, 1 if day.month <= 6 else 7, 1)


def six_monthly(register: Register) -> bool:
    """A register with a review rule every six months (TVT: "formal reviews every six months")."""
    return any(
        rt.retention is not None
        and rt.retention.action is DisposalAction.REVIEW
        and rt.retention.period is not None
        and rt.retention.period.unit is Unit.MONTHS
        and rt.retention.period.amount == 6
        for rt in register.record_types
    )


def review_reminders(context: Context) -> Outcome:
    """One reminder per register with a six-monthly review rule, per half-year."""
    due_on = _half_year(context.now.date())
    made = 0
    for register in current_registry().registers.values():
        if not six_monthly(register):
            continue
        types = ", ".join(
            rt.name
            for rt in register.record_types
            if rt.retention is not None and rt.retention.action is DisposalAction.REVIEW
        )
        try:
            with context.sessions() as session, session.begin():
                exists = session.scalar(
                    select(Reminder.id).where(
                        Reminder.register == register.id,
                        Reminder.kind == "six-monthly-review",
                        Reminder.due_on == due_on,
                    )
                )
                if exists is None:
                    session.add(
                        Reminder(
                            register=register.id,
                            organisation=_controller(register),
                            kind="six-monthly-review",
                            due_on=due_on,
                            text=(
                                "Formal six-monthly review (the partner data review pack: "
                                f"/reports/reviews/{register.id}, or accord reports review-pack "
                                f"--register {register.id}) of what is held: {types}"
                            )[:500],
                            created_at=context.now,
                        )
                    )
                    made += 1
        except IntegrityError:  # another runner made it first
            made -= 1
    return Outcome(f"{made} review reminders raised for {due_on.isoformat()}")


@dataclass(frozen=True)
class JobSpec:
    name: str
    every: timedelta
    task: Task
    description: str


JOBS: tuple[JobSpec, ...] = (
    JobSpec("retention-run", timedelta(days=1), retention_run, "dispose of what is due"),
    JobSpec("feeds-sweep", timedelta(days=1), feeds_sweep, "partner records past the lookback"),
    JobSpec(
        "access-grant-expiry",
        timedelta(hours=1),
        expire_access_grants,
        "close expired access outside a caseload in the audit trail",
    ),
    JobSpec(
        "review-reminders",
        timedelta(days=1),
        review_reminders,
        "six-monthly formal review reminders",
    ),
)
