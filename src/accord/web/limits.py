"""Request body size limit: 413 before an oversized body is held in memory.

A declared Content-Length over the limit is refused at once; a body sent without one (chunked)
is counted as it streams and refused as soon as it passes the limit. Partner deliveries under
/api/feeds/ have their own, larger limit.
"""

from __future__ import annotations

from starlette.exceptions import HTTPException
from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from accord.settings import Settings

UPLOAD_PREFIX = "/api/feeds/"


class BodyTooLarge(HTTPException):
    """Raised from `receive` when the streamed body passes the limit. An HTTPException, so
    FastAPI passes it through its body parsing and answers 413 rather than 400."""

    def __init__(self, limit: int) -> None:
        super().__init__(413, too_large_message(limit))


def body_limit(settings: Settings, path: str) -> int:
    if path.startswith(UPLOAD_PREFIX):
        return settings.feeds_max_upload_bytes
    return settings.max_request_bytes


def too_large_message(limit: int) -> str:
    return f"The request body is larger than this service accepts ({limit:,} bytes)."


def too_large(limit: int) -> JSONResponse:
    return JSONResponse({"detail": too_large_message(limit)}, status_code=413)


class BodySizeLimit:
    def __init__(self, app: ASGIApp, settings: Settings) -> None:
        self.app = app
        self.settings = settings

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = body_limit(self.settings, scope["path"])
        declared = dict(scope["headers"]).get(b"content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > limit):
            if declared.isdigit():
                await too_large(limit)(scope, receive, send)
            else:
                await JSONResponse({"detail": "Content-Length is not a number."}, 400)(
                    scope, receive, send
                )
            return
        received = 0
        started = False

        async def counted_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise BodyTooLarge(limit)
            return message

        async def tracked_send(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, counted_receive, tracked_send)
        except BodyTooLarge:
            if started:
                raise
            await too_large(limit)(scope, receive, send)
