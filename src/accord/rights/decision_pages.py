"""Pages for the information rights team carrying out the rights other than access: which
rights apply to each of a person's records, correcting a record and telling its recipients
(Art 19), erasure with records kept under a ground (checked before anything goes),
restriction and its lift (the person told first), and the portable copy. Every page calls a
service of `accord.rights`, which passes the gate; nothing here reads the store itself."""

from __future__ import annotations

import json
import uuid
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse
from starlette.datastructures import FormData
from starlette.responses import Response

from accord.accounts.csrf import CsrfChecked
from accord.accounts.deps import CurrentActor
from accord.cases.purposes import IDENTITY_FIELDS
from accord.deps import DbSession
from accord.errors import Conflict, Invalid, NotFound
from accord.gate.types import AccessDenied
from accord.register.registry import current_registry
from accord.rights import (
    automated,
    erasure,
    handling_complaints,
    history,
    objection,
    portability,
    recipients,
    records,
    rectification,
    restriction,
)
from accord.rights.applicable import EXEMPTION_TEXT
from accord.rights.decisions import person_for
from accord.web.routing import PageRoute, error_page
from accord.web.templating import templates

router = APIRouter(include_in_schema=False, route_class=PageRoute)

RIGHT_WORDS = {
    "rectification": "Correct it",
    "erasure": "Erase it",
    "restriction": "Restrict its use",
    "portability": "Have a copy to take elsewhere",
    "objection": "Object to its use",
    "withdraw_consent": "Withdraw consent",
}
GROUND_WORDS = {e.value: text[0].upper() + text[1:] for e, text in EXEMPTION_TEXT.items()}
RESTRICTION_WORDS = {
    restriction.Grounds.ACCURACY_CONTESTED.value: "They say it is wrong, while we check it",
    restriction.Grounds.UNLAWFUL_PROCESSING.value: (
        "We should not have it, but they want it kept rather than erased"
    ),
    restriction.Grounds.LEGAL_CLAIMS.value: "They need it kept for a legal claim",
    restriction.Grounds.OBJECTION.value: "While we decide their objection",
}
CHANNEL_WORDS = {
    restriction.NoticeChannel.LETTER.value: "Letter",
    restriction.NoticeChannel.EMAIL.value: "Email",
    restriction.NoticeChannel.PHONE.value: "Phone call",
    restriction.NoticeChannel.IN_PERSON.value: "In person",
}
NOTICE_WORDS = {
    "pending": "Still to tell",
    "notified": "Told",
    "impossible": "Impossible to tell",
    "disproportionate": "Telling them would take disproportionate effort",
}
FIELD_WORDS = {
    "given_name": "First name",
    "family_name": "Last name",
    "name": "Name",
    "date_of_birth": "Date of birth (YYYY-MM-DD)",
    "date-of-birth": "Date of birth (YYYY-MM-DD)",
    "telephone": "Phone number",
    "gender": "Gender",
    "phone": "Phone number",
    "email": "Email address",
    "address": "Address",
    "postcode": "Postcode",
    "crime_number": "Crime reference number",
    "crime_date": "Date of the crime (YYYY-MM-DD)",
    "crime_time": "Time of the crime",
    "description": "What happened",
}
KIND_WORDS = {
    "case": "Case",
    "complaint": "Complaint",
    "enquiry": "Enquiry",
    "safety-case": "Safety case",
    "safety-case-party": "Safety case (named in it)",
}
CORRECTABLE = {
    "case": sorted(IDENTITY_FIELDS, key=list(FIELD_WORDS).index),
    "complaint": sorted(rectification.CONTACT_FIELDS, key=list(FIELD_WORDS).index),
    "enquiry": sorted(rectification.CONTACT_FIELDS, key=list(FIELD_WORDS).index),
    "safety-case": sorted(rectification.PANEL_FIELDS, key=list(FIELD_WORDS).index),
    "safety-case-party": sorted(rectification.PANEL_FIELDS, key=list(FIELD_WORDS).index),
}
WORDS = {
    "rights": RIGHT_WORDS,
    "grounds": GROUND_WORDS,
    "restriction_grounds": RESTRICTION_WORDS,
    "channels": CHANNEL_WORDS,
    "notice_states": NOTICE_WORDS,
    "fields": FIELD_WORDS,
    "kinds": KIND_WORDS,
}


def _denied(request: Request) -> Response:
    return error_page(
        request,
        403,
        "You cannot carry out rights requests in this register. Ask your Data Protection "
        "Officer if you need to.",
        None,
    )


