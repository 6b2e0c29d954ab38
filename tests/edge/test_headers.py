"""Security headers on pages and API answers; no caching except of static files."""

from __future__ import annotations

import base64
import hashlib
import re

from fastapi.testclient import TestClient

from accord.web.headers import layout_script_hashes

SECURITY = ("Content-Security-Policy", "X-Frame-Options", "Strict-Transport-Security")


def test_pages_and_api_answers_carry_the_security_headers_and_are_not_cached(
    api: TestClient,
) -> None:
    for path in ("/privacy", "/api/cases?register=lvws", "/no-such-page"):
        response = api.get(path)
        for header in SECURITY:
            assert header in response.headers, (path, header)
        assert response.headers["Cache-Control"] == "no-store", path
        assert response.headers["X-Frame-Options"] == "DENY"
        assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]


def test_static_files_may_be_cached(client: TestClient) -> None:
    response = client.get("/static/accord.css")
    assert response.status_code == 200
    assert "no-store" not in response.headers.get("Cache-Control", "")
    assert "Content-Security-Policy" in response.headers


def test_the_policy_allows_only_the_layouts_own_inline_script(client: TestClient) -> None:
    page = client.get("/privacy", headers={"Accept": "text/html"})
    policy = page.headers["Content-Security-Policy"]
    scripts = re.findall(r"<script>(.*?)</script>", page.text, re.DOTALL)
    assert scripts  # GOV.UK Frontend's js-enabled switch
    for script in scripts:
        digest = base64.b64encode(hashlib.sha256(script.encode()).digest()).decode()
        assert f"'sha256-{digest}'" in policy
    assert "'unsafe-inline'" not in policy
    assert len(layout_script_hashes()) == len(scripts)


def test_a_privacy_notice_allows_exactly_its_own_style(client: TestClient) -> None:
    notice = client.get("/privacy/lvws")
    assert notice.status_code == 200
    styles = re.findall(r"<style>(.*?)</style>", notice.text, re.DOTALL)
    assert styles
    policy = notice.headers["Content-Security-Policy"]
    for style in styles:
        digest = base64.b64encode(hashlib.sha256(style.encode()).digest()).decode()
        assert f"'sha256-{digest}'" in policy
    assert "'unsafe-inline'" not in policy
