"""The accounts demo step makes people who can sign in, and shows throttling and codes."""

from __future__ import annotations

import re
from pathlib import Path

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from accord.accounts import service
from accord.accounts.demo import run
from accord.demo import DemoContext
from accord.settings import Settings
from accord.store.engine import make_session_factory


def test_demo_people_can_sign_in(engine: Engine, settings: Settings, tmp_path: Path) -> None:
    ctx = DemoContext(settings=settings, out=tmp_path, session_factory=make_session_factory(engine))
    lines = run(ctx)
    assert lines[0] == "4 demo people, one per register role"
    assert "same code again: False" in "\n".join(lines)
    assert "failures on an unknown address: locked" in "\n".join(lines)
    sheet = (tmp_path / "accounts" / "sign-in.md").read_text()
    password = re.search(r"password for this run: `([^`]+)`", sheet)
    assert password is not None
    assert "| dpo.alpha@example.org | alpha | dpo |" in sheet
    with Session(engine) as session:
        result = service.authenticate(
            session,
            settings=settings,
            email="referrer.alpha@example.org",
            password=password.group(1),
        )
        assert result.outcome == "ok"
        assert result.user is not None
        assert result.user.organisation == "org-b"
    assert set(ctx.facts["accounts"]) == {
        "alpha:caseworker",
        "alpha:dpo",
        "alpha:referrer",
        "beta:analyst",
    }  # type: ignore[arg-type]
    # Running the demo again reuses the same people.
    assert run(ctx)[0] == "4 demo people, one per register role"
