"""Sign-in, second factor, sign-out and the account page."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import RedirectResponse, Response
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from accord.accounts import events, oidc, service, sessions, totp
from accord.accounts.actor import actor_for_user
from accord.accounts.csrf import require_csrf
from accord.accounts.deps import CurrentUser, signed_in_session
from accord.accounts.models import SessionRecord, User
from accord.deps import AppSettings, DbSession
from accord.settings import Settings
from accord.web.routing import PageRoute
from accord.web.templating import templates

router = APIRouter(include_in_schema=False, route_class=PageRoute)
Csrf = Depends(require_csrf)

WRONG = "Enter a correct email address and password"
LOCKED = (
    "You have tried to sign in too many times. Wait 15 minutes, then try again, "
    "or ask your administrator to help"
)
OIDC_COOKIE = "accord_oidc"


def safe_next(target: str | None) -> str:
    """Only paths on this site: never another host (an open redirect helps phishing)."""
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return "/"


def _redirect(url: str) -> RedirectResponse:
    return RedirectResponse(url, status_code=303)


def _begin(
    request: Request,
    db: DbSession,
    settings: Settings,
    user: User,
    stage: str,
    method: str,
    next_url: str,
) -> RedirectResponse:
    record = sessions.start(db, settings=settings, user=user, stage=stage, method=method)
    record.data = {"next": next_url}
    db.commit()
    # A fresh session id at each step up, so an id seen before sign-in is worth nothing after.
    old = sessions.cookie_session_id(request, settings)
    if old is not None:
        sessions.revoke(db, record_id=old)
    target = "/sign-in/code" if stage == sessions.TOTP_PENDING else next_url
    response = _redirect(target)
    sessions.set_cookie(response, settings=settings, request=request, record_id=record.id)
    return response


def _pending(request: Request, db: DbSession, settings: Settings) -> SessionRecord | None:
    record_id = sessions.cookie_session_id(request, settings)
    if record_id is None:
        return None
    record = sessions.load(db, settings=settings, record_id=record_id, touch=False)
    return record if record is not None and record.stage == sessions.TOTP_PENDING else None


@router.get("/sign-in")
def sign_in_page(
    request: Request,
    db: DbSession,
    settings: AppSettings,
    next_url: Annotated[str, Query(alias="next")] = "/",
) -> Response:
    if signed_in_session(request, db, settings) is not None:
        return _redirect(safe_next(next_url))  # already signed in: go where they were going
    return templates.TemplateResponse(
        request,
        "accounts/sign_in.html",
        {
            "next": safe_next(next_url),
            "email": "",
            "errors": {},
            "sso": oidc.enabled(settings),
            # the browser would drop the sign-in cookie, which is for https only: say so
            "insecure": request.url.scheme == "http"
            and sessions.cookie_is_secure(settings, request),
        },
    )


@router.post("/sign-in", dependencies=[Csrf])
def sign_in(
    request: Request,
    db: DbSession,
    settings: AppSettings,
    email: Annotated[str, Form()] = "",
    password: Annotated[str, Form()] = "",
    next_url: Annotated[str, Form(alias="next")] = "/",
) -> Response:
    errors: dict[str, str] = {}
    if not email.strip():
        errors["email"] = "Enter your email address"
    if not password:
        errors["password"] = "Enter your password"  # noqa: S105 (a message, not a secret)
    if not errors:
        result = service.authenticate(db, settings=settings, email=email, password=password)
        if result.outcome == "ok" and result.user is not None:
            stage = sessions.TOTP_PENDING if result.user.totp_confirmed else sessions.FULL
            return _begin(
                request, db, settings, result.user, stage, "password", safe_next(next_url)
            )
        errors["email"] = LOCKED if result.outcome == "locked" else WRONG
    return templates.TemplateResponse(
        request,
        "accounts/sign_in.html",
        {
            "next": safe_next(next_url),
            "email": email,
            "errors": errors,
            "sso": oidc.enabled(settings),
        },
        status_code=429 if errors.get("email") == LOCKED else 400,
    )


@router.get("/sign-in/code")
def code_page(request: Request, db: DbSession, settings: AppSettings) -> Response:
    if _pending(request, db, settings) is None:
        return _redirect("/sign-in")
    return templates.TemplateResponse(request, "accounts/code.html", {"errors": {}})


@router.post("/sign-in/code", dependencies=[Csrf])
def check_code(
    request: Request, db: DbSession, settings: AppSettings, code: Annotated[str, Form()] = ""
) -> Response:
    record = _pending(request, db, settings)
    if record is None:
        return _redirect("/sign-in")
    if totp.verify(db, settings=settings, user=record.user, code=code):
        next_url = safe_next(record.data.get("next"))
        return _begin(request, db, settings, record.user, sessions.FULL, record.method, next_url)
    if not code.strip():
        message = "Enter the 6-digit code from your authenticator app"
    else:
        # Six digits can be guessed given enough tries: a few wrong codes end the attempt.
        failures = int(record.data.get("code_failures", 0)) + 1
        record.data = {**record.data, "code_failures": failures}
        db.commit()
        if failures >= sessions.MAX_CODE_FAILURES:
            sessions.revoke(db, record_id=record.id)
            response = templates.TemplateResponse(
                request,
                "accounts/sign_in.html",
                {
                    "next": "/",
                    "email": "",
                    "errors": {"": "Too many wrong security codes. Sign in again"},
                    "sso": oidc.enabled(settings),
                },
                status_code=429,
            )
            sessions.clear_cookie(response, settings=settings, request=request)
            return response
        message = (
            "The code is not right or has already been used. Wait for a new code and try again"
        )
    return templates.TemplateResponse(
        request, "accounts/code.html", {"errors": {"code": message}}, status_code=400
    )


@router.post("/sign-out", dependencies=[Csrf])
def sign_out(request: Request, db: DbSession, settings: AppSettings) -> Response:
    record_id = sessions.cookie_session_id(request, settings)
    if record_id is not None:
        record = sessions.load(db, settings=settings, record_id=record_id, touch=False)
        if record is not None:
            events.record(
                db,
                actor=actor_for_user(record.user),
                action="sign-out",
                record_type="sign-in-session",
                record_id=record.id,
                organisation=record.user.organisation,
            )
        sessions.revoke(db, record_id=record_id)
    response = _redirect("/signed-out")
    sessions.clear_cookie(response, settings=settings, request=request)
    return response


@router.get("/signed-out")
def signed_out(request: Request) -> Response:
    return templates.TemplateResponse(request, "accounts/signed_out.html", {})


# --- the account page and TOTP enrolment ---------------------------------------------------


def _account(request: Request, db: DbSession, user: User, **extra: object) -> Response:
    live = sessions.live_sessions(db, user_id=user.id)
    return templates.TemplateResponse(
        request,
        "accounts/account.html",
        {"user": user, "sessions": live, "errors": {}, **extra},
        status_code=400 if extra.get("errors") else 200,
    )


@router.get("/account")
def account(request: Request, db: DbSession, user: CurrentUser) -> Response:
    return _account(request, db, user)


@router.post("/account/sessions/end-others", dependencies=[Csrf])
def end_other_sessions(
    request: Request, db: DbSession, settings: AppSettings, user: CurrentUser
) -> Response:
    """Sign out everywhere else (a lost laptop, a shared computer)."""
    current = sessions.cookie_session_id(request, settings)
    for record in sessions.live_sessions(db, user_id=user.id):
        if record.id != current:
            sessions.revoke(db, record_id=record.id)
    return _redirect("/account")


@router.post("/account/totp", dependencies=[Csrf])
def start_totp(
    request: Request, db: DbSession, settings: AppSettings, user: CurrentUser
) -> Response:
    if user.totp_confirmed:
        return _redirect("/account")
    secret, uri = totp.begin_enrolment(db, settings=settings, user=user)
    return templates.TemplateResponse(
        request,
        "accounts/totp_enrol.html",
        {"secret": secret, "uri": uri, "qr": totp.qr_svg(uri), "errors": {}},
    )


@router.post("/account/totp/confirm", dependencies=[Csrf])
def confirm_totp(
    request: Request,
    db: DbSession,
    settings: AppSettings,
    user: CurrentUser,
    code: Annotated[str, Form()] = "",
) -> Response:
    if totp.confirm_enrolment(db, settings=settings, user=user, code=code):
        return _redirect("/account?totp=on")
    secret = totp.pending_secret(settings, user)
    if secret is None:
        return _redirect("/account")
    return templates.TemplateResponse(
        request,
        "accounts/totp_enrol.html",
        {
            "secret": secret,
            "uri": totp.provisioning_uri(user, secret),
            "qr": totp.qr_svg(totp.provisioning_uri(user, secret)),
            "errors": {"code": "The code is not right. Enter the 6-digit code your app shows now"},
        },
        status_code=400,
    )


# --- single sign-on ------------------------------------------------------------------------


def _oidc_serializer(settings: Settings) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(settings.session_secret.get_secret_value(), salt="accord-oidc")


def _callback_url(request: Request) -> str:
    return str(request.url_for("oidc_callback"))


@router.get("/sign-in/sso")
def sso_start(
    request: Request, settings: AppSettings, next_url: Annotated[str, Query(alias="next")] = "/"
) -> Response:
    if not oidc.enabled(settings):
        return _redirect("/sign-in")
    url, kept = oidc.authorization_request(settings, _callback_url(request))
    kept["next"] = safe_next(next_url)
    response = _redirect(url)
    response.set_cookie(
        OIDC_COOKIE,
        _oidc_serializer(settings).dumps(kept),
        max_age=600,
        httponly=True,
        secure=sessions.cookie_is_secure(settings, request),
        samesite="lax",  # the provider's redirect back is a top-level GET: Lax sends it
        path="/sign-in/sso",
    )
    return response


@router.get("/sign-in/sso/callback", name="oidc_callback")
def oidc_callback(
    request: Request, db: DbSession, settings: AppSettings, code: str = "", state: str = ""
) -> Response:
    try:
        kept = _oidc_serializer(settings).loads(request.cookies.get(OIDC_COOKIE, ""), max_age=600)
    except (BadSignature, SignatureExpired):
        kept = None
    problem = None
    user = None
    if not kept or not state or state != kept.get("state") or not code:
        problem = "Your sign-in took too long or was interrupted. Try again."
    else:
        try:
            claims = oidc.exchange(settings, _callback_url(request), code=code, kept=kept)
            user = oidc.sign_in_user(db, settings=settings, claims=claims)
        except oidc.SsoRefused as exc:
            problem = str(exc)
    response: Response
    if problem or user is None:
        response = templates.TemplateResponse(
            request,
            "accounts/sign_in.html",
            {"next": "/", "email": "", "errors": {"": problem}, "sso": True},
            status_code=403,
        )
    else:
        response = _begin(
            request, db, settings, user, sessions.FULL, "oidc", safe_next(kept["next"])
        )
    response.delete_cookie(OIDC_COOKIE, path="/sign-in/sso")
    return response
