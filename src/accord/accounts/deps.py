"""Who is calling: `current_actor` resolves a bearer API token or the session cookie to an Actor.

API clients without valid credentials get 401 JSON; a browser asking for a page is sent to
/sign-in and brought back afterwards. Tests replace the dependency:
`app.dependency_overrides[current_actor] = lambda: actor`.
"""

from __future__ import annotations

from typing import Annotated
from urllib.parse import quote

from fastapi import Depends, HTTPException, Request

from accord.accounts import sessions, tokens
from accord.accounts.actor import actor_for_user
from accord.accounts.models import SessionRecord, User
from accord.deps import AppSettings, DbSession
from accord.gate.types import Actor


def wants_page(request: Request) -> bool:
    """A browser navigating (HTML accepted, no bearer token), rather than an API client."""
    if request.headers.get("authorization"):
        return False
    return "text/html" in request.headers.get("accept", "")


def sign_in_redirect(request: Request) -> HTTPException:
    target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    return HTTPException(status_code=303, headers={"Location": f"/sign-in?next={quote(target)}"})


def signed_in_session(
    request: Request, session: DbSession, settings: AppSettings
) -> SessionRecord | None:
    """The browser's live, fully signed-in session, or None."""
    record_id = sessions.cookie_session_id(request, settings)
    if record_id is None:
        return None
    record = sessions.load(session, settings=settings, record_id=record_id)
    if record is None or record.stage != sessions.FULL:
        return None
    return record


def current_actor(request: Request, session: DbSession, settings: AppSettings) -> Actor:
    authorization = request.headers.get("authorization", "")
    if authorization:
        scheme, _, secret = authorization.partition(" ")
        actor = (
            tokens.resolve(session, secret=secret.strip()) if scheme.lower() == "bearer" else None
        )
        if actor is None:
            raise HTTPException(
                status_code=401,
                detail="The API token is not valid, has expired or has been revoked.",
                headers={"WWW-Authenticate": 'Bearer error="invalid_token"'},
            )
        request.state.actor = actor
        return actor
    record = signed_in_session(request, session, settings)
    if record is None:
        if wants_page(request):
            raise sign_in_redirect(request)
        raise HTTPException(
            status_code=401,
            detail="Sign in, or send an API token as 'Authorization: Bearer <token>'.",
            headers={"WWW-Authenticate": "Bearer"},
        )
    actor = actor_for_user(record.user)
    request.state.actor = actor
    request.state.session_record = record
    return actor


def optional_actor(request: Request, session: DbSession, settings: AppSettings) -> Actor | None:
    """For public pages that show more when someone is signed in; never redirects."""
    record = signed_in_session(request, session, settings)
    if record is None:
        return None
    actor = actor_for_user(record.user)
    request.state.actor = actor
    return actor


def current_user(request: Request, session: DbSession, settings: AppSettings) -> User:
    """The signed-in person (pages about one's own account); never a token."""
    record = signed_in_session(request, session, settings)
    if record is None:
        raise sign_in_redirect(request) if wants_page(request) else HTTPException(401)
    request.state.actor = actor_for_user(record.user)
    request.state.session_record = record
    return record.user


CurrentActor = Annotated[Actor, Depends(current_actor)]
OptionalActor = Annotated[Actor | None, Depends(optional_actor)]
CurrentUser = Annotated[User, Depends(current_user)]
