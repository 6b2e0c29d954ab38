"""A request walks from receipt to closure: identity arrives late, a clarification pauses the
clock, an extension is decided and told in time, and each step moves the due date as the
ICO's rule says. And a Thames Valley Together request forwarded to the partner holding the
data, on its own clock."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from sqlalchemy.orm import Session

from accord.errors import Invalid
from accord.gate.types import Actor
from accord.register.registry import Registry
from accord.rights import requests
from accord.rights.clock import Kind
from accord.rights.schemas import EventIn, RequestIn, RequestOut
from factories.actors import actor
from factories.registers import using

pytestmark = pytest.mark.store


@pytest.fixture(autouse=True)
def registers() -> Iterator[Registry]:
    with using("mopac", "tvt") as registry:
        yield registry


def on_day(
    day: date, session: Session, who: Actor, request_id: uuid.UUID, kind: Kind, **kw: str
) -> RequestOut:
    with time_machine.travel(datetime(day.year, day.month, day.day, 11, tzinfo=UTC), tick=False):
        return requests.record_event(
            session, actor=who, request_id=request_id, data=EventIn(kind=kind, on=day, **kw)
        )


def state(session: Session, who: Actor, register: str, request_id: uuid.UUID, day: date) -> str:
    with time_machine.travel(datetime(day.year, day.month, day.day, 11, tzinfo=UTC), tick=False):
        (item,) = [
            i for i in requests.queue(session, actor=who, register=register) if i.id == request_id
        ]
    return item.state


def test_a_request_with_a_pause_and_an_extension_walks_to_closure(session: Session) -> None:
    who = actor("mopac", "information-rights-officer", teams=["information-rights"])
    with time_machine.travel(datetime(2026, 3, 2, 9, tzinfo=UTC), tick=False):
        made = requests.log_request(
            session,
            actor=who,
            data=RequestIn.model_validate(
                {
                    "register": "mopac",
                    "channel": "letter",
                    "rights": ["access"],
                    "requester": {
                        "given_name": "Grace",
                        "family_name": "Hopper",
                        "address": "1 High Street, London",
                        "postcode": "SW1A 1AA",
                    },
                    "received_on": "2026-03-02",
                }
            ),
        )
    rid = made.id
    assert made.clock.due is None
    assert state(session, who, "mopac", rid, date(2026, 3, 3)) == "identity"

    # Identity arrives on Friday 6 March: one month is Monday 6 April, Easter Monday.
    step = on_day(date(2026, 3, 6), session, who, rid, Kind.IDENTITY_VERIFIED)
    assert step.clock.started_on == date(2026, 3, 6)
    assert step.clock.due == date(2026, 4, 7)
    assert any("Easter Monday" in s for s in step.clock.steps)

    # Clarification asked on 10 March pauses the clock; answered on 17 March: 7 days.
    step = on_day(
        date(2026, 3, 10), session, who, rid, Kind.CLARIFICATION_ASKED, note="Which years?"
    )
    assert step.clock.paused
    assert step.clock.due is None
    assert state(session, who, "mopac", rid, date(2026, 3, 12)) == "paused"
    step = on_day(date(2026, 3, 17), session, who, rid, Kind.CLARIFICATION_ANSWERED)
    assert step.clock.paused_days == 7
    assert step.clock.due == date(2026, 4, 13)  # 6 April + 7 days, a Monday
    assert step.clock.extension_notice_deadline == date(2026, 4, 13)

    # An extension: decided with its reason, told within the first month.
    step = on_day(date(2026, 4, 1), session, who, rid, Kind.EXTENSION_DECIDED, reason="complex")
    assert step.clock.due == date(2026, 4, 13)  # not yet told: the month stands
    step = on_day(date(2026, 4, 2), session, who, rid, Kind.EXTENSION_NOTIFIED)
    assert step.clock.extended
    # Three months from 6 March is 6 June, + 7 paused days is Saturday 13 June: Monday 15th.
    assert step.clock.due == date(2026, 6, 15)
    assert state(session, who, "mopac", rid, date(2026, 5, 1)) == "due"
    assert state(session, who, "mopac", rid, date(2026, 6, 16)) == "overdue"

    step = on_day(date(2026, 6, 10), session, who, rid, Kind.RESPONDED)
    assert step.clock.steps[-1].endswith(", in time.")
    assert state(session, who, "mopac", rid, date(2026, 6, 10)) == "answered"
    closed = on_day(date(2026, 6, 11), session, who, rid, Kind.CLOSED)
    assert closed.status == "closed"
    assert closed.outcome == "answered"
    assert closed.retention_due is not None
    assert closed.retention_due.date() == date(2028, 6, 11)
    assert [e.kind for e in closed.events] == [
        "received",
        "identity-verified",
        "clarification-asked",
        "clarification-answered",
        "extension-decided",
        "extension-notified",
        "responded",
        "closed",
    ]
    with time_machine.travel(datetime(2026, 6, 12, 9, tzinfo=UTC), tick=False):
        assert requests.queue(session, actor=who, register="mopac") == []
        read = requests.get_request(session, actor=who, request_id=rid)
    assert read.events[2].note == "Which years?"
    assert read.clock.due == date(2026, 6, 15)


def test_a_tvt_request_is_forwarded_to_the_partner_holding_the_data(session: Session) -> None:
    dpo = actor("tvt", "dpo", "thames-valley-police")
    with time_machine.travel(datetime(2026, 3, 2, 9, tzinfo=UTC), tick=False):
        made = requests.log_request(
            session,
            actor=dpo,
            data=RequestIn.model_validate(
                {
                    "register": "tvt",
                    "channel": "email",
                    "rights": ["access", "rectification"],
                    "requester": {
                        "given_name": "Alan",
                        "family_name": "Turing",
                        "email": "alan@example.org",
                        "date_of_birth": "1990-06-23",
                    },
                    "identity_verified": True,
                    "description": "My social care records from Reading.",
                }
            ),
        )
    rid = made.id
    with pytest.raises(Invalid) as caught:
        on_day(date(2026, 3, 4), session, dpo, rid, Kind.FORWARDED, partner="ons")
    assert caught.value.field == "partner"
    with pytest.raises(Invalid):
        on_day(date(2026, 3, 4), session, dpo, rid, Kind.FORWARDED, partner="thames-valley-police")
    step = on_day(date(2026, 3, 4), session, dpo, rid, Kind.FORWARDED, partner="reading-bc")
    (partner,) = step.clock.partners
    assert partner.partner_name.startswith("Reading Borough Council")
    assert partner.dpo is not None
    assert partner.dpo["email"] == "dataprotection@reading.gov.uk"
    assert partner.due == date(2026, 4, 7)  # 4 April is a Saturday, 6 April Easter Monday
    assert state(session, dpo, "tvt", rid, date(2026, 3, 20)) == "partner"
    with time_machine.travel(datetime(2026, 4, 8, 9, tzinfo=UTC), tick=False):
        late = requests.get_request(session, actor=dpo, request_id=rid)
    assert late.clock.partners[0].overdue
    step = on_day(
        date(2026, 3, 25), session, dpo, rid, Kind.PARTNER_RESPONDED, partner="reading-bc"
    )
    assert step.clock.partners[0].responded_on == date(2026, 3, 25)
    assert state(session, dpo, "tvt", rid, date(2026, 3, 26)) == "due"
    assert step.clock.due == date(2026, 4, 2)  # the request's own month, from 2 March
    on_day(date(2026, 3, 30), session, dpo, rid, Kind.RESPONDED)
    closed = on_day(date(2026, 3, 30), session, dpo, rid, Kind.CLOSED)
    assert closed.status == "closed"
    assert closed.clock.partners[0].partner == "reading-bc"
    assert date(2026, 3, 30) - closed.clock.partners[0].forwarded_on == timedelta(days=26)
