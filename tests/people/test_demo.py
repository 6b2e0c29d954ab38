"""The encryption-at-rest demo step runs end to end and leaves no subject behind."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import func, select

from accord.demo import DemoContext
from accord.people.demo import run
from accord.people.models import Subject, SubjectIndex
from accord.settings import Settings
from accord.store.base import Base
from accord.store.engine import make_engine, make_session_factory


def test_demo_step(tmp_path: Path, settings: Settings) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'demo.db'}")
    Base.metadata.create_all(engine, tables=[Subject.__table__, SubjectIndex.__table__])  # type: ignore[list-item]
    factory = make_session_factory(engine)
    try:
        lines = run(DemoContext(settings=settings, out=tmp_path, session_factory=factory))
        with factory() as session:
            left = session.scalar(select(func.count()).select_from(Subject))
    finally:
        engine.dispose()
    text = "\n".join(lines)
    assert "plaintext in the blob: none" in text
    assert "'+44 (0)7700-900-461': 1 subject" in text
    assert "taken before erasure is unreadable (SubjectShredded)" in text
    assert left == 0
