"""One shape for a staff form page: read the posted form, check it, run the service in a
savepoint, and answer with the page again (the GOV.UK error summary, status 400) or a
redirect (303) to where the work shows.

    values = await form_values(request)
    errors = checked(values)                      # {field id: message}
    if not errors:
        errors = submit(session, lambda: service(...), field="reason", refused=refusal_page)
    if errors:
        return form_response(request, "x/form.html", {..., "values": values}, errors)
    return redirect(f"/x/{id}")

A refusal (the gate's `AccessDenied`, or `NotFound`) is not a mistake in the form: `refused`
answers it with its own page (by raising; see `cases.pages.CasePageRoute`). Any other accord
error names what to correct, on its field or on `field`. A check-your-answers step is the
same shape twice: the first post renders the check page with the values in hidden inputs,
the second (`.../confirm`) submits.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, NoReturn, TypeVar

from fastapi import Request
from fastapi.responses import RedirectResponse
from sqlalchemy.orm import Session
from starlette.responses import Response

from accord.errors import AccordError, Conflict, Invalid, NotFound
from accord.gate.types import AccessDenied
from accord.web.templating import templates

T = TypeVar("T")


async def form_values(request: Request) -> dict[str, Any]:
    """The posted form, stripped; fields sent more than once (checkboxes) as lists."""
    form = await request.form()
    values: dict[str, Any] = {}
    for key in form:
        if key == "csrf_token":
            continue
        items = [str(v).strip() for v in form.getlist(key)]
        values[key] = items if len(items) > 1 or key.endswith("[]") else items[0]
    return values


def attempt(session: Session, call: Callable[[], T]) -> T:
    """Run a service call in a savepoint, so an error undoes only what the call wrote (a
    refusal's audit entry is written again: gate.outbox); the error is raised on."""
    with session.begin_nested():
        return call()


def form_error(exc: AccordError, field: str) -> dict[str, str]:
    """A service's refusal of a value (or of the record's state) as an error summary entry."""
    if isinstance(exc, Invalid):
        name = exc.field.removeprefix("details.")
        message = exc.message
        return {name if name else field: message[0].upper() + message[1:]}
    if isinstance(exc, Conflict):
        message = exc.message
        return {field: message[0].upper() + message[1:]}
    return {field: str(exc)}


def submit(
    session: Session,
    call: Callable[[], object],
    *,
    field: str,
    refused: Callable[[AccessDenied | NotFound], NoReturn],
) -> dict[str, str]:
    """Run the service in a savepoint: {} when it is done, else the error summary entries.
    A refusal or a missing record leaves through `refused`, which raises its page."""
    try:
        attempt(session, call)
    except (AccessDenied, NotFound) as exc:
        refused(exc)
    except AccordError as exc:
        return form_error(exc, field)
    return {}


def form_response(
    request: Request, template: str, context: Mapping[str, Any], errors: Mapping[str, str]
) -> Response:
    """The form page, with the error summary and status 400 when there are errors."""
    return templates.TemplateResponse(
        request, template, {**context, "errors": errors}, status_code=400 if errors else 200
    )


def redirect(url: str) -> Response:
    """After a post that did its work: see other (303), so a reload does not post again."""
    return RedirectResponse(url, status_code=303)
