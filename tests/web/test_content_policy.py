"""The pages work under their Content-Security-Policy: GOV.UK Frontend's scripts and styles
load, its inline switch runs, and Chromium reports no violation."""

from __future__ import annotations

from typing import Any

import pytest

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("path", ["/self-referral", "/privacy", "/privacy/lvws", "/sign-in"])
def test_pages_render_under_the_policy_without_violations(page: Any, path: str) -> None:
    violations: list[str] = []
    page.on(
        "console",
        lambda message: (
            violations.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    response = page.goto(path)
    assert "default-src 'self'" in response.headers["content-security-policy"]
    page.wait_for_load_state("networkidle")
    assert violations == []
    if path != "/privacy/lvws":  # the notice is a document of its own, without the layout
        classes = page.evaluate("document.body.className")
        assert "govuk-frontend-supported" in classes  # the inline switch ran
        # GOV.UK Frontend's stylesheet applied (a blocked sheet leaves the default font)
        font = page.evaluate("getComputedStyle(document.querySelector('h1')).fontFamily")
        assert "GDS Transport" in font or "arial" in font.lower()
