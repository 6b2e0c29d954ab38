"""Running what is due, once: `accord jobs run` under cron or a systemd timer.

For each job due, a runner takes the lease with one conditional UPDATE (due, and no lease or
an expired one), so two runners never run the same job at once; a runner killed mid-job
leaves its lease to run out and the next run takes the job again. A job that fails keeps
its due time and is tried again at the next run.
"""

from __future__ import annotations

import logging
import os
import socket
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import and_, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from accord.errors import Invalid
from accord.jobs.models import Job
from accord.jobs.tasks import JOBS, Context, JobSpec
from accord.store.faults import checkpoint

log = logging.getLogger(__name__)
LEASE = timedelta(hours=2)


@dataclass(frozen=True)
class Ran:
    name: str
    outcome: str  # ok | failed | not-due | leased
    message: str


def owner() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


def _spec(name: str) -> JobSpec:
    for spec in JOBS:
        if spec.name == name:
            return spec
    raise Invalid("job", f"{name!r} is not a job: {', '.join(j.name for j in JOBS)}")


def ensure_jobs(sessions: sessionmaker[Session], now: datetime) -> None:
    """A row per job (due at once when new)."""
    for spec in JOBS:
        try:
            with sessions() as session, session.begin():
                if session.get(Job, spec.name) is None:
                    session.add(Job(name=spec.name, next_due_at=now, runs=0))
        except IntegrityError:  # another runner added it
            pass


def _claim(
    sessions: sessionmaker[Session], name: str, me: str, now: datetime, lease: timedelta
) -> bool:
    with sessions() as session, session.begin():
        result = session.execute(
            update(Job)
            .where(
                Job.name == name,
                Job.next_due_at <= now,
                or_(Job.lease_until.is_(None), Job.lease_until < now),
            )
            .values(lease_owner=me, lease_until=now + lease, last_started_at=now)
            .execution_options(synchronize_session=False)
        )
        return int(getattr(result, "rowcount", 0) or 0) == 1


def _finish(
    sessions: sessionmaker[Session],
    spec: JobSpec,
    me: str,
    now: datetime,
    *,
    ok: bool,
    message: str,
    cursor: datetime | None,
) -> None:
    values: dict[str, object] = {
        "lease_owner": None,
        "lease_until": None,
        "last_finished_at": datetime.now(UTC),
        "last_outcome": "ok" if ok else "failed",
        "last_message": message[:500],
        "runs": Job.runs + 1,
    }
    if ok:
        values["next_due_at"] = now + spec.every
        if cursor is not None:
            values["cursor"] = cursor
    with sessions() as session, session.begin():
        session.execute(
            update(Job)
            .where(and_(Job.name == spec.name, Job.lease_owner == me))
            .values(**values)
            .execution_options(synchronize_session=False)
        )


def run_due(
    sessions: sessionmaker[Session],
    *,
    now: datetime | None = None,
    only: str | None = None,
    lease: timedelta = LEASE,
    force: bool = False,
) -> list[Ran]:
    """Run each job that is due (or `only` that one; `force` runs it even when not due)."""
    now = now or datetime.now(UTC)
    specs = [_spec(only)] if only else list(JOBS)
    ensure_jobs(sessions, now)
    me = owner()
    done: list[Ran] = []
    for spec in specs:
        if force:
            with sessions() as session, session.begin():
                session.execute(
                    update(Job)
                    .where(Job.name == spec.name, Job.next_due_at > now)
                    .values(next_due_at=now)
                    .execution_options(synchronize_session=False)
                )
        if not _claim(sessions, spec.name, me, now, lease):
            with sessions() as session:
                job = session.get(Job, spec.name)
                leased = job is not None and job.lease_until is not None and job.lease_until >= now
            done.append(
                Ran(
                    spec.name,
                    "leased" if leased else "not-due",
                    "another runner holds it" if leased else "",
                )
            )
            continue
        checkpoint("jobs.run.after-claim")
        with sessions() as session:
            job = session.get(Job, spec.name)
            cursor = job.cursor if job is not None else None
        try:
            result = spec.task(Context(sessions=sessions, now=now, cursor=cursor))
        except Exception as exc:  # a job's failure is recorded, and the others still run
            log.exception("job %s failed", spec.name)
            _finish(
                sessions,
                spec,
                me,
                now,
                ok=False,
                message=f"{type(exc).__name__}: {exc}",
                cursor=None,
            )
            done.append(Ran(spec.name, "failed", f"{type(exc).__name__}: {exc}"))
            continue
        _finish(sessions, spec, me, now, ok=True, message=result.message, cursor=result.cursor)
        done.append(Ran(spec.name, "ok", result.message))
    return done


@dataclass(frozen=True)
class JobState:
    name: str
    description: str
    every: str
    next_due_at: str | None
    leased_until: str | None
    last_outcome: str | None
    last_finished_at: str | None
    last_message: str | None
    runs: int


def list_jobs(session: Session) -> list[JobState]:
    rows = {job.name: job for job in session.scalars(select(Job))}
    states = []
    for spec in JOBS:
        job = rows.get(spec.name)
        states.append(
            JobState(
                name=spec.name,
                description=spec.description,
                every=str(spec.every),
                next_due_at=job.next_due_at.isoformat() if job else None,
                leased_until=job.lease_until.isoformat() if job and job.lease_until else None,
                last_outcome=job.last_outcome if job else None,
                last_finished_at=job.last_finished_at.isoformat()
                if job and job.last_finished_at
                else None,
                last_message=job.last_message if job else None,
                runs=job.runs if job else 0,
            )
        )
    return states
