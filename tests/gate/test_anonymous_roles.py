"""Anonymous-only roles never see an identifying value, through any route or command.

Generic on purpose: it walks every route of `create_app()` and every command of the CLI as
they are when it runs, so a route or command added later is covered without touching this
file. A person with unmistakable identifying values is referred in through the police API;
then each anonymous-only role of each shipped register calls everything, with the ids of
that person and their case as path parameters, and no response may hold those values.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import typer
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from accord.app import create_app
from accord.gate.types import Actor
from accord.register.registry import Registry, use_registry
from accord.settings import Settings, get_settings
from accord.store import migrate
from accord.store.engine import make_engine

current_actor = pytest.importorskip(
    "accord.accounts.deps",
    reason="accord.accounts.deps.current_actor is not written yet: nothing to override",
).current_actor

ROOT = Path(__file__).resolve().parents[2]
# Values no real record or fixture would hold, so a match can only be a leak.
NAME = ("Quillon", "Vexmoor-Tarrant")
EMAIL = "quillon.vexmoor@example.org"
PHONE = "07700 900417"
ADDRESS = "41 Zanzibar Mews, London"
CRIME_NUMBER = "4417771/26"
IDENTIFYING = [NAME[0], NAME[1], EMAIL, "900417", "Zanzibar Mews", CRIME_NUMBER]
SKIP_PATHS = {"/openapi.json", "/docs", "/docs/oauth2-redirect", "/redoc"}
COMMISSIONER_EMAIL = "commissioner@mopac.example"


@dataclass
class World:
    url: str
    registry: Registry
    app: FastAPI
    client: TestClient
    ids: dict[str, str]  # path parameter name fragments -> seeded ids


def _anonymous_roles(registry: Registry) -> list[tuple[str, str, str]]:
    """(register, role, organisation) for every anonymous-only role of the shipped registers."""
    found = []
    for register in registry.registers.values():
        for role in register.roles:
            if role.anonymous_only:
                commissioners = [
                    o.id for o in register.organisations if o.role.value == "commissioner"
                ]
                fallback = commissioners[0] if commissioners else register.organisations[0].id
                found.append((register.id, role.id, role.organisation or fallback))
    return found


def _actor(
    registry: Registry, register: str, role: str, organisation: str, kind: str = "user"
) -> Actor:
    return Actor(
        id=uuid.uuid4(),
        kind=kind,  # type: ignore[arg-type]
        organisation=organisation,
        roles=frozenset({role}),
        permissions=frozenset(registry.role(register, role).permissions),
        name=f"{role} ({register})",
    )


def _referral() -> dict[str, Any]:
    now = datetime.now(UTC)
    return {
        "register": "lvws",
        "role": "victim",
        "person": {
            "given_name": NAME[0],
            "family_name": NAME[1],
            "date_of_birth": "1979-02-03",
            "gender": "male",
            "phone": PHONE,
            "email": EMAIL,
            "address": ADDRESS,
            "postcode": "SE5 0EG",
            "ethnicity": "White British",
        },
        "crime": {
            "crime_number": CRIME_NUMBER,
            "crime_date": (now - timedelta(days=2)).date().isoformat(),
            "crime_type": "burglary",
        },
        "consent": {
            "given": True,
            "captured_by": "PC 4417",
            "captured_at": (now - timedelta(hours=1)).isoformat(),
            "channel": "in-person",
        },
    }


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    """A database of its own (the CLI opens its own connections), seeded through the API."""
    url = f"sqlite:///{tmp_path_factory.mktemp('anonymous') / 'accord.db'}"
    migrate.upgrade(url)
    registry = Registry.from_directory(ROOT / "registers")
    settings = Settings(
        environment="test",
        database_url=url,
        analytics_path=tmp_path_factory.mktemp("analytics") / "a.duckdb",
        registers_dir=ROOT / "registers",
    )
    with use_registry(registry), pytest.MonkeyPatch.context() as env:
        env.setenv("ACCORD_DATABASE_URL", url)
        env.setenv("ACCORD_REGISTERS_DIR", str(ROOT / "registers"))
        get_settings.cache_clear()
        app = create_app(settings)
        with TestClient(app) as client:
            police = _actor(registry, "lvws", "police-referrer", "metropolitan-police", "token")
            app.dependency_overrides[current_actor] = lambda: police
            made = client.post("/api/referrals", json=_referral())
            assert made.status_code == 201, made.text
            seeded = made.json()
            _commissioner_account(url)
            ids = {"case": seeded["case_id"], "subject": seeded["subject_id"]}
            yield World(url, registry, app, client, ids)
        app.state.engine.dispose()
    get_settings.cache_clear()


def _commissioner_account(url: str) -> None:
    from accord.accounts.models import User, UserRole

    engine = make_engine(url)
    with Session(engine) as session:
        user = User(email=COMMISSIONER_EMAIL, name="Commissioner", organisation="mopac")
        user.roles.append(UserRole(register="lvws", role_id="commissioner"))
        session.add(user)
        session.commit()
    engine.dispose()


def _leaks(text: str) -> list[str]:
    lowered = text.lower()
    return [value for value in IDENTIFYING if value.lower() in lowered]


# --- every route ---------------------------------------------------------------------------


def _routes(routes: list[Any]) -> Iterator[tuple[str, str]]:
    """(method, path) of every route, descending into included routers."""
    for route in routes:
        if hasattr(route, "effective_candidates"):  # an included router (FastAPI ≥ 0.16x)
            yield from _routes(route.effective_candidates())
            continue
        original = getattr(route, "original_route", route)
        path = getattr(route, "path", None) or getattr(original, "path", "")
        for method in sorted(getattr(original, "methods", None) or ()):
            if method != "HEAD" and path and path not in SKIP_PATHS:
                yield method, path
        if hasattr(original, "routes") and not hasattr(original, "methods"):  # a plain router
            yield from _routes(original.routes)


def _fill(path: str, ids: dict[str, str]) -> str:
    def value(match: re.Match[str]) -> str:
        name = match.group(1).split(":")[0]
        for fragment, seeded in ids.items():
            if fragment in name:
                return seeded
        return "lvws" if "register" in name else str(uuid.uuid4())

    return re.sub(r"\{([^}]+)\}", value, path)


def test_every_route_walked_is_a_real_route(world: World) -> None:
    routes = list(_routes(world.app.routes))
    assert ("POST", "/api/referrals") in routes
    assert ("GET", "/api/subjects/{subject_id}/history") in routes
    # the seeded person is really there: the owning organisation's DPO sees their name,
    # so the walks below would catch a leak
    dpo = _actor(world.registry, "lvws", "dpo", "victim-support")
    world.app.dependency_overrides[current_actor] = lambda: dpo
    shown = world.client.get(f"/api/cases/{world.ids['case']}")
    assert shown.status_code == 200
    assert _leaks(shown.text)


def test_no_route_shows_an_anonymous_only_role_an_identifying_value(world: World) -> None:
    roles = _anonymous_roles(world.registry)
    assert roles, "no anonymous-only role in the shipped registers"
    problems = []
    for register, role, organisation in roles:
        who = _actor(world.registry, register, role, organisation)
        world.app.dependency_overrides[current_actor] = lambda who=who: who
        for method, path in _routes(world.app.routes):
            url = _fill(path, world.ids)
            # pages as well as JSON: a GET may render HTML for a browser
            accepts = (
                ("application/json", "text/html") if method == "GET" else ("application/json",)
            )
            for accept in accepts:
                response = world.client.request(
                    method, url, json={} if method != "GET" else None, headers={"accept": accept}
                )
                leaked = _leaks(response.text)
                if leaked:
                    problems.append(f"{role}@{register} {method} {url}: shows {leaked}")
                if response.status_code >= 500:
                    problems.append(f"{role}@{register} {method} {url}: {response.status_code}")
    assert problems == []


# --- every command -------------------------------------------------------------------------


def _commands(command: Any, path: tuple[str, ...] = ()) -> Iterator[tuple[tuple[str, ...], Any]]:
    children = getattr(command, "commands", None)
    if children:
        for name, child in children.items():
            yield from _commands(child, (*path, name))
    else:
        yield path, command


def _arguments(
    command: Any, register: str, role: str, organisation: str, ids: dict[str, str]
) -> list[str] | None:
    """Plausible arguments acting as the anonymous role; None when it cannot act as one."""
    options = {opt for param in command.params for opt in param.opts}
    acts_as = "--as" in options or ("--role" in options and "--register" in options)
    if not acts_as:
        return None  # an operator command: it never runs as a signed-in role
    args: list[str] = []
    for param in command.params:
        name, flag = param.name, param.opts[0]
        positional = not flag.startswith("-")
        if name == "as_email":
            value: str | None = COMMISSIONER_EMAIL
        elif name in ("register", "register_id"):
            value = register
        elif name == "role":
            value = role
        elif name in ("org", "organisation"):
            value = organisation
        elif name == "outcome":
            value = "appropriate"
        elif name.endswith("_id") or name in ("user", "pair", "subject"):
            value = next((v for k, v in ids.items() if k in name), ids["subject"])
        elif param.required:
            return None  # e.g. a file to import: nothing plausible to give
        else:
            continue
        args.extend([value] if positional else [flag, value])
    return args


def test_no_command_shows_an_anonymous_only_role_an_identifying_value(world: World) -> None:
    from accord.cli import app as cli

    command = typer.main.get_command(cli)
    runner = CliRunner()
    problems, invoked = [], 0
    for register, role, organisation in _anonymous_roles(world.registry):
        for path, leaf in _commands(command):
            args = _arguments(leaf, register, role, organisation, world.ids)
            if args is None:
                continue
            result = runner.invoke(cli, [*path, *args])
            invoked += 1
            leaked = _leaks(result.output)
            if leaked:
                problems.append(f"{role}@{register} accord {' '.join(path)}: shows {leaked}")
    assert invoked > 0
    assert problems == []
