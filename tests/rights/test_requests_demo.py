"""The rights demo step fills the MOPAC queue with a request in each state and forwards a
TVT request to a partner's DPO."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy.orm import Session

from accord.demo import DemoContext
from accord.rights.demo import run
from accord.settings import Settings
from factories.registers import using


def test_the_demo_fills_the_queue_and_forwards_a_tvt_request(
    session: Session, settings: Settings, tmp_path: Path
) -> None:
    ctx = DemoContext(settings=settings, out=tmp_path, session_factory=lambda: session)  # type: ignore[arg-type]
    with using("mopac", "tvt"):
        lines = run(ctx)
    assert lines[0] == (
        "MOPAC rights queue: 5 open (due 2, identity not yet confirmed 1, overdue 1, "
        "paused for clarification 1)"
    )
    assert any(line.startswith("  The response is due by") for line in lines)
    assert any("An extension was decided" in line for line in lines)
    assert "forwarded to Reading Borough Council" in lines[-1]
    assert "dataprotection@reading.gov.uk" in lines[-1]
