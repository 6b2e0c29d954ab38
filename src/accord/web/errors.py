"""Every error a route lets out becomes an HTTP answer here, in one shape.

403, 404, 409 and 410 answer {"detail": {"message", "reason"?, "field"?}}; 422 answers
FastAPI's own list of {loc, msg, type}. Errors raised as accord.errors carry their status;
older service errors (a ValueError whose message is "field: why", a LookupError) are
translated by `as_accord_error`. The session dependency (accord.deps) has already rolled the
request's transaction back; a refusal's audit entry survives it (gate.outbox).
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import HTTPException as ApiError
from starlette.exceptions import HTTPException
from starlette.responses import JSONResponse, Response

from accord import errors
from accord.accounts.errors import AccountError
from accord.analytics.lock import AnalyticsBusy
from accord.consent.ledger import ConsentError
from accord.disclosures.requests import AlreadyReleased
from accord.disclosures.service import DisclosureError
from accord.feeds.errors import FeedError, SnapshotShrinks, UnknownFeed
from accord.gate.access import AccessError, AlreadyInCaseloadError, AlreadyReviewedError
from accord.gate.types import AccessDenied
from accord.linkage.review import ReviewError
from accord.notifications.service import NotificationError
from accord.panels.access import NotFound as PanelNotFound
from accord.panels.access import PanelError
from accord.people.errors import SubjectNotFound, SubjectShredded
from accord.web.validation import one_shape_for_422

# The OpenAPI description of the 4xx answers a route can give; every API router uses it.
ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    403: {"description": "Refused by the gate: `detail.reason` is its reason code."},
    404: {"description": "No such record (also said for another organisation's)."},
    409: {"description": "The record's state does not allow this change."},
    410: {"description": "The person's data has been erased."},
    422: {"description": "A field is missing or invalid: `loc` names it and `msg` says why."},
}
for _status in (403, 404, 409, 410):
    ERROR_RESPONSES[_status]["content"] = {
        "application/json": {
            "example": {"detail": {"message": "Why, in a sentence.", "field": "body field"}}
        }
    }

# Errors whose message is "field: why", from services that do not raise accord.errors.
_INVALID: tuple[type[Exception], ...] = (
    AccountError,
    ConsentError,
    DisclosureError,
    NotificationError,
    PanelError,
    AccessError,
)
_CONFLICT: tuple[type[Exception], ...] = (
    AlreadyInCaseloadError,
    AlreadyReviewedError,
    AlreadyReleased,
)


def _split(message: str, *, loose: bool = False) -> tuple[str | None, str]:
    """ "field: why" as (field, why); a service error's field may be a list ("email, phone")."""
    field, sep, why = message.partition(": ")
    if sep and field and (loose or " " not in field):
        return field, why
    return None, message


def as_accord_error(exc: Exception) -> errors.AccordError | None:
    """The accord error an older service error stands for, or None (a bug: 500)."""
    if isinstance(exc, errors.AccordError):
        return exc
    if isinstance(exc, AccessDenied):
        return errors.Refused(exc.decision.reason.value, str(exc))
    if isinstance(exc, PanelNotFound):
        return errors.NotFound(exc.what, f"No such {exc.what}.")
    if isinstance(exc, SubjectNotFound):
        return errors.NotFound("person", "No such person.")
    if isinstance(exc, SubjectShredded):
        return errors.Gone("This person's data has been erased.")
    if isinstance(exc, _CONFLICT):
        field, why = _split(str(exc))
        return errors.Conflict(why, field=field)
    if isinstance(exc, SnapshotShrinks):
        return errors.Conflict(str(exc), field="file")
    if isinstance(exc, UnknownFeed | ReviewError):
        return errors.NotFound("record", str(exc))
    if isinstance(exc, FeedError):
        return errors.Invalid("file", str(exc))
    if isinstance(exc, _INVALID):
        field, why = _split(str(exc), loose=True)
        return errors.Invalid(field or "body", why) if field else errors.Invalid("body", why)
    if isinstance(exc, LookupError):  # e.g. the registry's KeyError for an unknown register
        said = exc.args[0] if exc.args and isinstance(exc.args[0], str) else str(exc)
        field, why = _split(said)
        return errors.NotFound(field or "record", why)
    return None


def _where(request: Request, error: errors.Invalid) -> list[str]:
    location = error.location
    if location == "body" and error.field in request.query_params:
        location = "query"
    elif location == "body" and error.field in request.path_params:
        location = "path"
    return [location, *error.field.split(".")] if error.field != "body" else [location]


async def answer_error(request: Request, exc: Exception) -> Response:
    error = as_accord_error(exc)
    if error is None:
        raise exc
    if isinstance(error, errors.Invalid):
        items = [{"type": "value_error", "loc": _where(request, error), "msg": error.message}]
        return JSONResponse({"detail": items}, status_code=422)
    return JSONResponse({"detail": error.detail()}, status_code=error.status)


async def answer_http_exception(request: Request, exc: Exception) -> Response:
    """A route's own HTTPException: 403/404/409/410 with a text detail take the one shape."""
    assert isinstance(exc, HTTPException)
    if exc.status_code in (403, 404, 409, 410) and isinstance(exc.detail, str):
        field, why = _split(exc.detail)
        detail = {"message": why} | ({"field": field} if field else {})
        exc = ApiError(exc.status_code, detail, exc.headers)
    return await one_shape_for_422(request, exc)


async def answer_busy(request: Request, exc: Exception) -> Response:
    """Another writer holds the partner data store: 503, and when to try again."""
    assert isinstance(exc, AnalyticsBusy)
    message = (
        "Another delivery, ingest or sweep is writing the partner data store; nothing was"
        f" written. Send the file again in {exc.retry_after} seconds."
    )
    headers = {"Retry-After": str(exc.retry_after)}
    return JSONResponse({"detail": message}, status_code=503, headers=headers)


def install(app: FastAPI) -> None:
    """Answer every accord error, and the older service errors, in the one shape."""
    app.add_exception_handler(HTTPException, answer_http_exception)
    handled: tuple[type[Exception], ...] = (
        errors.AccordError,
        AccessDenied,
        SubjectNotFound,
        SubjectShredded,
        *_INVALID,
        *_CONFLICT,
        FeedError,
        ReviewError,
        PanelNotFound,
        LookupError,
    )
    for error in handled:
        app.add_exception_handler(error, answer_error)
    app.add_exception_handler(AnalyticsBusy, answer_busy)
