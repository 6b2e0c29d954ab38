"""Consent and referral on from the case page: a caseworker records the answer the person
gave (given or refused, to what, and how they told us) in the consent ledger, and refers
them on to a specialist service the register names, with that consent, after checking the
answers (a referral on cannot be undone: the service receives their details).

The ledger (`consent.ledger.record_consent`) and the referral on (`cases.entries.refer_on`)
decide through the gate; this module reads the form and puts their answers into words.
"""

from __future__ import annotations

import uuid
from typing import Any

from fastapi import APIRouter, Request
from pydantic import ValidationError
from sqlalchemy.orm import Session
from starlette.responses import Response

from accord.accounts.csrf import CsrfChecked
from accord.accounts.deps import CurrentActor
from accord.cases import entries, reading, recipients
from accord.cases.pages import CasePageRoute
from accord.cases.pages_common import (
    case_form,
    form_values,
    guarded,
    run_on_case,
    validation_errors,
)
from accord.cases.purposes import REFERRAL_ON
from accord.cases.schemas import CaseOut, ReferralOnIn
from accord.consent import ledger
from accord.deps import DbSession
from accord.gate.types import Actor
from accord.register.load import digest
from accord.register.registry import current_registry
from accord.web.forms import redirect

router = APIRouter(include_in_schema=False, route_class=CasePageRoute)

__all__ = ["router"]

ANSWERS = {"given": "They agreed", "refused": "They did not agree"}
HOW = {
    "phone": "On the phone",
    "in-person": "In person",
    "email": "By email",
    "letter": "By letter",
    "web-form": "Through our online form",
    "live-chat": "Through live chat",
}


def _case(request: Request, session: Session, actor: Actor, case_id: uuid.UUID) -> CaseOut:
    return guarded(
        request,
        session,
        lambda: reading.get_case(session, actor=actor, case_id=case_id),
        case_id=case_id,
    )


def consent_purposes(register_id: str) -> dict[str, str]:
    """What a person can agree to in this register, in the privacy notice's words."""
    register = current_registry().get(register_id)
    return {p.id: p.name for p in register.purposes if p.consent is not None}


def _page(
    request: Request,
    session: Session,
    actor: Actor,
    case_id: uuid.UUID,
    template: str,
    values: dict[str, Any],
    errors: dict[str, str],
    **extra: Any,
) -> Response:
    def more(case: CaseOut) -> dict[str, Any]:
        register = current_registry().get(case.register_id)
        names = recipients.referral_on_recipients(register, case.organisation)
        listed = {r.id: r.name for r in register.recipients}
        services = {n: listed.get(n, n.replace("-", " ").capitalize()) for n in names}
        chosen = values.get("recipient") or (names[0] if len(names) == 1 else "")
        entry = next((r for r in register.recipients if r.id == chosen), None)
        allowed = set(entry.categories) if entry is not None and entry.categories else None
        fields = {c.id: c.name for c in register.categories if allowed is None or c.id in allowed}
        return {
            "purposes": consent_purposes(case.register_id),
            "answers": ANSWERS,
            "how": HOW,
            "services": services,
            "fields": fields,
            **extra,
        }

    return case_form(request, session, actor, case_id, template, values, errors, more=more)


# --- consent --------------------------------------------------------------------------------


@router.get("/cases/{case_id}/consent")
def consent_form(
    case_id: uuid.UUID, request: Request, session: DbSession, actor: CurrentActor
) -> Response:
    wanted = request.query_params.get("purpose", "")
    return _page(request, session, actor, case_id, "cases/consent.html", {"purpose": wanted}, {})