def _render(request: Request, name: str, context: dict[str, Any], status: int = 200) -> Response:
    return templates.TemplateResponse(
        request, f"rights/decisions/{name}", {"words": WORDS, **context}, status_code=status
    )


def _request_id(value: object) -> uuid.UUID | None:
    try:
        return uuid.UUID(str(value)) if value else None
    except ValueError:
        return None


def _field_id(field: str | None) -> str:
    return (field or "").replace(".", "-").replace("_", "-")


# --- the person and the rights over their records -------------------------------------------


def _person_context(session: DbSession, actor: CurrentActor, subject_id: uuid.UUID) -> Any:
    views = records.applicable_for(session, actor=actor, subject_id=subject_id)
    subject = person_for(session, actor=actor, subject_id=subject_id, what=restriction.WHAT)
    return {
        "subject_id": subject_id,
        "register": subject.register,
        "views": views,
        "restrictions": restriction.active_restrictions(session, subject_id),
        "correctable": CORRECTABLE,
        "objections": objection.pending(session, subject_id),
        "objectable": _objectable(subject.register),
    }


def _objectable(register_id: str) -> dict[str, str]:
    """The uses of data in the register a person may object to, by id, with their names."""
    register = current_registry().get(register_id)
    return {p.id: p.name for p in register.purposes if p.basis.art6 in objection.OBJECTABLE}


def _person_page(
    request: Request,
    session: DbSession,
    actor: CurrentActor,
    subject_id: uuid.UUID,
    *,
    request_id: uuid.UUID | None = None,
    errors: dict[str, str] | None = None,
    values: dict[str, Any] | None = None,
) -> Response:
    """The person's page, with the errors of a form on it (400) or without (200)."""
    context = _person_context(session, actor, subject_id)
    context.update({"request_id": request_id, "errors": errors or {}, "values": values or {}})
    return _render(request, "person.html", context, 400 if errors else 200)


@router.get("/rights/people/{subject_id}")
def person_page(
    request: Request,
    subject_id: uuid.UUID,
    session: DbSession,
    actor: CurrentActor,
    request_id: str | None = None,
) -> Response:
    try:
        return _person_page(request, session, actor, subject_id, request_id=_request_id(request_id))
    except AccessDenied:
        return _denied(request)


@router.get("/rights/people/{subject_id}/decisions")
def decisions_page(
    request: Request, subject_id: uuid.UUID, session: DbSession, actor: CurrentActor
) -> Response:
    try:
        past = history.past_decisions(session, actor=actor, subject_id=subject_id)
    except AccessDenied:
        return _denied(request)
    return _render(request, "decisions.html", {"subject_id": subject_id, "decisions": past})


@router.post("/rights/people/{subject_id}/restrictions")
async def restrict(
    request: Request,
    subject_id: uuid.UUID,
    session: DbSession,
    actor: CurrentActor,
    _csrf: CsrfChecked,
) -> Response:
    form = await request.form()
    request_id = _request_id(form.get("request_id"))
    try:
        restriction.restrict(
            session,
            actor=actor,
            subject_id=subject_id,
            grounds=str(form.get("grounds") or ""),
            request_id=request_id,
        )
    except (Invalid, Conflict) as exc:
        return _person_page(
            request,
            session,
            actor,
            subject_id,
            request_id=request_id,
            errors={"grounds": exc.message},
            values={"grounds": form.get("grounds")},
        )
    except AccessDenied:
        return _denied(request)
    return RedirectResponse(f"/rights/people/{subject_id}", status_code=303)


@router.post("/rights/people/{subject_id}/restrictions/{restriction_id}/notice")
async def lift_notice(
    request: Request,
    subject_id: uuid.UUID,
    restriction_id: uuid.UUID,
    session: DbSession,
    actor: CurrentActor,
    _csrf: CsrfChecked,
) -> Response:
    form = await request.form()
    try:
        restriction.record_lift_notice(
            session,
            actor=actor,
            restriction_id=restriction_id,
            channel=str(form.get("channel") or ""),
        )
    except Invalid as exc:
        return _person_page(
            request,
            session,
            actor,
            subject_id,
            errors={f"channel-{restriction_id}": exc.message},
        )
    except AccessDenied:
        return _denied(request)
    return RedirectResponse(f"/rights/people/{subject_id}", status_code=303)


