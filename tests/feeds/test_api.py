"""Partner feeds over HTTP: deliveries posted by a partner's system, status for the team."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

from fastapi import FastAPI
from fastapi.testclient import TestClient

from accord.accounts.deps import current_actor
from accord.gate.types import Actor

from .conftest import POLICE, actor_with, police_row, write_rows


def _police_token() -> Actor:
    return dataclasses.replace(actor_with("partner-feed"), kind="token")


def _post(client: TestClient, path: Path, partner: str = "thames-valley-police") -> Any:
    with path.open("rb") as handle:
        return client.post(
            f"/api/feeds/{partner}/crime-events/deliveries",
            files={"file": (path.name, handle, "text/csv")},
        )


def test_partner_system_delivers_and_redelivery_changes_nothing(
    app: FastAPI, client: TestClient, tmp_path: Path
) -> None:
    app.dependency_overrides[current_actor] = _police_token
    rows = [police_row("CR1"), police_row("CR2", event_date="not a date"), police_row("CR3")]
    path = write_rows(tmp_path / "crime.csv", POLICE, rows)

    first = _post(client, path)
    assert first.status_code == 201, first.text
    body = first.json()
    assert (body["rows_in"], body["inserted"], body["quarantined"]) == (3, 2, 1)
    assert body["reconciled"] is True

    again = _post(client, path)
    assert again.status_code == 200
    assert again.json()["already_ingested"] is True


def test_a_partner_system_cannot_deliver_another_partners_data(
    app: FastAPI, client: TestClient, tmp_path: Path
) -> None:
    council = dataclasses.replace(_police_token(), organisation="oxfordshire-cc")
    app.dependency_overrides[current_actor] = lambda: council
    path = write_rows(tmp_path / "crime.csv", POLICE, [police_row("CR1")])
    refused = _post(client, path)
    assert refused.status_code == 403
    assert refused.json()["detail"]["reason"] == "not-shared-with-organisation"


def test_wrong_header_is_422_naming_the_columns(
    app: FastAPI, client: TestClient, tmp_path: Path
) -> None:
    app.dependency_overrides[current_actor] = _police_token
    path = tmp_path / "crime.csv"
    path.write_text("crime_ref,forename\nCR1,Alex\n")
    refused = _post(client, path)
    assert refused.status_code == 422
    assert "missing column(s)" in refused.text
    assert "surname" in refused.text


def test_status_lists_every_feed_for_the_matching_team(
    app: FastAPI, client: TestClient, tmp_path: Path
) -> None:
    app.dependency_overrides[current_actor] = _police_token
    _post(client, write_rows(tmp_path / "crime.csv", POLICE, [police_row("CR1")]))
    app.dependency_overrides[current_actor] = lambda: actor_with("partnership-analyst")
    feeds = {f"{f['partner']}/{f['dataset']}": f for f in client.get("/api/feeds/status").json()}
    assert feeds["thames-valley-police/crime-events"]["deliveries"] == 1
    assert "oxfordshire-cc/social-care" in feeds
    app.dependency_overrides[current_actor] = lambda: actor_with("report-recipient")
    assert client.get("/api/feeds/status").status_code == 403
