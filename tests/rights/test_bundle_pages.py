"""The discovery confirmation and bundle review pages through the application: CSRF, each
item decided with field errors naming what is missing, approval by a second person, release."""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from accord.accounts.deps import current_actor
from accord.gate.types import Actor
from accord.rights import bundle, discovery
from rights.bundle_people import EMAIL, dpo, known_person

FACTORS = {
    "factor-confidentiality": "None owed",
    "factor-consent_sought": "Not sought: cannot be traced",
    "factor-capable_of_consent": "yes",
    "factor-refused": "no",
}


@pytest.fixture
def client(app: FastAPI) -> Iterator[TestClient]:
    with TestClient(app, base_url="http://localhost") as browser:
        yield browser


def _as(app: FastAPI, who: Actor) -> None:
    app.dependency_overrides[current_actor] = lambda: who


def _post(client: TestClient, path: str, form_path: str, data: dict[str, Any]) -> Any:
    page = client.get(form_path, headers={"accept": "text/html"})
    assert page.status_code == 200, page.text
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert token is not None
    return client.post(
        path, data={**data, "csrf_token": token.group(1)}, headers={"accept": "text/html"},
        follow_redirects=True,
    )  # fmt: skip


def test_confirm_records_review_a_bundle_and_release_it_from_the_pages(
    app: FastAPI, client: TestClient, session: Session
) -> None:
    known = known_person(session, message="Sam rang from 07700 900999 about me.")
    maker, reviewer = dpo(known.owner), dpo(known.owner)
    search = discovery.discover(session, actor=maker, register="lvws", identifiers={"email": EMAIL})
    _as(app, maker)
    page_path = f"/rights/discovery/{search.id}"
    page = client.get(page_path, headers={"accept": "text/html"})
    assert "Records found about the requester" in page.text
    assert "email address" in page.text
    no_token = client.post(page_path, data={"mine": []}, headers={"accept": "text/html"})
    assert no_token.status_code == 403
    nothing = _post(client, f"{page_path}/bundle", page_path, {})
    assert nothing.status_code == 400
    saved = _post(client, page_path, page_path, {"mine": [str(c.id) for c in search.candidates]})
    assert saved.status_code == 200
    assert "Make their copy for review" in saved.text
    made = _post(client, f"{page_path}/bundle", page_path, {})
    assert made.status_code == 200, made.text
    assert "Review the requester" in made.text
    found = re.search(r"/rights/bundles/([0-9a-f-]{36})/approve", made.text)
    assert found is not None
    bundle_id = uuid.UUID(found.group(1))
    review = f"/rights/bundles/{bundle_id}"
    item = bundle.get_bundle(session, actor=maker, bundle_id=bundle_id).withholdings[0]
    _as(app, reviewer)
    refused = _post(
        client, f"{review}/items/{item.id}", review,
        {"decision": "withhold", "exemption": "third-party", "reason": "Someone else's number"}
        | {k: v for k, v in FACTORS.items() if k != "factor-confidentiality"},
    )  # fmt: skip
    assert refused.status_code == 400
    assert f'href="#{item.id}-factor-confidentiality"' in refused.text
    decided = _post(
        client, f"{review}/items/{item.id}", review,
        {"decision": "withhold", "exemption": "third-party", "reason": "Someone else's number"}
        | FACTORS,
    )  # fmt: skip
    assert decided.status_code == 200, decided.text
    approved = _post(client, f"{review}/approve", review, {})
    assert "Approved, not yet released" in approved.text
    released = _post(client, f"{review}/release", review, {})
    assert released.status_code == 200
    assert "Download the released copy" in released.text
    download = client.get(f"/api/rights/bundles/{bundle_id}/download?format=html")
    assert download.status_code == 200
    assert "07700 900999" not in download.text