def _restriction_of(
    session: DbSession, actor: CurrentActor, subject_id: uuid.UUID, restriction_id: uuid.UUID
) -> Any:
    person_for(session, actor=actor, subject_id=subject_id, what=restriction.WHAT)
    for row in restriction.active_restrictions(session, subject_id):
        if row.id == restriction_id:
            return row
    return None


@router.get("/rights/people/{subject_id}/restrictions/{restriction_id}/lift")
def lift_check(
    request: Request,
    subject_id: uuid.UUID,
    restriction_id: uuid.UUID,
    session: DbSession,
    actor: CurrentActor,
) -> Response:
    try:
        row = _restriction_of(session, actor, subject_id, restriction_id)
    except AccessDenied:
        return _denied(request)
    if row is None:
        return error_page(request, 404, "This restriction has already been lifted.", None)
    return _render(request, "lift.html", {"subject_id": subject_id, "r": row, "errors": {}})


@router.post("/rights/people/{subject_id}/restrictions/{restriction_id}/lift")
def lift(
    request: Request,
    subject_id: uuid.UUID,
    restriction_id: uuid.UUID,
    session: DbSession,
    actor: CurrentActor,
    _csrf: CsrfChecked,
) -> Response:
    try:
        restriction.lift(session, actor=actor, restriction_id=restriction_id)
    except Conflict as exc:
        row = _restriction_of(session, actor, subject_id, restriction_id)
        return _render(
            request,
            "lift.html",
            {
                "subject_id": subject_id,
                "r": row,
                "errors": {"": "Record how you told the person before lifting the restriction."}
                if exc.field == "lift_notice"
                else {"": exc.message},
            },
            409,
        )
    except AccessDenied:
        return _denied(request)
    return RedirectResponse(f"/rights/people/{subject_id}", status_code=303)


# --- objection ---------------------------------------------------------------------------------


@router.post("/rights/people/{subject_id}/objections")
async def object_to(
    request: Request,
    subject_id: uuid.UUID,
    session: DbSession,
    actor: CurrentActor,
    _csrf: CsrfChecked,
) -> Response:
    form = await request.form()
    request_id = _request_id(form.get("request_id"))
    purposes = [str(v) for v in form.getlist("purposes")]
    grounds = str(form.get("objection") or "")
    try:
        objection.record_objection(
            session,
            actor=actor,
            subject_id=subject_id,
            purposes=purposes,
            grounds=grounds,
            request_id=request_id,
        )
    except Invalid as exc:
        field = "purposes" if exc.field == "purposes" else "objection"
        return _person_page(
            request,
            session,
            actor,
            subject_id,
            request_id=request_id,
            errors={field: exc.message},
            values={"purposes": purposes, "objection": grounds},
        )
    except AccessDenied:
        return _denied(request)
    return RedirectResponse(f"/rights/people/{subject_id}", status_code=303)


@router.post("/rights/people/{subject_id}/objections/{objection_id}")
async def decide_objection(
    request: Request,
    subject_id: uuid.UUID,
    objection_id: uuid.UUID,
    session: DbSession,
    actor: CurrentActor,
    _csrf: CsrfChecked,
) -> Response:
    form = await request.form()
    outcome = str(form.get("outcome") or "")
    reason = str(form.get("reason") or "")
    try:
        objection.decide_objection(
            session, actor=actor, objection_id=objection_id, outcome=outcome, reason=reason
        )
    except (Invalid, Conflict) as exc:
        field = "outcome" if exc.field == "outcome" else "reason"
        return _person_page(
            request,
            session,
            actor,
            subject_id,
            errors={f"{field}-{objection_id}": exc.message},
        )
    except AccessDenied:
        return _denied(request)
    return RedirectResponse(f"/rights/people/{subject_id}", status_code=303)


# --- human review of a decision made by the system -------------------------------------------------


@router.post("/rights/people/{subject_id}/automated-reviews")
async def ask_review(
    request: Request,
    subject_id: uuid.UUID,
    session: DbSession,
    actor: CurrentActor,
    _csrf: CsrfChecked,
) -> Response:
    form = await request.form()
    request_id = _request_id(form.get("request_id"))
    values = {k: str(form.get(k) or "") for k in ("kind", "reference", "view", "explanation")}
    reference = _request_id(values["reference"].strip())
    try:
        if values["reference"].strip() and reference is None:
            raise Invalid(
                "reference", "Enter the match reference exactly as the matching screen shows it."
            )
        row = automated.request_review(
            session,
            actor=actor,
            subject_id=subject_id,
            kind=values["kind"],
            reference=reference,
            view=values["view"],
            explanation=values["explanation"],
            request_id=request_id,
        )
    except (Invalid, NotFound) as exc:
        field = exc.field if isinstance(exc, Invalid) and exc.field in values else "reference"
        message = (
            exc.message
            if isinstance(exc, Invalid)
            else "There is no such match score for this person."
        )
        return _person_page(
            request,
            session,
            actor,
            subject_id,
            request_id=request_id,
            errors={field: message},
            values=values,
        )
    except AccessDenied:
        return _denied(request)
    return RedirectResponse(f"/rights/automated-reviews/{row.id}", status_code=303)


