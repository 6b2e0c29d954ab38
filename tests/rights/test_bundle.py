"""The right of access: a bundle of the confirmed records, reviewed, approved, released."""

from __future__ import annotations

import csv
import io
import json
import uuid
from collections.abc import Iterator
from datetime import date
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from accord.cases.models import Complaint
from accord.errors import Conflict, Gone, Invalid, NotFound, Refused
from accord.gate.models import AuditEntry, AuditEntrySubject
from accord.people import service as people
from accord.register.registry import Registry
from accord.rights import bundle, bundle_render, discovery, requests
from accord.rights.clock import Kind
from accord.rights.schemas import EventIn, RequestIn
from factories.actors import actor
from factories.panels import PERPETRATOR, VICTIM, panel_case, party
from factories.registers import using
from rights.bundle_people import EMAIL, NAME_DOB, PHONE, Known, dpo, known_person

FACTORS: dict[str, Any] = {
    "confidentiality": "Told us in confidence about her neighbour",
    "consent_sought": "Not sought: contacting them would reveal the request",
    "capable_of_consent": True,
    "refused": False,
}
REASON = "Another person's phone number, not the requester's information"
MESSAGE = "Ben Other rang me from 07700 900999 and wrote to ben.other@example.net. Call me."


@pytest.fixture(autouse=True)
def registers() -> Iterator[Registry]:
    with using("lvws", "hounslow") as found:
        yield found


def _confirmed(session: Session, known: Known, reviewer: Any) -> discovery.SearchView:
    view = discovery.discover(
        session,
        actor=reviewer,
        register="lvws",
        identifiers={"name_dob": NAME_DOB, "email": EMAIL, "phone": PHONE},
    )
    return discovery.decide(
        session, actor=reviewer, search_id=view.id, confirmed=[c.id for c in view.candidates]
    )


def _made(session: Session, message: str = MESSAGE) -> tuple[Known, Any, bundle.BundleView]:
    known = known_person(session, message=message)
    maker = dpo(known.owner)
    search = _confirmed(session, known, maker)
    return known, maker, bundle.produce(session, actor=maker, search_id=search.id)


def _text(document: dict[str, Any]) -> str:
    return json.dumps(document, ensure_ascii=False)


def test_a_bundle_is_released_only_after_review_with_third_parties_withheld(
    session: Session,
) -> None:
    known, maker, made = _made(session)
    assert made.status == "draft"
    proposed = {w.what for w in made.withholdings}
    assert proposed == {"a phone number", "an email address"}
    assert all(w.status == "proposed" and w.exemption == "third-party" for w in made.withholdings)
    reviewer = dpo(known.owner)
    with pytest.raises(Conflict, match="2 items"):
        bundle.approve(session, actor=reviewer, bundle_id=made.id)
    with pytest.raises(Conflict, match="only once approved"):
        bundle.release(session, actor=reviewer, bundle_id=made.id)
    for item in made.withholdings:
        bundle.decide_withholding(
            session, actor=reviewer, bundle_id=made.id, withholding_id=item.id,
            decision="withhold", reason=REASON, factors=FACTORS,
        )  # fmt: skip
    with pytest.raises(Refused):
        bundle.approve(session, actor=maker, bundle_id=made.id)
    approved = bundle.approve(session, actor=reviewer, bundle_id=made.id)
    assert approved.status == "approved"
    document = bundle.release(session, actor=reviewer, bundle_id=made.id)
    text = _text(document)
    assert "07700 900999" not in text
    assert "ben.other@example.net" not in text
    assert "Call me." in text
    assert EMAIL in text  # the requester's own details are theirs
    kinds = {r["Kind"] for r in document["Your records"]}
    assert {"Case", "Complaint", "Enquiry", "Consent statement"} <= kinds
    assert {w["Exemption"] for w in document["What we withheld"]} == {
        "Information about other people"
    }
    about = document["About how we use your information"]
    assert about["Why we hold it"]
    assert any(p["Lawful basis"] for p in about["Why we hold it"])
    assert about["How long we keep it"]
    assert {r["Right"] for r in about["Your rights"]} >= {"The right of access"}
    history = document["Who has looked at your information"]
    assert any(h["Organisation"] == known.owner for h in history)
    assert bundle.get_bundle(session, actor=reviewer, bundle_id=made.id).status == "released"


