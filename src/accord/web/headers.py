"""Security headers on every response: CSP, framing, HSTS, no caching of personal data.

The policy allows only this origin's scripts, styles, images and fonts, plus the one inline
script GOV.UK Frontend's layout needs (allowed by its hash, read from base.html so the two
cannot drift). A response that sets its own header keeps it (the privacy notices allow their
own inline style this way). Everything but /static/ is `Cache-Control: no-store`: pages and
API answers carry personal data and must not sit in shared or browser caches.
"""

from __future__ import annotations

import base64
import hashlib
import re
from functools import lru_cache
from pathlib import Path

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from accord.settings import Settings

BASE_TEMPLATE = Path(__file__).resolve().parent / "templates" / "base.html"
_INLINE_SCRIPT = re.compile(r"<script>(.*?)</script>", re.DOTALL)
_INLINE_STYLE = re.compile(r"<style>(.*?)</style>", re.DOTALL)


def source_hash(text: str) -> str:
    digest = hashlib.sha256(text.encode()).digest()
    return f"'sha256-{base64.b64encode(digest).decode()}'"


@lru_cache
def layout_script_hashes() -> tuple[str, ...]:
    return tuple(source_hash(s) for s in _INLINE_SCRIPT.findall(BASE_TEMPLATE.read_text()))


def content_security_policy(style_hashes: tuple[str, ...] = ()) -> str:
    scripts = " ".join(("'self'", *layout_script_hashes()))
    styles = " ".join(("'self'", *style_hashes))
    return (
        "default-src 'self'; "
        f"script-src {scripts}; "
        f"style-src {styles}; "
        "img-src 'self' data:; font-src 'self'; connect-src 'self'; "
        "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
    )


def policy_for_inline_styles(html: str) -> str:
    """The policy for a self-contained HTML document whose <style> blocks must apply."""
    return content_security_policy(tuple(source_hash(s) for s in _INLINE_STYLE.findall(html)))


class SecurityHeaders:
    def __init__(self, app: ASGIApp, settings: Settings) -> None:
        self.app = app
        self.fixed = {
            "Content-Security-Policy": content_security_policy(),
            "X-Frame-Options": "DENY",
            "X-Content-Type-Options": "nosniff",
            "Referrer-Policy": "no-referrer",
            "Cross-Origin-Opener-Policy": "same-origin",
        }
        if settings.hsts_seconds:
            self.fixed["Strict-Transport-Security"] = (
                f"max-age={settings.hsts_seconds}; includeSubDomains"
            )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        cacheable = scope["path"].startswith("/static/")

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in self.fixed.items():
                    headers.setdefault(name, value)
                if not cacheable:
                    headers["Cache-Control"] = "no-store"
            await send(message)

        await self.app(scope, receive, send_with_headers)
