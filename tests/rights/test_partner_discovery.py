"""Finding a Thames Valley Together requester's partner records: by their name and date of
birth or other identifiers, in the datasets the answering partner supplied only, through the
gate; the records linkage joined to them offered too; confirmed ones in their copy."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from datetime import date

import pandas as pd
import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from accord.feeds import identifiers
from accord.gate.models import AuditEntry
from accord.gate.types import Actor
from accord.linkage.models import LinkageRun, PersonId
from accord.register.registry import Registry
from accord.rights import bundle, discovery, requests
from accord.rights.schemas import RequestIn
from factories.actors import actor
from factories.registers import using

pytestmark = pytest.mark.store

TVP, OCC = "thames-valley-police", "oxfordshire-cc"
BORN = date(1990, 6, 23)
JANE = uuid.uuid4().hex  # police record: Jane Doe, with her email
JAYNE = uuid.uuid4().hex  # police record spelt Jayne, joined to Jane's by linkage
JOHN = uuid.uuid4().hex  # police record of another person born the same day
PHONED = uuid.uuid4().hex  # police record with her phone number written another way
CARE = uuid.uuid4().hex  # Oxfordshire's social care record of Jane


@pytest.fixture(autouse=True)
def registers() -> Iterator[Registry]:
    with using("tvt") as registry:
        yield registry


def _row(record_id: str, partner: str, dataset: str, first: str, **kw: object) -> dict[str, object]:
    return {
        "record_id": record_id, "partner": partner, "dataset": dataset, "first_name": first,
        "surname": kw.get("surname", "Doe"), "dob": kw.get("dob", BORN),
        "postcode": kw.get("postcode", "OX1 1AA"), "address": None,
        "phone": kw.get("phone"), "email": kw.get("email"),
    }  # fmt: skip


def _partners(session: Session, ids: dict[str, str] | None = None) -> dict[str, str]:
    """The partners' records (and a linkage run joining Jane's two police records and
    Oxfordshire's), under these record ids (by default the module's)."""
    ids = ids or {"jane": JANE, "jayne": JAYNE, "john": JOHN, "phoned": PHONED, "care": CARE}
    frame = pd.DataFrame(
        [
            _row(ids["jane"], TVP, "crime-events", "Jane", email="Jane.Doe@Example.org"),
            _row(ids["jayne"], TVP, "crime-events", "Jayne"),
            _row(ids["john"], TVP, "crime-events", "John", email="john@example.org"),
            _row(ids["phoned"], TVP, "crime-events", "J", surname="D", dob=None,
                 phone="+44 7700-900123"),
            _row(ids["care"], OCC, "social-care", "Jane"),
        ]
    )  # fmt: skip
    identifiers.write_frame(session, frame, register="tvt")
    run = LinkageRun(kind="full", status="finished", engine="duckdb", started_by="test", config={})
    session.add(run)
    session.flush()
    for key, person in (("jane", "p1"), ("jayne", "p1"), ("john", "p2"), ("care", "p1")):
        session.add(PersonId(record_id=ids[key], person_id=person, run_id=run.id, fingerprint="x"))
    session.flush()
    return ids


def _request(session: Session, dpo: Actor) -> uuid.UUID:
    made = requests.log_request(
        session,
        actor=dpo,
        data=RequestIn.model_validate(
            {
                "register": "tvt",
                "channel": "email",
                "rights": ["access"],
                "requester": {
                    "given_name": "Jane",
                    "family_name": "Doe",
                    "email": "jane.doe@example.org",
                    "date_of_birth": BORN.isoformat(),
                },
                "identity_verified": True,
            }
        ),
    )
    return made.id


GIVEN = {"name_dob": f"Jane Doe|{BORN.isoformat()}", "email": "jane.doe@example.org",
         "phone": "07700 900123", "postcode": "OX1 1AA"}  # fmt: skip


def _partner_found(view: discovery.SearchView) -> dict[str, tuple[str, ...]]:
    return {c.record_id.hex: c.matched_on for c in view.candidates if c.kind == "partner-record"}


def test_a_partners_records_are_found_with_why_and_linked_ones_offered(session: Session) -> None:
    _partners(session)
    dpo = actor("tvt", "dpo", TVP)
    request_id = _request(session, dpo)
    view = discovery.discover(
        session, actor=dpo, register="tvt", identifiers=GIVEN, request_id=request_id
    )
    found = _partner_found(view)
    assert found == {
        JANE: ("email", "name_dob", "postcode"),
        PHONED: ("phone", "postcode"),
        JAYNE: ("linked-person",),
    }
    (jayne,) = [c for c in view.candidates if c.record_id.hex == JAYNE]
    assert "record matching" in jayne.why
    assert jayne.label == "Partner record supplied to TVT"
    assert {c.owner for c in view.candidates if c.kind == "partner-record"} == {TVP}
    listed = session.scalars(
        select(AuditEntry).where(
            AuditEntry.record_type == "partner-record", AuditEntry.actor_id == dpo.id
        )
    ).all()
    assert listed
    assert all(e.outcome == "allowed" for e in listed)


def test_another_partner_finds_only_its_own_and_follows_no_links(session: Session) -> None:
    _partners(session)
    dpo = actor("tvt", "dpo", OCC)
    request_id = _request(session, dpo)
    view = discovery.discover(
        session, actor=dpo, register="tvt", identifiers=GIVEN, request_id=request_id
    )
    assert _partner_found(view) == {CARE: ("name_dob", "postcode")}


def test_a_postcode_alone_finds_no_partner_record(session: Session) -> None:
    _partners(session)
    dpo = actor("tvt", "dpo", TVP)
    request_id = _request(session, dpo)
    view = discovery.discover(
        session, actor=dpo, register="tvt", identifiers={"postcode": "OX1 1AA"},
        subject_ids=[_requester(session, request_id)], request_id=request_id,
    )  # fmt: skip
    assert _partner_found(view) == {}


def _requester(session: Session, request_id: uuid.UUID) -> uuid.UUID:
    from accord.rights.models import RightsRequest

    request = session.get(RightsRequest, request_id)
    assert request is not None
    return request.subject_id


def test_confirmed_partner_records_are_in_the_requesters_copy(session: Session) -> None:
    _partners(session)
    maker, reviewer = actor("tvt", "dpo", TVP), actor("tvt", "dpo", TVP)
    request_id = _request(session, maker)
    view = discovery.discover(
        session, actor=maker, register="tvt", identifiers=GIVEN, request_id=request_id
    )
    wanted = [c.id for c in view.candidates if c.record_id.hex in (JANE, JAYNE)]
    decided = discovery.decide(session, actor=maker, search_id=view.id, confirmed=wanted)
    assert len(decided.confirmed) == 2
    made = bundle.produce(session, actor=maker, search_id=view.id)
    assert made.withholdings == ()
    approved = bundle.approve(session, actor=reviewer, bundle_id=made.id)
    assert approved.status == "approved"
    document = bundle.release(session, actor=reviewer, bundle_id=made.id)
    records = [r for r in document["Your records"] if r["Kind"] == "Record a partner supplied"]
    assert len(records) == 2
    text = json.dumps(records, ensure_ascii=False)
    assert "Jayne" in text
    assert "Jane.Doe@Example.org" in text
    assert "Thames Valley Police" in text
    assert "John" not in json.dumps(document, ensure_ascii=False)
