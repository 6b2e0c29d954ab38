"""Each request reads the registers of the application that serves it, not the global settings'."""

from __future__ import annotations

from pathlib import Path

from starlette.types import ASGIApp, Receive, Scope, Send

from accord.register.registry import serving


class ServeRegisters:
    """ASGI middleware: `current_registry()` inside a request is the app's registers folder.

    A context variable, so it reaches sync routes too (the thread pool copies the context)."""

    def __init__(self, app: ASGIApp, *, directory: Path) -> None:
        self.app = app
        self.directory = directory

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        with serving(self.directory):
            await self.app(scope, receive, send)
