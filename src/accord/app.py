"""FastAPI application factory. Nothing is built at import time."""

from __future__ import annotations

import importlib

from fastapi import Depends, FastAPI
from starlette.types import ASGIApp, Receive, Scope, Send

from accord import __version__
from accord.domains import manifests
from accord.people.crypto import Crypto, serving_crypto
from accord.register.asgi import ServeRegisters
from accord.settings import Settings, get_settings
from accord.store.engine import make_engine, make_session_factory
from accord.web import errors as web_errors
from accord.web.headers import SecurityHeaders
from accord.web.health import UNREACHABLE, database_unavailable
from accord.web.limits import BodySizeLimit
from accord.web.ratelimit import RateLimit, RateLimits
from accord.web.requestid import RequestId
from accord.web.validation import reject_bad_input


def create_app(settings: Settings | None = None, *, limits: RateLimits | None = None) -> FastAPI:
    """The application; `limits` lets a test count rate limits with its own clock."""
    settings = settings or get_settings()
    app = FastAPI(
        title="accord",
        version=__version__,
        dependencies=[Depends(reject_bad_input)],
        # web/docs.py serves the documentation from local assets; the defaults use a CDN
        docs_url=None,
        redoc_url=None,
    )
    engine = make_engine(settings.database_url)
    app.state.settings = settings
    app.state.engine = engine
    app.state.session_factory = make_session_factory(engine)
    app.state.rate_limits = limits or RateLimits(settings)
    # Keyring, keystore and blind indexer from these settings, not the global settings'.
    app.state.crypto = Crypto.from_settings(settings)
    for domain in manifests():
        for module in domain.routers:
            app.include_router(importlib.import_module(module).router)
    web_errors.install(app)
    for error in UNREACHABLE:
        app.add_exception_handler(error, database_unavailable)
    # Requests read the registers folder these settings name, not the global settings'.
    app.add_middleware(ServeRegisters, directory=settings.registers_dir)
    app.add_middleware(ServeCrypto, crypto=app.state.crypto)
    # The last added runs first: headers go on every answer, including 413 and 429.
    app.add_middleware(RateLimit, limits=app.state.rate_limits)
    app.add_middleware(BodySizeLimit, settings=settings)
    app.add_middleware(SecurityHeaders, settings=settings)
    # Outermost, so every log line of the request, the access log's included, has its id.
    app.add_middleware(RequestId)
    return app


class ServeCrypto:
    """ASGI middleware: `current_crypto()` inside a request is the serving app's own."""

    def __init__(self, app: ASGIApp, *, crypto: Crypto) -> None:
        self.app = app
        self.crypto = crypto

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        with serving_crypto(self.crypto):
            await self.app(scope, receive, send)
