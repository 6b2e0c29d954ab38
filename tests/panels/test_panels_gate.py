"""Community safety cases at the depth of the gate: each role sees what its purpose and
caseload allow, other organisations are refused (and the refusal is audited), partners see
only the cases shared with them, and refused writes leave nothing behind."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from accord.accounts.deps import current_actor
from accord.disclosures.service import disclosures_for_subject
from accord.gate.types import AccessDenied, Actor, ReasonCode
from accord.panels.access import NotFound, PanelError
from accord.panels.actions import actions_of, add_action, partner_update
from accord.panels.cases import PartyIn, add_party, close_case, get_case, list_cases
from accord.panels.meetings import list_case, list_meetings, read_minutes, record_minutes
from accord.panels.models import CaseAction, CaseParty, CaseUpdate, SafetyCase
from accord.people.models import Subject
from accord.register.schema import Register
from factories.actors import actor
from factories.audit import refusals
from factories.panels import VICTIM, meeting, minuted, panel_case, party, shared_action
from factories.registers import register, using


def _count(session: Session, model: type[object]) -> int:
    return int(session.scalar(select(func.count()).select_from(model)) or 0)


def test_a_reader_sees_only_the_categories_its_purpose_allows(
    session: Session, hounslow: Register, coordinator: Actor
) -> None:
    case = panel_case(session, coordinator)
    assert {"telephone", "address"} <= set(
        get_case(session, actor=coordinator, case_id=case.id).parties[0].details
    )
    narrower = register(
        "hounslow",
        purposes={"marac": {"categories": _without(hounslow, "marac", "telephone", "address")}},
    )
    with using(narrower):
        view = get_case(session, actor=coordinator, case_id=case.id)
    victim = next(p for p in view.parties if p.role == "victim")
    assert victim.details["name"] == VICTIM["name"]
    assert "telephone" not in victim.details
    assert "address" not in victim.details
    assert not {"telephone", "address"} & view.categories


def _without(reg: Register, purpose: str, *dropped: str) -> list[str]:
    return [
        c for c in next(p for p in reg.purposes if p.id == purpose).categories if c not in dropped
    ]


def test_opening_with_a_category_the_purpose_does_not_allow_is_refused_and_writes_nothing(
    session: Session, hounslow: Register
) -> None:
    narrower = register(
        "hounslow",
        purposes={"marac": {"categories": _without(hounslow, "marac", "telephone")}},
    )
    with using(narrower):
        coordinator = actor("hounslow", "panel-coordinator", teams=("marac",))
        subjects = _count(session, Subject)
        with pytest.raises(AccessDenied) as refused:
            panel_case(session, coordinator)
    assert refused.value.decision.reason is ReasonCode.CATEGORY_NOT_FOR_PURPOSE
    assert refusals(session, coordinator) == [("create", "marac-case", "category-not-for-purpose")]
    assert (_count(session, SafetyCase), _count(session, Subject)) == (0, subjects)


def test_a_partner_cannot_open_a_case_and_the_refusal_is_audited(
    session: Session, hounslow: Register, police_partner: Actor
) -> None:
    with pytest.raises(AccessDenied) as refused:
        panel_case(session, police_partner)
    assert refused.value.decision.reason is ReasonCode.NO_PERMISSION
    assert refusals(session, police_partner) == [("create", "marac-case", "no-permission")]
    assert _count(session, SafetyCase) == 0


def test_an_unshared_case_is_not_found_for_another_organisation_and_audited(
    session: Session, hounslow: Register, coordinator: Actor
) -> None:
    case = panel_case(session, coordinator)
    fire = actor(hounslow, "partner-agency", "london-fire-brigade", teams=("marac",))
    with pytest.raises(NotFound):
        get_case(session, actor=fire, case_id=case.id)
    with pytest.raises(NotFound):
        actions_of(session, actor=fire, case_id=case.id)
    assert refusals(session, fire) == [
        ("read", "marac-case", "not-shared-with-organisation"),
        ("read", "marac-case", "not-shared-with-organisation"),
    ]


def test_a_partner_lists_and_reads_only_the_cases_shared_with_it(
    session: Session, hounslow: Register, coordinator: Actor, police_partner: Actor
) -> None:
    shared = panel_case(session, coordinator)
    panel_case(session, coordinator)
    shared_action(session, coordinator, shared)
    rows, total = list_cases(session, actor=police_partner, register="hounslow", service="marac")
    assert ([r.id for r in rows], total) == ([shared.id], 1)
    view = get_case(session, actor=police_partner, case_id=shared.id)
    assert party(session, shared, "victim").subject_id in {p.subject_id for p in view.parties}


def test_an_own_caseload_worker_sees_only_their_own_outreach_cases(
    session: Session, hounslow: Register, outreach_worker: Actor
) -> None:
    colleague = actor(hounslow, "caseworker", teams=("dsv-outreach",))
    mine = panel_case(session, outreach_worker, "dsv-outreach")
    theirs = panel_case(session, colleague, "dsv-outreach")
    rows, total = list_cases(
        session, actor=outreach_worker, register="hounslow", service="dsv-outreach"
    )
    assert ([r.id for r in rows], total) == ([mine.id], 1)
    with pytest.raises(AccessDenied) as refused:
        get_case(session, actor=outreach_worker, case_id=theirs.id)
    assert refused.value.decision.reason is ReasonCode.OUTSIDE_CASELOAD
    assert refusals(session, outreach_worker)[-1] == (
        "read",
        "dsv-outreach-case",
        "outside-caseload",
    )


def test_a_team_caseload_reaches_only_the_panels_of_its_teams(
    session: Session, hounslow: Register, coordinator: Actor
) -> None:
    marac_only = actor(hounslow, "panel-coordinator", teams=("marac",))
    marac = panel_case(session, coordinator)
    crp = panel_case(session, coordinator, "community-risk-panel")
    assert [
        r.id for r in list_cases(session, actor=marac_only, register="hounslow", service="marac")[0]
    ] == [marac.id]
    assert list_cases(
        session, actor=marac_only, register="hounslow", service="community-risk-panel"
    ) == ([], 0)
    with pytest.raises(AccessDenied, match="outside-caseload"):
        get_case(session, actor=marac_only, case_id=crp.id)


def test_the_dpo_reads_every_service_but_changes_nothing(
    session: Session, hounslow: Register, coordinator: Actor, outreach_worker: Actor, dpo: Actor
) -> None:
    marac = panel_case(session, coordinator)
    outreach = panel_case(session, outreach_worker, "dsv-outreach")
    assert get_case(session, actor=dpo, case_id=marac.id).reference == marac.reference
    assert get_case(session, actor=dpo, case_id=outreach.id).reference == outreach.reference
    with pytest.raises(AccessDenied, match="no-permission"):
        close_case(session, actor=dpo, case_id=marac.id)
    with pytest.raises(AccessDenied, match="no-permission"):
        shared_action(session, dpo, marac)
    assert marac.status == "open"
    assert _count(session, CaseAction) == 0


def test_a_partner_may_update_but_not_change_the_case(
    session: Session, hounslow: Register, coordinator: Actor, police_partner: Actor
) -> None:
    case = panel_case(session, coordinator)
    shared_action(session, coordinator, case)
    with pytest.raises(AccessDenied, match="no-permission"):
        close_case(session, actor=police_partner, case_id=case.id)
    with pytest.raises(AccessDenied, match="no-permission"):
        add_party(
            session, actor=police_partner, case_id=case.id, party=PartyIn("child", {"name": "C"})
        )
    with pytest.raises(AccessDenied, match="no-permission"):
        shared_action(session, police_partner, case)
    update = partner_update(session, actor=police_partner, case_id=case.id, text="Officer attended")
    assert update.agency == "metropolitan-police"
    assert b"attended" not in update.text


@pytest.mark.parametrize(
    ("field", "kwargs"),
    [
        ("description", {"description": "  hi "}),
        ("due_on", {"due_on": date.today() - timedelta(days=1)}),
        ("owner_agency", {"owner_agency": "acme-security"}),
    ],
)
def test_bad_actions_are_refused_naming_the_field_and_share_nothing(
    session: Session, hounslow: Register, coordinator: Actor, field: str, kwargs: dict[str, object]
) -> None:
    case = panel_case(session, coordinator)
    values: dict[str, object] = {
        "owner_agency": "metropolitan-police",
        "description": "Flag the address for urgent response",
        "due_on": date.today() + timedelta(days=7),
    } | kwargs
    with pytest.raises(PanelError, match=rf"^{field}:"):
        add_action(session, actor=coordinator, case_id=case.id, **values)  # type: ignore[arg-type]
    assert _count(session, CaseAction) == 0
    assert disclosures_for_subject(session, subject_id=case.subject_id) == []


def test_actions_need_an_open_case_and_share_once_per_agency(
    session: Session, hounslow: Register, coordinator: Actor
) -> None:
    case = panel_case(session, coordinator)
    shared_action(session, coordinator, case)
    shared_action(session, coordinator, case, due_in_days=30)
    own = shared_action(session, coordinator, case, "hounslow")
    assert own.owner_agency == "hounslow"
    logged = disclosures_for_subject(session, subject_id=case.subject_id)
    assert [d.recipient for d in logged] == ["metropolitan-police"]
    close_case(session, actor=coordinator, case_id=case.id)
    with pytest.raises(PanelError, match=r"^case_id: actions are agreed on open cases"):
        shared_action(session, coordinator, case)


def test_actions_show_their_owner_due_date_and_overdue_state(
    session: Session, hounslow: Register, coordinator: Actor
) -> None:
    case = panel_case(session, coordinator)
    soon = shared_action(session, coordinator, case, due_in_days=2)
    later = shared_action(session, coordinator, case, "london-fire-brigade", due_in_days=20)
    views = actions_of(
        session, actor=coordinator, case_id=case.id, today=date.today() + timedelta(days=5)
    )
    assert [(v.id, v.owner_agency, v.overdue) for v in views] == [
        (soon.id, "metropolitan-police", True),
        (later.id, "london-fire-brigade", False),
    ]
    assert views[0].due_on == soon.due_on
    assert views[0].description == "Joint visit with the housing officer"


def test_only_the_owning_agency_updates_an_action(
    session: Session, hounslow: Register, coordinator: Actor, police_partner: Actor
) -> None:
    case = panel_case(session, coordinator)
    police_action = shared_action(session, coordinator, case)
    shared_action(session, coordinator, case, "london-fire-brigade")
    fire = actor(hounslow, "partner-agency", "london-fire-brigade", teams=("marac",))
    refused = [
        (fire, {"action_id": police_action.id, "action_status": "done"}, "^action_id: only the"),
        (police_partner, {"action_status": "done"}, "^action_status: name the action"),
        (
            police_partner,
            {"action_id": police_action.id, "action_status": "finished"},
            "^action_status: 'finished' is not one of",
        ),
    ]
    for who, change, why in refused:
        with pytest.raises(PanelError, match=why):
            partner_update(session, actor=who, case_id=case.id, text="All done now", **change)  # type: ignore[arg-type]
    assert _count(session, CaseUpdate) == 0
    assert police_action.status == "open"
    partner_update(
        session,
        actor=police_partner,
        case_id=case.id,
        action_id=police_action.id,
        action_status="done",
        text="Address flagged",
    )
    assert police_action.status == "done"
    assert police_action.completed_at is not None


def test_minutes_need_a_listed_case_and_some_substance(
    session: Session, hounslow: Register, coordinator: Actor
) -> None:
    case = panel_case(session, coordinator)
    sitting = meeting(session, coordinator)
    with pytest.raises(PanelError, match=r"^case_id: the case is not on this meeting"):
        record_minutes(
            session,
            actor=coordinator,
            meeting_id=sitting.id,
            case_id=case.id,
            minutes="Discussed at length",
        )
    list_case(session, actor=coordinator, meeting_id=sitting.id, case_id=case.id)
    with pytest.raises(PanelError, match=r"^minutes:"):
        record_minutes(
            session, actor=coordinator, meeting_id=sitting.id, case_id=case.id, minutes=" short "
        )
    assert sitting.status == "scheduled"
    listing = record_minutes(
        session,
        actor=coordinator,
        meeting_id=sitting.id,
        case_id=case.id,
        minutes="Safety plan agreed",
    )
    assert sitting.status == "held"
    assert listing.discussed_at is not None
    assert listing.minutes is not None
    assert b"Safety" not in listing.minutes


def test_only_open_cases_of_the_panel_are_listed(
    session: Session, hounslow: Register, coordinator: Actor
) -> None:
    sitting = meeting(session, coordinator)
    crp = panel_case(session, coordinator, "community-risk-panel")
    with pytest.raises(PanelError, match=r"^case_id: a 'community-risk-panel' case cannot"):
        list_case(session, actor=coordinator, meeting_id=sitting.id, case_id=crp.id)
    closed = panel_case(session, coordinator)
    close_case(session, actor=coordinator, case_id=closed.id)
    with pytest.raises(PanelError, match=r"^case_id: only an open case"):
        list_case(session, actor=coordinator, meeting_id=sitting.id, case_id=closed.id)


def test_meetings_are_for_risk_panels_and_their_managers(
    session: Session,
    hounslow: Register,
    coordinator: Actor,
    police_partner: Actor,
    outreach_worker: Actor,
) -> None:
    with pytest.raises(PanelError, match=r"^panel:"):
        meeting(session, coordinator, "dsv-outreach")
    with pytest.raises(PanelError, match=r"^chair:"):
        meeting(session, coordinator, chair=" ")
    with pytest.raises(AccessDenied, match="no-permission"):
        meeting(session, police_partner)
    made = meeting(session, coordinator, "iom")
    # Partners read the meeting list (no personal data); a caseworker without panel access does not.
    assert list_meetings(session, actor=police_partner, register="hounslow") == ([made], 1)
    with pytest.raises(AccessDenied, match="no-permission"):
        list_meetings(session, actor=outreach_worker, register="hounslow")


def test_a_person_added_at_the_panel_is_sealed_under_their_own_key(
    session: Session, hounslow: Register, coordinator: Actor
) -> None:
    case = panel_case(session, coordinator)
    with pytest.raises(AccessDenied, match="category-not-for-purpose"):
        add_party(
            session,
            actor=coordinator,
            case_id=case.id,
            party=PartyIn("child", {"name": "C", "fgm-details": "x"}),
        )
    with pytest.raises(PanelError, match=r"^party\.role:"):
        add_party(
            session, actor=coordinator, case_id=case.id, party=PartyIn("neighbour", {"name": "N"})
        )
    child = add_party(
        session, actor=coordinator, case_id=case.id, party=PartyIn("child", {"name": "Cara"})
    )
    assert child != case.subject_id
    row = session.scalars(select(CaseParty).where(CaseParty.subject_id == child)).one()
    assert b"Cara" not in row.details
    view = get_case(session, actor=coordinator, case_id=case.id)
    assert {"role": "child", "name": "Cara"} in [
        {"role": p.role, **p.details} for p in view.parties
    ]


def test_over_http_other_organisations_see_nothing_and_partners_change_nothing(
    app: FastAPI,
    client: TestClient,
    session: Session,
    hounslow: Register,
    coordinator: Actor,
    police_partner: Actor,
) -> None:
    case = panel_case(session, coordinator)
    shared_action(session, coordinator, case)
    session.commit()
    fire = actor(hounslow, "partner-agency", "london-fire-brigade", teams=("marac",))
    app.dependency_overrides[current_actor] = lambda: fire
    assert client.get(f"/api/panels/cases/{case.id}").status_code == 404
    assert client.get(f"/api/panels/cases/{case.id}/actions").status_code == 404
    app.dependency_overrides[current_actor] = lambda: police_partner
    assert client.get(f"/api/panels/cases/{case.id}").status_code == 200
    closing = client.post(f"/api/panels/cases/{case.id}/close")
    assert closing.status_code == 403
    assert closing.json()["detail"]["reason"] == "no-permission"
    app.dependency_overrides[current_actor] = lambda: coordinator
    late = client.post(
        f"/api/panels/cases/{case.id}/actions",
        json={
            "owner_agency": "metropolitan-police",
            "description": "Flag the address",
            "due_on": str(date.today() - timedelta(days=1)),
        },
    )
    assert late.status_code == 422, late.text
    assert late.json()["detail"][0]["loc"] == ["body", "due_on"]
    assert len(actions_of(session, actor=coordinator, case_id=case.id)) == 1


def test_minutes_and_actions_are_hidden_from_a_purpose_without_them(
    session: Session, hounslow: Register, coordinator: Actor, police_partner: Actor
) -> None:
    case = panel_case(session, coordinator)
    sitting = minuted(session, coordinator, case)
    shared_action(session, coordinator, case)
    assert read_minutes(session, actor=police_partner, meeting_id=sitting.id, case_id=case.id) == (
        "Safety plan agreed"
    )
    narrower = register(
        "hounslow",
        purposes={"marac": {"categories": _without(hounslow, "marac", "minutes-actions")}},
    )
    with using(narrower):
        assert (
            read_minutes(session, actor=coordinator, meeting_id=sitting.id, case_id=case.id) is None
        )
        views = actions_of(session, actor=coordinator, case_id=case.id)
    assert [(v.owner_agency, v.description) for v in views] == [("metropolitan-police", None)]


def test_an_unshared_partner_cannot_read_minutes(
    session: Session, hounslow: Register, coordinator: Actor, police_partner: Actor
) -> None:
    case = panel_case(session, coordinator)
    sitting = minuted(session, coordinator, case)
    with pytest.raises(NotFound):
        read_minutes(session, actor=police_partner, meeting_id=sitting.id, case_id=case.id)
    assert refusals(session, police_partner) == [
        ("read", "marac-case", "not-shared-with-organisation")
    ]
