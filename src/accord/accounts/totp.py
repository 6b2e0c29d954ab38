"""Optional second factor: time-based one-time codes (RFC 6238) from an authenticator app.

The shared secret is sealed with AES-GCM under a key derived from the master key, so a copy of
the users table alone does not let anyone mint codes. After a master-key rotation, secrets
sealed under a previous key (ACCORD_MASTER_KEY_PREVIOUS_FILES) are resealed at their next use. A code is accepted within one time step
either side of now, and never for a step at or before the last one accepted (no replay).
"""

from __future__ import annotations

import hmac
import os
import time

import pyotp
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from sqlalchemy.orm import Session

from accord.accounts import events
from accord.accounts.actor import actor_for_user
from accord.accounts.models import User
from accord.gate.types import Actor
from accord.keys.keyring import read_master_key_file
from accord.settings import Settings

ISSUER = "accord"
_AAD = b"accord-totp-secret"


def _derive(master_key: bytes) -> bytes:
    return HKDF(
        algorithm=hashes.SHA256(), length=32, salt=None, info=b"accord totp secrets"
    ).derive(master_key)


def _keys(settings: Settings) -> list[bytes]:
    """The key derived from the current master key, then from each previous one."""
    masters = [settings.master_key_bytes()]
    masters += [read_master_key_file(p) for p in settings.previous_master_key_paths()]
    return [_derive(m) for m in masters]


def seal(settings: Settings, user_id: bytes, secret: str) -> bytes:
    nonce = os.urandom(12)
    return nonce + AESGCM(_keys(settings)[0]).encrypt(nonce, secret.encode(), _AAD + user_id)


def unseal(settings: Settings, user_id: bytes, blob: bytes) -> tuple[str, bool]:
    """The secret, and whether it was sealed under a previous master key (so needs resealing).

    Raises InvalidTag if no master key held opens it (or it belongs to another user).
    """
    for index, key in enumerate(_keys(settings)):
        try:
            plain = AESGCM(key).decrypt(blob[:12], blob[12:], _AAD + user_id)
        except InvalidTag:
            continue
        return plain.decode(), index > 0
    raise InvalidTag


def begin_enrolment(session: Session, *, settings: Settings, user: User) -> tuple[str, str]:
    """A new secret (not yet in force) and its otpauth:// URI for the authenticator app."""
    secret = pyotp.random_base32()
    user.totp_secret = seal(settings, user.id.bytes, secret)
    user.totp_confirmed = False
    user.totp_last_step = None
    session.commit()
    return secret, provisioning_uri(user, secret)


def provisioning_uri(user: User, secret: str) -> str:
    return str(pyotp.TOTP(secret).provisioning_uri(name=user.email, issuer_name=ISSUER))


def qr_svg(uri: str) -> str:
    """The set-up link as an inline SVG QR code (drawn with paths: no script, no style)."""
    import segno

    return str(segno.make(uri, error="m").svg_inline(scale=4, omitsize=False))


def pending_secret(settings: Settings, user: User) -> str | None:
    if user.totp_secret is None:
        return None
    return unseal(settings, user.id.bytes, user.totp_secret)[0]


def _matching_step(secret: str, code: str, now: float) -> int | None:
    code = "".join(code.split())
    if not (code.isdigit() and len(code) == 6):
        return None
    totp = pyotp.TOTP(secret)
    current = int(now) // totp.interval
    for step in (current - 1, current, current + 1):
        if hmac.compare_digest(str(totp.generate_otp(step)), code):
            return step
    return None


def verify(
    session: Session, *, settings: Settings, user: User, code: str, now: float | None = None
) -> bool:
    """Check a code and use it up: the same code (or an older one) is refused next time."""
    if user.totp_secret is None:
        return False
    try:
        secret, stale = unseal(settings, user.id.bytes, user.totp_secret)
    except InvalidTag:
        # Sealed under a master key no longer held: an administrator resets the codes
        # (`accord users reset-codes`) and the person sets them up again.
        return False
    step = _matching_step(secret, code, time.time() if now is None else now)
    if step is None or (user.totp_last_step is not None and step <= user.totp_last_step):
        return False
    user.totp_last_step = step
    if stale:  # the master key has been rotated since: move this secret to the current one
        user.totp_secret = seal(settings, user.id.bytes, secret)
    session.commit()
    return True


def confirm_enrolment(session: Session, *, settings: Settings, user: User, code: str) -> bool:
    if user.totp_secret is None or user.totp_confirmed:
        return False
    if not verify(session, settings=settings, user=user, code=code):
        return False
    user.totp_confirmed = True
    events.about(session, user, actor=actor_for_user(user), action="codes-on")
    session.commit()
    return True


def remove(session: Session, *, user: User, actor: Actor | None = None) -> None:
    user.totp_secret = None
    user.totp_confirmed = False
    user.totp_last_step = None
    events.about(session, user, actor=actor, action="codes-off")
    session.commit()