def _review_context(session: DbSession, row: Any) -> dict[str, Any]:
    return {
        "r": row,
        "explanation": automated.explanation(session, row),
        "view": automated.person_view(session, row),
    }


@router.get("/rights/automated-reviews/{review_id}")
def review_page(
    request: Request, review_id: uuid.UUID, session: DbSession, actor: CurrentActor
) -> Response:
    try:
        row = automated.get_review(session, actor=actor, review_id=review_id)
    except AccessDenied:
        return _denied(request)
    return _render(request, "review.html", {**_review_context(session, row), "errors": {}})


@router.post("/rights/automated-reviews/{review_id}")
async def review(
    request: Request,
    review_id: uuid.UUID,
    session: DbSession,
    actor: CurrentActor,
    _csrf: CsrfChecked,
) -> Response:
    form = await request.form()
    outcome, note = str(form.get("outcome") or ""), str(form.get("note") or "")
    try:
        automated.review(session, actor=actor, review_id=review_id, outcome=outcome, note=note)
    except (Invalid, Conflict) as exc:
        row = automated.get_review(session, actor=actor, review_id=review_id)
        field = "note" if exc.field == "note" else "outcome"
        context = {**_review_context(session, row), "errors": {field: exc.message}}
        return _render(request, "review.html", context, 400)
    except AccessDenied:
        return _denied(request)
    return RedirectResponse(f"/rights/automated-reviews/{review_id}", status_code=303)


# --- complaints about how a request was handled ---------------------------------------------------


@router.post("/rights/people/{subject_id}/handling-complaints")
async def handling_complaint(
    request: Request,
    subject_id: uuid.UUID,
    session: DbSession,
    actor: CurrentActor,
    _csrf: CsrfChecked,
) -> Response:
    form = await request.form()
    request_id = _request_id(form.get("request_id"))
    content = str(form.get("complaint") or "")
    try:
        row = handling_complaints.record_complaint(
            session, actor=actor, subject_id=subject_id, content=content, request_id=request_id
        )
    except Invalid as exc:
        return _person_page(
            request,
            session,
            actor,
            subject_id,
            request_id=request_id,
            errors={"complaint": exc.message},
            values={"complaint": content},
        )
    except AccessDenied:
        return _denied(request)
    return _render(
        request,
        "complaint.html",
        {"subject_id": subject_id, "complaint_id": row.id, "errors": {}, "answer": ""},
    )


@router.post("/rights/people/{subject_id}/handling-complaints/{complaint_id}")
async def answer_handling_complaint(
    request: Request,
    subject_id: uuid.UUID,
    complaint_id: uuid.UUID,
    session: DbSession,
    actor: CurrentActor,
    _csrf: CsrfChecked,
) -> Response:
    form = await request.form()
    answer = str(form.get("answer") or "")
    context: dict[str, Any] = {"subject_id": subject_id, "complaint_id": complaint_id}
    try:
        _row, ico = handling_complaints.answer_complaint(
            session, actor=actor, complaint_id=complaint_id, answer=answer
        )
    except Invalid as exc:
        errors = {"answer": exc.message}
        return _render(
            request, "complaint.html", {**context, "errors": errors, "answer": answer}, 400
        )
    except AccessDenied:
        return _denied(request)
    return _render(request, "complaint_answered.html", {**context, "ico": ico})


# --- rectification and the recipients to tell ------------------------------------------------


def _record_of(
    session: DbSession, actor: CurrentActor, subject_id: uuid.UUID, record_id: uuid.UUID
) -> Any:
    for view in records.applicable_for(session, actor=actor, subject_id=subject_id):
        if view.record.record_id == record_id and view.record.kind in CORRECTABLE:
            return view
    return None