def test_every_format_carries_the_released_bundle(session: Session) -> None:
    known, _, made = _made(session, message="Please call me back.")
    reviewer = dpo(known.owner)
    assert made.withholdings == ()
    bundle.approve(session, actor=reviewer, bundle_id=made.id)
    document = bundle.release(session, actor=reviewer, bundle_id=made.id)
    assert json.loads(bundle_render.as_json(document)) == json.loads(
        json.dumps(document, default=str)
    )
    rows = list(csv.reader(io.StringIO(bundle_render.as_csv(document).decode("utf-8-sig"))))
    assert rows[0] == ["section", "record", "field", "value"]
    assert any(EMAIL in row[3] for row in rows)
    html = bundle_render.as_html(document).decode()
    assert "Your information" in html
    assert EMAIL in html
    pdf = bundle_render.as_pdf(document)
    assert pdf.startswith(b"%PDF")
    again = bundle.released(session, actor=reviewer, bundle_id=made.id)
    assert again["Your records"] == document["Your records"]


def test_each_decision_on_a_withheld_item_is_audited_with_its_exemption(session: Session) -> None:
    known, _, made = _made(session)
    reviewer = dpo(known.owner)
    phone = next(w for w in made.withholdings if w.what == "a phone number")
    decided = bundle.decide_withholding(
        session, actor=reviewer, bundle_id=made.id, withholding_id=phone.id,
        decision="withhold", exemption_code="crime-and-taxation",
        reason="Disclosing it would prejudice an ongoing police investigation",
    )  # fmt: skip
    assert decided.status == "withheld"
    assert decided.exemption_title.startswith("Preventing or detecting crime")
    assert decided.decided_by == reviewer.id
    assert decided.reason == "Disclosing it would prejudice an ongoing police investigation"
    entries = session.scalars(
        select(AuditEntry).where(AuditEntry.ref == "crime-and-taxation")
    ).all()
    assert [(e.action, e.actor_id) for e in entries] == [("withhold", reviewer.id)]
    assert str(phone.id) in entries[0].record_ids
    mail = next(w for w in made.withholdings if w.what == "an email address")
    bundle.decide_withholding(
        session, actor=reviewer, bundle_id=made.id, withholding_id=mail.id,
        decision="disclose", reason="Ben Other agreed in writing that she may see it",
        factors=FACTORS | {"consent_sought": "Asked by letter; he agreed"},
    )  # fmt: skip
    disclosed = session.scalars(
        select(AuditEntry).where(AuditEntry.ref == "third-party", AuditEntry.action == "disclose")
    ).all()
    assert [str(mail.id) in e.record_ids for e in disclosed] == [True]
    bundle.approve(session, actor=reviewer, bundle_id=made.id)
    text = _text(bundle.release(session, actor=reviewer, bundle_id=made.id))
    assert "ben.other@example.net" in text
    assert "07700 900999" not in text


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"reason": "too short"}, "reason"),
        ({"factors": None}, "factors.confidentiality"),
        ({"factors": FACTORS | {"refused": "no"}}, "factors.refused"),
        ({"exemption_code": "national-security-ish"}, "exemption"),
        ({"decision": "maybe"}, "decision"),
    ],
)
def test_a_decision_without_its_grounds_is_refused_naming_the_field(
    session: Session, change: dict[str, Any], field: str
) -> None:
    known, _, made = _made(session)
    reviewer = dpo(known.owner)
    item = made.withholdings[0]
    args: dict[str, Any] = {
        "decision": "withhold", "reason": REASON, "factors": FACTORS, "exemption_code": None,
    } | change  # fmt: skip
    with pytest.raises(Invalid) as refused:
        bundle.decide_withholding(
            session, actor=reviewer, bundle_id=made.id, withholding_id=item.id, **args
        )
    assert refused.value.field == field
    assert bundle.get_bundle(session, actor=reviewer, bundle_id=made.id).undecided == 2


def test_a_reviewer_withholds_a_field_under_legal_privilege(session: Session) -> None:
    known, _, made = _made(session, message="Please call me back.")
    reviewer = dpo(known.owner)
    item = f"complaint:{known.complaint_id}/What you told us/details"
    with pytest.raises(Invalid):
        bundle.withhold_item(
            session, actor=reviewer, bundle_id=made.id, item="complaint:nothing/here",
            exemption_code="legal-professional-privilege", reason=REASON,
        )  # fmt: skip
    withheld = bundle.withhold_item(
        session, actor=reviewer, bundle_id=made.id, item=item,
        exemption_code="legal-professional-privilege",
        reason="Summarises advice from our solicitor on the complaint",
    )  # fmt: skip
    assert withheld.status == "withheld"
    bundle.approve(session, actor=reviewer, bundle_id=made.id)
    document = bundle.release(session, actor=reviewer, bundle_id=made.id)
    assert "Nobody called me back" not in _text(document)
    assert [w["Law"] for w in document["What we withheld"]] == [
        "Data Protection Act 2018, Schedule 2, Part 4, paragraph 19"
    ]


