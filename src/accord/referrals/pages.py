"""Public pages, no sign-in: refer yourself, and contact us (a web enquiry).

Both are CSRF-protected, link the privacy notice, state what is done with the answers, and
show a GOV.UK error summary with a message on each field in error.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import Response
from pydantic import ValidationError
from sqlalchemy import select

from accord.accounts.csrf import CsrfChecked
from accord.cases.errors import InvalidInput
from accord.cases.models import Case
from accord.deps import AppSettings, DbSession
from accord.enquiries import service as enquiries
from accord.enquiries.schemas import EnquiryIn
from accord.gate.types import AccessDenied
from accord.people import plausible
from accord.referrals import codes, intake, routing
from accord.referrals.public import public_actor
from accord.referrals.schemas import Person, ReferralConsent
from accord.register.registry import current_registry
from accord.web.templating import templates

router = APIRouter(include_in_schema=False)


def _public_register(settings: AppSettings) -> str:
    """The register the public forms serve (ACCORD_PUBLIC_REGISTER); 404 when none is set."""
    if settings.public_register is None:
        raise HTTPException(status_code=404, detail="This service does not take forms online")
    return settings.public_register


PublicRegister = Annotated[str, Depends(_public_register)]

# pydantic locations -> the form field that shows the message
_FIELD_OF = {"date_of_birth": "dob-day", "age": "dob-day"}


def _form(request_form: Any) -> dict[str, str]:
    return {k: str(v).strip() for k, v in request_form.items() if k != "csrf_token"}


def _context(register_id: str, values: dict[str, str], errors: dict[str, str]) -> dict[str, Any]:
    register = current_registry().get(register_id)
    return {
        "values": values,
        "errors": errors,
        "register": register,
        "crime_types": sorted(codes.CRIME_TYPES),
    }


@router.get("/self-referral")
def self_referral_form(request: Request, register_id: PublicRegister) -> Response:
    return templates.TemplateResponse(
        request, "referrals/self_referral.html", _context(register_id, {}, {})
    )


def _dob(values: dict[str, str], errors: dict[str, str]) -> date | None:
    parts = [values.get(f"dob-{p}", "") for p in ("day", "month", "year")]
    if not any(parts):
        return None
    try:
        return date(int(parts[2]), int(parts[1]), int(parts[0]))
    except ValueError:
        errors["dob-day"] = "Date of birth must be a real date, for example 27 3 2007"
        return None


def _person(values: dict[str, str], errors: dict[str, str]) -> Person | None:
    dob = _dob(values, errors)
    fields = {
        "given_name": values.get("given_name") or None,
        "family_name": values.get("family_name") or None,
        "date_of_birth": dob,
        "phone": values.get("phone") or None,
        "email": values.get("email") or None,
        "address": values.get("address") or None,
        "postcode": values.get("postcode") or None,
    }
    try:
        return Person.model_validate({k: v for k, v in fields.items() if v is not None})
    except ValidationError as exc:
        for error in exc.errors():
            loc = [str(p) for p in error["loc"]]
            field = _FIELD_OF.get(loc[0], loc[0]) if loc else "phone"
            message = str(error["msg"]).removeprefix("Value error, ")
            if error["type"] == "missing":
                message = f"Enter your {loc[0].replace('_', ' ')}"
            errors.setdefault(field, message[0].upper() + message[1:])
        return None


@router.post("/self-referral")
async def self_referral(
    request: Request, register_id: PublicRegister, session: DbSession, _csrf: CsrfChecked
) -> Response:
    values = _form(await request.form())
    errors: dict[str, str] = {}
    person = _person(values, errors)
    crime: dict[str, Any] = {}
    if values.get("crime_type"):
        try:
            crime["crime_type"] = codes.check_crime_type(values["crime_type"])
        except ValueError:
            errors["crime_type"] = "Choose what happened from the list"
    if values.get("crime_number"):
        try:
            crime["crime_number"] = codes.normalise_crime_number(values["crime_number"])
        except ValueError:
            errors["crime_number"] = (
                f"Enter the crime number as {codes.CRIME_NUMBER_FORMATS}, or leave it blank"
            )
    if values.get("description"):
        found = plausible.control_character(values["description"], multiline=True)
        if found is not None:
            errors["description"] = f"Remove {found} from what happened"
    if values.get("consent") != "yes":
        errors["consent"] = (
            "Tick the box to confirm you agree to us contacting you and keeping your details"
        )
    if errors or person is None:
        return templates.TemplateResponse(
            request,
            "referrals/self_referral.html",
            _context(register_id, values, errors),
            status_code=400,
        )
    register = current_registry().get(register_id)
    receiving = routing.lead_provider(register)
    actor = public_actor(register_id, receiving)
    wanted = "restorative_justice" if values.get("service") == "restorative-justice" else None
    try:
        accepted = intake.receive(
            session,
            actor=actor,
            intake=intake.Intake(
                register=register_id,
                person=person,
                consent=ReferralConsent(
                    given=True,
                    captured_by="the person (self-referral form)",
                    captured_at=datetime.now(UTC),
                    channel="online",
                ),
                source="self-referral",
                crime=crime or None,
                requested_service=wanted,
                receiving_organisation=receiving,
                description=values.get("description") or None,
            ),
        )
        reference = session.scalar(select(Case.reference).where(Case.id == accepted.case_id))
        session.commit()
    except (AccessDenied, InvalidInput):
        session.rollback()
        errors[""] = "We could not take your referral online just now. Please phone us instead."
        return templates.TemplateResponse(
            request,
            "referrals/self_referral.html",
            _context(register_id, values, errors),
            status_code=503,
        )
    return templates.TemplateResponse(
        request,
        "referrals/self_referral_done.html",
        {"reference": reference or "", "register": register},
    )


@router.get("/contact-us")
def contact_form(request: Request, register_id: PublicRegister) -> Response:
    return templates.TemplateResponse(
        request, "enquiries/contact.html", _context(register_id, {}, {})
    )


@router.post("/contact-us")
async def contact(
    request: Request, register_id: PublicRegister, session: DbSession, _csrf: CsrfChecked
) -> Response:
    values = _form(await request.form())
    errors: dict[str, str] = {}
    if not values.get("name"):
        errors["name"] = "Enter your name"
    if not values.get("message"):
        errors["message"] = "Enter your message"
    data = None
    if not errors:
        try:
            data = EnquiryIn.model_validate(
                {
                    "register": register_id,
                    "channel": "web",
                    "name": values["name"],
                    "email": values.get("email") or None,
                    "phone": values.get("phone") or None,
                    "message": values["message"],
                    "wants_updates": values.get("updates") == "yes",
                }
            )
        except ValidationError as exc:
            for error in exc.errors():
                field = str(error["loc"][0]) if error["loc"] else "email"
                message = str(error["msg"]).removeprefix("Value error, ")
                errors.setdefault(field, message[0].upper() + message[1:])
    if errors or data is None:
        return templates.TemplateResponse(
            request,
            "enquiries/contact.html",
            _context(register_id, values, errors),
            status_code=400,
        )
    register = current_registry().get(register_id)
    receiving = routing.lead_provider(register)
    try:
        enquiries.record_enquiry(session, actor=public_actor(register_id, receiving), data=data)
        session.commit()
    except (AccessDenied, InvalidInput):
        session.rollback()
        errors[""] = "We could not send your message just now. Please phone us instead."
        return templates.TemplateResponse(
            request,
            "enquiries/contact.html",
            _context(register_id, values, errors),
            status_code=503,
        )
    return templates.TemplateResponse(
        request, "enquiries/contact_done.html", {"register": register}
    )
