"""The home page offers the work areas the actor's roles open in their own registers: a role
granted in one register, or a permission carried from a role elsewhere, opens nothing more."""

from __future__ import annotations

import uuid

from fastapi import FastAPI
from fastapi.testclient import TestClient

from accord.accounts.deps import current_actor
from accord.gate.types import Actor
from accord.register.registry import current_registry


def _permissions(register: str, role: str) -> frozenset[str]:
    return frozenset(current_registry().role(register, role).permissions)


def test_home_menu_comes_from_the_roles_held_in_their_own_registers(
    app: FastAPI, client: TestClient
) -> None:
    # A Victim Support caseworker (LVWS) also holding Hounslow's DPO role id: Hounslow does
    # not name Victim Support, so the DPO's permissions count nowhere for this person.
    caseworker = _permissions("lvws", "caseworker")
    dpo = _permissions("hounslow", "dpo")
    assert "access:review:read" in dpo - caseworker  # what the test relies on
    actor = Actor(
        id=uuid.uuid4(),
        kind="user",
        organisation="victim-support",
        roles=frozenset({"caseworker", "dpo"}),
        permissions=caseworker | dpo,
        name="Sam Caseworker",
        grants=frozenset({("lvws", "caseworker"), ("hounslow", "dpo")}),
    )
    app.dependency_overrides[current_actor] = lambda: actor
    for path in ("/cases", "/access-reviews"):  # the menu offers only pages the app serves
        app.add_api_route(path, lambda: "a page", methods=["GET"])
    page = client.get("/")
    assert page.status_code == 200, page.text
    assert 'href="/cases"' in page.text
    assert 'href="/access-reviews"' not in page.text
    assert "Access outside caseloads" not in page.text
