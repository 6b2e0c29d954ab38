"""Reading each confirmed record for an access bundle, through the gate.

A record of a record type is read as an export for the rights team (`Action.EXPORT`, with
`rights:request:manage`, under a purpose the record type is held for and the reader's role
lists), one audited decision per record. Ledger entries are read through their own
domain's service: consent statements through the ledger's history, disclosures through the
disclosure log, notices with the record they are about.

Each record comes back as plain fields in a caseworker's words, with the other people it
names (a panel case's other parties, or its main subject when the requester is a party):
their details are kept apart for the redaction to withhold.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from accord.cases.access import case_target, shares_of
from accord.cases.models import Case, CaseEvent, CaseShare, Complaint
from accord.consent import ledger
from accord.disclosures.service import disclosures_for_subject
from accord.enquiries.models import Enquiry
from accord.feeds import facts as feeds_facts
from accord.gate import facts as gate_facts
from accord.gate.types import Action, Actor, Target
from accord.notifications.models import FairProcessingNotice
from accord.panels.access import agencies_of
from accord.panels.access import case_target as panel_target
from accord.panels.models import CaseAction, CaseParty, CaseUpdate, PanelListing, SafetyCase
from accord.people import service as people
from accord.people.models import Subject
from accord.register.registry import current_registry
from accord.rights.discovery import CandidateView, gate_check, label


@dataclass(frozen=True)
class OtherPerson:
    subject_id: uuid.UUID
    role: str
    name: str | None


@dataclass
class RecordContent:
    key: str  # kind:record id, the root of every item key in it
    kind: str
    label: str
    record_id: uuid.UUID
    subject_id: uuid.UUID
    register: str
    record_type: str | None
    owner: str
    held_since: datetime | None
    fields: dict[str, Any]
    others: list[tuple[str, OtherPerson, Any]] = field(default_factory=list)  # (path, who, details)
    own: dict[str, Any] = field(default_factory=dict)  # the requester's identifying details


def _when(moment: datetime | None) -> str | None:
    return None if moment is None else moment.isoformat()


def _pass(
    session: Session, actor: Actor, target: Target, action: Action = Action.EXPORT
) -> frozenset[str]:
    return gate_check(session, actor, action)(target)


def _content(c: CandidateView, fields: dict[str, Any]) -> RecordContent:
    return RecordContent(
        key=f"{c.kind}:{c.record_id}",
        kind=c.kind,
        label=c.label,
        record_id=c.record_id,
        subject_id=c.subject_id,
        register=c.register,
        record_type=c.record_type,
        owner=c.owner,
        held_since=c.held_since,
        fields=fields,
    )


@dataclass
class Prefetched:
    """What reading many cases needs, fetched in a few queries for all of them."""

    events: dict[uuid.UUID, list[CaseEvent]] = field(default_factory=dict)
    shares: dict[uuid.UUID, set[str]] = field(default_factory=dict)


def _case(
    session: Session, actor: Actor, c: CandidateView, known: Prefetched | None = None
) -> RecordContent | None:
    case = session.get(Case, c.record_id)
    if case is None:
        return None
    shares = known.shares.get(case.id, set()) if known else shares_of(session, case.id)
    _pass(session, actor, case_target(case, shares))
    identity = people.unseal(session, subject_id=case.subject_id, blob=case.identity)
    if known is not None:
        events: Any = known.events.get(case.id, [])
    else:
        events = session.scalars(
            select(CaseEvent)
            .where(CaseEvent.case_id == case.id)
            .order_by(CaseEvent.occurred_at, CaseEvent.position)
        )
    timeline = [
        {
            "What": e.kind.replace("-", " ").replace("_", " "),
            "When": _when(e.occurred_at),
            "Outcome": e.outcome,
            "How": e.channel,
            "Details": None
            if e.detail is None
            else people.unseal(session, subject_id=case.subject_id, blob=e.detail),
        }
        for e in events
    ]
    content = _content(
        c,
        {
            "Status": case.status,
            "Received": _when(case.received_at),
            "Referred by": case.source_organisation,
            "Crime reference": case.police_reference,
            "Crime type": case.crime_type,
            "Your part": case.person_role,
            "Closed": _when(case.closed_at),
            "Your details": identity,
            "Timeline": timeline,
        },
    )
    content.own = identity
    return content


def _held_row(
    session: Session, actor: Actor, c: CandidateView, row: Complaint | Enquiry
) -> RecordContent:
    _pass(
        session,
        actor,
        Target(
            register=row.register,
            record_type=row.record_type,
            owner_organisation=row.organisation,
            record_id=row.id,
            subject_ids=(row.subject_id,),
            assigned_user=row.assigned_user,
            team=row.team,
        ),
    )
    values = people.unseal(session, subject_id=row.subject_id, blob=row.content)
    fields: dict[str, Any] = {
        "How": row.channel,
        "Status": row.status,
        "Received": _when(row.received_at),
        "Closed": _when(row.closed_at),
    }
    if isinstance(row, Complaint):
        fields["Outcome"] = row.outcome
    fields["What you told us"] = values
    content = _content(c, fields)
    content.own = {k: v for k, v in values.items() if k in ("name", "email", "phone")}
    return content


def _complaint(session: Session, actor: Actor, c: CandidateView) -> RecordContent | None:
    row = session.get(Complaint, c.record_id)
    return None if row is None else _held_row(session, actor, c, row)


def _enquiry(session: Session, actor: Actor, c: CandidateView) -> RecordContent | None:
    row = session.get(Enquiry, c.record_id)
    return None if row is None else _held_row(session, actor, c, row)


def _safety_case(session: Session, actor: Actor, c: CandidateView) -> RecordContent | None:
    case = session.get(SafetyCase, c.record_id)
    if case is None:
        return None
    _pass(session, actor, panel_target(case, agencies_of(session, case.id), party=c.subject_id))

    def notes(blob: bytes | None) -> Any:
        return (
            None if blob is None else people.unseal(session, subject_id=case.subject_id, blob=blob)
        )

    content = _content(
        c,
        {
            "Reference": case.reference,
            "Status": case.status,
            "Risk level": case.risk_level,
            "Opened": _when(case.opened_at),
            "Closed": _when(case.closed_at),
            "Referral": notes(case.referral),
        },
    )
    parties = session.scalars(
        select(CaseParty)
        .where(CaseParty.case_id == case.id)
        .order_by(CaseParty.added_at, CaseParty.id)
    ).all()
    people_in_case: list[dict[str, Any]] = []
    for n, party in enumerate(parties):
        details = people.unseal(session, subject_id=party.subject_id, blob=party.details)
        if party.subject_id == c.subject_id:
            people_in_case.append({"Role": party.role, "Details": details})
            content.own = details
        else:
            people_in_case.append({"Role": party.role, "Details": details})
            name = details.get("name")
            content.others.append(
                (
                    f"People in the case/{n}/Details",
                    OtherPerson(
                        party.subject_id, party.role, name if isinstance(name, str) else None
                    ),
                    details,
                )
            )
    content.fields["People in the case"] = people_in_case
    actions = session.scalars(
        select(CaseAction)
        .where(CaseAction.case_id == case.id)
        .order_by(CaseAction.created_at, CaseAction.id)
    )
    content.fields["Actions"] = [
        {"Agency": a.owner_agency, "Due": a.due_on.isoformat(), "Status": a.status,
         "What": notes(a.description)}
        for a in actions
    ]  # fmt: skip
    updates = session.scalars(
        select(CaseUpdate)
        .where(CaseUpdate.case_id == case.id)
        .order_by(CaseUpdate.recorded_at, CaseUpdate.id)
    )
    content.fields["Updates"] = [
        {"Agency": u.agency, "When": _when(u.recorded_at), "Update": notes(u.text)} for u in updates
    ]
    listings = session.scalars(
        select(PanelListing)
        .where(PanelListing.case_id == case.id)
        .order_by(PanelListing.listed_at, PanelListing.id)
    )
    content.fields["Panel discussions"] = [
        {"Discussed": _when(p.discussed_at), "Minutes": notes(p.minutes)} for p in listings
    ]
    return content


def _notice(session: Session, actor: Actor, c: CandidateView) -> RecordContent | None:
    row = session.get(FairProcessingNotice, c.record_id)
    if row is None:
        return None
    target = gate_facts.record_target(session, record_id=row.record_id)
    if target is not None:
        _pass(session, actor, target)
    register = current_registry().get(row.register)
    return _content(
        c,
        {
            "About": label(row.register, "notice", row.record_type),
            "Why we hold it": register.purpose(row.purpose).name,
            "Sent or withheld": row.status,
            "How": row.channel,
            "When": _when(row.decided_at),
        },
    )


PARTNER_FIELDS = {
    "first_name": "First name", "surname": "Surname", "dob": "Date of birth",
    "address": "Address", "postcode": "Postcode", "phone": "Phone", "email": "Email",
    "key": "The partner's reference",
}  # fmt: skip


def _partner_record(session: Session, actor: Actor, c: CandidateView) -> RecordContent | None:
    """A partner's record: the identifiers it supplied, as far as the gate's decision allows
    (read, as the matching team reads them, with `rights:request:manage` on top)."""
    target = feeds_facts.partner_target(session, record_id=c.record_id)
    if target is None:
        return None
    allowed = _pass(session, actor, target, Action.READ)
    record = feeds_facts.partner_record(session, record_id=c.record_id)
    if record is None:
        return None
    shown = {
        column: value
        for column, value in record.values.items()
        if column in PARTNER_FIELDS and record.categories.get(column)
        and record.categories[column] <= allowed
    }  # fmt: skip
    register = current_registry().get(record.register)
    content = _content(
        c,
        {
            "Supplied by": register.organisation(record.partner).name,
            "What it is": record.description or record.dataset,
            "Date of the record": None if record.record_date is None
            else record.record_date.isoformat(),
            "Your details as supplied": {PARTNER_FIELDS[k]: v for k, v in shown.items()},
        },
    )  # fmt: skip
    name = " ".join(str(shown[k]) for k in ("first_name", "surname") if shown.get(k))
    content.own = {"name": name or None, **{k: shown[k] for k in ("email", "phone", "postcode")
                                             if k in shown}}  # fmt: skip
    return content


def _ledger_entries(
    session: Session, actor: Actor, wanted: Sequence[CandidateView]
) -> list[RecordContent]:
    """Consent statements and disclosures, read per person through their domain's service."""
    by_id = {c.record_id: c for c in wanted}
    out: list[RecordContent] = []
    consent_people = sorted({c.subject_id for c in wanted if c.kind == "consent"}, key=str)
    for subject_id in consent_people:
        for record in ledger.history(session, actor=actor, subject_id=subject_id):
            found = by_id.get(record.id)
            if found is not None:
                register = current_registry().get(record.register)
                out.append(
                    _content(
                        found,
                        {
                            "For": register.purpose(record.purpose).name,
                            "Your answer": str(record.state),
                            "How": record.channel,
                            "When": _when(record.recorded_at),
                            "Until": _when(record.expires_at),
                        },
                    )
                )
    disclosed_people = sorted({c.subject_id for c in wanted if c.kind == "disclosure"}, key=str)
    for subject_id in disclosed_people:
        for entry in disclosures_for_subject(session, subject_id=subject_id, actor=actor):
            found = by_id.get(entry.id)
            if found is not None:
                register = current_registry().get(entry.register)
                out.append(
                    _content(
                        found,
                        {
                            "Shared with": entry.recipient_name,
                            "What": [register.category(f).name for f in entry.fields],
                            "With your consent": entry.with_consent,
                            "When": _when(entry.disclosed_at),
                        },
                    )
                )
    return out


