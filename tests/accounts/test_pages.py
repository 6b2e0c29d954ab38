"""Sign-in pages over HTTP: sessions, cookies, CSRF, expiry, sign-out, revocation."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from accord.accounts import service
from accord.accounts.models import SessionRecord, User
from accord.accounts.sessions import SESSION_COOKIE, cookie_is_secure
from accord.settings import Settings

from .conftest import PASSWORD

START = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
HTML = {"Accept": "text/html"}


@pytest.fixture
def browser(app: FastAPI) -> Iterator[TestClient]:
    # Cookies are Secure except over http on this machine in development, as here.
    with TestClient(app, base_url="http://localhost", follow_redirects=False) as test_client:
        yield test_client


def csrf(html: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert found, "no CSRF token on the page"
    return found.group(1)


def sign_in(
    browser: TestClient, email: str, password: str = PASSWORD, next_url: str = "/"
) -> object:
    page = browser.get("/sign-in", params={"next": next_url})
    return browser.post(
        "/sign-in",
        data={
            "csrf_token": csrf(page.text),
            "email": email,
            "password": password,
            "next": next_url,
        },
    )


def session_count(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(SessionRecord)) or 0


def test_pages_redirect_to_sign_in_and_back(browser: TestClient, user: User) -> None:
    first = browser.get("/account", headers=HTML)
    assert first.status_code == 303
    assert first.headers["location"] == "/sign-in?next=/account"
    response = sign_in(browser, user.email, next_url="/account")
    assert response.status_code == 303  # type: ignore[attr-defined]
    assert response.headers["location"] == "/account"  # type: ignore[attr-defined]
    cookie = response.headers["set-cookie"]  # type: ignore[attr-defined]
    assert cookie.startswith(f"{SESSION_COOKIE}=")
    assert "HttpOnly" in cookie
    assert "SameSite=lax" in cookie
    assert "Path=/" in cookie
    account = browser.get("/account", headers=HTML)
    assert account.status_code == 200
    assert "casey@example.org" in account.text
    assert "caseworker (alpha)" in account.text
    me = browser.get("/api/me").json()
    assert me["kind"] == "user"
    assert me["permissions"] == ["case:case:list", "case:case:read"]


def test_next_never_leaves_the_site(browser: TestClient, user: User) -> None:
    response = sign_in(browser, user.email, next_url="//evil.example/phish")
    assert response.headers["location"] == "/"  # type: ignore[attr-defined]
    # Signed in already, the sign-in page sends people on (still only within the site).
    again = browser.get("/sign-in", params={"next": "/account"})
    assert again.status_code == 303
    assert again.headers["location"] == "/account"
    assert (
        browser.get("/sign-in", params={"next": "https://evil.example"}).headers["location"] == "/"
    )


def test_wrong_password_shows_an_error_summary_and_no_session(
    browser: TestClient, session: Session, user: User
) -> None:
    response = sign_in(browser, user.email, password="not the password")
    assert response.status_code == 400  # type: ignore[attr-defined]
    text = response.text  # type: ignore[attr-defined]
    assert "There is a problem" in text
    assert '<a href="#email">Enter a correct email address and password</a>' in text
    assert "<title>Error: Sign in" in text
    assert session_count(session) == 0
    unknown = sign_in(browser, "nobody@example.org", password="not the password")
    assert "Enter a correct email address and password" in unknown.text  # type: ignore[attr-defined]


def test_post_without_or_with_wrong_csrf_token_is_refused(
    browser: TestClient, session: Session, user: User
) -> None:
    browser.get("/sign-in")
    missing = browser.post("/sign-in", data={"email": user.email, "password": PASSWORD})
    assert missing.status_code == 403
    wrong = browser.post(
        "/sign-in", data={"csrf_token": "0" * 64, "email": user.email, "password": PASSWORD}
    )
    assert wrong.status_code == 403
    assert session_count(session) == 0
    # Signed in, the token bound to the anonymous visit no longer works for sign-out.
    stale = csrf(browser.get("/sign-in").text)
    sign_in(browser, user.email)
    assert browser.post("/sign-out", data={"csrf_token": stale}).status_code == 403
    assert browser.get("/api/me").status_code == 200


def test_sign_out_ends_the_session_even_for_a_copied_cookie(
    browser: TestClient, user: User
) -> None:
    sign_in(browser, user.email)
    copied = browser.cookies.get(SESSION_COOKIE)
    token = csrf(browser.get("/account", headers=HTML).text)
    out = browser.post("/sign-out", data={"csrf_token": token})
    assert out.status_code == 303
    assert out.headers["location"] == "/signed-out"
    assert browser.get("/api/me").status_code == 401
    browser.cookies.set(SESSION_COOKIE, copied or "", domain="localhost")
    assert browser.get("/api/me").status_code == 401


def test_idle_and_absolute_expiry(browser: TestClient, settings: Settings, user: User) -> None:
    with time_machine.travel(START, tick=False) as clock:
        sign_in(browser, user.email)
        # Kept alive by use for longer than the idle limit...
        for _ in range(settings.session_max_hours * 60 // 29):
            clock.shift(timedelta(minutes=29))
            assert browser.get("/api/me").status_code == 200
        # ...but never past the absolute limit.
        clock.shift(timedelta(minutes=29))
        assert browser.get("/api/me").status_code == 401
        sign_in(browser, user.email)
        clock.shift(timedelta(minutes=settings.session_idle_minutes, seconds=1))
        assert browser.get("/api/me").status_code == 401


def test_disabling_an_account_ends_its_sessions(
    browser: TestClient, session: Session, user: User
) -> None:
    sign_in(browser, user.email)
    assert browser.get("/api/me").status_code == 200
    service.set_active(session, user=user, active=False)
    assert browser.get("/api/me").status_code == 401


def test_cookie_secure_outside_local_development(settings: Settings) -> None:
    class Url:
        def __init__(self, scheme: str, hostname: str) -> None:
            self.scheme, self.hostname = scheme, hostname

    class Req:
        def __init__(self, scheme: str, hostname: str) -> None:
            self.url = Url(scheme, hostname)

    production = settings.model_copy(update={"environment": "production"})
    assert not cookie_is_secure(settings, Req("http", "localhost"))  # type: ignore[arg-type]
    assert cookie_is_secure(settings, Req("http", "accord.example.org"))  # type: ignore[arg-type]
    assert cookie_is_secure(settings, Req("https", "localhost"))  # type: ignore[arg-type]
    assert cookie_is_secure(production, Req("http", "localhost"))  # type: ignore[arg-type]


def test_home_page_shows_the_roles(browser: TestClient, user: User) -> None:
    sign_in(browser, user.email)
    home = browser.get("/", headers=HTML)
    assert home.status_code == 200
    assert "Casey Worker" in home.text
    assert "Caseworker, Register alpha" in home.text


def test_browser_sees_a_page_not_json_when_refused(browser: TestClient) -> None:
    browser.get("/sign-in")
    refused = browser.post("/sign-in", data={"email": "a@example.org"}, headers=HTML)
    assert refused.status_code == 403
    assert refused.headers["content-type"].startswith("text/html")
    assert '<h1 class="govuk-heading-l">You cannot do this</h1>' in refused.text
    assert "This form has expired" in refused.text
    api = browser.post("/sign-in", data={"email": "a@example.org"})
    assert api.json() == {"detail": {"message": "This form has expired. Go back and try again."}}


def test_security_code_step_is_short_and_limited(
    browser: TestClient, session: Session, settings: Settings, user: User
) -> None:
    from accord.accounts import totp

    totp.begin_enrolment(session, settings=settings, user=user)
    user.totp_confirmed = True
    session.commit()
    with time_machine.travel(START, tick=False) as clock:
        assert sign_in(browser, user.email).headers["location"] == "/sign-in/code"  # type: ignore[attr-defined]
        assert browser.get("/api/me").status_code == 401  # the password alone is not enough
        token = csrf(browser.get("/sign-in/code").text)
        for _ in range(4):
            wrong = browser.post("/sign-in/code", data={"csrf_token": token, "code": "000000"})
            assert wrong.status_code == 400
            assert "The code is not right" in wrong.text
        last = browser.post("/sign-in/code", data={"csrf_token": token, "code": "000000"})
        assert last.status_code == 429
        assert "Too many wrong security codes" in last.text
        assert browser.get("/sign-in/code").headers["location"] == "/sign-in"
        # And a pending step lapses after ten minutes.
        sign_in(browser, user.email)
        clock.shift(timedelta(minutes=10, seconds=1))
        assert browser.get("/sign-in/code").headers["location"] == "/sign-in"


def test_sign_out_everywhere_else(app: FastAPI, browser: TestClient, user: User) -> None:
    sign_in(browser, user.email)
    with TestClient(app, base_url="http://localhost", follow_redirects=False) as laptop:
        sign_in(laptop, user.email)
        assert laptop.get("/api/me").status_code == 200
        page = browser.get("/account", headers=HTML)
        assert "Sign out everywhere else" in page.text
        done = browser.post("/account/sessions/end-others", data={"csrf_token": csrf(page.text)})
        assert done.status_code == 303
        assert laptop.get("/api/me").status_code == 401
        assert browser.get("/api/me").status_code == 200


def test_home_links_only_work_the_person_may_do_and_that_exists(
    app: FastAPI, browser: TestClient, user: User
) -> None:
    @app.get("/cases")
    def cases() -> dict[str, str]:
        return {}

    @app.get("/reports")
    def reports() -> dict[str, str]:
        return {}

    sign_in(browser, user.email)
    home = browser.get("/", headers=HTML)
    assert 'href="/cases">Cases</a>' in home.text  # permission and a page
    assert 'href="/reports"' not in home.text  # a page, but not this person's work
    assert 'href="/referrals"' not in home.text  # neither


def test_sign_in_over_plain_http_says_why_it_cannot_work(app: FastAPI) -> None:
    # The session cookie is for https only here, so the browser would drop it: say so.
    with TestClient(app, base_url="http://accord.example.org") as plain:
        warning = plain.get("/sign-in", headers=HTML).text
    assert 'id="insecure-connection"' in warning
    assert "accord serve --proxy-headers" in warning
    with TestClient(app, base_url="https://accord.example.org") as secure:
        assert 'id="insecure-connection"' not in secure.get("/sign-in", headers=HTML).text
    with TestClient(app, base_url="http://localhost") as laptop:  # development on this machine
        assert 'id="insecure-connection"' not in laptop.get("/sign-in", headers=HTML).text
