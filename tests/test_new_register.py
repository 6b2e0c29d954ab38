"""A new register with a new record type is served from its folder with no code change.

The application reads the registers folder its own settings name (not the global settings'),
lists the register and its privacy notice, and the gate authorises the new record type from the
access profile the register declares, for a role of that register only.
"""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Annotated, Any

import pytest
import yaml
from fastapi import Depends, FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from accord.app import create_app
from accord.deps import get_session
from accord.gate.models import AuditEntry
from accord.gate.service import authorize
from accord.gate.types import AccessDenied, Action, Actor, Target
from accord.settings import Settings

REGISTER_ID = "allotments"
RECORD_TYPE = "plot-tenancy"
ORGANISATION = "allotment-society"

NEW_REGISTER: dict[str, Any] = {
    "id": REGISTER_ID,
    "title": "Riverside Allotment Society",
    "version": "1",
    "effective_from": "2026-01-01",
    "summary": "How the society keeps the tenancy records of its plot holders.",
    "organisations": [
        {"id": ORGANISATION, "name": "Riverside Allotment Society", "role": "controller"}
    ],
    "data_subjects": [{"id": "plot-holder", "name": "Plot holders"}],
    "categories": [
        {"id": "name", "name": "Name", "identifying": True},
        {"id": "plot", "name": "Plot number"},
    ],
    "purposes": [
        {
            "id": "tenancy",
            "name": "Managing plot tenancies",
            "description": "Letting plots and collecting rent.",
            "basis": {"art6": "contract"},
            "categories": ["name", "plot"],
        }
    ],
    "access_profiles": [
        {
            "id": "tenancies",
            "read": ["case:case:read"],
            "list": ["case:case:list"],
            "create": ["case:case:update"],
            "update": ["case:case:update"],
        }
    ],
    "record_types": [
        {
            "id": RECORD_TYPE,
            "name": "Plot tenancy",
            "categories": ["name", "plot"],
            "purposes": ["tenancy"],
            "data_subjects": ["plot-holder"],
            "access": "tenancies",
            "retention": {
                "trigger": "last_contact",
                "period": "2 years",
                "action": "delete",
                "source": "Society rules",
            },
        }
    ],
    "roles": [
        {
            "id": "secretary",
            "name": "Society secretary",
            "purposes": ["tenancy"],
            "permissions": ["case:case:read", "case:case:list", "case:case:update"],
            "caseload": "organisation",
        },
        {
            "id": "auditor",
            "name": "Auditor",
            "purposes": ["tenancy"],
            "permissions": ["audit:trail:read"],
            "caseload": "none",
        },
    ],
    "statements": {"automated_decisions": "none"},
}


def _actor(role: str, permissions: list[str]) -> Actor:
    return Actor(
        id=uuid.uuid4(),
        kind="user",
        organisation=ORGANISATION,
        roles=frozenset({role}),
        permissions=frozenset(permissions),
        grants=frozenset({(REGISTER_ID, role)}),
    )


@pytest.fixture
def new_app(tmp_path: Path, session: Session, database_url: str) -> FastAPI:
    folder = tmp_path / "registers"
    folder.mkdir()
    (folder / f"{REGISTER_ID}.yaml").write_text(yaml.safe_dump(NEW_REGISTER), encoding="utf-8")
    app = create_app(
        Settings(
            environment="test",
            database_url=database_url,
            analytics_path=tmp_path / "analytics.duckdb",
            registers_dir=folder,
        )
    )
    app.dependency_overrides[get_session] = lambda: session

    # A caller of the gate, as a domain route would be: the record type is only named here.
    @app.post("/plot-tenancies/{role}")
    def create_tenancy(role: str, db: Annotated[Session, Depends(get_session)]) -> dict[str, Any]:
        permissions = next(r["permissions"] for r in NEW_REGISTER["roles"] if r["id"] == role)
        target = Target(
            register=REGISTER_ID, record_type=RECORD_TYPE, owner_organisation=ORGANISATION
        )
        try:
            decision = authorize(
                db,
                actor=_actor(role, permissions),
                purpose="tenancy",
                action=Action.CREATE,
                target=target,
                categories=["name", "plot"],
            )
        except AccessDenied as refused:
            return {"allowed": False, "reason": refused.decision.reason.value}
        return {"allowed": True, "categories": sorted(decision.categories)}

    return app


def test_the_new_register_and_its_notice_are_listed(new_app: FastAPI) -> None:
    with TestClient(new_app) as client:
        index = client.get("/privacy")
        notice = client.get(f"/privacy/{REGISTER_ID}")
        shipped = client.get("/privacy/lvws")
    assert index.status_code == 200
    assert f"/privacy/{REGISTER_ID}" in index.text
    assert NEW_REGISTER["title"] in index.text
    assert "/privacy/lvws" not in index.text  # only the folder the settings name is served
    assert notice.status_code == 200
    assert "Managing plot tenancies" in notice.text
    assert shipped.status_code == 404


def test_a_record_of_the_new_type_is_authorised_from_its_register(
    new_app: FastAPI, session: Session
) -> None:
    with TestClient(new_app) as client:
        allowed = client.post("/plot-tenancies/secretary").json()
        refused = client.post("/plot-tenancies/auditor").json()
    assert allowed == {"allowed": True, "categories": ["name", "plot"]}
    assert refused == {"allowed": False, "reason": "no-permission"}
    audited = session.scalars(
        select(AuditEntry.outcome).where(
            AuditEntry.register == REGISTER_ID, AuditEntry.record_type == RECORD_TYPE
        )
    ).all()
    assert sorted(audited) == ["allowed", "refused"]
