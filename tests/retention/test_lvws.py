"""LVWS retention at its boundaries: a referral never taken up (12 months), an engaged case
(6 years after the last contact, moved by a later contact), a web-form enquiry (6 weeks),
restorative justice (6 years after closure on 29 February)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import time_machine
from sqlalchemy.orm import Session

from accord.cases import workflow
from accord.cases.models import Case
from accord.cases.schemas import AssignmentIn, NotTakenUpIn
from accord.gate.types import Actor
from accord.register.registry import Registry
from factories.actors import actor
from factories.cases import refer
from factories.registers import using
from retention.support import deleted, erased, exists, moment, run


@pytest.fixture(autouse=True)
def lvws() -> Iterator[Registry]:
    with using("lvws") as found:
        yield found


def _worker(session: Session, case_id: object) -> Actor:
    worker = actor("lvws", "caseworker", "victim-support", checked=False)
    manager = actor("lvws", "team-manager", "victim-support", teams=("intake",), checked=False)
    workflow.assign(session, actor=manager, case_id=case_id, data=AssignmentIn(user_id=worker.id))  # type: ignore[arg-type]
    return worker


def test_referral_never_taken_up_is_deleted_twelve_months_on(session: Session) -> None:
    with time_machine.travel(moment(2026, 3, 2), tick=False):
        accepted = refer(session)
        worker = _worker(session, accepted.case_id)
        workflow.mark_not_taken_up(
            session, actor=worker, case_id=accepted.case_id, data=NotTakenUpIn(reason="declined")
        )
    with time_machine.travel(moment(2027, 3, 1), tick=False):
        result = run(session)
    assert deleted(result, "referral") == 0
    assert exists(session, Case, accepted.case_id)
    with time_machine.travel(moment(2027, 3, 3), tick=False):
        result = run(session)
    assert deleted(result, "referral") == 1
    assert not exists(session, Case, accepted.case_id)
    assert erased(session, accepted.subject_id)
