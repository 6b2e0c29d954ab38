"""Sign-in and request authentication: argon2id, password sign-in, token and cookie checks.

Runs on a temporary, migrated SQLite database with the shipped registers.
`.venv/bin/python -m bench.accounts_auth`
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from accord.accounts import passwords, service, tokens
from accord.app import create_app
from accord.settings import Settings
from accord.store import migrate
from accord.store.engine import make_engine
from bench.common import machine, repeat

PASSWORD = "a benchmark password"  # noqa: S105 (a throwaway account in a temporary database)
REQUESTS = 200


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{Path(tmp) / 'accord.db'}"
        migrate.upgrade(url)
        settings = Settings(
            environment="test", database_url=url, analytics_path=Path(tmp) / "a.duckdb"
        )
        engine = make_engine(url)
        with Session(engine, expire_on_commit=False) as session:
            user = service.create_user(
                session,
                email="bench@example.org",
                name="Bench",
                organisation="victim-support",
                password=PASSWORD,
            )
            service.add_role(session, user=user, register="lvws", role="caseworker")
            issued = tokens.create_token(
                session,
                name="bench",
                organisation="metropolitan-police",
                register="lvws",
                role="police-referrer",
            )
            hashed = repeat(lambda: passwords.hash_password(PASSWORD), runs=7)
            sign_in = repeat(
                lambda: service.authenticate(
                    session, settings=settings, email=user.email, password=PASSWORD
                ),
                runs=7,
            )
            resolve = repeat(
                lambda: [tokens.resolve(session, secret=issued.secret) for _ in range(REQUESTS)],
                runs=5,
            )

        app = create_app(settings)
        with TestClient(app, base_url="http://localhost") as client:
            page = client.get("/sign-in").text
            token = page.split('name="csrf_token" value="')[1].split('"')[0]
            client.post(
                "/sign-in", data={"csrf_token": token, "email": user.email, "password": PASSWORD}
            )
            baseline = repeat(lambda: [client.get("/healthz") for _ in range(REQUESTS)], runs=5)
            by_cookie = repeat(lambda: [client.get("/api/me") for _ in range(REQUESTS)], runs=5)
            client.cookies.clear()
            bearer = {"Authorization": f"Bearer {issued.secret}"}
            by_token = repeat(
                lambda: [client.get("/api/me", headers=bearer) for _ in range(REQUESTS)], runs=5
            )
            assert client.get("/api/me", headers=bearer).status_code == 200
        app.state.engine.dispose()
        engine.dispose()

    print(f"machine: {machine()}")
    print(f"argon2id hash (library defaults): {hashed.median * 1000:.0f} ms")
    print(f"password sign-in (lookup, verify, throttle row): {sign_in.median * 1000:.0f} ms")
    print(f"tokens.resolve: {resolve.rate(REQUESTS):.0f}/s")
    print(f"GET /healthz (no authentication, same client): {baseline.rate(REQUESTS):.0f}/s")
    print(f"GET /api/me with session cookie: {by_cookie.rate(REQUESTS):.0f}/s")
    print(f"GET /api/me with bearer token: {by_token.rate(REQUESTS):.0f}/s")


if __name__ == "__main__":
    main()
