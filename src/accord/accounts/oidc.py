"""OpenID Connect single sign-on (authorization code flow with PKCE), via Authlib and joserfc.

Provider groups map to register roles through ACCORD_OIDC_GROUP_ROLES
("group=register:role,..."). A person none of whose groups map to a role is refused; a person
who is let in has exactly the mapped roles, so leaving a group at the provider takes the role
away at the next sign-in.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from typing import Any

import httpx
from authlib.integrations.httpx_client import OAuth2Client
from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet
from sqlalchemy import select
from sqlalchemy.orm import Session

from accord.accounts import events, service
from accord.accounts.errors import AccountError
from accord.accounts.models import User
from accord.register.registry import Registry, current_registry
from accord.settings import Settings

TIMEOUT = 10.0
ALGORITHMS = ["RS256", "ES256", "PS256"]


class SsoRefused(Exception):  # noqa: N818 (reads as what happened)
    """The provider's answer does not let this person in; the message is safe to show them."""


@dataclass(frozen=True)
class Provider:
    issuer: str
    authorization_endpoint: str
    token_endpoint: str
    jwks_uri: str


def enabled(settings: Settings) -> bool:
    return bool(settings.oidc_issuer and settings.oidc_client_id)


def group_roles(settings: Settings) -> dict[str, list[tuple[str, str]]]:
    """Parse ACCORD_OIDC_GROUP_ROLES into group -> [(register, role)]."""
    mapping: dict[str, list[tuple[str, str]]] = {}
    for entry in filter(None, (e.strip() for e in settings.oidc_group_roles.split(","))):
        group, sep, target = entry.partition("=")
        register, sep2, role = target.strip().partition(":")
        if not (sep and sep2 and group.strip() and register and role):
            raise AccountError(
                "ACCORD_OIDC_GROUP_ROLES", f"{entry!r} should read group=register:role"
            )
        mapping.setdefault(group.strip(), []).append((register.strip(), role.strip()))
    return mapping


def discover(settings: Settings) -> Provider:
    issuer = (settings.oidc_issuer or "").rstrip("/")
    if not issuer.startswith("https://") and not settings.is_development:
        raise SsoRefused("The sign-in provider must be reached over https.")
    response = httpx.get(f"{issuer}/.well-known/openid-configuration", timeout=TIMEOUT)
    response.raise_for_status()
    document = response.json()
    if document.get("issuer", "").rstrip("/") != issuer:
        raise SsoRefused("The sign-in provider's discovery document names another issuer.")
    return Provider(
        issuer=document["issuer"],
        authorization_endpoint=document["authorization_endpoint"],
        token_endpoint=document["token_endpoint"],
        jwks_uri=document["jwks_uri"],
    )


def _client(settings: Settings, redirect_uri: str) -> OAuth2Client:
    secret = settings.oidc_client_secret.get_secret_value() if settings.oidc_client_secret else None
    return OAuth2Client(
        client_id=settings.oidc_client_id,
        client_secret=secret,
        scope="openid email profile",
        redirect_uri=redirect_uri,
        code_challenge_method="S256",
        timeout=TIMEOUT,
    )


def authorization_request(settings: Settings, redirect_uri: str) -> tuple[str, dict[str, str]]:
    """The provider URL to send the browser to, and the state to keep until it comes back."""
    provider = discover(settings)
    nonce = secrets.token_urlsafe(24)
    verifier = secrets.token_urlsafe(48)
    with _client(settings, redirect_uri) as client:
        url, state = client.create_authorization_url(
            provider.authorization_endpoint, code_verifier=verifier, nonce=nonce
        )
    return str(url), {"state": str(state), "nonce": nonce, "verifier": verifier}


def exchange(
    settings: Settings, redirect_uri: str, *, code: str, kept: dict[str, str]
) -> dict[str, Any]:
    """Trade the code for tokens and return the id_token's verified claims."""
    provider = discover(settings)
    with _client(settings, redirect_uri) as client:
        token = client.fetch_token(
            provider.token_endpoint,
            grant_type="authorization_code",
            code=code,
            code_verifier=kept["verifier"],
        )
    id_token = token.get("id_token")
    if not id_token:
        raise SsoRefused("The sign-in provider did not return an identity token.")
    keys = KeySet.import_key_set(httpx.get(provider.jwks_uri, timeout=TIMEOUT).json())
    try:
        decoded = jwt.decode(id_token, keys, algorithms=ALGORITHMS)
        jwt.JWTClaimsRegistry(
            leeway=60,
            iss={"essential": True, "value": provider.issuer},
            aud={"essential": True, "value": settings.oidc_client_id or ""},
            sub={"essential": True},
            exp={"essential": True},
            nonce={"essential": True, "value": kept["nonce"]},
        ).validate(decoded.claims)
    except (JoseError, ValueError) as exc:
        raise SsoRefused("The identity token from the sign-in provider is not valid.") from exc
    return dict(decoded.claims)


def sign_in_user(
    session: Session,
    *,
    settings: Settings,
    claims: dict[str, Any],
    registry: Registry | None = None,
) -> User:
    """Find or create the person the claims describe and give them their groups' roles."""
    registry = registry or current_registry()
    groups = claims.get("groups") or []
    if isinstance(groups, str):
        groups = [groups]
    mapping = group_roles(settings)
    grants = sorted({pair for g in groups for pair in mapping.get(str(g), [])})
    if not grants:
        raise SsoRefused(
            "Your account at your organisation is not in a group that can use accord. "
            "Ask your manager or service desk for access."
        )
    subject = f"{claims['iss']}|{claims['sub']}"
    user = session.scalars(select(User).where(User.oidc_subject == subject)).first()
    email = claims.get("email")
    if user is None and email and claims.get("email_verified", False):
        user = service.find_user(session, email=str(email))
    if user is None:
        organisation = claims.get("organisation") or settings.oidc_default_organisation
        if not email or not organisation:
            raise SsoRefused("The sign-in provider did not say who you are or where you work.")
        user = service.create_user(
            session,
            email=str(email),
            name=str(claims.get("name") or email),
            organisation=str(organisation),
            registry=registry,
            actor=events.system(str(organisation), name="single sign-on"),
        )
    if not user.active:
        raise SsoRefused("Your accord account has been disabled.")
    sso = events.system(user.organisation, name="single sign-on")
    user.oidc_subject = subject
    # The provider's groups are the source of truth for this person's roles.
    for grant in list(user.roles):
        if (grant.register, grant.role_id) not in grants:
            service.remove_role(
                session, user=user, register=grant.register, role=grant.role_id, actor=sso
            )
    for register, role in grants:
        try:
            service.add_role(
                session, user=user, register=register, role=role, registry=registry, actor=sso
            )
        except AccountError as exc:
            session.rollback()
            raise SsoRefused(f"Your group's role cannot be given to you: {exc.message}.") from exc
    session.commit()
    return user
