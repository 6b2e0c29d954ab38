"""Liveness, readiness, and the answer when the database cannot be reached.

/healthz says only that the process serves requests (liveness: restart it if this fails).
/readyz checks the case database and the keystore and answers 503 naming whichever is down
(readiness: send it no traffic until this passes). Any request that finds the database
unreachable gets 503 with Retry-After and a plain message instead of a 500.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from sqlalchemy import Engine, text
from sqlalchemy.exc import DBAPIError, DisconnectionError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from starlette.responses import Response

from accord.accounts.deps import wants_page
from accord.people.crypto import current_crypto
from accord.web.routing import error_page

RETRY_AFTER_SECONDS = 30
UNAVAILABLE = "The service cannot reach its database just now. Please try again shortly."
# What reaching the database can fail with: a refused or dropped connection, a timeout, a
# full pool. OperationalError is the DBAPI's class for "the database is not available".
UNREACHABLE = (OperationalError, DisconnectionError, PoolTimeout)

router = APIRouter(include_in_schema=False)


def database_unavailable(request: Request, exc: Exception) -> Response:
    headers = {"Retry-After": str(RETRY_AFTER_SECONDS)}
    if wants_page(request):
        return error_page(request, 503, UNAVAILABLE, headers)
    return JSONResponse({"detail": UNAVAILABLE}, status_code=503, headers=headers)


def _answers(engine: Engine) -> bool:
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except (DBAPIError, *UNREACHABLE):
        return False
    return True


def _keystore_answers() -> bool:
    try:
        return _answers(current_crypto().keystore.engine)
    except (DBAPIError, *UNREACHABLE):  # first use builds the engine and its tables
        return False


@router.get("/healthz")
def healthz() -> dict[str, str]:
    return {"status": "ok"}


@router.get("/readyz")
def readyz(request: Request) -> Response:
    checks: dict[str, Any] = {
        "database": _answers(request.app.state.engine),
        "keystore": _keystore_answers(),
    }
    down = [name for name, ok in checks.items() if not ok]
    body = {name: "ok" if ok else "unavailable" for name, ok in checks.items()}
    if down:
        body["status"] = f"not ready: {' and '.join(down)} cannot be reached"
        return JSONResponse(
            body, status_code=503, headers={"Retry-After": str(RETRY_AFTER_SECONDS)}
        )
    body["status"] = "ok"
    return JSONResponse(body)
