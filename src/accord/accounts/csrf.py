"""CSRF protection for every form post: a synchronizer token bound to the browser's session.

The token is an HMAC of the sign-in session id (or, before sign-in, of a random id kept in a
signed cookie of its own), so it cannot be forged without ACCORD_SESSION_SECRET and is useless
with any other session. `require_csrf` is a dependency that refuses, with 403, any post whose
`csrf_token` field is missing or wrong, before the route does anything.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from typing import Annotated

from fastapi import Depends, HTTPException, Request
from itsdangerous import BadSignature, URLSafeSerializer
from starlette.responses import Response

from accord.accounts.sessions import SESSION_COOKIE, cookie_is_secure
from accord.deps import AppSettings
from accord.settings import Settings

ANON_COOKIE = "accord_anon"
FIELD = "csrf_token"


def _anon_serializer(settings: Settings) -> URLSafeSerializer:
    return URLSafeSerializer(settings.session_secret.get_secret_value(), salt="accord-anon")


def _binding(request: Request, settings: Settings) -> str | None:
    """What the token is bound to: the raw signed session cookie, else the anonymous id."""
    signed = request.cookies.get(SESSION_COOKIE)
    if signed:
        return "s:" + signed
    raw = request.cookies.get(ANON_COOKIE)
    if raw:
        try:
            return "a:" + str(_anon_serializer(settings).loads(raw))
        except BadSignature:
            return None
    return None


def _token_for(binding: str, settings: Settings) -> str:
    key = settings.session_secret.get_secret_value().encode()
    return hmac.new(key, b"csrf|" + binding.encode(), hashlib.sha256).hexdigest()


def csrf_token(request: Request, settings: Settings) -> str:
    """The token for forms on this page; issues an anonymous id first if the browser has none."""
    binding = _binding(request, settings)
    if binding is None:
        anon = secrets.token_urlsafe(18)
        request.state.new_anon_id = anon
        binding = "a:" + anon
    return _token_for(binding, settings)


def token_for_session_cookie(signed_cookie: str, settings: Settings) -> str:
    """The token a page rendered right after sign-in must carry (the cookie is new)."""
    return _token_for("s:" + signed_cookie, settings)


def set_anon_cookie(request: Request, response: Response, settings: Settings) -> None:
    anon = getattr(request.state, "new_anon_id", None)
    if anon:
        response.set_cookie(
            ANON_COOKIE,
            _anon_serializer(settings).dumps(anon),
            httponly=True,
            secure=cookie_is_secure(settings, request),
            samesite="lax",
            path="/",
        )


async def require_csrf(request: Request, settings: AppSettings) -> None:
    binding = _binding(request, settings)
    form = await request.form()
    sent = form.get(FIELD)
    if binding is None or not isinstance(sent, str):
        raise HTTPException(status_code=403, detail="This form has expired. Go back and try again.")
    if not hmac.compare_digest(sent, _token_for(binding, settings)):
        raise HTTPException(status_code=403, detail="This form has expired. Go back and try again.")


CsrfChecked = Annotated[None, Depends(require_csrf)]
