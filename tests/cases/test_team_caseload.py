"""A team's caseworkers see the team's cases in outline where the register grants it (LVWS:
the `team-member` role under the `team-caseload` purpose): the name, reference, status and
next contact, never more; the full case opens only when it is their own."""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy.orm import Session

from accord.cases import caseload, purposes, reading, workflow
from accord.cases.schemas import AssignmentIn
from accord.gate.types import AccessDenied, Actor, ReasonCode
from cases.lvws import refer
from factories.actors import actor


def _worker(*, outline: bool, teams: tuple[str, ...] = ("intake",)) -> Actor:
    extra = (("lvws", "team-member"),) if outline else ()
    return actor("lvws", "caseworker", "victim-support", teams=teams, extra_roles=extra)


def _case_of(session: Session, worker: Actor, family: str) -> uuid.UUID:
    case_id = refer(session, person__family_name=family).case_id
    manager = actor("lvws", "team-manager", "victim-support", teams=("intake",))
    workflow.assign(session, actor=manager, case_id=case_id, data=AssignmentIn(user_id=worker.id))
    return case_id


def test_a_team_member_lists_the_team_cases_with_the_name_only(session: Session) -> None:
    colleague = _worker(outline=False)
    me = _worker(outline=True)
    family = f"Adeyemi{uuid.uuid4().hex[:4]}"
    theirs = _case_of(session, colleague, family)

    assert caseload.team_view(me) == "outline"
    listing = caseload.list_cases(
        session,
        actor=me,
        filters=caseload.Filters(teams=me.teams),
        purpose=purposes.TEAM_CASELOAD,
    )
    row = next(r for r in listing.rows if r.id == theirs)
    assert row.name is not None
    assert family in row.name
    assert row.reference is not None
    assert row.reference.startswith("LVWS-")
    assert row.status == "referred"
    assert row.contact_due is not None
    # The listing decision allows the name and nothing else.
    assert set(listing.categories.values()) == {frozenset({"name"})}

    # Opening it is casework: refused outside the caseload (an access request opens it).
    with pytest.raises(AccessDenied) as refused:
        reading.get_case(session, actor=me, case_id=theirs)
    assert refused.value.decision.reason is ReasonCode.OUTSIDE_CASELOAD


def test_without_the_grant_a_caseworker_sees_no_team_list(session: Session) -> None:
    colleague = _worker(outline=False)
    me = _worker(outline=False)
    _case_of(session, colleague, f"Novak{uuid.uuid4().hex[:4]}")
    assert caseload.team_view(me) is None
    with pytest.raises(AccessDenied):
        caseload.list_cases(
            session,
            actor=me,
            filters=caseload.Filters(teams=me.teams),
            purpose=purposes.TEAM_CASELOAD,
        )


def test_outline_stops_at_the_team(session: Session) -> None:
    elsewhere = _worker(outline=False, teams=("complaints",))
    me = _worker(outline=True)
    other_team = _case_of(session, elsewhere, f"Quinn{uuid.uuid4().hex[:4]}")
    # assigned away from intake: moved to another team by name
    manager = actor("lvws", "team-manager", "victim-support", teams=("intake",))
    workflow.assign(
        session,
        actor=manager,
        case_id=other_team,
        data=AssignmentIn(user_id=elsewhere.id, team="complaints"),
    )
    listing = caseload.list_cases(
        session, actor=me, filters=caseload.Filters(), purpose=purposes.TEAM_CASELOAD
    )
    assert other_team not in {r.id for r in listing.rows}


def test_a_team_manager_keeps_the_full_team_view(session: Session) -> None:
    manager = actor("lvws", "team-manager", "victim-support", teams=("intake",))
    assert caseload.team_view(manager) == "casework"
