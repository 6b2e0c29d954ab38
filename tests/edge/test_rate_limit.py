"""Public forms are limited per client address and API calls per token, with 429 and
Retry-After; the window slides, so callers get through again once it has passed."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from accord.app import create_app
from accord.deps import get_session
from accord.settings import Settings
from accord.web.ratelimit import RateLimits, SlidingWindow

LIMIT = 3
WINDOW = 60


class Clock:
    def __init__(self) -> None:
        self.now = 1_000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def limited(
    session: Session, settings: Settings, clock: Clock
) -> Iterator[Callable[[str], TestClient]]:
    """Clients (by address) of one application whose limits are LIMIT per WINDOW seconds."""
    limited_settings = settings.model_copy(
        update={
            "public_form_limit": LIMIT,
            "public_form_window_seconds": WINDOW,
            "token_limit": LIMIT,
            "token_window_seconds": WINDOW,
            "public_register": "lvws",
        }
    )
    app = create_app(limited_settings, limits=RateLimits(limited_settings, clock))
    app.dependency_overrides[get_session] = lambda: session
    clients: list[TestClient] = []

    def client_at(address: str) -> TestClient:
        client = TestClient(app, client=(address, 50000))
        clients.append(client)
        return client

    yield client_at
    for client in clients:
        client.close()


def _post_form(client: TestClient) -> int:
    return client.post("/contact-us", data={"name": "", "message": ""}).status_code


def test_the_public_form_refuses_one_address_past_the_limit(
    limited: Callable[[str], TestClient], clock: Clock
) -> None:
    visitor = limited("203.0.113.7")
    assert all(_post_form(visitor) != 429 for _ in range(LIMIT))
    refused = visitor.post("/contact-us", data={"name": "", "message": ""})
    assert refused.status_code == 429
    assert 0 < int(refused.headers["Retry-After"]) <= WINDOW
    assert "Too many requests" in refused.json()["detail"]
    # Another address is not held up; the same one is let in once the window has passed.
    assert _post_form(limited("198.51.100.9")) != 429
    clock.now += WINDOW + 1
    assert _post_form(visitor) != 429


def test_a_browser_past_the_limit_gets_a_page(limited: Callable[[str], TestClient]) -> None:
    visitor = limited("203.0.113.8")
    for _ in range(LIMIT):
        _post_form(visitor)
    refused = visitor.post("/self-referral", data={}, headers={"Accept": "text/html"})
    assert refused.status_code == 429
    assert "text/html" in refused.headers["content-type"]
    assert "Too many" in refused.text


def test_reading_the_forms_is_not_limited(limited: Callable[[str], TestClient]) -> None:
    visitor = limited("203.0.113.10")
    assert all(visitor.get("/contact-us").status_code == 200 for _ in range(LIMIT * 2))


def test_an_api_token_past_the_limit_gets_429_and_others_do_not(
    limited: Callable[[str], TestClient],
) -> None:
    caller = limited("192.0.2.1")
    first = {"Authorization": "Bearer accord_first"}
    assert all(caller.get("/api/cases", headers=first).status_code == 401 for _ in range(LIMIT))
    refused = caller.get("/api/cases", headers=first)
    assert refused.status_code == 429
    assert refused.headers["Retry-After"].isdigit()
    assert "API token" in refused.json()["detail"]
    second = {"Authorization": "Bearer accord_second"}
    assert caller.get("/api/cases", headers=second).status_code == 401


def test_the_window_slides_rather_than_resetting() -> None:
    clock = Clock()
    window = SlidingWindow(limit=2, window=10, clock=clock)
    assert window.hit("k") is None
    clock.now += 6
    assert window.hit("k") is None
    clock.now += 1
    assert window.hit("k") == pytest.approx(3)  # the first hit leaves the window in 3 s
    clock.now += 3
    assert window.hit("k") is None


def test_a_limit_of_zero_turns_it_off() -> None:
    window = SlidingWindow(limit=0, window=10)
    assert all(window.hit("k") is None for _ in range(100))
