"""Mapping casework errors to HTTP: 422 naming the field, 403 with the gate's reason code,
404 for what the caller may not know exists, 409 for a state that forbids the change."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from fastapi import HTTPException
from sqlalchemy.orm import Session

from accord.cases.errors import Conflict, InvalidInput, NotFound
from accord.consent.ledger import ConsentError
from accord.disclosures.service import DisclosureError
from accord.gate.types import AccessDenied
from accord.people.errors import SubjectShredded

# OpenAPI descriptions of the 4xx answers every casework route can give.
ERROR_RESPONSES: dict[int | str, dict[str, str]] = {
    403: {"description": "Refused by the gate; `reason` is its reason code."},
    404: {"description": "No such record (also said for another organisation's)."},
    422: {"description": "A field is missing or invalid; `loc` names it and `msg` says why."},
    409: {"description": "The record's state does not allow this change."},
}


def unprocessable(field: str, message: str, location: str = "body") -> HTTPException:
    """The shape FastAPI gives its own validation errors, so clients parse one format."""
    loc = [location, *field.split(".")]
    return HTTPException(
        status_code=422, detail=[{"loc": loc, "msg": message, "type": "value_error"}]
    )


@contextmanager
def api_errors(session: Session) -> Iterator[None]:
    """Run a route's work; on any refusal roll back (nothing half-written) and answer 4xx."""
    try:
        yield
    except AccessDenied as exc:
        session.rollback()
        raise HTTPException(
            status_code=403,
            detail={"reason": exc.decision.reason.value, "message": str(exc)},
        ) from None
    except NotFound as exc:
        session.rollback()
        raise HTTPException(status_code=404, detail=f"{exc.what.capitalize()} not found.") from None
    except InvalidInput as exc:
        session.rollback()
        raise unprocessable(exc.field, exc.message, exc.location) from None
    except (ConsentError, DisclosureError) as exc:
        session.rollback()
        field, _, message = str(exc).partition(": ")
        raise unprocessable(field, message or str(exc)) from None
    except Conflict as exc:
        session.rollback()
        raise HTTPException(status_code=409, detail=str(exc)) from None
    except SubjectShredded:
        session.rollback()
        raise HTTPException(status_code=410, detail="This person's data has been erased.") from None
