"""Fixtures for the HTTP edge: a caller holding every permission, and small limits.

The edge's checks run before any route's own, so these tests call with one broad actor and
look only at what the edge answers.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from accord.accounts.deps import current_actor
from accord.gate.catalogue import Permission
from accord.gate.types import Actor

BROAD = Actor(
    id=uuid.uuid4(),
    kind="user",
    organisation="victim-support",
    roles=frozenset({"caseworker", "team-manager", "dpo"}),
    permissions=frozenset(p.value for p in Permission),
    name="Broad Caller",
)


@pytest.fixture
def api(app: FastAPI) -> Iterator[TestClient]:
    """A client whose requests act as BROAD; a server error fails the test with its traceback."""
    app.dependency_overrides[current_actor] = lambda: BROAD
    with TestClient(app) as client:
        yield client
