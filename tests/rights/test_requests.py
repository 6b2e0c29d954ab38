"""Rights requests: logging, the clock's events and their checks, sealing, and the queue."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import UTC, date, datetime
from typing import Any

import pytest
import time_machine
from sqlalchemy import select
from sqlalchemy.orm import Session

from accord.errors import Conflict, Invalid, NotFound
from accord.gate.models import AuditEntry
from accord.gate.types import AccessDenied, Actor
from accord.people import service as people
from accord.register.registry import Registry
from accord.rights import requests
from accord.rights.clock import Kind
from accord.rights.models import RightsRequest, RightsRequestEvent
from accord.rights.schemas import EventIn, RequestIn
from factories.actors import actor
from factories.registers import using

NOW = datetime(2026, 9, 3, 10, tzinfo=UTC)


@pytest.fixture(autouse=True)
def mopac() -> Iterator[Registry]:
    with using("mopac") as registry:
        yield registry


@pytest.fixture(autouse=True)
def frozen() -> Iterator[None]:
    with time_machine.travel(NOW, tick=False):
        yield


def officer() -> Actor:
    return actor("mopac", "information-rights-officer", teams=["information-rights"])


def body(**changes: Any) -> RequestIn:
    data: dict[str, Any] = {
        "register": "mopac",
        "channel": "letter",
        "rights": ["access", "erasure"],
        "requester": {
            "given_name": "Ada",
            "family_name": "Lovelace",
            "email": "ada@example.org",
            "date_of_birth": "1985-12-10",
        },
        "description": "Everything you hold about my complaint from 2024.",
    }
    data.update(changes)
    return RequestIn.model_validate(data)


def event(session: Session, who: Actor, request_id: uuid.UUID, kind: Kind, on: date, **kw: Any):  # type: ignore[no-untyped-def]
    return requests.record_event(
        session, actor=who, request_id=request_id, data=EventIn(kind=kind, on=on, **kw)
    )


def test_a_request_is_logged_with_its_details_sealed_and_its_receipt_dated(
    session: Session,
) -> None:
    who = officer()
    made = requests.log_request(session, actor=who, data=body(received_on="2026-09-01"))
    row = session.get(RightsRequest, made.id)
    assert row is not None
    assert row.record_type == "rights-request"
    assert b"Lovelace" not in row.details
    assert made.rights == ["access", "erasure"]
    assert [e.kind for e in made.events] == ["received"]
    assert made.clock.waiting_for == ["identity"]
    assert made.clock.due is None
    # The register's rule: kept two years after the request is closed; not started yet.
    assert row.retention_due is None
    read = requests.get_request(session, actor=who, request_id=made.id)
    assert read.requester is not None
    assert read.requester["family_name"] == "Lovelace"
    assert read.description == "Everything you hold about my complaint from 2024."
    # The requester can be found by their blind indexes (discovery starts from them).
    assert people.find_subjects(
        session, register="mopac", kind="email", value="ADA@example.org"
    ) == [row.subject_id]


def test_identity_confirmed_on_arrival_starts_the_clock_that_day(session: Session) -> None:
    made = requests.log_request(
        session, actor=officer(), data=body(received_on="2026-09-03", identity_verified=True)
    )
    assert made.clock.started_on == date(2026, 9, 3)
    assert made.clock.due == date(2026, 10, 5)  # 3 October 2026 is a Saturday
    assert made.clock.steps[-1] == "The response is due by Monday 5 October 2026."


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"rights": []}, "rights"),
        ({"rights": ["access", "access"]}, "rights"),
        ({"rights": ["telepathy"]}, "rights"),
        ({"requester": {"given_name": "Ada", "family_name": "L"}}, "requester"),
        ({"received_on": "2099-01-01"}, "received_on"),
        ({"channel": "pigeon"}, "channel"),
        (
            {
                "representative": {
                    "given_name": "Sam",
                    "family_name": "Solicitor",
                    "email": "sam@law.example",
                }
            },
            "representative",
        ),
    ],
)
def test_malformed_requests_name_the_field(changes: dict[str, Any], field: str) -> None:
    from pydantic import ValidationError

    with pytest.raises(ValidationError) as caught:
        body(**changes)
    assert {str(e["loc"][0]) for e in caught.value.errors()} == {field}


def test_a_register_without_rights_requests_or_an_unknown_service_is_refused(
    session: Session,
) -> None:
    with pytest.raises(Invalid) as caught:
        requests.log_request(session, actor=officer(), data=body(register="nowhere"))
    assert caught.value.field == "register"
    with pytest.raises(Invalid) as caught:
        requests.log_request(session, actor=officer(), data=body(service="bakery"))
    assert caught.value.field == "service"
    assert session.scalars(select(RightsRequest)).all() == []


def test_a_representative_needs_their_authority_confirmed_before_anything_is_sent(
    session: Session,
) -> None:
    who = officer()
    made = requests.log_request(
        session,
        actor=who,
        data=body(
            identity_verified=True,
            representative={
                "given_name": "Sam",
                "family_name": "Patel",
                "email": "sam@law.example",
                "authority": "solicitor",
                "organisation": "Patel & Co",
            },
        ),
    )
    assert made.clock.waiting_for == ["authority"]
    row = session.get(RightsRequest, made.id)
    assert row is not None
    assert row.representative_id not in (None, row.subject_id)
    with pytest.raises(Conflict, match="authority"):
        event(session, who, made.id, Kind.RESPONDED, date(2026, 9, 3))
    # Without authority the request is refused, with its reason, and only then answered.
    refused = event(session, who, made.id, Kind.REFUSED, date(2026, 9, 3), reason="no-authority")
    assert any("no authority" in step for step in refused.clock.steps)
    event(session, who, made.id, Kind.RESPONDED, date(2026, 9, 3))
    closed = event(session, who, made.id, Kind.CLOSED, date(2026, 9, 3))
    assert closed.status == "closed"
    assert closed.outcome == "refused"
    assert closed.retention_due is not None
    assert closed.retention_due.year == 2028


def test_an_unverified_requester_never_receives_data(session: Session) -> None:
    who = officer()
    made = requests.log_request(session, actor=who, data=body())
    with pytest.raises(Conflict, match="identity"):
        event(session, who, made.id, Kind.RESPONDED, date(2026, 9, 3))
    kinds = session.scalars(
        select(RightsRequestEvent.kind).where(RightsRequestEvent.request_id == made.id)
    ).all()
    assert kinds == ["received"]


@pytest.mark.parametrize(
    ("kind", "kw", "error", "field"),
    [
        (Kind.RECEIVED, {}, Invalid, "kind"),
        (Kind.EXTENSION_DECIDED, {}, Invalid, "reason"),
        (Kind.EXTENSION_DECIDED, {"reason": "bored"}, Invalid, "reason"),
        (Kind.IDENTITY_VERIFIED, {"reason": "complex"}, Invalid, "reason"),
        (Kind.FORWARDED, {}, Invalid, "partner"),
        (Kind.FORWARDED, {"partner": "nobody"}, Invalid, "partner"),
        (Kind.AUTHORITY_VERIFIED, {}, Invalid, "kind"),
        (Kind.CLARIFICATION_ANSWERED, {}, Conflict, "kind"),
        (Kind.FEE_RECEIVED, {}, Conflict, "kind"),
        (Kind.EXTENSION_NOTIFIED, {}, Conflict, "kind"),
        (Kind.CLOSED, {}, Conflict, "kind"),
    ],
)
def test_events_that_do_not_fit_are_refused_naming_the_field(
    session: Session, kind: Kind, kw: dict[str, Any], error: type[Exception], field: str
) -> None:
    who = officer()
    made = requests.log_request(session, actor=who, data=body(identity_verified=True))
    with pytest.raises(error) as caught:
        event(session, who, made.id, kind, date(2026, 9, 3), **kw)
    assert getattr(caught.value, "field", None) == field
    assert len(requests.get_request(session, actor=who, request_id=made.id).events) == 2


def test_an_event_before_receipt_or_in_the_future_is_refused(session: Session) -> None:
    who = officer()
    made = requests.log_request(session, actor=who, data=body(received_on="2026-09-02"))
    with pytest.raises(Invalid) as caught:
        event(session, who, made.id, Kind.IDENTITY_VERIFIED, date(2026, 9, 1))
    assert caught.value.field == "on"
    from pydantic import ValidationError

    with pytest.raises(ValidationError):
        EventIn(kind=Kind.IDENTITY_VERIFIED, on=date(2026, 9, 4))


def test_an_extension_after_the_first_month_is_refused(session: Session) -> None:
    who = officer()
    made = requests.log_request(
        session, actor=who, data=body(received_on="2026-08-03", identity_verified=True)
    )
    assert made.clock.extension_notice_deadline == date(2026, 9, 3)
    event(session, who, made.id, Kind.EXTENSION_DECIDED, date(2026, 9, 1), reason="complex")
    with time_machine.travel(datetime(2026, 9, 4, 9, tzinfo=UTC), tick=False):
        with pytest.raises(Invalid, match="had to be told by 2026-09-03"):
            event(session, who, made.id, Kind.EXTENSION_NOTIFIED, date(2026, 9, 4))
        told = event(session, who, made.id, Kind.EXTENSION_NOTIFIED, date(2026, 9, 3))
    assert told.clock.extended
    assert told.clock.due == date(2026, 11, 3)


def test_notes_are_sealed_and_shown_to_the_team(session: Session) -> None:
    who = officer()
    made = requests.log_request(session, actor=who, data=body(identity_verified=True))
    out = event(
        session, who, made.id, Kind.CLARIFICATION_ASKED, date(2026, 9, 3), note="Which years?"
    )
    assert out.events[-1].note == "Which years?"
    stored = session.scalars(
        select(RightsRequestEvent.note).where(RightsRequestEvent.kind == "clarification-asked")
    ).one()
    assert stored is not None
    assert b"Which years" not in stored


def test_other_organisations_and_roles_without_the_permission_cannot_see_a_request(
    session: Session,
) -> None:
    made = requests.log_request(session, actor=officer(), data=body())
    analyst = actor("mopac", "analyst")
    with pytest.raises((AccessDenied, NotFound)):
        requests.get_request(session, actor=analyst, request_id=made.id)
    with pytest.raises(NotFound):
        requests.get_request(session, actor=officer(), request_id=uuid.uuid4())
    refused = session.scalars(
        select(AuditEntry).where(AuditEntry.outcome != "allowed", AuditEntry.actor_id == analyst.id)
    ).all()
    assert refused


def test_the_queue_sorts_overdue_first_and_flags_missing_identity(session: Session) -> None:
    who = officer()
    with time_machine.travel(datetime(2026, 7, 1, 9, tzinfo=UTC), tick=False):
        late = requests.log_request(session, actor=who, data=body(identity_verified=True))
    with time_machine.travel(datetime(2026, 8, 20, 9, tzinfo=UTC), tick=False):
        waiting = requests.log_request(session, actor=who, data=body())
    due = requests.log_request(session, actor=who, data=body(identity_verified=True))
    paused = requests.log_request(session, actor=who, data=body(identity_verified=True))
    event(session, who, paused.id, Kind.CLARIFICATION_ASKED, date(2026, 9, 3))
    fresh = requests.log_request(session, actor=who, data=body())
    found = requests.queue(session, actor=who, register="mopac")
    states = {i.id: i.state for i in found}
    assert states == {
        late.id: "overdue",
        due.id: "due",
        paused.id: "paused",
        waiting.id: "identity",
        fresh.id: "identity",
    }
    assert [i.id for i in found][:2] == [late.id, due.id]
    reminders = {i.id: i.reminder for i in found}
    assert reminders[waiting.id] is True
    assert reminders[fresh.id] is False
    only = requests.queue(session, actor=who, register="mopac", state="paused")
    assert [i.id for i in only] == [paused.id]
    # Another team's officer does not see this team's requests; the DPO sees the organisation's.
    assert (
        requests.queue(
            session, actor=actor("mopac", "information-rights-officer"), register="mopac"
        )
        == []
    )
    assert len(requests.queue(session, actor=actor("mopac", "dpo"), register="mopac")) == 5
