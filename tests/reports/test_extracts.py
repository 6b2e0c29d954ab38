"""Evaluation extracts: only people who consented and have not withdrawn, under pseudonyms no
second extract shares, with k-anonymity on the quasi-identifiers; each row in the disclosure
log."""

from __future__ import annotations

import uuid
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from accord.cases.models import Case
from accord.consent.withdrawal import withdraw
from accord.disclosures.models import DisclosureEntry
from accord.errors import Conflict, Invalid
from accord.gate.types import AccessDenied, Actor
from accord.people.models import SubjectIndex
from accord.register.load import digest
from accord.register.registry import current_registry
from accord.register.report_checks import check_reports
from accord.register.report_schema import QuasiIdentifier, ReportDefinition
from accord.reports import extracts, service
from accord.reports.extracts_anonymity import WITHHELD, anonymise, postcode_part, widen
from accord.reports.models import EvaluationExtract
from factories import actors
from factories.cases import dob_for_age, refer
from factories.consent import consent_statement

pytestmark = pytest.mark.store

REPORT = "mopac-evaluation-extract"
PURPOSE = "evaluation-sharing"


def _dpo() -> Actor:
    return actors.actor("lvws", "dpo", "victim-support")


def _caseworker() -> Actor:
    return actors.actor("lvws", "caseworker", "victim-support")


def _case(
    session: Session, *, age: int, gender: str, name: str, consent: str | None = "given"
) -> Case:
    accepted = refer(
        session,
        person__given_name=name,
        person__family_name="Evans",
        person__date_of_birth=dob_for_age(age),
        person__gender=gender,
        crime__crime_number=f"{uuid.uuid4().int % 10**7:07d}/26",
    )
    case = session.get(Case, accepted.case_id)
    assert case is not None
    # the person engaged, as a recorded contact would make it
    case.status, case.record_type, case.service = "engaged", "case", "adult-and-da"
    case.organisation = "victim-support"
    session.flush()
    if consent is not None:
        consent_statement(
            session,
            actor=_caseworker(),
            subject_id=case.subject_id,
            register="lvws",
            purpose=PURPOSE,
            state=consent,
        )
    return case


def _population(session: Session, n: int = 12) -> list[Case]:
    """n women in their thirties and n men in their forties who consented, and one refusal."""
    cases = [_case(session, age=30 + i % 5, gender="female", name=f"Ann{i}") for i in range(n)]
    cases += [_case(session, age=40 + i % 5, gender="male", name=f"Bob{i}") for i in range(n)]
    _case(session, age=33, gender="female", name="Refuser", consent="refused")
    return cases


def _withdraw(session: Session, case: Case) -> None:
    withdraw(
        session,
        actor=_caseworker(),
        subject_id=case.subject_id,
        register="lvws",
        controller="victim-support",
        purpose=PURPOSE,
        channel="phone",
        notice_digest=digest(current_registry().get("lvws")),
    )


def test_a_person_who_withdraws_is_in_no_later_extract(session: Session) -> None:
    cases = _population(session)
    first = extracts.run_extract(session, actor=_dpo(), register="lvws", report_id=REPORT)
    assert first.record.rows == 24  # the one who refused is not among them
    leaving = cases[0]
    key = bytes.fromhex(first.key)
    leaving_pseudonym = extracts.pseudonym(key, _person(session, leaving))
    assert leaving_pseudonym in {r[0] for r in first.rows}

    _withdraw(session, leaving)
    second = extracts.run_extract(session, actor=_dpo(), register="lvws", report_id=REPORT)
    assert second.record.withdrawn == 1
    assert second.record.rows == 23
    # the evaluator, holding the second key, finds no row of the person who withdrew
    again = extracts.pseudonym(bytes.fromhex(second.key), _person(session, leaving))
    assert again not in {r[0] for r in second.rows}
    logged = session.scalars(
        select(DisclosureEntry).where(DisclosureEntry.subject_id == leaving.subject_id)
    ).all()
    assert len(logged) == 1  # the first extract only
    assert logged[0].method == "extract"
    assert logged[0].recipient == "mopac-evaluation"
    assert logged[0].with_consent


