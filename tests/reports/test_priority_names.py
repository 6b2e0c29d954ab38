"""An identifying priority list names the people on it (name, date of birth, address), read
from the partners' records at each opening through one gate decision, for its approved
recipients only; a removed person is never shown."""

from __future__ import annotations

import csv
import io
import uuid
from collections.abc import Iterator
from datetime import date

import pandas as pd
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from accord.accounts.deps import current_actor
from accord.analytics.duckdb_engine import DuckDBEngine
from accord.feeds import identifiers
from accord.gate.models import AuditEntry
from accord.gate.types import AccessDenied, Actor
from accord.linkage.models import LinkageRun, PersonId
from accord.register.registry import Registry
from accord.reports import priority
from accord.reports.priority_models import PriorityList
from accord.settings import Settings
from factories import actors
from factories.registers import register, using

from .conftest import analyst, approve_all
from .test_priority import REPORT, _load

pytestmark = pytest.mark.store

TVP, OCC = "thames-valley-police", "oxfordshire-cc"
BASE = "/api/reports/priority-lists"
IDENTITY_FREE = [
    "partner-reference",
    "crime-involvement",
    "social-care-involvement",
    "fire-prevention",
    "risk-assessment",
]


def _ident(
    record_id: str, partner: str, dataset: str, first: str, surname: str, **kw: object
) -> dict[str, object]:
    return {
        "record_id": record_id, "partner": partner, "dataset": dataset, "first_name": first,
        "surname": surname, "dob": kw.get("dob"), "postcode": kw.get("postcode"),
        "address": kw.get("address"), "phone": None, "email": None,
    }  # fmt: skip


def _produce(session: Session, engine: DuckDBEngine) -> tuple[PriorityList, dict[str, str]]:
    """Amy (a knife crime and exploitation known to Oxfordshire: two records, two partners)
    and Ben (a weapons crime with a knife) are listed; Cal (one robbery) is not."""
    ids = {k: uuid.uuid4().hex for k in ("amy-police", "amy-care", "ben", "cal")}
    crime = {"event_date": date(2025, 3, 1), "involvement": "victim", "lsoa": "E01000001"}
    _load(
        engine,
        TVP,
        "crime-events",
        [
            {"record_id": ids["amy-police"], **crime, "offence_group": "robbery",
             "knife_involved": True},
            {"record_id": ids["ben"], **crime, "offence_group": "possession-of-weapons",
             "knife_involved": True},
            {"record_id": ids["cal"], **crime, "offence_group": "robbery",
             "knife_involved": False},
        ],
    )  # fmt: skip
    care = {"referral_date": date(2025, 2, 1), "service": "child-in-need", "lsoa": "E01000001"}
    _load(
        engine,
        OCC,
        "social-care",
        [{"record_id": ids["amy-care"], **care, "risk_factor": "exploitation"}],
    )
    frame = pd.DataFrame(
        [
            _ident(ids["amy-police"], TVP, "crime-events", "Amy", "Ashe",
                   dob=date(2008, 4, 2), postcode="OX1 1AA"),
            _ident(ids["amy-care"], OCC, "social-care", "Amy", "Ashe",
                   address="1 High Street, Oxford", postcode="OX1 1AA"),
            _ident(ids["ben"], TVP, "crime-events", "Ben", "Bray", dob=date(2007, 9, 30),
                   address="2 Mill Lane, Banbury", postcode="OX16 2BB"),
            _ident(ids["cal"], TVP, "crime-events", "Cal", "Cole", dob=date(2009, 1, 1)),
        ]
    )  # fmt: skip
    identifiers.write_frame(session, frame, register="tvt")
    run = LinkageRun(kind="full", status="finished", engine="duckdb", started_by="test", config={})
    session.add(run)
    session.flush()
    people = {"amy-police": "pa", "amy-care": "pa", "ben": "pb", "cal": "pc"}
    for key, person in people.items():
        session.add(PersonId(record_id=ids[key], person_id=person, run_id=run.id, fingerprint="x"))
    session.flush()
    approve_all(session, "tvt", REPORT)
    plist = priority.produce(
        session,
        actor=analyst(),
        register="tvt",
        report_id=REPORT,
        engine=engine,
        recipients=[OCC],
    )
    return plist, ids


def _recipient(org: str = OCC) -> Actor:
    return actors.actor("tvt", "priority-support-recipient", org)


@pytest.fixture
def shipped() -> Iterator[Registry]:
    with using("tvt") as registry:
        yield registry


def _audits(session: Session, action: str) -> list[AuditEntry]:
    return list(
        session.scalars(
            select(AuditEntry)
            .where(AuditEntry.record_type == "report-identifying", AuditEntry.action == action)
            .order_by(AuditEntry.seq)
        )
    )


