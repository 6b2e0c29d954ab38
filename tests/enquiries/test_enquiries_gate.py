"""Enquiries at the depth of the gate: the public contact form stores a sealed web enquiry
for the lead provider, listed only to that organisation's intake team and its DPO; readers
see only the categories the purpose allows; refused writes are audited and leave nothing."""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from accord.accounts.deps import current_actor
from accord.cases.errors import Conflict, InvalidInput, NotFound
from accord.consent.ledger import ConsentState, current_state
from accord.enquiries import service
from accord.enquiries.models import Enquiry
from accord.enquiries.schemas import EnquiryIn, EnquiryOut
from accord.gate.types import AccessDenied, Actor, ReasonCode
from accord.people.models import Subject
from accord.settings import Settings
from factories.actors import actor
from factories.audit import refusals
from factories.registers import register, shipped, using

MESSAGE = "Do you support witnesses of a burglary?"


@pytest.fixture
def settings(settings: Settings) -> Settings:
    """The shared settings, serving the public forms for the lvws register."""
    return settings.model_copy(update={"public_register": "lvws"})


@pytest.fixture
def browser(app: FastAPI) -> Iterator[TestClient]:
    """A browser on this machine over http (the anonymous CSRF cookie is not Secure there)."""
    with TestClient(app, base_url="http://localhost") as client:
        yield client


def _counts(session: Session) -> tuple[int, int]:
    return tuple(  # type: ignore[return-value]
        int(session.scalar(select(func.count()).select_from(m)) or 0) for m in (Enquiry, Subject)
    )


def _post_contact(browser: TestClient, **fields: str) -> None:
    page = browser.get("/contact-us").text
    token = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert token is not None
    sent = browser.post(
        "/contact-us",
        data={
            "csrf_token": token.group(1),
            "name": "Jo Bloggs",
            "email": "jo@example.org",
            "message": MESSAGE,
        }
        | fields,
    )
    assert sent.status_code == 200, sent.text


def _manager(organisation: str = "victim-support") -> Actor:
    return actor("lvws", "team-manager", organisation, teams=("intake",))


def _phone_enquiry(session: Session, worker: Actor) -> EnquiryOut:
    return service.record_enquiry(
        session,
        actor=worker,
        data=EnquiryIn(register_id="lvws", channel="phone", name="Lee", message=MESSAGE),
    )


def _listed(session: Session, who: Actor) -> list[uuid.UUID]:
    return [e.id for e in service.list_enquiries(session, actor=who, register="lvws").items]


def test_the_public_form_stores_a_sealed_enquiry_listed_only_to_the_lead_providers_intake(
    browser: TestClient, session: Session
) -> None:
    _post_contact(browser, updates="yes")
    row = session.scalars(select(Enquiry)).one()
    assert (row.organisation, row.team, row.assigned_user) == ("victim-support", "intake", None)
    assert (row.record_type, row.channel) == ("web-enquiry", "web")
    assert b"Jo Bloggs" not in row.content
    assert b"burglary" not in row.content
    assert current_state(session, subject_id=row.subject_id, purpose="updates") is (
        ConsentState.GIVEN
    )

    assert _listed(session, _manager()) == [row.id]
    assert _listed(session, actor("lvws", "dpo", "victim-support")) == [row.id]
    assert _listed(session, actor("lvws", "caseworker", "victim-support")) == []
    assert _listed(session, _manager("catch22")) == []
    read = service.get_enquiry(session, actor=_manager(), enquiry_id=row.id)
    assert read.content == {"name": "Jo Bloggs", "email": "jo@example.org", "message": MESSAGE}


def test_another_organisation_is_told_not_found_and_the_refusal_is_audited(
    session: Session,
) -> None:
    worker = actor("lvws", "caseworker", "victim-support")
    made = _phone_enquiry(session, worker)
    outsider = _manager("catch22")
    with pytest.raises(NotFound):
        service.get_enquiry(session, actor=outsider, enquiry_id=made.id)
    with pytest.raises(NotFound):
        service.close_enquiry(session, actor=outsider, enquiry_id=made.id)
    assert refusals(session, outsider) == [
        ("read", "phone-enquiry", "not-shared-with-organisation"),
        ("update", "phone-enquiry", "not-shared-with-organisation"),
    ]
    assert session.get_one(Enquiry, made.id).status == "open"


def test_a_caseworker_reads_only_the_enquiries_they_took(session: Session) -> None:
    mine = actor("lvws", "caseworker", "victim-support")
    colleague = actor("lvws", "caseworker", "victim-support")
    made = _phone_enquiry(session, mine)
    assert _listed(session, mine) == [made.id]
    assert _listed(session, colleague) == []
    with pytest.raises(AccessDenied) as refused:
        service.get_enquiry(session, actor=colleague, enquiry_id=made.id)
    assert refused.value.decision.reason is ReasonCode.OUTSIDE_CASELOAD
    assert refusals(session, colleague) == [("read", "phone-enquiry", "outside-caseload")]