@router.get("/rights/people/{subject_id}/records/{record_id}/correct")
def correct_form(
    request: Request,
    subject_id: uuid.UUID,
    record_id: uuid.UUID,
    session: DbSession,
    actor: CurrentActor,
) -> Response:
    try:
        view = _record_of(session, actor, subject_id, record_id)
    except AccessDenied:
        return _denied(request)
    if view is None:
        return error_page(request, 404, "There is no record of this person to correct.", None)
    context = {"subject_id": subject_id, "v": view, "fields": CORRECTABLE[view.record.kind]}
    return _render(request, "correct.html", {**context, "errors": {}, "values": {}})


@router.post("/rights/people/{subject_id}/records/{record_id}/correct")
async def correct(
    request: Request,
    subject_id: uuid.UUID,
    record_id: uuid.UUID,
    session: DbSession,
    actor: CurrentActor,
    _csrf: CsrfChecked,
) -> Response:
    form = await request.form()
    try:
        view = _record_of(session, actor, subject_id, record_id)
    except AccessDenied:
        return _denied(request)
    if view is None:
        return error_page(request, 404, "There is no record of this person to correct.", None)
    fields = CORRECTABLE[view.record.kind]
    values = {f: str(form.get(f) or "").strip() for f in (*fields, "reason")}
    corrections: dict[str, str | None] = {f: values[f] for f in fields if values[f]}
    errors: dict[str, str] = {}
    if not corrections:
        errors[fields[0]] = "Enter the corrected value of at least one detail."
    if not values["reason"]:
        errors["reason"] = "Enter why the record is being corrected."
    if not errors:
        try:
            done = rectification.rectify(
                session,
                actor=actor,
                record_id=record_id,
                corrections=corrections,
                reason=values["reason"],
                request_id=_request_id(form.get("request_id")),
                subject_id=subject_id,
            )
        except Invalid as exc:
            field = (exc.field or "").removeprefix("corrections.")
            errors[field if field in values else fields[0]] = exc.message
        else:
            target = f"/rights/notices?register={view.record.register}&state=pending"
            if done.notices:
                target += f"&decision={done.rectification.id}"
            return RedirectResponse(target, status_code=303)
    context = {"subject_id": subject_id, "v": view, "fields": fields}
    return _render(request, "correct.html", {**context, "errors": errors, "values": values}, 400)


def _notices_context(
    session: DbSession,
    actor: CurrentActor,
    register: str,
    state: str | None,
    decision: uuid.UUID | None,
) -> dict[str, Any]:
    found, total = recipients.list_notices(
        session,
        actor=actor,
        register=register,
        state=state or None,
        decision_id=decision,
        limit=100,
    )
    return {
        "register": register,
        "state": state,
        "decision": decision,
        "notices": found,
        "total": total,
    }


@router.get("/rights/notices")
def notices_page(
    request: Request,
    session: DbSession,
    actor: CurrentActor,
    register: str,
    state: str | None = "pending",
    decision: uuid.UUID | None = None,
) -> Response:
    try:
        context = _notices_context(session, actor, register, state, decision)
    except AccessDenied:
        return _denied(request)
    return _render(request, "notices.html", {**context, "errors": {}, "failed": None})


@router.post("/rights/notices/{notice_id}")
async def record_notice(
    request: Request,
    notice_id: uuid.UUID,
    session: DbSession,
    actor: CurrentActor,
    _csrf: CsrfChecked,
) -> Response:
    form = await request.form()
    register = str(form.get("register") or "")
    state = str(form.get("state") or "")
    note = str(form.get("note") or "").strip() or None
    try:
        recipients.record_notice(session, actor=actor, notice_id=notice_id, state=state, note=note)
    except Invalid as exc:
        context = _notices_context(session, actor, register, "pending", None)
        field = f"{exc.field}-{notice_id}"
        return _render(
            request,
            "notices.html",
            {**context, "errors": {field: exc.message}, "failed": form},
            400,
        )
    except AccessDenied:
        return _denied(request)
    return RedirectResponse(f"/rights/notices?register={register}&state=pending", status_code=303)


# --- erasure ----------------------------------------------------------------------------------


def _plans(session: DbSession, actor: CurrentActor, subject_id: uuid.UUID) -> list[Any]:
    names = {
        v.record.record_id: v.name
        for v in records.applicable_for(session, actor=actor, subject_id=subject_id)
    }
    return [
        {"p": p, "name": names.get(p.record.record_id, KIND_WORDS.get(p.record.kind, ""))}
        for p in erasure.plan(session, actor=actor, subject_id=subject_id)
    ]