def test_records_changed_after_review_are_not_released(session: Session) -> None:
    known, _, made = _made(session, message="Please call me back.")
    reviewer = dpo(known.owner)
    bundle.approve(session, actor=reviewer, bundle_id=made.id)
    complaint = session.get(Complaint, known.complaint_id)
    assert complaint is not None
    complaint.status = "closed"
    session.flush()
    with pytest.raises(Conflict, match="changed"):
        bundle.release(session, actor=reviewer, bundle_id=made.id)


def test_a_bundle_on_an_erased_person_says_so_and_nothing_else(session: Session) -> None:
    known = known_person(session)
    reviewer = dpo(known.owner)
    search = _confirmed(session, known, reviewer)
    people.shred_subject(session, subject_id=known.enquiry_subject)
    with pytest.raises(Gone) as gone:
        bundle.produce(session, actor=reviewer, search_id=search.id)
    assert str(gone.value) == bundle.ERASED


def test_a_panel_party_gets_their_case_with_the_other_people_withheld(session: Session) -> None:
    coordinator = actor("hounslow", "panel-coordinator", teams=("marac",))
    referral = {"referral-forms": f"{VICTIM['name']} disclosed that {PERPETRATOR['name']} hit her"}
    case = panel_case(session, coordinator, referral=referral)
    victim, perpetrator = party(session, case, "victim"), party(session, case, "perpetrator")
    owner = actor("hounslow", "dpo", case.organisation)
    view = discovery.discover(
        session, actor=owner, register="hounslow", subject_ids=[perpetrator.subject_id]
    )
    view = discovery.decide(
        session, actor=owner, search_id=view.id, confirmed=[c.id for c in view.candidates]
    )
    made = bundle.produce(session, actor=owner, search_id=view.id)
    person = next(w for w in made.withholdings if w.kind == "person")
    assert person.what == "another person's details"
    names = [w for w in made.withholdings if w.kind == "pattern"]
    assert {w.what for w in names} == {"another person's name"}
    reviewer = actor("hounslow", "dpo", case.organisation)
    for item in made.withholdings:
        bundle.decide_withholding(
            session, actor=reviewer, bundle_id=made.id, withholding_id=item.id,
            decision="withhold", reason=REASON, factors=FACTORS,
        )  # fmt: skip
    bundle.approve(session, actor=reviewer, bundle_id=made.id)
    text = _text(bundle.release(session, actor=reviewer, bundle_id=made.id))
    assert VICTIM["name"] not in text
    assert "Priya" not in text
    assert VICTIM["telephone"] not in text
    assert PERPETRATOR["name"] in text  # their own name, as the referral gives it
    assert bundle.OTHER_PERSON in text
    about_victim = session.scalars(
        select(AuditEntry.action)
        .join(AuditEntrySubject, AuditEntrySubject.entry_seq == AuditEntry.seq)
        .where(AuditEntrySubject.subject_id == victim.subject_id, AuditEntry.action == "withhold")
    ).all()
    assert about_victim == ["withhold"]


def test_another_organisation_cannot_see_or_release_the_bundle(session: Session) -> None:
    known, _, made = _made(session)
    elsewhere = "calm-mediation" if known.owner != "calm-mediation" else "victim-support"
    with pytest.raises(NotFound):
        bundle.get_bundle(session, actor=dpo(elsewhere), bundle_id=made.id)
    with pytest.raises(NotFound):
        bundle.release(session, actor=dpo(elsewhere), bundle_id=uuid.uuid4())


def test_nothing_is_released_to_a_requester_whose_identity_is_not_verified(
    session: Session,
) -> None:
    known = known_person(session, message="Please call me back.")
    maker, reviewer = dpo(known.owner), dpo(known.owner)
    request = requests.log_request(
        session,
        actor=maker,
        data=RequestIn.model_validate(
            {
                "register": "lvws",
                "channel": "letter",
                "rights": ["access"],
                "requester": {"given_name": "Amelia", "family_name": "Hughes", "email": EMAIL},
            }
        ),
    )
    view = discovery.discover(
        session, actor=maker, register="lvws", identifiers={"email": EMAIL},
        request_id=request.id,
    )  # fmt: skip
    discovery.decide(
        session, actor=maker, search_id=view.id, confirmed=[c.id for c in view.candidates]
    )
    made = bundle.produce(session, actor=maker, search_id=view.id)
    bundle.approve(session, actor=reviewer, bundle_id=made.id)
    with pytest.raises(Conflict, match="identity has not been verified"):
        bundle.release(session, actor=reviewer, bundle_id=made.id)
    assert bundle.get_bundle(session, actor=reviewer, bundle_id=made.id).status == "approved"
    requests.record_event(
        session, actor=maker, request_id=request.id,
        data=EventIn(kind=Kind.IDENTITY_VERIFIED, on=date.today()),
    )  # fmt: skip
    released = bundle.release(session, actor=reviewer, bundle_id=made.id)
    assert released["Bundle"]["Status"] == "released"