@pytest.mark.usefixtures("shipped")
def test_an_approved_recipient_sees_who_each_person_is(
    session: Session, analytics: DuckDBEngine
) -> None:
    plist, _ids = _produce(session, analytics)
    before = len(_audits(session, "read"))
    _l, entries, people = priority.open_named(session, actor=_recipient(), list_id=plist.id)
    assert sorted(e.person for e in entries) == ["pa", "pb"]
    # two records of Amy: the name both hold, the date of birth one holds, the fuller address
    assert people["pa"] == priority.Identity(
        name="Amy Ashe", date_of_birth="2008-04-02", address="1 High Street, Oxford, OX1 1AA"
    )
    assert people["pb"] == priority.Identity(
        name="Ben Bray", date_of_birth="2007-09-30", address="2 Mill Lane, Banbury, OX16 2BB"
    )
    assert "pc" not in people
    # one gate decision for the opening, asking for the categories shown; one entry naming
    # the people shown
    reads = _audits(session, "read")[before:]
    gate = [a for a in reads if a.ref is None]
    assert len(gate) == 1
    assert {"name", "date-of-birth", "address"} <= set(gate[0].categories)
    named = [a for a in reads if a.ref and a.ref.startswith("priority:")]
    assert len(named) == 1
    assert set(named[0].record_ids) == {str(plist.id), *(str(e.id) for e in entries)}
    assert set(named[0].categories) == {"name", "date-of-birth", "address"}
    # nothing of who they are is kept with the list
    assert "Amy" not in repr([e.__dict__ for e in entries])


@pytest.mark.usefixtures("shipped")
def test_the_download_carries_the_names_and_a_removed_person_is_never_shown(
    session: Session, analytics: DuckDBEngine
) -> None:
    plist, _ids = _produce(session, analytics)
    priority.remove_person(
        session,
        actor=actors.actor("tvt", "dpo", TVP),
        register="tvt",
        person="pa",
        reason="The person objected and the objection was upheld.",
    )
    _l, entries, people = priority.open_named(
        session, actor=_recipient(), list_id=plist.id, download="csv"
    )
    rows = list(csv.DictReader(io.StringIO(priority.to_csv(plist, entries, people))))
    assert [(r["name"], r["date of birth"]) for r in rows] == [("Ben Bray", "2007-09-30")]
    assert set(people) == {"pb"}
    downloads = _audits(session, "download")
    assert any(a.ref and "1 of 1 people named" in a.ref for a in downloads)


@pytest.mark.usefixtures("shipped")
def test_an_unapproved_organisation_and_an_anonymous_role_see_no_one(
    session: Session, analytics: DuckDBEngine
) -> None:
    plist, _ids = _produce(session, analytics)
    for who in (_recipient("reading-bc"), actors.actor("tvt", "report-recipient", OCC)):
        with pytest.raises(AccessDenied):
            priority.open_named(session, actor=who, list_id=plist.id)


def test_an_actor_whose_purpose_lacks_the_categories_sees_no_names(
    session: Session, analytics: DuckDBEngine
) -> None:
    narrowed = register("tvt", purposes={"identifying-reports": {"categories": IDENTITY_FREE}})
    with using(narrowed):
        plist, _ids = _produce(session, analytics)
        _l, entries, people = priority.open_named(session, actor=_recipient(), list_id=plist.id)
        text = priority.to_csv(plist, entries, people)
    assert sorted(e.person for e in entries) == ["pa", "pb"]
    assert people == {}
    assert "Amy" not in text
    assert "Ben" not in text


@pytest.mark.usefixtures("shipped")
def test_over_http_the_recipient_sees_names_and_the_download_carries_them(
    app: FastAPI, client: TestClient, session: Session, settings: Settings
) -> None:
    engine = DuckDBEngine(settings.analytics_path)
    try:
        plist, _ids = _produce(session, engine)
    finally:
        engine.close()
    app.dependency_overrides[current_actor] = _recipient
    opened = client.get(f"{BASE}/{plist.id}")
    assert opened.status_code == 200, opened.text
    entries = {e["person"]: e for e in opened.json()["entries"]}
    assert (entries["pb"]["name"], entries["pb"]["date_of_birth"]) == ("Ben Bray", "2007-09-30")
    assert entries["pb"]["address"] == "2 Mill Lane, Banbury, OX16 2BB"
    copy = client.get(f"{BASE}/{plist.id}/download")
    assert copy.status_code == 200
    assert "Amy Ashe" in copy.text
    app.dependency_overrides[current_actor] = lambda: actors.actor("tvt", "report-recipient", OCC)
    refused = client.get(f"{BASE}/{plist.id}")
    assert refused.status_code == 403
    assert "Amy" not in refused.text
