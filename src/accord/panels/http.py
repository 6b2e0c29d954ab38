"""HTTP errors for the consent, disclosure, panel and notification routers.

422 names the field (FastAPI's own shape), 403 carries the gate's reason code, 404 hides what
the caller may not know exists, 410 says a person's data has been erased. Whatever fails, the
transaction is rolled back so nothing is half-written (the gate keeps its refusal entries).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Generic, TypeVar

from fastapi import HTTPException
from pydantic import BaseModel
from sqlalchemy.orm import Session

from accord.consent.ledger import ConsentError
from accord.disclosures.service import DisclosureError
from accord.gate.types import AccessDenied
from accord.notifications.service import NotificationError
from accord.paging import Limit as Limit  # re-exported for the routers here
from accord.paging import Offset as Offset
from accord.panels.access import NotFound, PanelError
from accord.people.errors import SubjectNotFound, SubjectShredded

ERRORS: dict[int | str, dict[str, str]] = {
    403: {"description": "Refused by the gate; `reason` is its reason code."},
    404: {"description": "No such record (also said for another organisation's)."},
    410: {"description": "The person's data has been erased."},
    422: {"description": "A field is missing or invalid; `loc` names it and `msg` says why."},
}

T = TypeVar("T")


class Page(BaseModel, Generic[T]):
    items: list[T]
    total: int
    limit: int
    offset: int


def unprocessable(message: str) -> HTTPException:
    field, sep, why = message.partition(": ")
    if not sep:
        field, why = "body", message
    return HTTPException(
        status_code=422,
        detail=[{"loc": ["body", *field.split(".")], "msg": why, "type": "value_error"}],
    )


@contextmanager
def api_errors(session: Session) -> Iterator[None]:
    try:
        yield
    except AccessDenied as exc:
        session.rollback()
        raise HTTPException(
            status_code=403, detail={"reason": exc.decision.reason.value, "message": str(exc)}
        ) from None
    except (NotFound, SubjectNotFound) as exc:
        session.rollback()
        what = exc.what if isinstance(exc, NotFound) else "person"
        raise HTTPException(status_code=404, detail=f"No such {what}.") from None
    except SubjectShredded:
        session.rollback()
        raise HTTPException(status_code=410, detail="This person's data has been erased.") from None
    except (PanelError, ConsentError, DisclosureError, NotificationError) as exc:
        session.rollback()
        raise unprocessable(str(exc)) from None
    except LookupError as exc:
        session.rollback()
        raise HTTPException(
            status_code=404, detail=str(exc).partition(": ")[2] or str(exc)
        ) from None
