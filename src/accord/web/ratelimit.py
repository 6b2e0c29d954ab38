"""Rate limits: posts to the public forms per client address, API calls per bearer token.

An in-process sliding window: each server process keeps its own counts (several workers each
allow the full limit), and counts are lost on restart. Over the limit the answer is 429 with
Retry-After, before the request reaches the database.
"""

from __future__ import annotations

import hashlib
import math
import threading
import time
from collections import deque
from collections.abc import Callable

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.types import ASGIApp, Receive, Scope, Send

from accord.accounts.deps import wants_page
from accord.settings import Settings
from accord.web.routing import error_page

# The public forms anyone may post without signing in.
PUBLIC_FORMS = frozenset({"/self-referral", "/contact-us", "/your-data/request"})
# Keys kept at most, so a flood of distinct addresses cannot grow memory without bound.
MAX_KEYS = 100_000

Clock = Callable[[], float]


class SlidingWindow:
    """At most `limit` hits per key in any `window` seconds."""

    def __init__(self, limit: int, window: float, clock: Clock = time.monotonic) -> None:
        self.limit = limit
        self.window = window
        self.clock = clock
        self._hits: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def hit(self, key: str) -> float | None:
        """Count a hit; None when allowed, else the seconds until the next would be."""
        if self.limit <= 0:
            return None
        now = self.clock()
        with self._lock:
            hits = self._hits.get(key)
            if hits is None:
                if len(self._hits) >= MAX_KEYS:
                    self._prune(now)
                hits = self._hits[key] = deque()
            while hits and hits[0] <= now - self.window:
                hits.popleft()
            if len(hits) >= self.limit:
                return hits[0] + self.window - now
            hits.append(now)
            return None

    def _prune(self, now: float) -> None:
        stale = [k for k, v in self._hits.items() if not v or v[-1] <= now - self.window]
        for key in stale:
            del self._hits[key]
        if len(self._hits) >= MAX_KEYS:  # still full of live keys: forget the oldest
            oldest = sorted(self._hits, key=lambda k: self._hits[k][-1])
            for key in oldest[: len(oldest) // 10 or 1]:
                del self._hits[key]


class RateLimits:
    """The two windows an application keeps; tests build it with their own clock."""

    def __init__(self, settings: Settings, clock: Clock = time.monotonic) -> None:
        self.forms = SlidingWindow(
            settings.public_form_limit, settings.public_form_window_seconds, clock
        )
        self.tokens = SlidingWindow(settings.token_limit, settings.token_window_seconds, clock)


def _bearer_key(authorization: str) -> str | None:
    scheme, _, secret = authorization.partition(" ")
    if scheme.lower() != "bearer" or not secret.strip():
        return None
    # Keep a digest, never the token itself.
    return hashlib.sha256(secret.strip().encode()).hexdigest()


def too_many(request: Request, retry_after: float, who: str) -> Response:
    seconds = max(1, math.ceil(retry_after))
    detail = f"Too many requests from {who}. Try again in {seconds} seconds."
    headers = {"Retry-After": str(seconds)}
    if wants_page(request):
        return error_page(request, 429, detail, headers)
    return JSONResponse({"detail": detail}, status_code=429, headers=headers)


class RateLimit:
    def __init__(self, app: ASGIApp, limits: RateLimits) -> None:
        self.app = app
        self.limits = limits

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            request = Request(scope)
            verdict = self._check(request)
            if verdict is not None:
                await too_many(request, *verdict)(scope, receive, send)
                return
        await self.app(scope, receive, send)

    def _check(self, request: Request) -> tuple[float, str] | None:
        token = _bearer_key(request.headers.get("authorization", ""))
        if token is not None:
            wait = self.limits.tokens.hit(token)
            return None if wait is None else (wait, "this API token")
        if request.method == "POST" and request.url.path in PUBLIC_FORMS:
            address = request.client.host if request.client else "unknown"
            wait = self.limits.forms.hit(address)
            return None if wait is None else (wait, "your address")
        return None
