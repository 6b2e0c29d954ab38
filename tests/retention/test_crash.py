"""A disposal run killed part way (SIGKILL, at each crash point) and run again completes:
counts reconcile with what was due, nothing is half-disposed or orphaned, the held record is
untouched, and a copy of the database taken before the run reads nothing of the people
whose keys the run destroyed."""

from __future__ import annotations

import shutil
import uuid
from datetime import UTC, datetime
from pathlib import Path

import pytest
import time_machine
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from accord.cases import workflow
from accord.cases.models import Case, CaseEvent
from accord.cases.schemas import AssignmentIn, NotTakenUpIn
from accord.people.crypto import current_crypto
from accord.people.errors import SubjectShredded
from accord.people.models import Subject
from accord.people.service import unseal
from accord.retention.models import RetentionHold, RetentionRun, RetentionRunCount
from accord.store.engine import make_engine
from accord.store.faults import CRASH_STATUS
from factories.actors import actor
from factories.cases import refer
from factories.registers import using
from feeds.crashes import ROOT, fresh_store, run_accord

DUE = 23  # referrals not taken up in 2020: long past their 12 months


def _populate(url: str) -> tuple[list[tuple[uuid.UUID, bytes]], uuid.UUID]:
    """Referrals not taken up in 2020, one of them held; (subject, sealed identity) of each
    as a copy of the database taken before the run would hold them, and the held case."""
    engine = make_engine(url)
    try:
        with Session(engine) as session, using("lvws"):
            worker = actor("lvws", "caseworker", "victim-support", checked=False)
            manager = actor(
                "lvws", "team-manager", "victim-support", teams=("intake",), checked=False
            )
            with time_machine.travel(datetime(2020, 5, 4, 10, tzinfo=UTC), tick=False):
                ids = []
                for n in range(DUE):
                    accepted = refer(session, person__given_name=f"Person{n}")
                    workflow.assign(
                        session,
                        actor=manager,
                        case_id=accepted.case_id,
                        data=AssignmentIn(user_id=worker.id),  # type: ignore[arg-type]
                    )
                    workflow.mark_not_taken_up(
                        session,
                        actor=worker,
                        case_id=accepted.case_id,
                        data=NotTakenUpIn(reason="declined"),
                    )
                    ids.append(accepted.case_id)
            held = ids[0]
            session.add(
                RetentionHold(
                    id=uuid.uuid4(),
                    scope="record",
                    register="lvws",
                    organisation="victim-support",
                    record_id=held,
                    kind="litigation",
                    reason="claim against the service",
                    placed_by="test",
                    placed_at=datetime.now(UTC),
                )
            )
            session.commit()
            copy = [
                (row.subject_id, row.identity)
                for row in session.scalars(select(Case).where(Case.id != held))
            ]
        return copy, held
    finally:
        engine.dispose()


@pytest.mark.parametrize(
    "crash_points",
    [
        ("retention.run.after-delete",),
        ("retention.run.after-key", "retention.run.before-commit"),
    ],
)
def test_a_killed_run_run_again_completes_and_reconciles(
    tmp_path: Path, crash_points: tuple[str, ...]
) -> None:
    registers = tmp_path / "registers"
    registers.mkdir()
    shutil.copy(ROOT / "registers" / "lvws.yaml", registers / "lvws.yaml")
    with fresh_store(tmp_path / "store") as env:
        env = {**env, "ACCORD_REGISTERS_DIR": str(registers)}
        copy, held = _populate(env["ACCORD_DATABASE_URL"])
        run = ["retention", "run", "--batch", "5"]
        for point in crash_points:
            assert run_accord(run, env, crash_at=point) == CRASH_STATUS
        assert run_accord(run, env) == 0
        assert run_accord(run, env) == 0  # nothing left to do: an empty second run
        engine = make_engine(env["ACCORD_DATABASE_URL"])
        try:
            with Session(engine) as session:
                assert list(session.scalars(select(Case.id))) == [held]
                orphans = select(func.count()).where(
                    ~select(Case.id).where(Case.id == CaseEvent.case_id).exists()
                )
                assert session.scalar(orphans) == 0
                subjects = set(session.scalars(select(Subject.id)))
                assert all(subject not in subjects for subject, _ in copy)
                runs = session.scalars(select(RetentionRun).order_by(RetentionRun.started_at)).all()
                assert [r.status for r in runs] == ["finished", "finished"]
                first = runs[0]
                counts = {
                    c.outcome: c.count
                    for c in session.scalars(
                        select(RetentionRunCount).where(RetentionRunCount.run_id == first.id)
                    )
                }
                assert counts == {"deleted": DUE - 1, "held": 1}
                assert first.keys_destroyed == DUE - 1
                assert first.certificate is not None
                assert first.certificate["keys_destroyed"] == DUE - 1
                # the copy taken before the run: every sealed identity is unreadable now
                for subject_id, blob in copy:
                    assert current_crypto().keystore.get(subject_id) is None
                    with pytest.raises(SubjectShredded):
                        unseal(session, subject_id=subject_id, blob=blob)
        finally:
            engine.dispose()
