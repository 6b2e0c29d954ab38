"""The casework demo step makes a caseload through the services, and its bulk file reconciles."""

from __future__ import annotations

import csv
import random
import uuid
from pathlib import Path

import pytest
from faker import Faker
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from accord.accounts import service as accounts
from accord.accounts.models import User
from accord.cases import demo
from accord.cases.models import Case, CaseShare
from accord.demo import DemoContext
from accord.referrals import bulk
from accord.referrals.cli import file_actor
from accord.settings import Settings
from accord.store.exports import FORMULA_STARTS


def test_demo_step_builds_a_realistic_caseload(
    session: Session, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(demo, "REFERRALS", 12)
    factory = sessionmaker(bind=session.get_bind(), join_transaction_mode="create_savepoint")
    ctx = DemoContext(settings=Settings(environment="test"), out=tmp_path, session_factory=factory)
    lines = demo.run(ctx)
    assert lines[0].startswith("12 police referrals")
    assert "reconciles: yes" in lines[-1]
    assert (tmp_path / "casework" / "met-referrals.rejects.csv").exists()
    statuses = set(session.scalars(select(Case.status)))
    assert {"engaged", "not-taken-up"} & statuses
    assert (session.scalar(select(func.count()).select_from(Case)) or 0) >= 12 + 9
    assert (session.scalar(select(func.count()).select_from(CaseShare)) or 0) >= 1


def test_demo_bulk_file_escapes_formula_cells_and_reads_back_as_written(
    session: Session, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Numbers written in international form start with "+", which a spreadsheet runs.
    monkeypatch.setattr(demo, "_phone", lambda rng: f"+44 7700 900{rng.randrange(0, 1000):03d}")
    police = file_actor(demo.REGISTER, "metropolitan-police")
    demo._bulk_file(tmp_path, session, police, Faker("en_GB"), random.Random(7))
    path = tmp_path / "casework" / "met-referrals.csv"
    with path.open(newline="", encoding="utf-8") as handle:
        cells = [cell for row in csv.reader(handle) for cell in row]
    assert [c for c in cells if c.startswith(FORMULA_STARTS)] == []
    _, rows = bulk.read_rows(path)
    assert [r["phone"][:4] for r in rows] == ["+44 "] * len(rows)


def test_demo_caseworker_shares_the_intake_team_caseload(session: Session, tmp_path: Path) -> None:
    user = accounts.create_user(
        session,
        email=f"caseworker-{uuid.uuid4().hex[:8]}@example.org",
        name="Demo Caseworker",
        organisation="victim-support",
    )
    accounts.add_role(session, user=user, register="lvws", role="caseworker")
    factory = sessionmaker(bind=session.get_bind(), join_transaction_mode="create_savepoint")
    ctx = DemoContext(settings=Settings(environment="test"), out=tmp_path, session_factory=factory)
    ctx.facts["accounts"] = {"lvws:caseworker": str(user.id)}
    with factory() as own:
        assert demo._share_team_caseload(ctx, own)
        assert demo._share_team_caseload(ctx, own)  # a second demo run adds nothing twice
        found = own.get(User, user.id)
        assert found is not None
        grants = sorted(g.role_id for g in found.roles if g.register == "lvws")
    assert grants == ["caseworker", "team-member"]
