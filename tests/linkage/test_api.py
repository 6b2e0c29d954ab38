"""The linkage API: status and review queue for the matching team, 403 for anyone else."""

from __future__ import annotations

import uuid

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from accord.accounts.deps import current_actor
from accord.gate.types import Actor
from accord.linkage.api import linkage_config
from accord.linkage.config import LinkageConfig
from accord.linkage.models import LinkageRun, ReviewPair
from factories.audit import refusals


@pytest.fixture
def pair(session: Session) -> ReviewPair:
    run = LinkageRun(kind="full", status="finished", engine="duckdb", started_by="t", config={})
    session.add(run)
    session.flush()
    pair = ReviewPair(
        record_id_l="a", record_id_r="b", match_weight=2.5, match_probability=0.85, run_id=run.id
    )
    session.add(pair)
    session.flush()
    return pair


@pytest.fixture(autouse=True)
def _config(app: FastAPI, config: LinkageConfig) -> None:
    app.dependency_overrides[linkage_config] = lambda: config


def _as(app: FastAPI, actor: Actor) -> None:
    app.dependency_overrides[current_actor] = lambda: actor


def test_analyst_sees_status_and_queue_and_decides(
    app: FastAPI, client: TestClient, analyst: Actor, pair: ReviewPair
) -> None:
    _as(app, analyst)
    status = client.get("/api/linkage/status")
    assert status.status_code == 200
    assert status.json()["review_open"] == 1
    assert status.json()["runs"][0]["kind"] == "full"
    queue = client.get("/api/linkage/review").json()
    assert [p["id"] for p in queue["items"]] == [str(pair.id)]
    assert (queue["total"], queue["limit"], queue["offset"]) == (1, 50, 0)
    decided = client.post(
        f"/api/linkage/review/{pair.id}", json={"decision": "reject", "note": "twins"}
    )
    assert decided.status_code == 200
    assert decided.json()["decision"] == "reject"
    assert decided.json()["decided_by"] == str(analyst.id)
    assert client.get("/api/linkage/review").json()["items"] == []
    assert client.get("/api/linkage/review?status=decided").json()["total"] == 1
    assert client.get("/api/linkage/review?limit=201").status_code == 422


def test_bad_decisions_and_unknown_pairs_are_refused_clearly(
    app: FastAPI, client: TestClient, analyst: Actor, pair: ReviewPair
) -> None:
    _as(app, analyst)
    bad = client.post(f"/api/linkage/review/{pair.id}", json={"decision": "maybe"})
    assert bad.status_code == 422
    missing = client.post(f"/api/linkage/review/{uuid.uuid4()}", json={"decision": "accept"})
    assert missing.status_code == 404


def test_other_roles_get_403(
    app: FastAPI, client: TestClient, outsider: Actor, pair: ReviewPair
) -> None:
    _as(app, outsider)
    assert client.get("/api/linkage/status").status_code == 403
    assert client.get("/api/linkage/review").status_code == 403
    refused = client.post(f"/api/linkage/review/{pair.id}", json={"decision": "accept"})
    assert refused.status_code == 403


def test_a_refusal_is_answered_with_its_reason_and_stays_audited(
    app: FastAPI, client: TestClient, session: Session, outsider: Actor, pair: ReviewPair
) -> None:
    _as(app, outsider)
    refused = client.post(f"/api/linkage/review/{pair.id}", json={"decision": "accept"})
    assert refused.status_code == 403
    assert refused.json()["detail"]["reason"] == refusals(session, outsider)[-1][2]
    assert session.get(ReviewPair, pair.id).decision is None  # type: ignore[union-attr]
