"""Server-side sign-in sessions behind a signed, HTTP-only, SameSite=Lax cookie.

The cookie holds only the session id, signed with ACCORD_SESSION_SECRET; the row says who,
at which stage (second factor owed or not), and until when. Signing out or revoking sets
`revoked_at`, so a copied cookie stops working at once.
"""

from __future__ import annotations

import uuid
from datetime import timedelta

from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy import select, update
from sqlalchemy.orm import Session
from starlette.requests import Request
from starlette.responses import Response

from accord.accounts import events
from accord.accounts.actor import actor_for_user
from accord.accounts.models import SessionRecord, User
from accord.settings import Settings
from accord.store.base import utcnow

SESSION_COOKIE = "accord_session"
FULL = "full"
TOTP_PENDING = "totp"
PENDING_MINUTES = 10
MAX_CODE_FAILURES = 5


def _serializer(settings: Settings) -> URLSafeSerializer:
    return URLSafeSerializer(settings.session_secret.get_secret_value(), salt="accord-session")


def cookie_is_secure(settings: Settings, request: Request) -> bool:
    """Secure everywhere except development over plain http on this machine."""
    local = request.url.hostname in ("localhost", "127.0.0.1", "::1")
    return not (settings.is_development and request.url.scheme == "http" and local)


def start(
    session: Session, *, settings: Settings, user: User, stage: str, method: str
) -> SessionRecord:
    now = utcnow()
    record = SessionRecord(
        user_id=user.id,
        stage=stage,
        method=method,
        created_at=now,
        last_seen_at=now,
        # The second factor is owed within minutes, or the password must be given again.
        expires_at=now
        + (
            timedelta(minutes=PENDING_MINUTES)
            if stage == TOTP_PENDING
            else timedelta(hours=settings.session_max_hours)
        ),
        data={},
    )
    session.add(record)
    session.flush()
    if stage == FULL:
        events.record(
            session,
            actor=actor_for_user(user),
            action="sign-in",
            record_type="sign-in-session",
            record_id=record.id,
            organisation=user.organisation,
            ref=method,
        )
    return record


def set_cookie(
    response: Response, *, settings: Settings, request: Request, record_id: uuid.UUID
) -> None:
    response.set_cookie(
        SESSION_COOKIE,
        _serializer(settings).dumps(str(record_id)),
        max_age=settings.session_max_hours * 3600,
        httponly=True,
        secure=cookie_is_secure(settings, request),
        samesite="lax",
        path="/",
    )


def clear_cookie(response: Response, *, settings: Settings, request: Request) -> None:
    response.delete_cookie(
        SESSION_COOKIE,
        path="/",
        httponly=True,
        secure=cookie_is_secure(settings, request),
        samesite="lax",
    )


def cookie_session_id(request: Request, settings: Settings) -> uuid.UUID | None:
    raw = request.cookies.get(SESSION_COOKIE)
    if not raw:
        return None
    try:
        return uuid.UUID(str(_serializer(settings).loads(raw)))
    except (BadSignature, ValueError):
        return None


def load(
    session: Session, *, settings: Settings, record_id: uuid.UUID, touch: bool = True
) -> SessionRecord | None:
    """The live session with this id, or None if it is unknown, revoked, idle or past its end."""
    record = session.get(SessionRecord, record_id)
    if record is None or record.revoked_at is not None:
        return None
    now = utcnow()
    idle_limit = record.last_seen_at + timedelta(minutes=settings.session_idle_minutes)
    if now >= record.expires_at or now >= idle_limit or not record.user.active:
        return None
    # Writing on every request would be wasteful: a minute's resolution is plenty for idle expiry.
    if touch and now - record.last_seen_at > timedelta(minutes=1):
        record.last_seen_at = now
        session.commit()
    return record


def revoke(session: Session, *, record_id: uuid.UUID) -> None:
    record = session.get(SessionRecord, record_id)
    if record is not None and record.revoked_at is None:
        record.revoked_at = utcnow()
        session.commit()


def revoke_all(session: Session, *, user_id: uuid.UUID) -> int:
    """End every session a person has (disabled account, password change)."""
    result = session.execute(
        update(SessionRecord)
        .where(SessionRecord.user_id == user_id, SessionRecord.revoked_at.is_(None))
        .values(revoked_at=utcnow())
    )
    session.commit()
    return int(result.rowcount)  # type: ignore[attr-defined]


def live_sessions(session: Session, *, user_id: uuid.UUID) -> list[SessionRecord]:
    rows = session.scalars(
        select(SessionRecord)
        .where(SessionRecord.user_id == user_id, SessionRecord.revoked_at.is_(None))
        .order_by(SessionRecord.created_at.desc())
    )
    now = utcnow()
    return [r for r in rows if r.expires_at > now]
