"""The case page in a caseworker's words: the summary, the task list and the timeline.

Everything shown comes from the casework services (`reading.get_case`, `reading.timeline`,
`consent.ledger.history`), each through the gate; this module only puts it into words.
"""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy.orm import Session

from accord.cases import caseload, reading
from accord.cases.models import Case
from accord.cases.pages_common import (
    CHANNELS,
    CLOSURE,
    NEEDS,
    NOT_TAKEN_UP,
    OUTCOMES,
    PERSON_FIELDS,
    RISK,
    SOURCES,
    STATUS,
    crime_words,
    day,
    moment,
    service_name,
    staff_names,
    status_words,
)
from accord.cases.schemas import CaseOut, TimelineEntry
from accord.consent import ledger
from accord.errors import AccordError
from accord.gate.types import AccessDenied, Actor
from accord.people.errors import SubjectNotFound
from accord.register.registry import current_registry
from accord.web.templating import organisation_name


def case_view(session: Session, actor: Actor, case_id: uuid.UUID) -> dict[str, Any]:
    case = reading.get_case(session, actor=actor, case_id=case_id)
    timeline = reading.timeline(session, actor=actor, case_id=case_id)
    row = session.get(Case, case_id)
    due = caseload.contact_due(row) if row is not None else None
    names = staff_names(
        session, [case.assigned_user, *(e.actor_id for e in timeline), *_assignees(timeline)]
    )
    name = " ".join(
        str(case.person[f]) for f in ("given_name", "family_name") if case.person.get(f)
    )
    return {
        "case": case,
        "name": name,
        "status": STATUS.get(case.status, (status_words(case.status), "")),
        "summary": _summary(case, names, due),
        "person": [
            (label, _value(field, case.person[field]))
            for field, label in PERSON_FIELDS
            if case.person.get(field) not in (None, "")
        ],
        "tasks": _tasks(case, timeline),
        "timeline": [_entry(case, e, names) for e in reversed(timeline)],
        "consent": _consent(session, actor, case),
        "open": case.status in caseload.OPEN,
        "engaged": case.status == "engaged",
        "awaiting_routing": case.routing_confirmed_at is None
        and case.status in caseload.PRE_ENGAGEMENT,
    }


def _assignees(timeline: list[TimelineEntry]) -> list[uuid.UUID]:
    found = []
    for entry in timeline:
        if entry.kind == "assignment" and entry.details and entry.details.get("user_id"):
            try:
                found.append(uuid.UUID(str(entry.details["user_id"])))
            except ValueError:
                continue
    return found


def _value(field: str, value: Any) -> str:
    if field in ("date_of_birth", "crime_date") and isinstance(value, str):
        from datetime import date

        try:
            return day(date.fromisoformat(value))
        except ValueError:
            return value
    return str(value)


def _summary(case: CaseOut, names: dict[uuid.UUID, str], due: Any) -> list[tuple[str, str]]:
    service = (
        service_name(case.register_id, case.service)
        if case.service
        else f"{service_name(case.register_id, case.proposed_service)} (suggested, not yet accepted)"
    )
    rows = [
        ("Reference", case.reference or "None"),
        ("Status", status_words(case.status)),
        ("Service", service),
        ("Victim or witness", case.person_role.capitalize()),
        ("Crime", crime_words(case.crime_type)),
        ("Referred by", SOURCES.get(case.source, case.source)),
        ("Received", moment(case.received_at)),
        (
            "Assigned to",
            names.get(case.assigned_user, "Someone else") if case.assigned_user else "Nobody yet",
        ),
        ("Team", case.team.replace("-", " ").capitalize() if case.team else "None"),
        ("Last contact", moment(case.last_contact_at) or "Not contacted yet"),
        ("Contact due", day(due) if due else "Not due"),
        ("Record kept until", day(case.retention_due) or "Set when the case closes"),
    ]
    if case.closure_reason:
        rows.append(("Why it closed", CLOSURE.get(case.closure_reason, case.closure_reason)))
    if case.vulnerable:
        rows.append(("Vulnerable", "Yes"))
    if case.domestic_abuse:
        rows.append(("Domestic abuse", "Yes"))
    return rows


def _tasks(case: CaseOut, timeline: list[TimelineEntry]) -> list[dict[str, Any]]:
    kinds = {e.kind for e in timeline}
    base = f"/cases/{case.id}"
    open_ = case.status in caseload.OPEN
    engaged = case.status == "engaged"
    finished = case.status in ("closed", "not-taken-up")

    def task(title: str, done: bool, href: str | None, ready: bool) -> dict[str, Any]:
        if done:
            state = "Completed"
        elif ready:
            state = "Not yet started"
        else:
            state = "Cannot start yet"
        return {"title": title, "state": state, "href": href if ready and not done else None}

    return [
        task(
            "Accept or change the service",
            case.routing_confirmed_at is not None,
            f"/referrals/{case.id}/routing",
            open_ and not engaged,
        ),
        task("Assign a caseworker", case.assigned_user is not None, f"{base}/assign", open_),
        task(
            "Contact the person",
            engaged or ("contact-attempt" in kinds and finished),
            f"{base}/contact",
            open_,
        ),
        task("Assess their needs", "needs-assessment" in kinds, f"{base}/need", engaged),
        task("Give support", "support" in kinds, f"{base}/support", engaged),
        task("Close the case", finished, f"{base}/close", open_),
    ]


