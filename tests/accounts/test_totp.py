"""Security codes: enrolment, verification, and no code accepted twice."""

from __future__ import annotations

import time
import uuid

import pyotp
import pytest
from cryptography.exceptions import InvalidTag
from sqlalchemy.orm import Session

from accord.accounts import totp
from accord.accounts.models import User
from accord.settings import Settings


def test_enrol_confirm_and_verify_once(session: Session, settings: Settings, user: User) -> None:
    secret, uri = totp.begin_enrolment(session, settings=settings, user=user)
    assert uri.startswith("otpauth://totp/accord:casey%40example.org?secret=" + secret)
    # Stored sealed, never as the plain secret.
    assert user.totp_secret is not None
    assert secret.encode() not in user.totp_secret
    assert totp.pending_secret(settings, user) == secret
    assert not user.totp_confirmed

    now = time.time()
    code = pyotp.TOTP(secret).at(now)
    assert not totp.confirm_enrolment(
        session, settings=settings, user=user, code="000000" if code != "000000" else "111111"
    )
    assert totp.confirm_enrolment(session, settings=settings, user=user, code=code)
    assert user.totp_confirmed
    # The code used to confirm cannot be replayed to sign in.
    assert not totp.verify(session, settings=settings, user=user, code=code, now=now)
    later = now + 30
    assert totp.verify(
        session, settings=settings, user=user, code=pyotp.TOTP(secret).at(later), now=later
    )
    assert not totp.verify(
        session, settings=settings, user=user, code=pyotp.TOTP(secret).at(later), now=later
    )


def test_codes_outside_the_window_or_malformed_are_refused(
    session: Session, settings: Settings, user: User
) -> None:
    secret, _ = totp.begin_enrolment(session, settings=settings, user=user)
    now = time.time()
    old = pyotp.TOTP(secret).at(now - 120)
    assert not totp.verify(session, settings=settings, user=user, code=old, now=now)
    assert not totp.verify(session, settings=settings, user=user, code="12345", now=now)
    assert not totp.verify(session, settings=settings, user=user, code="abcdef", now=now)
    # A code one step early (clock drift) is fine, and spaces are ignored.
    drift = pyotp.TOTP(secret).at(now - 30)
    assert totp.verify(
        session, settings=settings, user=user, code=f"{drift[:3]} {drift[3:]}", now=now
    )


def test_secret_is_bound_to_its_user(session: Session, settings: Settings, user: User) -> None:
    totp.begin_enrolment(session, settings=settings, user=user)
    assert user.totp_secret is not None
    other = User(email="x@example.org", name="X", organisation="org-a")
    other.id = uuid.uuid4()
    other.totp_secret = user.totp_secret  # copying the sealed secret to another row is useless
    with pytest.raises(InvalidTag):
        totp.pending_secret(settings, other)