def test_a_reader_sees_only_the_categories_the_purpose_allows(session: Session) -> None:
    worker = actor("lvws", "caseworker", "victim-support")
    made = service.record_enquiry(
        session,
        actor=worker,
        data=EnquiryIn(
            register_id="lvws",
            channel="email",
            name="Lee",
            email="lee@example.org",
            message=MESSAGE,
        ),
    )
    categories = next(p for p in shipped("lvws").purposes if p.id == "enquiries").categories
    narrower = register(
        "lvws",
        purposes={"enquiries": {"categories": [c for c in categories if c != "contact-details"]}},
    )
    with using(narrower):
        read = service.get_enquiry(session, actor=worker, enquiry_id=made.id)
    assert read.content == {"name": "Lee", "message": MESSAGE}


def test_a_role_that_only_refers_cannot_record_an_enquiry(session: Session) -> None:
    police = actor("lvws", "police-referrer", "metropolitan-police", kind="token")
    before = _counts(session)
    with pytest.raises(AccessDenied) as refused:
        _phone_enquiry(session, police)
    assert refused.value.decision.reason is ReasonCode.NO_PERMISSION
    assert refusals(session, police) == [("create", "phone-enquiry", "no-permission")]
    assert _counts(session) == before


def test_a_channel_the_register_does_not_keep_is_refused_naming_the_field(
    session: Session,
) -> None:
    without_chat = register("lvws", record_types={"live-chat": None})
    worker = actor("lvws", "caseworker", "victim-support")
    before = _counts(session)
    with using(without_chat), pytest.raises(InvalidInput) as refused:
        service.record_enquiry(
            session,
            actor=worker,
            data=EnquiryIn(register_id="lvws", channel="live-chat", name="Lee", message="hi"),
        )
    assert refused.value.field == "channel"
    with pytest.raises(InvalidInput) as unknown:
        service.record_enquiry(
            session,
            actor=worker,
            data=EnquiryIn(
                register_id="lvws", channel="phone", name="Lee", message="hi", organisation="acme"
            ),
        )
    assert unknown.value.field == "organisation"
    assert _counts(session) == before


def test_closing_is_once_and_only_for_those_who_may_update(
    app: FastAPI, client: TestClient, session: Session
) -> None:
    worker = actor("lvws", "caseworker", "victim-support")
    made = _phone_enquiry(session, worker)
    session.commit()
    app.dependency_overrides[current_actor] = lambda: actor("lvws", "dpo", "victim-support")
    assert client.get(f"/api/enquiries/{made.id}").status_code == 200
    assert client.post(f"/api/enquiries/{made.id}/closure").status_code == 403
    app.dependency_overrides[current_actor] = lambda: worker
    assert client.post(f"/api/enquiries/{made.id}/closure").json()["status"] == "closed"
    again = client.post(f"/api/enquiries/{made.id}/closure")
    assert again.status_code == 409, again.text
    with pytest.raises(Conflict):
        service.close_enquiry(session, actor=worker, enquiry_id=made.id)


def test_the_list_pages_newest_first_and_filters_by_channel(session: Session) -> None:
    worker = actor("lvws", "caseworker", "victim-support")
    made = [
        service.record_enquiry(
            session,
            actor=worker,
            data=EnquiryIn(register_id="lvws", channel=channel, name="Lee", message=MESSAGE),
        )
        for channel in ("phone", "live-chat", "phone")
    ]
    page = service.list_enquiries(session, actor=worker, register="lvws", limit=2)
    assert (page.total, len(page.items)) == (3, 2)
    assert all(item.content is None for item in page.items)  # a list opens nothing
    phones = service.list_enquiries(session, actor=worker, register="lvws", channel="phone")
    assert {e.id for e in phones.items} == {made[0].id, made[2].id}


def test_over_http_another_organisation_neither_lists_nor_reads(
    app: FastAPI, client: TestClient, session: Session
) -> None:
    worker = actor("lvws", "caseworker", "victim-support")
    made = _phone_enquiry(session, worker)
    session.commit()
    app.dependency_overrides[current_actor] = lambda: _manager("catch22")
    assert client.get("/api/enquiries").json()["total"] == 0
    hidden = client.get(f"/api/enquiries/{made.id}")
    assert hidden.status_code == 404
    assert "Lee" not in hidden.text
    app.dependency_overrides[current_actor] = lambda: actor("lvws", "dpo", "victim-support")
    listed = client.get("/api/enquiries").json()
    assert [i["id"] for i in listed["items"]] == [str(made.id)]
    assert listed["items"][0]["content"] is None
