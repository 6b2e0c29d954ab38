"""FastAPI application factory. Nothing is built at import time."""

from __future__ import annotations

import importlib

from fastapi import FastAPI

from accord import __version__
from accord.settings import Settings, get_settings
from accord.store.engine import make_engine, make_session_factory

# Routers, one line per domain package that exposes an API.
_ROUTERS: list[str] = [
    "accord.web.pages",
    "accord.accounts.pages",
    "accord.accounts.api",
    "accord.linkage.api",
    "accord.gate.api",
    "accord.referrals.api",
    "accord.cases.api",
    "accord.cases.complaints_api",
    "accord.enquiries.api",
    "accord.referrals.pages",
    "accord.consent.api",
    "accord.disclosures.api",
    "accord.panels.api",
    "accord.notifications.api",
    "accord.feeds.api",
]


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or get_settings()
    app = FastAPI(title="accord", version=__version__)
    engine = make_engine(settings.database_url)
    app.state.settings = settings
    app.state.engine = engine
    app.state.session_factory = make_session_factory(engine)
    for module in _ROUTERS:
        app.include_router(importlib.import_module(module).router)

    @app.get("/healthz", include_in_schema=False)
    def healthz() -> dict[str, str]:
        return {"status": "ok"}

    return app
