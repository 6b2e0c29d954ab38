"""Security codes: enrolment, verification, and no code accepted twice."""

from __future__ import annotations

import base64
import time
import uuid
from pathlib import Path

import pyotp
import pytest
from cryptography.exceptions import InvalidTag
from pydantic import SecretStr
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


def test_secret_survives_master_key_rotation(
    session: Session, settings: Settings, user: User, tmp_path: Path
) -> None:
    secret, _ = totp.begin_enrolment(session, settings=settings, user=user)
    old_key = settings.master_key_bytes()
    (tmp_path / "old.key").write_text(base64.b64encode(old_key).decode())
    rotated = settings.model_copy(
        update={
            "master_key": SecretStr(base64.b64encode(b"n" * 32).decode()),
            "master_key_previous_files": str(tmp_path / "old.key"),
        }
    )
    sealed_before = user.totp_secret
    now = time.time()
    assert totp.verify(
        session, settings=rotated, user=user, code=pyotp.TOTP(secret).at(now), now=now
    )
    assert user.totp_secret != sealed_before  # resealed under the new key
    # Without the old key, the resealed secret still opens.
    only_new = rotated.model_copy(update={"master_key_previous_files": ""})
    assert totp.pending_secret(only_new, user) == secret
    with pytest.raises(InvalidTag):
        totp.pending_secret(settings, user)  # the old key alone no longer opens it
