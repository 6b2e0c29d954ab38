"""The consent API: record, read back, withdraw with its effect, check before contact."""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from accord.accounts.deps import current_actor
from accord.gate.types import Actor
from accord.people.service import create_subject
from accord.register.schema import Register


def test_consent_over_http(
    app: FastAPI, client: TestClient, session: Session, register: Register, caseworker: Actor
) -> None:
    app.dependency_overrides[current_actor] = lambda: caseworker
    subject = create_subject(session, register=register.id, organisation="hub")
    session.commit()  # as a route would; refused calls below roll back to here
    body = {
        "subject_id": str(subject.id),
        "register": register.id,
        "controller": "hub",
        "purpose": "p-opt_out_list",
        "state": "given",
        "channel": "web-form",
    }
    given = client.post("/api/consent", json=body)
    assert given.status_code == 201, given.text
    assert len(given.json()["notice_digest"]) == 64

    bad = client.post("/api/consent", json=body | {"controller": "commissioner"})
    assert bad.status_code == 422
    assert bad.json()["detail"][0]["loc"] == ["body", "controller"]
    no_detail = client.post("/api/consent", json=body | {"state": "withdrawn"})
    assert no_detail.status_code == 422
    assert no_detail.json()["detail"][0]["loc"] == ["body", "email, phone"]

    withdrawn = client.post(
        "/api/consent", json=body | {"state": "withdrawn", "email": "Reader@Example.org"}
    )
    assert withdrawn.status_code == 201, withdrawn.text
    assert withdrawn.json()["effect"] == "opt_out_list"

    history = client.get(f"/api/consent/subjects/{subject.id}").json()
    assert [h["state"] for h in history] == ["given", "withdrawn"]

    check = {"register": register.id, "purpose": "p-opt_out_list"}
    blocked = client.post("/api/consent/may-contact", json=check | {"email": "reader@example.ORG"})
    assert blocked.json() == {"may_contact": False}
    other = client.post("/api/consent/may-contact", json=check | {"email": "x@example.org"})
    assert other.json() == {"may_contact": True}
    unknown = client.post(
        "/api/consent/may-contact",
        json={"register": register.id, "purpose": "support", "email": "x@example.org"},
    )
    assert unknown.status_code == 422

    elsewhere = Actor(
        id=None,
        kind="user",
        organisation="commissioner",
        roles=frozenset({"caseworker"}),
        permissions=caseworker.permissions,
    )
    app.dependency_overrides[current_actor] = lambda: elsewhere
    hidden = client.get(f"/api/consent/subjects/{subject.id}")
    assert hidden.status_code == 404  # another organisation's client is not even confirmed

    nobody = Actor(
        id=None, kind="user", organisation="hub", roles=frozenset(), permissions=frozenset()
    )
    app.dependency_overrides[current_actor] = lambda: nobody
    refused = client.get(f"/api/consent/subjects/{subject.id}")
    assert refused.status_code == 403
    assert refused.json()["detail"]["reason"] == "no-permission"
