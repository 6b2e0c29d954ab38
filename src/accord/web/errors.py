"""Every error a route lets out becomes an HTTP answer here, in one shape.

403, 404, 409 and 410 answer {"detail": {"message", "reason"?, "field"?}}; 422 answers
FastAPI's own list of {loc, msg, type}. Every service error is an accord.errors class (each
domain's own errors derive from one) carrying its status and, where it has one, its field:
nothing here reads an error's text. The session dependency (accord.deps) has already rolled
the request's transaction back; a refusal's audit entry survives it (gate.outbox).
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import HTTPException as ApiError
from starlette.exceptions import HTTPException
from starlette.responses import JSONResponse, Response

from accord import errors
from accord.analytics.lock import AnalyticsBusy
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


def _where(request: Request, error: errors.Invalid) -> list[str]:
    location = error.location
    if location == "body" and error.field in request.query_params:
        location = "query"
    elif location == "body" and error.field in request.path_params:
        location = "path"
    return [location, *error.field.split(".")] if error.field != "body" else [location]


async def answer_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, errors.AccordError)
    if isinstance(exc, errors.Invalid):
        items = [{"type": "value_error", "loc": _where(request, exc), "msg": exc.message}]
        return JSONResponse({"detail": items}, status_code=422)
    return JSONResponse({"detail": exc.detail()}, status_code=exc.status)


async def answer_http_exception(request: Request, exc: Exception) -> Response:
    """A route's own HTTPException: 403/404/409/410 with a text detail take the one shape."""
    assert isinstance(exc, HTTPException)
    if exc.status_code in (403, 404, 409, 410) and isinstance(exc.detail, str):
        exc = ApiError(exc.status_code, {"message": exc.detail}, exc.headers)
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
    """Answer every accord error in the one shape."""
    app.add_exception_handler(HTTPException, answer_http_exception)
    app.add_exception_handler(errors.AccordError, answer_error)
    app.add_exception_handler(AnalyticsBusy, answer_busy)