READERS = {
    "case": _case,
    "complaint": _complaint,
    "enquiry": _enquiry,
    "safety-case": _safety_case,
    "notice": _notice,
    "partner-record": _partner_record,
}


_MODELS: dict[str, Any] = {
    "case": Case, "complaint": Complaint, "enquiry": Enquiry, "safety-case": SafetyCase,
    "notice": FairProcessingNotice,
}  # fmt: skip


def _prefetch(session: Session, confirmed: Sequence[CandidateView]) -> Prefetched:
    """Load the records and their people in a few queries, so that reading each one finds
    them in the session instead of asking the database again; and the cases' timelines
    and shares."""
    for kind, model in _MODELS.items():
        ids = [c.record_id for c in confirmed if c.kind == kind]
        for start in range(0, len(ids), 500):
            session.scalars(select(model).where(model.id.in_(ids[start : start + 500]))).all()
    subject_ids = sorted({c.subject_id for c in confirmed}, key=str)
    for start in range(0, len(subject_ids), 500):
        chunk = subject_ids[start : start + 500]
        session.scalars(select(Subject).where(Subject.id.in_(chunk))).all()
    known = Prefetched()
    case_ids = [c.record_id for c in confirmed if c.kind == "case"]
    for start in range(0, len(case_ids), 500):
        chunk = case_ids[start : start + 500]
        for event in session.scalars(
            select(CaseEvent)
            .where(CaseEvent.case_id.in_(chunk))
            .order_by(CaseEvent.occurred_at, CaseEvent.position)
        ):
            known.events.setdefault(event.case_id, []).append(event)
        for case_id, organisation in session.execute(
            select(CaseShare.case_id, CaseShare.organisation).where(CaseShare.case_id.in_(chunk))
        ):
            known.shares.setdefault(case_id, set()).add(organisation)
    return known


def read_records(
    session: Session, *, actor: Actor, confirmed: Sequence[CandidateView]
) -> list[RecordContent]:
    """Each confirmed record's content, in the order given; ones gone since are left out."""
    known = _prefetch(session, confirmed)
    out: list[RecordContent] = []
    for candidate in confirmed:
        reader = READERS.get(candidate.kind)
        if reader is not None:
            found = (
                _case(session, actor, candidate, known)
                if candidate.kind == "case"
                else reader(session, actor, candidate)
            )
            if found is not None:
                out.append(found)
    out += _ledger_entries(
        session, actor, [c for c in confirmed if c.kind in ("consent", "disclosure")]
    )
    return out
