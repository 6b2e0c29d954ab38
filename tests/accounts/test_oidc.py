"""Single sign-on against a local OpenID Connect provider: group-to-role mapping and refusals."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from pydantic import SecretStr
from sqlalchemy.orm import Session

from accord.accounts import service
from accord.accounts.errors import AccountError
from accord.accounts.oidc import group_roles
from accord.app import create_app
from accord.deps import get_session
from accord.settings import Settings

from .oidc_provider import CLIENT_ID, CLIENT_SECRET, Provider, running_provider


@pytest.fixture(scope="module")
def provider() -> Iterator[Provider]:
    with running_provider() as running:
        yield running


@pytest.fixture
def sso_settings(settings: Settings, provider: Provider) -> Settings:
    return settings.model_copy(
        update={
            "oidc_issuer": provider.issuer,
            "oidc_client_id": CLIENT_ID,
            "oidc_client_secret": SecretStr(CLIENT_SECRET),
            "oidc_group_roles": "case-team=alpha:caseworker, dpo-office=alpha:dpo, analysts=beta:analyst",
            "oidc_default_organisation": "org-a",
        }
    )


@pytest.fixture
def browser(session: Session, sso_settings: Settings, provider: Provider) -> Iterator[TestClient]:
    app: FastAPI = create_app(sso_settings)
    app.dependency_overrides[get_session] = lambda: session
    provider.tamper_nonce = False
    with TestClient(app, base_url="http://localhost", follow_redirects=False) as client:
        yield client


def sso(browser: TestClient, provider: Provider, claims: dict[str, object]) -> httpx.Response:
    provider.next_claims = claims
    start = browser.get("/sign-in/sso", params={"next": "/account"})
    assert start.status_code == 303
    assert start.headers["location"].startswith(f"{provider.issuer}/authorize?")
    at_provider = httpx.get(start.headers["location"], follow_redirects=False)
    assert at_provider.status_code == 302
    back = httpx.URL(at_provider.headers["location"])
    assert back.path == "/sign-in/sso/callback"
    return browser.get(f"{back.path}?{back.query.decode()}")


CASEY = {
    "sub": "u-1",
    "email": "casey.sso@example.org",
    "email_verified": True,
    "name": "Casey SSO",
}


def test_groups_map_to_register_roles(
    browser: TestClient, provider: Provider, session: Session
) -> None:
    done = sso(browser, provider, CASEY | {"groups": ["case-team", "analysts", "canteen"]})
    assert done.status_code == 303
    assert done.headers["location"] == "/account"
    me = browser.get("/api/me").json()
    assert me["roles"] == ["analyst", "caseworker"]
    assert me["organisation"] == "org-a"
    assert "stats:aggregate:read" in me["permissions"]
    user = service.find_user(session, email="casey.sso@example.org")
    assert user is not None
    assert user.password_hash is None
    assert user.oidc_subject == f"{provider.issuer}|u-1"
    # Leaving a group at the provider takes the role away at the next sign-in.
    sso(browser, provider, CASEY | {"groups": ["dpo-office"]})
    assert browser.get("/api/me").json()["roles"] == ["dpo"]


def test_unknown_group_is_refused(
    browser: TestClient, provider: Provider, session: Session
) -> None:
    refused = sso(
        browser, provider, CASEY | {"sub": "u-2", "email": "x@example.org", "groups": ["canteen"]}
    )
    assert refused.status_code == 403
    assert "not in a group that can use accord" in refused.text
    assert browser.get("/api/me").status_code == 401
    assert service.find_user(session, email="x@example.org") is None


def test_wrong_nonce_or_state_is_refused(browser: TestClient, provider: Provider) -> None:
    provider.tamper_nonce = True
    refused = sso(browser, provider, CASEY | {"groups": ["case-team"]})
    assert refused.status_code == 403
    assert "identity token from the sign-in provider is not valid" in refused.text
    provider.tamper_nonce = False
    provider.next_claims = CASEY | {"groups": ["case-team"]}
    start = browser.get("/sign-in/sso")
    at_provider = httpx.get(start.headers["location"], follow_redirects=False)
    back = httpx.URL(at_provider.headers["location"])
    forged = browser.get(back.path, params={"code": back.params["code"], "state": "forged"})
    assert forged.status_code == 403
    assert browser.get("/api/me").status_code == 401


def test_group_role_setting_must_be_well_formed(sso_settings: Settings) -> None:
    assert group_roles(sso_settings)["case-team"] == [("alpha", "caseworker")]
    with pytest.raises(AccountError, match="ACCORD_OIDC_GROUP_ROLES"):
        group_roles(sso_settings.model_copy(update={"oidc_group_roles": "case-team=caseworker"}))
