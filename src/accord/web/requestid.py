"""A request id on every answer and every log line written while the request is served.

A proxy's `X-Request-ID` is kept when it is a plain token, so one id follows a request from
the proxy's log to ours; otherwise one is made. The id is sent back in `X-Request-ID`, so a
person reporting a problem can quote it.
"""

from __future__ import annotations

import logging
import re
import uuid
from contextvars import ContextVar

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

HEADER = "x-request-id"
_current: ContextVar[str | None] = ContextVar("accord_request_id", default=None)
_PLAIN = re.compile(r"[A-Za-z0-9._-]{1,64}")


def current_request_id() -> str | None:
    return _current.get()


def _given(scope: Scope) -> str | None:
    for name, value in scope.get("headers", ()):
        if name.decode("latin-1").lower() == HEADER:
            text = value.decode("latin-1")
            return text if _PLAIN.fullmatch(text) else None
    return None


class RequestId:
    """ASGI middleware: sets the id for the request's context and answers with it."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request_id = _given(scope) or uuid.uuid4().hex
        token = _current.set(request_id)

        async def send_with_id(message: Message) -> None:
            if message["type"] == "http.response.start":
                MutableHeaders(scope=message).setdefault("X-Request-ID", request_id)
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        finally:
            _current.reset(token)


class RequestIdFilter(logging.Filter):
    """Puts `request_id` on every record ("-" outside a request) for the formatters."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = _current.get() or "-"
        return True
