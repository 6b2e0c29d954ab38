"""Identifying priority lists: a person decides about each listed person before anyone acts;
lists expire, reach only their named recipients, hold references (a removal reaches every
copy), record every download with who, and are kept and disposed of by retention."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pyarrow as pa  # type: ignore[import-untyped]
import pytest
from sqlalchemy.orm import Session

from accord.analytics.duckdb_engine import DuckDBEngine
from accord.analytics.tables import TableSpec
from accord.errors import Conflict, Gone, Invalid
from accord.gate.types import AccessDenied, Actor
from accord.linkage.models import LinkageRun, PersonId
from accord.register.registry import current_registry
from accord.register.report_checks import check_reports
from accord.reports import priority
from accord.reports.priority_models import PriorityEntry, PriorityList
from accord.retention import stores
from accord.store.base import utcnow
from factories import actors

from .conftest import analyst, approve_all

pytestmark = pytest.mark.store

REPORT = "priority-support"


def _load(engine: DuckDBEngine, partner: str, dataset: str, rows: Sequence[dict[str, Any]]) -> None:
    tvt = current_registry().get("tvt")
    contract = next(c for c in tvt.feeds if c.partner == partner and c.dataset == dataset)
    spec = TableSpec.from_contract(contract)
    columns: dict[str, list[Any]] = {name: [] for name in spec.column_names}
    for row in rows:
        full = {"_row_digest": uuid.uuid4().hex, **row}
        for name in spec.column_names:
            columns[name].append(full.get(name))
    engine.apply(spec, pa.table(columns, schema=spec.arrow_schema()), snapshot=True)


def _people(session: Session, engine: DuckDBEngine) -> None:
    """p1: a knife crime and exploitation known to Oxfordshire social care (two partners);
    p2: one weapons crime with a knife (two factors, one record); p3: a robbery; p4:
    exploitation only."""
    crime = {"event_date": date(2025, 3, 1), "involvement": "victim", "lsoa": "E01000001"}
    _load(
        engine,
        "thames-valley-police",
        "crime-events",
        [
            {"record_id": "c1", **crime, "offence_group": "robbery", "knife_involved": True},
            {
                "record_id": "c2",
                **crime,
                "offence_group": "possession-of-weapons",
                "knife_involved": True,
            },
            {"record_id": "c3", **crime, "offence_group": "robbery", "knife_involved": False},
        ],
    )
    care = {"referral_date": date(2025, 2, 1), "service": "child-in-need", "lsoa": "E01000001"}
    _load(
        engine,
        "oxfordshire-cc",
        "social-care",
        [
            {"record_id": "s1", **care, "risk_factor": "exploitation"},
            {"record_id": "s4", **care, "risk_factor": "exploitation"},
        ],
    )
    run = LinkageRun(kind="full", engine="duckdb", started_by="test", config={})
    session.add(run)
    session.flush()
    for record, person in (("c1", "p1"), ("s1", "p1"), ("c2", "p2"), ("c3", "p3"), ("s4", "p4")):
        session.add(PersonId(record_id=record, person_id=person, run_id=run.id, fingerprint="x"))
    session.flush()


def _recipient(org: str = "oxfordshire-cc") -> Actor:
    return actors.actor("tvt", "priority-support-recipient", org)


@pytest.fixture
def produced(session: Session, analytics: DuckDBEngine) -> PriorityList:
    _people(session, analytics)
    approve_all(session, "tvt", REPORT)
    return priority.produce(
        session,
        actor=analyst(),
        register="tvt",
        report_id=REPORT,
        engine=analytics,
        recipients=["oxfordshire-cc"],
    )


def test_the_list_names_people_with_enough_factors_and_why(
    session: Session, produced: PriorityList
) -> None:
    plist, entries = priority.open_list(session, actor=_recipient(), list_id=produced.id)
    found = {e.person: e.factors for e in entries}
    assert found == {"p1": ["knife", "exploitation-oxon"], "p2": ["knife", "weapons"]}
    assert plist.impact_assessment.startswith("TVT data protection impact assessment")
    assert plist.recipients == ["oxfordshire-cc"]
    text = priority.to_csv(plist, entries)
    assert "Involved in a crime or incident where a knife was used" in text
    assert "not decided yet" in text


def test_a_listed_person_cannot_be_acted_on_without_a_human_decision(
    session: Session, produced: PriorityList
) -> None:
    _plist, entries = priority.open_list(session, actor=_recipient(), list_id=produced.id)
    first, second = entries
    worker = _recipient()
    with pytest.raises(Conflict, match="decides before anyone acts"):
        priority.act(session, actor=worker, entry_id=first.id, action="Offer a youth worker")
    with pytest.raises(Conflict, match="someone other than"):
        priority.decide(
            session,
            actor=produced_by(produced),
            entry_id=first.id,
            decision="support",
            reason="Two partners see exploitation risk",
        )
    with pytest.raises(Invalid):
        priority.decide(session, actor=worker, entry_id=first.id, decision="support", reason="ok")
    priority.decide(
        session,
        actor=worker,
        entry_id=first.id,
        decision="support",
        reason="Known to our exploitation team; an offer of support is right",
    )
    done = priority.act(session, actor=worker, entry_id=first.id, action="Offer a youth worker")
    assert done.organisation == "oxfordshire-cc"
    priority.decide(
        session,
        actor=worker,
        entry_id=second.id,
        decision="not-appropriate",
        reason="Already supported by the youth offending service",
    )
    with pytest.raises(Conflict, match="not support"):
        priority.act(session, actor=worker, entry_id=second.id, action="Offer a youth worker")
    with pytest.raises(Conflict, match="already decided"):
        priority.decide(
            session, actor=worker, entry_id=second.id, decision="support", reason="Changed mind now"
        )


def produced_by(plist: PriorityList) -> Actor:
    """The analyst who produced the list (same account)."""
    producer = analyst()
    return Actor(**{**producer.__dict__, "id": plist.produced_by})


def test_an_expired_list_cannot_be_opened(session: Session, produced: PriorityList) -> None:
    produced.expires_at = utcnow() - timedelta(minutes=1)
    session.flush()
    with pytest.raises(Gone):
        priority.open_list(session, actor=_recipient(), list_id=produced.id)
    rows, _ = priority.list_lists(session, actor=_recipient(), register="tvt")
    assert produced.id not in {r.id for r in rows}


def test_only_the_named_recipients_open_it(session: Session, produced: PriorityList) -> None:
    # made for Oxfordshire County Council: Reading's agreed staff do not see it
    with pytest.raises(AccessDenied):
        priority.open_list(session, actor=_recipient("reading-bc"), list_id=produced.id)
    anonymous = actors.actor("tvt", "report-recipient", "oxfordshire-cc")
    with pytest.raises(AccessDenied):
        priority.open_list(session, actor=anonymous, list_id=produced.id)
    with pytest.raises(AccessDenied):
        priority.list_lists(session, actor=anonymous, register="tvt")
    rows, total = priority.list_lists(session, actor=_recipient("reading-bc"), register="tvt")
    assert total == 0
    assert rows == []


def test_recipients_are_named_one_by_one(session: Session, analytics: DuckDBEngine) -> None:
    _people(session, analytics)
    approve_all(session, "tvt", REPORT)
    for wrong in ([], ["thames-valley-pcc-not-a-partner"]):
        with pytest.raises(Invalid):
            priority.produce(
                session,
                actor=analyst(),
                register="tvt",
                report_id=REPORT,
                engine=analytics,
                recipients=wrong,
            )


def test_an_unapproved_definition_produces_no_list(
    session: Session, analytics: DuckDBEngine
) -> None:
    _people(session, analytics)
    with pytest.raises(Conflict, match="not approved"):
        priority.produce(
            session,
            actor=analyst(),
            register="tvt",
            report_id=REPORT,
            engine=analytics,
            recipients=["oxfordshire-cc"],
        )


def test_removing_a_person_reaches_every_copy_and_names_the_downloads(
    session: Session, analytics: DuckDBEngine, produced: PriorityList
) -> None:
    again = priority.produce(
        session,
        actor=analyst(),
        register="tvt",
        report_id=REPORT,
        engine=analytics,
        recipients=["oxfordshire-cc", "reading-bc"],
    )
    priority.open_list(session, actor=_recipient(), list_id=produced.id, download="csv")
    priority.open_list(session, actor=_recipient("reading-bc"), list_id=again.id)
    dpo = actors.actor("tvt", "dpo", "thames-valley-police")
    with pytest.raises(AccessDenied):
        priority.remove_person(
            session, actor=_recipient(), register="tvt", person="p1", reason="Erasure agreed"
        )
    removed, downloads = priority.remove_person(
        session, actor=dpo, register="tvt", person="p1", reason="The person's objection upheld"
    )
    assert removed == 2
    assert [(d.organisation, d.kind, d.format) for d in downloads] == [
        ("oxfordshire-cc", "download", "csv")
    ]
    for plist, who in ((produced, _recipient()), (again, _recipient("reading-bc"))):
        _l, entries = priority.open_list(session, actor=who, list_id=plist.id)
        assert [e.person for e in entries] == ["p2"]
    explained = priority.explain(session, actor=dpo, entry_id=entries[0].id)
    assert "knife" in explained
    assert "No one has decided yet" in explained


def test_retention_keeps_and_disposes_of_lists(session: Session, produced: PriorityList) -> None:
    assert stores.undeclared(current_registry()) == []
    assert produced.retention_due is not None
    assert produced.retention_due.date() >= (produced.produced_at + timedelta(days=180)).date()
    clock = stores.by_name("priority-lists")
    assert "report-identifying" in clock.holds(current_registry().get("tvt"))
    later = produced.retention_due + timedelta(days=1)
    assert produced.id in {r.id for r in clock.due(session, before=later, after=None, limit=10)}
    list_id = produced.id
    assert session.query(PriorityEntry).filter_by(list_id=list_id).count() == 2
    clock.delete(session, [list_id])
    session.expunge_all()
    assert session.query(PriorityList).filter_by(id=list_id).count() == 0
    # its entries go with it
    assert session.query(PriorityEntry).filter_by(list_id=list_id).count() == 0


def test_an_identifying_report_needs_an_impact_assessment() -> None:
    tvt = current_registry().get("tvt")
    report = next(r for r in tvt.reports if r.id == REPORT)
    bare = report.model_copy(update={"priority": None})
    rules = {p.rule for p in check_reports(tvt.model_copy(update={"reports": [bare]}), Path("x"))}
    assert "impact-assessment-required" in rules
    assert report.priority is not None
    bad_factor = report.priority.factors[0].model_copy(update={"field": "forename"})
    wrong = report.model_copy(
        update={"priority": report.priority.model_copy(update={"factors": [bad_factor]})}
    )
    rules = {p.rule for p in check_reports(tvt.model_copy(update={"reports": [wrong]}), Path("x"))}
    assert {"unknown-field", "too-few-factors"} <= rules


def test_no_one_acts_while_the_person_waits_for_a_human_review(
    session: Session, produced: PriorityList
) -> None:
    from accord.people.service import create_subject
    from accord.rights.decision_models import AutomatedReview

    _plist, entries = priority.open_list(session, actor=_recipient(), list_id=produced.id)
    entry = entries[0]
    worker = _recipient()
    priority.decide(
        session,
        actor=worker,
        entry_id=entry.id,
        decision="support",
        reason="Known to our exploitation team; an offer of support is right",
    )
    # the person asked (through the rights team) for a person to review their place on it
    person = create_subject(session, register="tvt", organisation="thames-valley-police")
    review = AutomatedReview(
        subject_id=person.id,
        register="tvt",
        organisation="thames-valley-police",
        kind="priority-list",
        reference=entry.id,
        explanation=b"sealed",
    )
    session.add(review)
    session.flush()
    with pytest.raises(Conflict, match="human review"):
        priority.act(session, actor=worker, entry_id=entry.id, action="Offer a youth worker")
    review.outcome = "confirmed"
    session.flush()
    assert priority.act(session, actor=worker, entry_id=entry.id, action="Offer a youth worker")
