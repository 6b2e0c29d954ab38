"""The casework demo step makes a caseload through the services, and its bulk file reconciles."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from accord.cases import demo
from accord.cases.models import Case, CaseShare
from accord.demo import DemoContext
from accord.settings import Settings


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