def _person(session: Session, case: Case) -> str:
    """What the pseudonym is made from: the keyed name-and-date-of-birth index (the register
    links the providers' records of one person)."""
    index = session.scalar(
        select(SubjectIndex.digest).where(
            SubjectIndex.subject_id == case.subject_id, SubjectIndex.kind == "name_dob"
        )
    )
    assert index is not None
    return "name_dob:" + index.hex()


def test_two_extracts_cannot_be_joined_on_their_pseudonyms(session: Session) -> None:
    _population(session)
    one = extracts.run_extract(session, actor=_dpo(), register="lvws", report_id=REPORT)
    two = extracts.run_extract(session, actor=_dpo(), register="lvws", report_id=REPORT)
    assert one.key != two.key
    assert len(one.rows) == len(two.rows) == 24
    assert not {r[0] for r in one.rows} & {r[0] for r in two.rows}
    # only the fingerprint of each key is kept, never the key or the rows
    kept = session.scalars(select(EvaluationExtract)).all()
    assert {k.key_fingerprint for k in kept} == {
        extracts.fingerprint(bytes.fromhex(one.key)),
        extracts.fingerprint(bytes.fromhex(two.key)),
    }
    assert all(one.key not in str(vars(k)) for k in kept)


def test_k_holds_on_the_quasi_identifiers_and_nothing_identifying_leaves(session: Session) -> None:
    _population(session)
    _case(session, age=81, gender="female", name="Edna")  # alone in her age band
    result = extracts.run_extract(session, actor=_dpo(), register="lvws", report_id=REPORT)
    columns = result.columns
    assert columns[:3] == ["pseudonym", "age", "gender"]
    at = {c: i for i, c in enumerate(columns)}
    groups = Counter((r[at["age"]], r[at["gender"]]) for r in result.rows)
    assert groups
    assert min(groups.values()) >= 5
    assert result.record.withheld == 1  # the one person no level kept with four others
    text = extracts.to_csv(result)
    for identifying in ("Evans", "Ann0", "Edna", "SE5", "1234567", dob_for_age(81)):
        assert identifying not in text
    assert all(isinstance(r[at["age"]], str) for r in result.rows)  # bands, never ages


def test_an_unapproved_or_unpermitted_extract_does_not_run(session: Session) -> None:
    _population(session, 3)
    with pytest.raises(AccessDenied):
        extracts.run_extract(session, actor=_caseworker(), register="lvws", report_id=REPORT)
    with pytest.raises(Invalid):
        extracts.run_extract(
            session, actor=_dpo(), register="lvws", report_id=REPORT, recipient="mopac-statistics"
        )
    with pytest.raises(Invalid):
        extracts.run_extract(
            session, actor=_dpo(), register="lvws", report_id="mopac-monitoring-return"
        )


def test_a_joint_controllers_extract_needs_every_partners_approval(session: Session) -> None:
    reg = current_registry().get("lvws")
    report = next(r for r in reg.reports if r.id == REPORT)
    state = service.ReportState(report, "x" * 64, ["victim-support", "catch22"], ["catch22"])
    assert not state.approved
    assert state.awaiting == ["victim-support"]


def _definition(**extract: Any) -> ReportDefinition:
    base: dict[str, Any] = {
        "id": "x",
        "name": "X",
        "purpose": PURPOSE,
        "source": "casework",
        "record_types": ["case"],
        "kind": "extract",
        "recipients": ["mopac-evaluation"],
        "roles": ["dpo"],
        "extract": {"fields": ["service"], "quasi_identifiers": [{"field": "gender"}], **extract},
    }
    return ReportDefinition.model_validate(base)


