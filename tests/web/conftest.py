"""Page-test fixtures: the application served by uvicorn on 127.0.0.1, driven by Chromium.

`live_server` runs the app against the test database in a thread at a free port;
`browser` is Debian's /usr/bin/chromium under Playwright (installed by `make browser`);
`page` is a fresh browser context per test; `make_user` adds a person with a password.
Page tests are marked `browser`; they skip, saying why, only when Chromium is absent.
"""

from __future__ import annotations

import socket
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import uvicorn
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from accord.accounts import service
from accord.accounts.models import User
from accord.app import create_app
from accord.settings import Settings
from accord.web.pages import STATIC_DIR

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ROOT = Path(__file__).resolve().parent.parent.parent
PASSWORD = "a browser test password"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class LiveServer:
    def __init__(self, app: Any) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.app = app
        self.server = uvicorn.Server(
            uvicorn.Config(app, host="127.0.0.1", port=self.port, log_level="warning")
        )
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def start(self) -> None:
        self.thread.start()
        deadline = time.monotonic() + 15
        while not self.server.started:
            if not self.thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError("the test server did not start")
            time.sleep(0.02)

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=15)


@pytest.fixture(scope="session")
def live_server(
    database_url: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[LiveServer]:
    settings = Settings(
        environment="test",
        database_url=database_url,
        analytics_path=tmp_path_factory.mktemp("web") / "analytics.duckdb",
        registers_dir=ROOT / "registers",
        # One server for the whole session: every test's form posts come from 127.0.0.1.
        public_form_limit=0,
        public_register="lvws",
    )
    server = LiveServer(create_app(settings))
    server.start()
    try:
        yield server
    finally:
        server.stop()
        server.app.state.engine.dispose()


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is not installed: run `make browser` (Debian's chromium package)")
    if not (STATIC_DIR / "govuk" / "govuk-frontend.min.css").exists():
        pytest.fail("GOV.UK Frontend assets are not built: run `make assets`")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture
def page(browser: Any, live_server: LiveServer) -> Iterator[Any]:
    context = browser.new_context(base_url=live_server.url)
    context.set_default_timeout(15_000)
    page = context.new_page()
    try:
        yield page
    finally:
        context.close()


@pytest.fixture
def make_user(engine: Engine) -> Callable[..., User]:
    """Create a person (committed, so the server sees them) with a unique email address."""

    def make(
        organisation: str = "victim-support",
        roles: tuple[tuple[str, str], ...] = (("lvws", "caseworker"),),
        name: str = "Sam Caseworker",
    ) -> User:
        with Session(engine, expire_on_commit=False) as session:
            user = service.create_user(
                session,
                email=f"person-{uuid.uuid4().hex[:10]}@example.org",
                name=name,
                organisation=organisation,
                password=PASSWORD,
            )
            for register, role in roles:
                service.add_role(session, user=user, register=register, role=role)
            return user

    return make
