"""What the casework pages share: a caseworker's words for statuses, services and timeline
entries, staff names, form reading, and refusals shown as pages that say what to do.

Pages call services inside a savepoint (`attempt`): a refusal or a bad value rolls back only
what that call wrote (the gate's refusal entry is written again: gate.outbox), and the page
answers with the error summary or the refusal page.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable, Mapping
from datetime import date, datetime
from typing import Any, NoReturn, TypeVar

from fastapi import Request
from pydantic import ValidationError
from sqlalchemy import select
from sqlalchemy.orm import Session
from starlette.responses import Response

from accord.accounts.models import User
from accord.cases import reading
from accord.cases.schemas import CaseOut
from accord.errors import NotFound
from accord.gate.types import AccessDenied, Actor, ReasonCode
from accord.register.registry import current_registry
from accord.web.forms import attempt, form_error, form_response, form_values, submit
from accord.web.templating import templates

T = TypeVar("T")

# The form helpers every staff page shares live in `accord.web.forms`; named here too, for the
# pages that import them with the rest of casework's words.
__all__ = ["attempt", "form_error", "form_values"]

STATUS = {
    "referred": ("New referral", "govuk-tag--blue"),
    "contacting": ("Trying to contact", "govuk-tag--yellow"),
    "engaged": ("Being supported", "govuk-tag--green"),
    "not-taken-up": ("Not taken up", "govuk-tag--grey"),
    "closed": ("Closed", "govuk-tag--grey"),
}
OUTCOMES = {
    "engaged": "Spoke to them: they want support",
    "not-reached": "Could not reach them",
    "declined": "Spoke to them: they do not want support",
}
CHANNELS = {
    "phone": "Phone",
    "email": "Email",
    "letter": "Letter",
    "sms": "Text message",
    "in-person": "In person",
    "video": "Video call",
}
NEEDS = {
    "emotional": "Emotional support",
    "practical": "Practical help",
    "security": "Home security",
    "information": "Information and advice",
    "criminal-justice-process": "Help through the criminal justice process",
    "health": "Health and wellbeing",
    "housing": "Housing",
    "financial": "Money and benefits",
}
RISK = {"standard": "Standard", "medium": "Medium", "high": "High"}
CLOSURE = {
    "support-completed": "Support is complete",
    "no-further-support-wanted": "They do not want more support",
    "unable-to-contact": "We could not contact them",
    "moved-away": "They moved away",
    "referred-elsewhere": "Referred to another service",
    "other": "Another reason",
}
NOT_TAKEN_UP = {
    "unable-to-contact": "we could not contact them",
    "declined": "they did not want support",
    "not-eligible": "not eligible",
    "other": "another reason",
}
SOURCES = {
    "police-api": "the police",
    "police-file": "the police (a referral file)",
    "self-referral": "the person (online self-referral)",
}
PERSON_FIELDS = (
    ("given_name", "First name"),
    ("family_name", "Last name"),
    ("date_of_birth", "Date of birth"),
    ("phone", "Phone"),
    ("email", "Email"),
    ("address", "Address"),
    ("postcode", "Postcode"),
    ("crime_number", "Crime number"),
    ("crime_date", "Date of the crime"),
)

# What the gate's reasons mean for the person at the screen, and what they can do.
REFUSALS: dict[ReasonCode, tuple[str, str]] = {
    ReasonCode.OUTSIDE_CASELOAD: (
        "This case is not in your caseload",
        "You can open it if you have a reason to: ask for access below and say why. "
        "Your data protection officer reviews every request.",
    ),
    ReasonCode.NO_PERMISSION: (
        "Your role does not let you do this",
        "If you need to, ask your team manager to do it or to change your role.",
    ),
    ReasonCode.PURPOSE_NOT_FOR_ROLE: (
        "Your role does not let you do this",
        "If you need to, ask your team manager to do it or to change your role.",
    ),
    ReasonCode.NO_CONSENT: (
        "The person has not agreed to this",
        "Ask the person and record their answer on the case before you carry on.",
    ),
    ReasonCode.RESTRICTED: (
        "This person's information is restricted",
        "They have asked us to limit how we use their information. Speak to your data "
        "protection officer before doing anything on this case.",
    ),
    ReasonCode.OBJECTION_PENDING: (
        "This person has objected to how we use their information",
        "Work on the case is paused until the objection is decided. Speak to your data "
        "protection officer.",
    ),
    ReasonCode.DISPOSED: (
        "This person's information has been deleted",
        "Their details were erased or anonymised and cannot be shown.",
    ),
    ReasonCode.ANONYMOUS_ONLY: (
        "You can see anonymous figures only",
        "Your role does not show people's details. Use the statistics instead.",
    ),
}
DEFAULT_REFUSAL = (
    "You cannot do this",
    "Speak to your team manager or data protection officer if you think you should be able to.",
)


def status_words(status: str) -> str:
    return STATUS.get(status, (status.replace("-", " ").capitalize(), ""))[0]


def service_name(register_id: str, service_id: str | None) -> str:
    if not service_id:
        return "Not chosen yet"
    try:
        return current_registry().get(register_id).service(service_id).name
    except KeyError:
        return service_id


def crime_words(crime_type: str | None) -> str:
    return crime_type.replace("-", " ").capitalize() if crime_type else "Not given"


def day(value: datetime | date | None) -> str:
    """A date as GOV.UK writes them: 1 December 2026."""
    if value is None:
        return ""
    return f"{value.day} {value:%B %Y}"


def moment(value: datetime | None) -> str:
    if value is None:
        return ""
    hour = value.strftime("%I:%M%p").lstrip("0").lower()
    return f"{day(value)} at {hour}"


def staff_names(session: Session, ids: Iterable[uuid.UUID | None]) -> dict[uuid.UUID, str]:
    """Staff names by user id (people who work here, not the people we support)."""
    wanted = {i for i in ids if i is not None}
    if not wanted:
        return {}
    rows = session.execute(select(User.id, User.name).where(User.id.in_(wanted)))
    return {row.id: row.name for row in rows}


def validation_errors(exc: ValidationError, fields: dict[str, str]) -> dict[str, str]:
    """pydantic's complaints as messages on the page's fields (`fields`: location -> id)."""
    errors: dict[str, str] = {}
    for error in exc.errors():
        loc = str(error["loc"][0]) if error["loc"] else ""
        field = fields.get(loc, loc)
        message = str(error["msg"]).removeprefix("Value error, ")
        errors.setdefault(field, message[0].upper() + message[1:])
    return errors


class Refusal(Exception):  # noqa: N818 (a page answer, raised to leave the route)
    def __init__(self, response: Response) -> None:
        super().__init__("refused")
        self.response = response


def refused_page(
    request: Request, exc: AccessDenied | NotFound, *, case_id: uuid.UUID | None = None
) -> Response:
    if isinstance(exc, NotFound):
        return templates.TemplateResponse(
            request,
            "cases/refused.html",
            {
                "title": "Case not found",
                "advice": "Check the reference, or search for the person again. Cases of "
                "other organisations are not shown.",
                "case_id": None,
            },
            status_code=404,
        )
    title, advice = REFUSALS.get(exc.decision.reason, DEFAULT_REFUSAL)
    ask = exc.decision.reason is ReasonCode.OUTSIDE_CASELOAD and case_id is not None
    return templates.TemplateResponse(
        request,
        "cases/refused.html",
        {"title": title, "advice": advice, "case_id": case_id if ask else None, "errors": {}},
        status_code=403,
    )


def guarded(
    request: Request, session: Session, call: Callable[[], T], *, case_id: uuid.UUID | None = None
) -> T:
    """A read for a page: refusals and missing cases become the refusal page."""
    try:
        return attempt(session, call)
    except (AccessDenied, NotFound) as exc:
        raise Refusal(refused_page(request, exc, case_id=case_id)) from exc


def refuse(
    request: Request, case_id: uuid.UUID | None
) -> Callable[[AccessDenied | NotFound], NoReturn]:
    """How a form on a case answers a refusal: the refusal page, raised to leave the route."""

    def leave(exc: AccessDenied | NotFound) -> NoReturn:
        raise Refusal(refused_page(request, exc, case_id=case_id)) from exc

    return leave


def run_on_case(
    request: Request, session: Session, case_id: uuid.UUID, call: Callable[[], object], field: str
) -> dict[str, str]:
    """Run a service on the case: {} when done; a refusal leaves as its page, a bad value or
    state comes back as the error summary entry (on its own field, else `field`)."""
    return submit(session, call, field=field, refused=refuse(request, case_id))


def full_name(case: CaseOut) -> str:
    """The person's name as the case shows it to this reader (empty when not shown)."""
    return " ".join(
        str(case.person[f]) for f in ("given_name", "family_name") if case.person.get(f)
    )


def case_form(
    request: Request,
    session: Session,
    actor: Actor,
    case_id: uuid.UUID,
    template: str,
    values: Mapping[str, Any],
    errors: Mapping[str, str],
    more: Callable[[CaseOut], Mapping[str, Any]] | None = None,
) -> Response:
    """A form about one case: the case read through the gate (a refusal shows its page), the
    person's name, the values entered, and what `more` adds for this form; 400 with the
    error summary when there are errors."""
    case = guarded(
        request,
        session,
        lambda: reading.get_case(session, actor=actor, case_id=case_id),
        case_id=case_id,
    )
    context: dict[str, Any] = {"case": case, "name": full_name(case), "values": values}
    if more is not None:
        context.update(more(case))
    return form_response(request, template, context, errors)
