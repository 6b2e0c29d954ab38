"""Fair-processing notifications at the depth of the gate: sent only over a channel whose
contact details the purpose allows, refused (and audited) for other organisations, queued
per service and caseload, and decided once per person and record."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from accord.accounts.deps import current_actor
from accord.gate.types import AccessDenied, Actor, ReasonCode
from accord.notifications.models import FairProcessingNotice
from accord.notifications.queue import pending_notifications
from accord.notifications.service import (
    NotificationError,
    decisions_for,
    record_sent,
    reviews_due,
    withhold,
)
from accord.panels.access import case_target
from accord.register.schema import Register
from accord.store.base import utcnow
from factories.actors import actor
from factories.audit import refusals
from factories.notifications import REASON, tell, withhold_from
from factories.panels import panel_case, party, shared_action
from factories.registers import register, using


def _notices(session: Session) -> int:
    return int(session.scalar(select(func.count()).select_from(FairProcessingNotice)) or 0)


def test_a_channel_needs_the_contact_details_the_purpose_allows(
    session: Session, hounslow: Register, coordinator: Actor
) -> None:
    case = panel_case(session, coordinator)
    categories = next(p for p in hounslow.purposes if p.id == "marac").categories
    no_phone = register(
        "hounslow", purposes={"marac": {"categories": [c for c in categories if c != "telephone"]}}
    )
    with using(no_phone):
        with pytest.raises(AccessDenied) as refused:
            tell(session, coordinator, case, channel="phone")
        assert refused.value.decision.reason is ReasonCode.CATEGORY_NOT_FOR_PURPOSE
        assert _notices(session) == 0
        sent = tell(session, coordinator, case, channel="letter")
    assert sent.channel == "letter"
    assert refusals(session, coordinator) == [("read", "marac-case", "category-not-for-purpose")]


def test_another_organisation_cannot_decide_or_read_decisions(
    session: Session, hounslow: Register, coordinator: Actor
) -> None:
    case = panel_case(session, coordinator)
    fire = actor(hounslow, "partner-agency", "london-fire-brigade", teams=("marac",))
    target = case_target(case)
    with pytest.raises(AccessDenied, match="not-shared-with-organisation"):
        tell(session, fire, case, channel="letter")
    with pytest.raises(AccessDenied, match="not-shared-with-organisation"):
        decisions_for(session, actor=fire, target=target, purpose="marac")
    assert [r[2] for r in refusals(session, fire)] == ["not-shared-with-organisation"] * 2
    assert _notices(session) == 0


def test_a_partner_reads_decisions_on_a_shared_case_but_cannot_withhold(
    session: Session, hounslow: Register, coordinator: Actor, police_partner: Actor
) -> None:
    case = panel_case(session, coordinator)
    shared_action(session, coordinator, case)
    perpetrator = party(session, case, "perpetrator").subject_id
    target = case_target(case, {"metropolitan-police"}, party=perpetrator)
    with pytest.raises(AccessDenied, match="no-permission"):
        withhold_from(
            session, police_partner, case, subject_id=perpetrator, reason_code="prejudicial"
        )
    withhold_from(session, coordinator, case, subject_id=perpetrator, reason_code="prejudicial")
    seen = decisions_for(session, actor=police_partner, target=target, purpose="marac")
    assert [(d.status, d.reason_code) for d in seen] == [("withheld", "prejudicial")]


def test_bad_decisions_name_the_field_and_write_nothing(
    session: Session, hounslow: Register, coordinator: Actor
) -> None:
    case = panel_case(session, coordinator)
    other = panel_case(session, coordinator)
    base = {"actor": coordinator, "target": case_target(case), "purpose": "marac"}
    with pytest.raises(NotificationError, match=r"^subject_id:"):
        record_sent(session, subject_id=other.subject_id, channel="letter", **base)  # type: ignore[arg-type]
    with pytest.raises(NotificationError, match=r"^review_on:"):
        withhold(
            session,
            subject_id=case.subject_id,
            reason_code="disproportionate",
            reason=REASON,
            review_on=utcnow() - timedelta(days=1),
            **base,  # type: ignore[arg-type]
        )
    with pytest.raises(NotificationError, match=r"^purpose:"):
        withhold(
            session,
            actor=coordinator,
            target=case_target(case),
            subject_id=case.subject_id,
            purpose="trends-and-hotspots",
            reason_code="disproportionate",
            reason=REASON,
        )
    assert _notices(session) == 0
    assert refusals(session, coordinator) == []


def test_a_withheld_notice_can_later_be_sent_but_a_sent_one_is_final(
    session: Session, hounslow: Register, coordinator: Actor
) -> None:
    case = panel_case(session, coordinator)
    target = case_target(case)
    withhold_from(
        session,
        coordinator,
        case,
        reason_code="serious-harm",
        review_on=utcnow() + timedelta(days=30),
    )
    tell(session, coordinator, case, channel="in-person")
    with pytest.raises(NotificationError, match=r"^record_id: this person was already told"):
        withhold_from(session, coordinator, case, reason_code="serious-harm")
    decided = decisions_for(session, actor=coordinator, target=target, purpose="marac")
    assert [d.status for d in decided] == ["withheld", "sent"]


def test_the_queue_marks_people_overdue_a_month_after_their_data_arrived(
    session: Session, hounslow: Register, coordinator: Actor
) -> None:
    with time_machine.travel(datetime.now(UTC) - timedelta(days=40), tick=False):
        old = panel_case(session, coordinator, parties=[("victim", {"name": "Old"})])
    new = panel_case(session, coordinator, parties=[("victim", {"name": "New"})])
    queued = pending_notifications(session, actor=coordinator, register="hounslow").items
    assert [(p.case_id, p.overdue) for p in queued] == [(old.id, True), (new.id, False)]


def test_the_queue_follows_service_and_caseload(
    session: Session,
    hounslow: Register,
    coordinator: Actor,
    outreach_worker: Actor,
    dpo: Actor,
    police_partner: Actor,
) -> None:
    marac = panel_case(session, coordinator, parties=[("victim", {"name": "M"})])
    mine = panel_case(session, outreach_worker, "dsv-outreach", parties=[("victim", {"name": "O"})])
    colleague = actor(hounslow, "caseworker", teams=("dsv-outreach",))
    panel_case(session, colleague, "dsv-outreach", parties=[("victim", {"name": "C"})])
    shared_action(session, coordinator, marac)

    def cases(who: Actor) -> set[str]:
        found = pending_notifications(session, actor=who, register="hounslow")
        return {p.reference for p in found.items}

    assert cases(outreach_worker) == {mine.reference}
    assert marac.reference in cases(coordinator)
    assert mine.reference not in cases(coordinator)
    assert len(cases(dpo)) == 3
    # Telling people is the controller's duty: a partner's queue is empty, shared or not.
    assert cases(police_partner) == set()
    assert cases(actor(hounslow, "analyst")) == set()


def test_decisions_over_http(
    app: FastAPI, client: TestClient, session: Session, hounslow: Register, coordinator: Actor
) -> None:
    case = panel_case(session, coordinator)
    other = panel_case(session, coordinator)
    perpetrator = party(session, case, "perpetrator").subject_id
    session.commit()
    app.dependency_overrides[current_actor] = lambda: coordinator
    stranger = client.post(
        f"/api/notifications/cases/{case.id}/sent",
        json={"subject_id": str(other.subject_id), "channel": "letter"},
    )
    assert stranger.status_code == 422, stranger.text
    assert "subject_id" in stranger.text
    short = client.post(
        f"/api/notifications/cases/{case.id}/withheld",
        json={"subject_id": str(perpetrator), "reason_code": "prejudicial", "reason": "no"},
    )
    assert short.status_code == 422, short.text
    made = client.post(
        f"/api/notifications/cases/{case.id}/withheld",
        json={"subject_id": str(perpetrator), "reason_code": "prejudicial", "reason": REASON},
    )
    assert made.status_code == 201, made.text
    told = client.post(
        f"/api/notifications/cases/{case.id}/sent",
        json={"subject_id": str(case.subject_id), "channel": "email"},
    )
    assert told.status_code == 201, told.text
    listed = client.get(f"/api/notifications/cases/{case.id}").json()
    assert {(d["status"], d["reason"]) for d in listed} == {("withheld", REASON), ("sent", None)}
    pending = client.get("/api/notifications/pending").json()["items"]
    assert case.reference not in {p["reference"] for p in pending}

    fire = actor(hounslow, "partner-agency", "london-fire-brigade", teams=("marac",))
    app.dependency_overrides[current_actor] = lambda: fire
    hidden = client.get(f"/api/notifications/cases/{case.id}")
    assert hidden.status_code in (403, 404)
    assert REASON not in hidden.text
    refused = client.post(
        f"/api/notifications/cases/{case.id}/sent",
        json={"subject_id": str(perpetrator), "channel": "letter"},
    )
    assert refused.status_code in (403, 404)
    assert client.get("/api/notifications/pending").json()["items"] == []


def test_reviews_fall_due_in_order_and_only_for_withheld_notices(
    session: Session, hounslow: Register, coordinator: Actor
) -> None:
    first, second, told = (panel_case(session, coordinator) for _ in range(3))
    now = utcnow()
    later = withhold_from(session, coordinator, second, review_on=now + timedelta(days=60))
    sooner = withhold_from(session, coordinator, first, review_on=now + timedelta(days=30))
    withhold_from(session, coordinator, told)  # no review date: never due
    tell(session, coordinator, told, subject_id=party(session, told, "perpetrator").subject_id)
    assert reviews_due(session, at=now + timedelta(days=29)) == []
    assert reviews_due(session, at=now + timedelta(days=45)) == [sooner]
    assert reviews_due(session, at=now + timedelta(days=90)) == [sooner, later]


def test_an_outsider_is_refused_before_learning_whether_someone_was_told(
    session: Session, hounslow: Register, coordinator: Actor
) -> None:
    case = panel_case(session, coordinator)
    tell(session, coordinator, case)
    fire = actor(hounslow, "partner-agency", "london-fire-brigade", teams=("marac",))
    for attempt in (tell, withhold_from):
        with pytest.raises(AccessDenied):
            attempt(session, fire, case)
    assert [r[2] for r in refusals(session, fire)] == [
        "not-shared-with-organisation",
        "no-permission",
    ]
    assert _notices(session) == 1


def test_the_pending_list_pages_in_the_registers_the_caller_holds(
    app: FastAPI, client: TestClient, session: Session, hounslow: Register, coordinator: Actor
) -> None:
    cases = []
    for days_ago in (30, 20, 10):
        with time_machine.travel(datetime.now(UTC) - timedelta(days=days_ago), tick=False):
            cases.append(panel_case(session, coordinator, parties=[("victim", {"name": "V"})]))
    session.commit()
    app.dependency_overrides[current_actor] = lambda: coordinator
    page = client.get("/api/notifications/pending", params={"limit": 2, "offset": 1})
    assert page.status_code == 200, page.text
    body = page.json()
    assert (body["total"], body["limit"], body["offset"]) == (3, 2, 1)
    assert [p["case_id"] for p in body["items"]] == [str(c.id) for c in cases[1:]]
    too_many = client.get("/api/notifications/pending", params={"limit": 201})
    assert too_many.status_code == 422
    assert too_many.json()["detail"][0]["loc"] == ["query", "limit"]

    both = replace(coordinator, grants=coordinator.grants | {("lvws", "caseworker")})
    app.dependency_overrides[current_actor] = lambda: both
    unnamed = client.get("/api/notifications/pending")
    assert unnamed.status_code == 422
    assert unnamed.json()["detail"][0]["loc"] == ["query", "register"]
    named = client.get("/api/notifications/pending", params={"register": "hounslow"})
    assert named.status_code == 200, named.text