def _entry(case: CaseOut, entry: TimelineEntry, names: dict[uuid.UUID, str]) -> dict[str, str]:
    details = entry.details or {}
    who = names.get(entry.actor_id) if entry.actor_id else None
    who = who or organisation_name(entry.organisation)
    register = case.register_id
    kind = entry.kind
    text: str
    if kind == "received":
        text = f"Referral received from {SOURCES.get(entry.channel or '', 'a partner')}"
    elif kind == "routing-proposed":
        text = f"Suggested service: {service_name(register, entry.service)}"
    elif kind == "routing-confirmed":
        chosen = service_name(register, entry.service)
        text = (
            f"Service changed to {chosen}"
            + (f". Reason: {details['reason']}" if details.get("reason") else "")
            if entry.outcome == "changed"
            else f"Service accepted: {chosen}"
        )
    elif kind == "assignment":
        user = details.get("user_id")
        assignee = names.get(uuid.UUID(user)) if user else None
        team = details.get("team")
        text = "Assigned to " + (
            assignee or ("a caseworker" if user else f"the {team} team" if team else "nobody")
        )
    elif kind == "contact-attempt":
        how = CHANNELS.get(entry.channel or "", entry.channel or "")
        text = f"{how} contact: {OUTCOMES.get(entry.outcome or '', entry.outcome or '').lower()}"
        if details.get("note"):
            text += f". Note: {details['note']}"
    elif kind == "not-taken-up":
        text = "Not taken up: " + NOT_TAKEN_UP.get(entry.outcome or "", "no reason given")
    elif kind == "needs-assessment":
        needs = details.get("needs") or []
        listed = ", ".join(NEEDS.get(n, str(n)).lower() for n in needs)
        text = f"Needs assessed: {listed}" if listed else "Needs assessed"
        if details.get("risk_level"):
            text += f". Risk: {RISK.get(details['risk_level'], details['risk_level']).lower()}"
    elif kind == "note":
        text = f"Note: {details.get('text', '(hidden)')}" if details else "Note added"
    elif kind == "support":
        text = (
            f"Support given: {details.get('type')}, by {details.get('delivered_by')}"
            if details
            else "Support given"
        )
    elif kind == "vulnerability":
        text = "Marked as vulnerable" if details.get("vulnerable") else "Vulnerability reviewed"
    elif kind == "translation":
        text = f"Interpreter arranged: {details.get('language', '')}".rstrip(": ")
    elif kind == "feedback":
        text = f"Feedback given: {details.get('rating')} out of 5" if details else "Feedback given"
    elif kind == "referral-on":
        text = "Referred on with their consent" + (
            f" to {details['recipient'].replace('-', ' ')}" if details.get("recipient") else ""
        )
    elif kind == "closure":
        text = "Case closed: " + CLOSURE.get(entry.outcome or "", "no reason given").lower()
        if details.get("note"):
            text += f". Note: {details['note']}"
    elif kind == "reopened":
        text = "Case reopened" + (f": {details['reason']}" if details.get("reason") else "")
    else:
        text = kind.replace("-", " ").capitalize()
    return {"when": moment(entry.occurred_at), "text": text, "who": who}


def _consent(session: Session, actor: Actor, case: CaseOut) -> dict[str, Any]:
    """The consent the police or the person gave at referral, and the ledger's latest answer
    for each purpose (shown only where this person may read the ledger)."""
    given = {
        "by": case.consent_captured_by,
        "when": moment(case.consent_captured_at),
        "how": case.consent_channel.replace("-", " "),
    }
    try:
        records = ledger.history(session, actor=actor, subject_id=case.subject_id)
    except (AccessDenied, SubjectNotFound, AccordError):
        return {"referral": given, "ledger": None}
    register = current_registry().get(case.register_id)
    purposes = {p.id: p.name for p in register.purposes}
    latest: dict[str, Any] = {}
    for record in records:
        latest[record.purpose] = record
    words = {"given": "Given", "refused": "Refused", "withdrawn": "Withdrawn"}
    return {
        "referral": given,
        "ledger": [
            {
                "purpose": purposes.get(purpose, purpose.replace("-", " ")),
                "state": words.get(str(record.state.value), str(record.state.value)),
                "when": day(record.recorded_at),
            }
            for purpose, record in sorted(latest.items())
        ],
    }
