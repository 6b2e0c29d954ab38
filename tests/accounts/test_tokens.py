"""API tokens: shown once, stored as a hash, scoped to a role, revocable, expiring."""

from __future__ import annotations

import hashlib
from datetime import timedelta
from pathlib import Path

import pytest
import time_machine
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from accord.accounts import tokens
from accord.accounts.errors import AccountError
from accord.register.registry import Registry, use_registry


def _issue(session: Session, **kwargs: object) -> tokens.IssuedToken:
    values: dict[str, object] = {
        "name": "Referral feed",
        "organisation": "org-b",
        "register": "alpha",
        "role": "referrer",
    }
    return tokens.create_token(session, **(values | kwargs))  # type: ignore[arg-type]


def test_only_the_hash_is_stored_and_the_secret_resolves(session: Session) -> None:
    issued = _issue(session)
    assert issued.secret.startswith("accord_")
    assert len(issued.secret) > 40
    assert issued.token.secret_hash == hashlib.sha256(issued.secret.encode()).hexdigest()
    actor = tokens.resolve(session, secret=issued.secret)
    assert actor is not None
    assert actor.kind == "token"
    assert actor.id == issued.token.id
    assert actor.organisation == "org-b"
    assert actor.roles == {"referrer"}
    assert actor.permissions == {"case:referral:create", "case:referral:read"}
    assert issued.token.last_used_at is not None
    assert tokens.resolve(session, secret=issued.secret + "x") is None
    assert tokens.resolve(session, secret="not-a-token") is None


def test_explicit_permissions_narrow_the_role(session: Session) -> None:
    issued = _issue(session, permissions=["case:referral:create"])
    actor = tokens.resolve(session, secret=issued.secret)
    assert actor is not None
    assert actor.permissions == {"case:referral:create"}
    with pytest.raises(AccountError, match="not granted by role 'referrer': audit:trail:read"):
        _issue(session, permissions=["audit:trail:read"])


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"register": "gamma"}, "register"),
        ({"role": "nobody"}, "role"),
        ({"organisation": "org-z"}, "organisation"),
        ({"organisation": "org-a"}, "role"),  # referrer belongs to org-b
        ({"name": " "}, "name"),
    ],
)
def test_bad_token_requests_name_the_field(
    session: Session, kwargs: dict[str, str], field: str
) -> None:
    with pytest.raises(AccountError) as info:
        _issue(session, **kwargs)
    assert info.value.field == field


def test_revoked_and_expired_tokens_stop_working(session: Session) -> None:
    revoked = _issue(session)
    tokens.revoke_token(session, token_id=revoked.token.id)
    assert tokens.token_state(revoked.token) == "revoked"
    assert tokens.resolve(session, secret=revoked.secret) is None

    short = _issue(session, lifetime=timedelta(days=1))
    assert tokens.resolve(session, secret=short.secret) is not None
    with time_machine.travel(timedelta(days=1, seconds=1)):
        assert tokens.token_state(short.token) == "expired"
        assert tokens.resolve(session, secret=short.secret) is None


def test_api_answers_401_without_or_with_a_bad_token(session: Session, client: TestClient) -> None:
    issued = _issue(session)
    nothing = client.get("/api/me")
    assert nothing.status_code == 401
    assert nothing.headers["www-authenticate"] == "Bearer"
    assert "detail" in nothing.json()
    good = client.get("/api/me", headers={"Authorization": f"Bearer {issued.secret}"})
    assert good.status_code == 200
    assert good.json()["kind"] == "token"
    assert good.json()["permissions"] == ["case:referral:create", "case:referral:read"]
    tokens.revoke_token(session, token_id=issued.token.id)
    gone = client.get("/api/me", headers={"Authorization": f"Bearer {issued.secret}"})
    assert gone.status_code == 401
    assert "invalid_token" in gone.headers["www-authenticate"]
    basic = client.get("/api/me", headers={"Authorization": "Basic dXNlcjpwYXNz"})
    assert basic.status_code == 401


SHIPPED = Path(__file__).resolve().parents[2] / "registers"


@pytest.mark.parametrize(
    ("organisation", "register", "role", "why"),
    [
        ("metropolitan-police", "lvws", "caseworker", "is a source in 'lvws'"),
        ("translation-provider", "lvws", "police-referrer", "is a processor for 'victim-support'"),
        ("mopac", "lvws", "caseworker", "receives anonymous data only"),
        ("bedfordshire-police", "cambs-hub", "caseworker", "is a recipient in 'cambs-hub'"),
        ("metropolitan-police", "hounslow", "caseworker", "belongs to organisation 'hounslow'"),
    ],
)
def test_a_token_gets_only_a_role_its_organisation_can_hold(
    session: Session, organisation: str, register: str, role: str, why: str
) -> None:
    with use_registry(Registry.from_directory(SHIPPED)), pytest.raises(AccountError) as info:
        _issue(session, organisation=organisation, register=register, role=role)
    assert info.value.field == "role"
    assert why in str(info.value)


@pytest.mark.parametrize(
    ("organisation", "register", "role"),
    [
        ("metropolitan-police", "lvws", "police-referrer"),  # a source submits referrals
        ("mopac", "lvws", "commissioner"),  # anonymous statistics
        ("catch22", "lvws", "caseworker"),  # a controller
        ("metropolitan-police", "hounslow", "partner-agency"),  # panels shared with it
        ("thames-valley-pcc", "tvt", "priority-support-recipient"),  # reports shared with it
    ],
)
def test_roles_an_organisation_can_hold_are_issued_and_bound_to_their_register(
    session: Session, organisation: str, register: str, role: str
) -> None:
    with use_registry(Registry.from_directory(SHIPPED)):
        issued = _issue(session, organisation=organisation, register=register, role=role)
        actor = tokens.resolve(session, secret=issued.secret)
    assert actor is not None
    assert actor.grants == {(register, role)}
    assert actor.organisation == organisation
