"""A person signing in, being throttled, setting up and using security codes, in Chromium."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pyotp
import pytest

from accord.accounts.models import User
from support.axe import assert_accessible

from .conftest import PASSWORD, LiveServer

pytestmark = pytest.mark.browser


def sign_in(page: Any, email: str, password: str = PASSWORD) -> None:
    page.fill("#email", email)
    page.fill("#password", password)
    page.click("button:has-text('Sign in')")


def test_person_signs_in_and_out(page: Any, make_user: Callable[..., User], tmp_path: Path) -> None:
    user = make_user()
    page.goto("/account")
    assert page.url.endswith("/sign-in?next=/account")
    assert page.title() == "Sign in – accord"
    page.screenshot(path=str(tmp_path / "sign-in.png"), full_page=True)
    sign_in(page, user.email)
    assert page.url.endswith("/account")
    assert page.inner_text("h1") == "Your account"
    assert "caseworker (lvws)" in page.inner_text("main")
    page.click("a:has-text('Home')")
    assert "Sam Caseworker" in page.inner_text("h1")
    assert "Caseworker" in page.inner_text("#roles")
    page.screenshot(path=str(tmp_path / "home.png"), full_page=True)
    page.click("button:has-text('Sign out')")
    assert page.inner_text("h1") == "You have signed out"
    page.goto("/")
    assert "/sign-in" in page.url


def test_wrong_password_then_throttled(page: Any, make_user: Callable[..., User]) -> None:
    user = make_user()
    page.goto("/sign-in")
    for _ in range(4):
        sign_in(page, user.email, "not my password")
        assert page.inner_text(".govuk-error-summary") == (
            "There is a problem\nEnter a correct email address and password"
        )
    assert page.evaluate("document.activeElement.className").startswith("govuk-error-summary")
    sign_in(page, user.email, "not my password")
    assert "tried to sign in too many times" in page.inner_text(".govuk-error-summary")
    sign_in(page, user.email)  # the right password, but locked
    assert "tried to sign in too many times" in page.inner_text(".govuk-error-summary")
    assert "/sign-in" in page.url
    # An address with no account gets exactly the same answers.
    for _ in range(5):
        sign_in(page, "no-such-person@example.org", "not my password")
    assert "tried to sign in too many times" in page.inner_text(".govuk-error-summary")


def test_enrol_and_use_security_codes(page: Any, make_user: Callable[..., User]) -> None:
    user = make_user()
    page.goto("/sign-in")
    sign_in(page, user.email)
    page.goto("/account")
    assert page.inner_text("#totp-status") == "Off"
    page.click("button:has-text('Set up security codes')")
    assert page.locator("figure.accord-qr svg path").count() == 1  # the QR code to scan
    assert_accessible(page)
    secret = page.inner_text("#totp-secret").replace(" ", "")  # shown in groups of four
    page.fill("#code", "000000" if pyotp.TOTP(secret).now() != "000000" else "111111")
    page.click("button:has-text('Turn on security codes')")
    assert "The code is not right" in page.inner_text(".govuk-error-summary")
    now = time.time()
    used = pyotp.TOTP(secret).at(now)
    page.fill("#code", used)
    page.click("button:has-text('Turn on security codes')")
    assert "Security codes are now on" in page.inner_text(".govuk-notification-banner")
    assert page.inner_text("#totp-status") == "On"
    page.click("button:has-text('Sign out')")

    page.goto("/sign-in")
    sign_in(page, user.email)
    assert page.url.endswith("/sign-in/code")
    page.goto("/account")  # the password alone does not sign anyone in
    assert page.inner_text("h1") == "Sign in to accord"
    page.goto("/sign-in/code")
    page.fill("#code", used)  # replaying the code already used is refused
    page.click("button:has-text('Continue')")
    assert "already been used" in page.inner_text(".govuk-error-summary")
    page.fill("#code", pyotp.TOTP(secret).at(now + 30))
    page.click("button:has-text('Continue')")
    assert page.url.endswith("/")
    assert "Sam Caseworker" in page.inner_text("h1")


def test_form_post_without_csrf_token_is_refused(
    page: Any, make_user: Callable[..., User], live_server: LiveServer
) -> None:
    user = make_user()
    page.goto("/sign-in")
    sign_in(page, user.email)
    page.goto("/account")
    # The browser's own cookies, but no token: as a forged cross-site form would arrive.
    status = page.evaluate(
        """async () => (await fetch('/account/totp', {method: 'POST',
              headers: {'Content-Type': 'application/x-www-form-urlencoded'}, body: ''})).status"""
    )
    assert status == 403
    wrong = page.request.post("/sign-out", form={"csrf_token": "f" * 64})
    assert wrong.status == 403
    page.reload()
    assert page.inner_text("#totp-status") == "Off"  # nothing changed
    assert page.inner_text("h1") == "Your account"  # still signed in
