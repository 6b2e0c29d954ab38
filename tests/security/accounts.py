"""Who calls in the sweep: every role of the shipped registers, held by organisations in each
kind of relation to the seeded records, as a real signed-in user and as a real API token.

Accounts are made through accord's own services (`create_user`, `add_role`, `create_token`)
and used the way a client would (a sign-in through the page, a bearer secret), so register
and organisation binding are exercised exactly as in production.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from accord.accounts import service, tokens
from accord.accounts.sessions import SESSION_COOKIE
from accord.register.registry import Registry

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "sweep-Passphrase-4417-quillon"
SECURE = "https://testserver"
# Walk every organisation, not one per kind of relation (slower; for a full audit run).
ALL_ORGANISATIONS = os.environ.get("ACCORD_SWEEP_ALL_ORGANISATIONS") == "1"


@dataclass(frozen=True)
class Caller:
    """One role of one register held by one organisation, as a user or a token."""

    register: str
    role: str
    organisation: str
    kind: str  # "user" | "token"

    @property
    def label(self) -> str:
        return f"{self.kind}:{self.role}@{self.register}/{self.organisation}"


@dataclass
class Credentials:
    headers: dict[str, str] = field(default_factory=dict)
    email: str | None = None


def callers(registry: Registry, related: dict[str, set[str]]) -> list[Caller]:
    """Every role of every register, for each organisation that may hold it.

    `related` maps register id to organisations that own or share a seeded record there.
    An organisation that neither owns nor shares any seeded record stands where every other
    such organisation stands, so one of them is walked per role (the first the register names)
    unless ALL_ORGANISATIONS is set.
    """
    found: list[Caller] = []
    for register in registry.registers.values():
        for role in register.roles:
            holders = [o.id for o in register.organisations if role.organisation in (None, o.id)]
            seen: set[str] = set()
            for organisation in holders:
                mine = related.get(register.id, set())
                relation = organisation if organisation in mine else "unrelated"
                if relation in seen and not ALL_ORGANISATIONS:
                    continue
                seen.add(relation)
                for kind in ("user", "token"):
                    found.append(Caller(register.id, role.id, organisation, kind))
    return found


def email_for(caller: Caller, prefix: str = "") -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", f"{caller.role}.{caller.register}.{caller.organisation}")
    return f"{prefix}{slug}@sweep.example.org"


def make_user(
    session: Session,
    registry: Registry,
    caller: Caller,
    teams: list[str] | None = None,
    prefix: str = "",
    password: str | None = PASSWORD,
) -> str:
    """A person holding exactly this role, in these teams; returns their email."""
    email = email_for(caller, prefix)
    user = service.create_user(
        session,
        email=email,
        name=caller.label,
        organisation=caller.organisation,
        password=password,
        registry=registry,
    )
    service.add_role(
        session, user=user, register=caller.register, role=caller.role, registry=registry
    )
    for team in teams or []:
        service.add_to_team(session, user=user, team=team)
    session.commit()  # and no read after it: an open read would hold SQLite's lock
    return email


def make_token(session: Session, registry: Registry, caller: Caller) -> str:
    issued = tokens.create_token(
        session,
        name=caller.label,
        organisation=caller.organisation,
        register=caller.register,
        role=caller.role,
        registry=registry,
    )
    return issued.secret


def sign_in(client: TestClient, email: str) -> dict[str, str]:
    """Sign in through the page as a browser would; the session cookie as a request header."""
    client.cookies.clear()
    # Outside development the cookies are Secure: sign in over https as a browser must.
    page = client.get(f"{SECURE}/sign-in", headers={"accept": "text/html"})
    found = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert found, "the sign-in page carries no CSRF token"
    done = client.post(
        f"{SECURE}/sign-in",
        data={"email": email, "password": PASSWORD, "csrf_token": found.group(1)},
        headers={"accept": "text/html"},
        follow_redirects=False,
    )
    cookie = client.cookies.get(SESSION_COOKIE)
    assert done.status_code in (302, 303), f"{email} could not sign in: {done.text}"
    assert cookie, f"{email} signed in without a session cookie"
    client.cookies.clear()
    return {"cookie": f"{SESSION_COOKIE}={cookie}"}


def credentials(
    session: Session,
    client: TestClient,
    registry: Registry,
    caller: Caller,
    teams: list[str] | None = None,
    prefix: str = "",
) -> Credentials:
    if caller.kind == "token":
        secret = make_token(session, registry, caller)
        return Credentials({"authorization": f"Bearer {secret}"})
    email = make_user(session, registry, caller, teams, prefix)
    return Credentials(sign_in(client, email), email)