@router.post("/cases/{case_id}/consent")
async def record_consent(
    case_id: uuid.UUID,
    request: Request,
    session: DbSession,
    actor: CurrentActor,
    _csrf: CsrfChecked,
) -> Response:
    values = await form_values(request)
    case = _case(request, session, actor, case_id)
    errors: dict[str, str] = {}
    if values.get("purpose") not in consent_purposes(case.register_id):
        errors["purpose"] = "Select what they were asked to agree to"
    if values.get("state") not in ANSWERS:
        errors["state"] = "Select whether they agreed"
    if values.get("channel") not in HOW:
        errors["channel"] = "Select how they told you"
    if not errors:
        register = current_registry().get(case.register_id)
        errors = run_on_case(
            request,
            session,
            case_id,
            lambda: ledger.record_consent(
                session,
                actor=actor,
                subject_id=case.subject_id,
                register=case.register_id,
                controller=case.organisation,
                purpose=values["purpose"],
                state=values["state"],
                channel=values["channel"],
                notice_digest=digest(register),
            ),
            "purpose",
        )
    if errors:
        return _page(request, session, actor, case_id, "cases/consent.html", values, errors)
    return redirect(f"/cases/{case_id}")


# --- referral on, with check your answers ---------------------------------------------------


def _referral(values: dict[str, Any], errors: dict[str, str]) -> ReferralOnIn | None:
    chosen = values.get("fields", [])
    chosen = [chosen] if isinstance(chosen, str) else list(chosen)
    values["fields"] = chosen
    if not values.get("recipient"):
        errors["recipient"] = "Select the service you are referring them to"
    if not chosen:
        errors["fields"] = "Select what the service will receive"
    if not values.get("reason"):
        errors["reason"] = "Enter why you are referring them"
    if errors:
        return None
    try:
        return ReferralOnIn(recipient=values["recipient"], reason=values["reason"], fields=chosen)
    except ValidationError as exc:
        errors.update(validation_errors(exc, {}))
        return None


def _consent_given(session: Session, case: CaseOut) -> bool:
    state = ledger.current_state(
        session, subject_id=case.subject_id, purpose=REFERRAL_ON, controller=case.organisation
    )
    return state is ledger.ConsentState.GIVEN


@router.get("/cases/{case_id}/refer-on")
def referral_form(
    case_id: uuid.UUID, request: Request, session: DbSession, actor: CurrentActor
) -> Response:
    case = _case(request, session, actor, case_id)
    return _page(
        request,
        session,
        actor,
        case_id,
        "cases/refer_on.html",
        {},
        {},
        consent_given=_consent_given(session, case),
    )


@router.post("/cases/{case_id}/refer-on")
async def check_referral(
    case_id: uuid.UUID,
    request: Request,
    session: DbSession,
    actor: CurrentActor,
    _csrf: CsrfChecked,
) -> Response:
    """Check your answers: once sent, the service has their details, so they are shown first."""
    values = await form_values(request)
    case = _case(request, session, actor, case_id)
    errors: dict[str, str] = {}
    given = _consent_given(session, case)
    _referral(values, errors)
    if not given:
        errors.setdefault(
            "recipient",
            "They have not agreed to be referred on: record their consent first",
        )
    template = "cases/refer_on.html" if errors else "cases/refer_on_check.html"
    return _page(request, session, actor, case_id, template, values, errors, consent_given=given)


@router.post("/cases/{case_id}/refer-on/confirm")
async def refer_on(
    case_id: uuid.UUID,
    request: Request,
    session: DbSession,
    actor: CurrentActor,
    _csrf: CsrfChecked,
) -> Response:
    values = await form_values(request)
    errors: dict[str, str] = {}
    data = _referral(values, errors)
    if data is not None:
        checked = data
        errors = run_on_case(
            request,
            session,
            case_id,
            lambda: entries.refer_on(session, actor=actor, case_id=case_id, data=checked),
            "recipient",
        )
    if errors:
        case = _case(request, session, actor, case_id)
        return _page(
            request,
            session,
            actor,
            case_id,
            "cases/refer_on.html",
            values,
            errors,
            consent_given=_consent_given(session, case),
        )
    return redirect(f"/cases/{case_id}")
