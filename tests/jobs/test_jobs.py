"""Recurring jobs: each due job runs once per run and not again until it is due; a failing
job is recorded and the others still run; a runner that died holding a lease leaves the job
to be taken again once the lease runs out; reminders and grant expiries are not repeated."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from accord.gate.models import AccessGrant, AuditEntry
from accord.jobs import runner
from accord.jobs.models import Job, Reminder
from factories.registers import register, using
from retention.support import sessions

NOW = datetime(2027, 2, 1, 6, 0, tzinfo=UTC)


def _outcomes(ran: list[runner.Ran]) -> dict[str, str]:
    return {r.name: r.outcome for r in ran}


def test_each_job_runs_once_and_again_only_when_due(session: Session) -> None:
    with using("lvws", "hounslow"):
        first = runner.run_due(sessions(session), now=NOW)
        assert _outcomes(first) == {
            "retention-run": "ok",
            "feeds-sweep": "ok",
            "access-grant-expiry": "ok",
            "review-reminders": "ok",
        }
        again = runner.run_due(sessions(session), now=NOW + timedelta(minutes=5))
        assert set(_outcomes(again).values()) == {"not-due"}
        later = runner.run_due(sessions(session), now=NOW + timedelta(hours=1, minutes=1))
        assert _outcomes(later)["access-grant-expiry"] == "ok"
        assert _outcomes(later)["retention-run"] == "not-due"
        states = {s.name: s for s in runner.list_jobs(session)}
    assert states["retention-run"].last_outcome == "ok"
    assert states["retention-run"].runs == 1
    assert states["access-grant-expiry"].runs == 2


def test_a_failing_job_is_recorded_and_retried_and_the_others_run(session: Session) -> None:
    # A register whose aggregate reports are said to hold personal data, which no store
    # declares: the retention run refuses to start.
    undeclared = register("tvt", record_types={"report-aggregate": {"personal_data": True}})
    with using(undeclared):
        ran = runner.run_due(sessions(session), now=NOW)
        outcomes = _outcomes(ran)
        assert outcomes["retention-run"] == "failed"
        assert "report-aggregate" in next(r.message for r in ran if r.name == "retention-run")
        assert outcomes["review-reminders"] == "ok"
        retried = runner.run_due(sessions(session), now=NOW + timedelta(minutes=1))
    assert _outcomes(retried)["retention-run"] == "failed"  # still due: tried again
    job = session.get(Job, "retention-run")
    assert job is not None
    assert (job.last_outcome, job.lease_owner) == ("failed", None)


def test_a_job_whose_runner_died_is_taken_again_once_its_lease_runs_out(session: Session) -> None:
    made = sessions(session)
    with using("lvws"):
        runner.ensure_jobs(made, NOW)
        # a runner took the lease and was killed (nothing finished it)
        assert runner._claim(made, "retention-run", "dead-runner", NOW, timedelta(hours=2))
        during = runner.run_due(made, now=NOW + timedelta(hours=1), only="retention-run")
        assert _outcomes(during) == {"retention-run": "leased"}
        after = runner.run_due(made, now=NOW + timedelta(hours=2, minutes=1), only="retention-run")
    assert _outcomes(after) == {"retention-run": "ok"}
    session.expire_all()
    job = session.get(Job, "retention-run")
    assert job is not None
    assert job.lease_owner is None
    assert job.runs == 1


def test_six_monthly_review_reminders_are_raised_once_per_half_year(session: Session) -> None:
    with using("tvt", "lvws"):
        for day in (NOW, NOW + timedelta(days=1), NOW + timedelta(days=2)):
            runner.run_due(sessions(session), now=day, only="review-reminders")
        runner.run_due(
            sessions(session), now=datetime(2027, 7, 2, tzinfo=UTC), only="review-reminders"
        )
    rows = session.execute(
        select(Reminder.register, Reminder.due_on).order_by(Reminder.due_on)
    ).all()
    assert [(r, d.isoformat()) for r, d in rows] == [("tvt", "2027-01-01"), ("tvt", "2027-07-01")]


def test_an_expired_access_grant_is_closed_in_the_trail_once(session: Session) -> None:
    grant = AccessGrant(
        id=uuid.uuid4(),
        actor_id=uuid.uuid4(),
        actor_organisation="victim-support",
        register="lvws",
        record_type="case",
        record_id=uuid.uuid4(),
        owner_organisation="victim-support",
        purpose="victim-support",
        reason="covering for a colleague on leave",
        granted_at=NOW - timedelta(hours=4),
        expires_at=NOW - timedelta(hours=1),
        review_state="pending",
    )
    session.add(grant)
    session.flush()

    def closed() -> int:
        return int(
            session.scalar(
                select(func.count()).where(
                    AuditEntry.action == "expire", AuditEntry.ref == str(grant.id)
                )
            )
            or 0
        )

    with using("lvws"):
        runner.run_due(sessions(session), now=NOW, only="access-grant-expiry")
        assert closed() == 1
        runner.run_due(sessions(session), now=NOW + timedelta(hours=2), only="access-grant-expiry")
    assert closed() == 1
