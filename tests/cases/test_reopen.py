"""Reopening a closed case: by its caseworker or a team manager of its team, with a reason;
the timeline says so and the retention clock moves back to the engaged rule (recomputed
from the register's rule by `workflow.refresh_clock`)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import pytest
import time_machine
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from accord.accounts.deps import current_actor
from accord.cases import workflow
from accord.cases.models import Case, CaseEvent
from accord.cases.reopen import reopen
from accord.cases.schemas import AssignmentIn, CloseIn, ContactIn, RoutingIn
from accord.errors import Conflict
from accord.gate.types import AccessDenied, Actor, ReasonCode
from cases.lvws import refer
from factories.actors import actor


def moment(year: int, month: int, day: int) -> datetime:
    return datetime(year, month, day, 12, 0, tzinfo=UTC)


def _manager() -> Actor:
    return actor("lvws", "team-manager", "victim-support", teams=("intake",))


def _closed_case(session: Session, *, service: str | None = None) -> tuple[uuid.UUID, Actor]:
    """A case engaged on 2 March 2026 and closed on 1 June 2026, and who worked it: its
    caseworker, or for a service of another provider that provider's team manager."""
    worker = actor("lvws", "caseworker", "victim-support")
    with time_machine.travel(moment(2026, 3, 2), tick=False):
        case_id = refer(session).case_id
        workflow.assign(
            session, actor=_manager(), case_id=case_id, data=AssignmentIn(user_id=worker.id)
        )
        if service is not None:
            workflow.confirm_routing(
                session,
                actor=worker,
                case_id=case_id,
                data=RoutingIn(service=service, reason="asked for a meeting"),
            )
            # handed to the provider's intake team
            worker = actor("lvws", "team-manager", "calm-mediation", teams=("intake",))
        workflow.record_contact(
            session,
            actor=worker,
            case_id=case_id,
            data=ContactIn(outcome="engaged", channel="phone"),
        )
    with time_machine.travel(moment(2026, 6, 1), tick=False):
        workflow.close_case(
            session, actor=worker, case_id=case_id, data=CloseIn(reason="support-completed")
        )
    return case_id, worker


def _case(session: Session, case_id: uuid.UUID) -> Case:
    found = session.get(Case, case_id)
    assert found is not None
    return found


def test_the_caseworker_reopens_a_closed_case_and_the_timeline_says_so(session: Session) -> None:
    case_id, worker = _closed_case(session)
    assert _case(session, case_id).status == "closed"
    with time_machine.travel(moment(2026, 9, 1), tick=False):
        reopen(session=session, actor=worker, case=case_id, reason="New incident reported")
    case = _case(session, case_id)
    assert (case.status, case.record_type) == ("engaged", "case")
    assert case.closed_at is None
    assert case.closure_reason is None
    # the engaged rule: 6 years after the last contact, which reopening does not move
    assert case.retention_due == moment(2032, 3, 2)
    last = session.scalars(
        select(CaseEvent).where(CaseEvent.case_id == case_id).order_by(CaseEvent.position.desc())
    ).first()
    assert last is not None
    assert (last.kind, last.outcome, last.actor_id) == ("reopened", "reopened", worker.id)


def test_a_restorative_justice_case_clock_stops_again_when_reopened(session: Session) -> None:
    case_id, manager = _closed_case(session, service="restorative-justice")
    closed = _case(session, case_id)
    assert closed.record_type == "rj-case"
    assert closed.retention_due == moment(2032, 6, 1)  # 6 years after closure
    with time_machine.travel(moment(2026, 9, 1), tick=False):
        reopen(session=session, actor=manager, case=case_id, reason="Meeting rearranged")
    case = _case(session, case_id)
    assert (case.status, case.record_type) == ("engaged", "rj-case")
    assert case.retention_from is None
    assert case.retention_due is None


def test_a_caseworker_outside_the_caseload_cannot_reopen_it(session: Session) -> None:
    case_id, _ = _closed_case(session)
    other = actor("lvws", "caseworker", "victim-support", teams=("intake",))
    with pytest.raises(AccessDenied) as refused:
        reopen(session=session, actor=other, case=case_id, reason="mine now")
    assert refused.value.decision.reason is ReasonCode.OUTSIDE_CASELOAD
    assert _case(session, case_id).status == "closed"


def test_an_open_case_is_not_reopened(session: Session) -> None:
    case_id = refer(session).case_id
    with pytest.raises(Conflict, match="only a case not taken up, or a closed one"):
        reopen(session=session, actor=_manager(), case=case_id, reason="again")


def test_the_api_reopens_a_closed_case_with_a_reason(
    app: FastAPI, client: TestClient, session: Session
) -> None:
    case_id, worker = _closed_case(session)
    session.commit()  # as the API would, so a refused request's rollback keeps it
    app.dependency_overrides[current_actor] = lambda: worker
    missing = client.post(f"/api/cases/{case_id}/reopening", json={})
    assert missing.status_code == 422, missing.text
    answer = client.post(f"/api/cases/{case_id}/reopening", json={"reason": "Came back"})
    assert answer.status_code == 200, answer.text
    assert answer.json()["status"] == "engaged"
    again = client.post(f"/api/cases/{case_id}/reopening", json={"reason": "Came back"})
    assert again.status_code == 409, again.text