def _choices(form: FormData, plans: list[Any]) -> tuple[dict[str, dict[str, str]], dict[str, str]]:
    """What the form says for each record (erase, or keep under a ground with a reason)."""
    chosen: dict[str, dict[str, str]] = {}
    errors: dict[str, str] = {}
    for item in plans:
        key = str(item["p"].record.record_id)
        choice = str(form.get(f"choice-{key}") or "erase")
        reason = str(form.get(f"reason-{key}") or "").strip()
        chosen[key] = {"choice": choice, "reason": reason}
        if item["p"].hold is not None:
            continue  # kept by the hold whatever is chosen
        if choice != "erase" and choice not in {e.value for e in item["p"].exemptions}:
            errors[f"choice-{key}"] = "Choose to erase this record or a ground to keep it on."
        elif choice != "erase" and not reason:
            errors[f"reason-{key}"] = "Enter why this ground applies to this record."
    return chosen, errors


def _erasure_context(
    subject_id: uuid.UUID, plans: list[Any], chosen: dict[str, dict[str, str]], request_id: Any
) -> dict[str, Any]:
    return {
        "subject_id": subject_id,
        "plans": plans,
        "chosen": chosen,
        "request_id": _request_id(request_id),
    }


@router.get("/rights/people/{subject_id}/erasure")
def erasure_form(
    request: Request,
    subject_id: uuid.UUID,
    session: DbSession,
    actor: CurrentActor,
    request_id: str | None = None,
) -> Response:
    try:
        plans = _plans(session, actor, subject_id)
    except AccessDenied:
        return _denied(request)
    context = _erasure_context(subject_id, plans, {}, request_id)
    return _render(request, "erasure.html", {**context, "errors": {}})


@router.post("/rights/people/{subject_id}/erasure/check")
async def erasure_check(
    request: Request,
    subject_id: uuid.UUID,
    session: DbSession,
    actor: CurrentActor,
    _csrf: CsrfChecked,
) -> Response:
    form = await request.form()
    try:
        plans = _plans(session, actor, subject_id)
    except AccessDenied:
        return _denied(request)
    chosen, errors = _choices(form, plans)
    context = _erasure_context(subject_id, plans, chosen, form.get("request_id"))
    if errors:
        return _render(request, "erasure.html", {**context, "errors": errors}, 400)
    return _render(request, "erasure_check.html", context)


@router.post("/rights/people/{subject_id}/erasure")
async def erase(
    request: Request,
    subject_id: uuid.UUID,
    session: DbSession,
    actor: CurrentActor,
    _csrf: CsrfChecked,
) -> Response:
    form = await request.form()
    try:
        plans = _plans(session, actor, subject_id)
    except AccessDenied:
        return _denied(request)
    chosen, errors = _choices(form, plans)
    context = _erasure_context(subject_id, plans, chosen, form.get("request_id"))
    if errors:
        return _render(request, "erasure.html", {**context, "errors": errors}, 400)
    keep = [
        erasure.Keep(uuid.UUID(key), c["choice"], c["reason"])
        for key, c in chosen.items()
        if c["choice"] != "erase"
    ]
    try:
        result = erasure.erase(
            session,
            actor=actor,
            subject_id=subject_id,
            keep=keep,
            request_id=context["request_id"],
        )
    except Invalid as exc:
        errors = {_field_id(exc.field) or "": exc.message}
        return _render(request, "erasure.html", {**context, "errors": errors}, 400)
    return _render(
        request,
        "erasure_done.html",
        {
            "outcome": result.decision.outcome,
            "erased": len(result.erased),
            "kept": len(result.kept),
            "notices": result.notices,
            "register": result.decision.register,
            "subject_id": subject_id,
        },
    )


# --- portability --------------------------------------------------------------------------------


@router.post("/rights/people/{subject_id}/portability")
async def portable_copy(
    request: Request,
    subject_id: uuid.UUID,
    session: DbSession,
    actor: CurrentActor,
    _csrf: CsrfChecked,
) -> Response:
    form = await request.form()
    try:
        result = portability.export(
            session,
            actor=actor,
            subject_id=subject_id,
            request_id=_request_id(form.get("request_id")),
        )
    except AccessDenied:
        return _denied(request)
    return Response(
        json.dumps(result.document, indent=2, default=str),
        media_type="application/json",
        headers={"Content-Disposition": 'attachment; filename="their-information.json"'},
    )
