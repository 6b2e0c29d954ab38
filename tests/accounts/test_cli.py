"""`accord users ...` and `accord tokens ...` against the test database."""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator

import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from accord.accounts import tokens
from accord.accounts.models import ApiToken, User
from accord.cli import app
from accord.console import console
from accord.settings import get_settings

runner = CliRunner()


@pytest.fixture
def cli_db(database_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    monkeypatch.setenv("ACCORD_DATABASE_URL", database_url)
    monkeypatch.setattr(console, "width", 250)  # wide enough that tables do not wrap ids
    get_settings.cache_clear()
    yield database_url
    get_settings.cache_clear()


def run(*args: str) -> tuple[int, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.output


def test_users_create_add_role_list_disable(cli_db: str, engine: Engine) -> None:
    email = f"cli-{uuid.uuid4().hex[:8]}@example.org"
    code, out = run(
        "users",
        "create",
        "--email",
        email,
        "--name",
        "Cli Person",
        "--org",
        "org-a",
        "--password",
        "a long enough password",
    )
    assert code == 0, out
    code, out = run("users", "add-role", email, "--register", "alpha", "--role", "dpo")
    assert code == 0
    assert "granted alpha:dpo" in out
    code, out = run("users", "add-role", email, "--register", "alpha", "--role", "boss")
    assert code == 1
    assert "role: no role 'boss' in register 'alpha'" in out
    code, out = run("users", "list", "--org", "org-a")
    assert code == 0
    assert email in out
    assert "alpha:dpo" in out
    assert "argon2" not in out
    code, out = run("users", "disable", email)
    assert code == 0
    assert "disabled" in out
    with Session(engine) as session:
        user = session.scalars(select(User).where(User.email == email)).one()
        assert not user.active


def test_users_create_refuses_bad_input(cli_db: str) -> None:
    code, out = run("users", "create", "--email", "nope", "--name", "X", "--org", "org-a")
    assert code == 1
    assert "email:" in out
    code, out = run(
        "users", "create", "--email", "ok@example.org", "--name", "X", "--org", "atlantis"
    )
    assert code == 1
    assert "organisation: no organisation 'atlantis'" in out


def test_tokens_create_shows_secret_once_list_never_revoke(cli_db: str, engine: Engine) -> None:
    name = f"feed-{uuid.uuid4().hex[:8]}"
    code, out = run(
        "tokens",
        "create",
        "--org",
        "org-b",
        "--register",
        "alpha",
        "--role",
        "referrer",
        "--name",
        name,
    )
    assert code == 0, out
    secret = re.search(r"^(accord_\S+)$", out, re.MULTILINE)
    assert secret is not None
    with Session(engine) as session:
        assert tokens.resolve(session, secret=secret.group(1)) is not None
        token = session.scalars(select(ApiToken).where(ApiToken.name == name)).one()
    code, out = run("tokens", "list", "--org", "org-b")
    assert code == 0
    assert name in out
    assert "active" in out
    assert secret.group(1) not in out
    assert token.secret_hash not in out
    code, out = run("tokens", "revoke", str(token.id))
    assert code == 0
    assert "revoked" in out
    with Session(engine) as session:
        assert tokens.resolve(session, secret=secret.group(1)) is None
    code, out = run("tokens", "revoke", "not-an-id")
    assert code == 1
    assert "is not a token id" in out
    code, out = run(
        "tokens",
        "create",
        "--org",
        "org-a",
        "--register",
        "alpha",
        "--role",
        "referrer",
        "--name",
        "x",
    )
    assert code == 1
    assert "role: role 'referrer' belongs to organisation 'org-b'" in out


def test_set_password_and_reset_codes(cli_db: str, engine: Engine) -> None:
    email = f"cli-{uuid.uuid4().hex[:8]}@example.org"
    run("users", "create", "--email", email, "--name", "P", "--org", "org-a")
    result = runner.invoke(app, ["users", "set-password", email], input="short\nshort\n")
    assert result.exit_code == 1
    assert "password: Password must be 12 characters or more" in result.output
    result = runner.invoke(
        app, ["users", "set-password", email], input="a new long password\na new long password\n"
    )
    assert result.exit_code == 0, result.output
    with Session(engine) as session:
        user = session.scalars(select(User).where(User.email == email)).one()
        assert user.password_hash is not None
        user.totp_secret, user.totp_confirmed = b"sealed", True
        session.commit()
    code, out = run("users", "reset-codes", email)
    assert code == 0
    assert "security codes off" in out
    with Session(engine) as session:
        user = session.scalars(select(User).where(User.email == email)).one()
        assert user.totp_secret is None
        assert not user.totp_confirmed
