"""TVT partner data at its boundary: a record dated more than 6 years before the run leaves
every store it is in (identifiers, the analytical store, linkage's working set), one a day
younger stays; the certificate counts the records and, apart, their analytical rows."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path

import pandas as pd
import pytest
import time_machine
from sqlalchemy import select
from sqlalchemy.orm import Session

from accord.analytics.duckdb_engine import DuckDBEngine
from accord.analytics.tables import TableSpec
from accord.feeds.disposal import lookback_within_period
from accord.feeds.ingest import ingest_file
from accord.feeds.models import FeedIdentity
from accord.linkage import working_set
from accord.linkage.models import WorkingSet
from accord.linkage.prepare import PREPARED_COLUMNS
from accord.register.load import load_file
from accord.settings import Settings, get_settings
from accord.synthetic.tvt import POLICE
from factories.actors import actor
from factories.registers import using
from feeds.conftest import police_row, write_rows
from retention.support import run

ROOT = Path(__file__).resolve().parents[2]
INGESTED = date(2026, 11, 23)
RUN = datetime(2027, 11, 23, 12, tzinfo=UTC)  # six years before: 2021-11-23
OLD, EDGE, NEW = date(2021, 11, 22), date(2021, 11, 23), date(2025, 1, 1)


def _stored(session: Session) -> set[date | None]:
    """The record dates of the police records still stored."""
    session.expire_all()
    return set(
        session.scalars(
            select(FeedIdentity.record_date).where(FeedIdentity.partner == POLICE.partner)
        )
    )


def _set_for(session: Session, record_ids: list[str]) -> None:
    """A working set of the police dataset holding these records (as a linkage run leaves)."""
    frame = pd.DataFrame(
        {
            **{c: ["x"] * len(record_ids) for c in working_set.SET_COLUMNS},
            "record_id": record_ids,
            "source": [f"{POLICE.partner}/{POLICE.dataset}"] * len(record_ids),
            working_set.HASH_COLUMN: [1] * len(record_ids),
        }
    )
    assert "record_id" in PREPARED_COLUMNS
    written = working_set.save(
        session,
        register="tvt",
        run_id=_linkage_run(session),
        records=frame,
        columns={(POLICE.partner, POLICE.dataset): frozenset({"first_name"})},
    )
    assert written == 1


def _linkage_run(session: Session) -> object:
    import uuid

    from accord.linkage.models import LinkageRun

    run_row = LinkageRun(
        id=uuid.uuid4(), kind="full", engine="duckdb", started_by="test", config={}
    )
    session.add(run_row)
    session.flush()
    return run_row.id


@pytest.fixture
def analytics_here(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The run's sweep reads the cached settings: point them at this test's analytical store
    (a copy cached by an earlier test would name another one)."""
    monkeypatch.setenv("ACCORD_ANALYTICS_PATH", str(settings.analytics_path))
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


@pytest.mark.usefixtures("analytics_here")
def test_partner_data_older_than_six_years_goes_a_day_younger_stays(
    session: Session, settings: Settings, tmp_path: Path
) -> None:
    with using("tvt"):
        analyst = actor("tvt", "partnership-analyst", organisation="thames-valley-police")
        rows = [
            police_row("OLD", event_date="2021-11-22"),  # 6 years and a day before the run
            police_row("EDGE", event_date="2021-11-23", surname="Edge"),  # a day younger
            police_row("NEW", event_date="2025-01-01", surname="New"),
        ]
        analytics = DuckDBEngine(settings.analytics_path)
        try:
            result = ingest_file(
                session,
                actor=analyst,
                partner=POLICE.partner,
                dataset=POLICE.dataset,
                path=write_rows(tmp_path / "police.csv", POLICE, rows),
                settings=settings,
                engine=analytics,
                today=INGESTED,
                register="tvt",
            )
        finally:
            analytics.close()
        assert result.inserted == 3
        assert _stored(session) == {OLD, EDGE, NEW}
        ids = list(session.scalars(select(FeedIdentity.record_id)))
        _set_for(session, ids)

        with time_machine.travel(RUN, tick=False):
            outcome = run(session)

        assert _stored(session) == {EDGE, NEW}
        analytics = DuckDBEngine(settings.analytics_path)
        try:
            kept = analytics.read(TableSpec.from_contract(POLICE)).to_pylist()
        finally:
            analytics.close()
        assert len(kept) == 2
        assert session.scalars(select(WorkingSet)).all() == []  # it held OLD
        counts = {(k[2], k[4]): n for k, n in outcome.counts.items() if k[0] == "tvt"}
        assert counts[("partner-record", "deleted")] == 1
        assert counts[("partner-record", "analytical-rows")] == 1
        assert counts[("linked-person", "working-sets")] == 1


def test_shipped_feeds_look_back_no_further_than_the_register_keeps_partner_data() -> None:
    for name in ("tvt", "hounslow"):
        register = load_file(ROOT / "registers" / f"{name}.yaml")
        assert lookback_within_period(register) == []