@pytest.mark.parametrize(
    ("change", "rule"),
    [
        ({"fields": ["name"]}, "unknown-field"),
        ({"quasi_identifiers": [{"field": "age"}]}, "bands-required"),
        ({"quasi_identifiers": [{"field": "area"}]}, "postcode-levels-required"),
        ({"quasi_identifiers": [{"field": "gender", "bands": [[18]]}]}, "levels-do-not-fit"),
        ({"quasi_identifiers": []}, "no-quasi-identifier"),
    ],
)
def test_a_bad_extract_definition_is_refused(change: dict[str, Any], rule: str) -> None:
    reg = current_registry().get("lvws")
    bad = reg.model_copy(update={"reports": [_definition(**change)]})
    assert rule in {p.rule for p in check_reports(bad, Path("lvws.yaml"))}


def test_an_extract_rests_on_consent_and_links_only_where_the_register_allows() -> None:
    reg = current_registry().get("lvws")
    assert check_reports(reg.model_copy(update={"reports": [_definition()]}), Path("x")) == []
    anonymous = _definition().model_copy(update={"purpose": "anonymous-statistics"})
    rules = {
        p.rule for p in check_reports(reg.model_copy(update={"reports": [anonymous]}), Path("x"))
    }
    assert "extract-needs-consent" in rules


def test_generalisation_widens_the_most_varied_field_then_withholds() -> None:
    age = QuasiIdentifier(field="age", bands=[[20, 30, 40], [30]])
    area = QuasiIdentifier(field="area", postcode=["sector", "district", "area"])
    rows = [{"age": 21 + i % 8, "area": f"SE{1 + i % 2} {i % 3}AA"} for i in range(10)]
    rows.append({"age": 90, "area": "N1 1AA"})
    out = anonymise(rows, list(range(len(rows))), [age, area], k=5, max_suppressed=0.1)
    kept = Counter((r["age"], r["area"]) for r in out.rows)
    assert min(kept.values()) >= 5
    assert out.withheld == 1
    assert len(out.rows) == 10
    # the areas vary most: widened to districts (SE1, SE2), which keeps five together
    assert out.levels == {"age": 0, "area": 1}
    assert postcode_part("sw1a 1aa", "sector") == "SW1A 1"
    assert postcode_part("SW1A1AA", "district") == "SW1A"
    assert postcode_part("N1 9GU", "area") == "N"
    assert postcode_part("not a postcode", "area") == "not known"
    assert widen(45, age, 2) == WITHHELD


def test_people_not_rows_are_counted() -> None:
    gender = QuasiIdentifier(field="gender")
    rows = [{"gender": "female"} for _ in range(6)]
    same_person = anonymise(rows, ["p1"] * 6, [gender], k=2, max_suppressed=0)
    assert same_person.rows == []
    assert same_person.withheld == 6
    different = anonymise(rows, [f"p{i}" for i in range(6)], [gender], k=2, max_suppressed=0)
    assert len(different.rows) == 6
    assert different.smallest == 6


def test_extracts_made_are_listed_for_their_makers_only(session: Session) -> None:
    _population(session, 5)
    made = extracts.run_extract(session, actor=_dpo(), register="lvws", report_id=REPORT)
    rows, total = extracts.list_extracts(session, actor=_dpo(), register="lvws")
    assert total == 1
    assert rows[0].id == made.record.id
    assert extracts.get_extract(session, actor=_dpo(), extract_id=made.record.id).rows == 10
    with pytest.raises(AccessDenied):
        extracts.list_extracts(
            session, actor=actors.actor("lvws", "commissioner", "mopac"), register="lvws"
        )
    with pytest.raises(AccessDenied):
        extracts.get_extract(
            session, actor=actors.actor("lvws", "dpo", "catch22"), extract_id=made.record.id
        )


def test_conflict_is_raised_for_an_unapproved_definition(
    session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = service.state

    def awaiting(session: Session, register: Any, report: Any) -> service.ReportState:
        got = real(session, register, report)
        return service.ReportState(got.report, got.definition_hash, ["victim-support"], [])

    monkeypatch.setattr(service, "state", awaiting)
    with pytest.raises(Conflict):
        extracts.run_extract(session, actor=_dpo(), register="lvws", report_id=REPORT)
