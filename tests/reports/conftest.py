"""Reports tests: an in-memory analytical store with TVT crime events, and approved definitions."""

from __future__ import annotations

import uuid
from collections.abc import Iterator, Sequence
from datetime import date
from typing import Any

import pyarrow as pa  # type: ignore[import-untyped]
import pytest
from sqlalchemy.orm import Session

from accord.analytics.duckdb_engine import DuckDBEngine
from accord.analytics.tables import TableSpec
from accord.gate.types import Actor
from accord.register.registry import current_registry
from accord.reports import definitions, service
from factories import actors

CRIME_EVENTS = "partner:thames-valley-police/crime-events"


@pytest.fixture
def analytics() -> Iterator[DuckDBEngine]:
    engine = DuckDBEngine(":memory:")
    yield engine
    engine.close()


def crime_spec() -> TableSpec:
    tvt = current_registry().get("tvt")
    contract = next(c for c in tvt.feeds if c.dataset == "crime-events")
    return TableSpec.from_contract(contract)


def load_events(engine: DuckDBEngine, events: Sequence[dict[str, Any]]) -> None:
    """Store crime events (offence_group, involvement, lsoa, event_date, knife_involved)."""
    spec = crime_spec()
    columns: dict[str, list[Any]] = {name: [] for name in spec.column_names}
    for i, event in enumerate(events):
        row = {
            "record_id": event.get("record_id", f"rec-{i:07d}"),
            "_row_digest": uuid.uuid4().hex,
            "_batch_id": None,
            "_file_hash": None,
            "_ingested_at": None,
            "event_date": date(2025, 1, 15),
            "offence_group": "robbery",
            "involvement": "victim",
            # one in three involves a knife, so no cell's knife count is zero
            "knife_involved": i % 3 == 0,
            "lsoa": "E01000001",
            **event,
        }
        for name in spec.column_names:
            columns[name].append(row.get(name))
    engine.apply(spec, pa.table(columns, schema=spec.arrow_schema()), snapshot=True)


def events(n: int, **fields: Any) -> list[dict[str, Any]]:
    return [dict(fields) for _ in range(n)]


def analyst() -> Actor:
    return actors.actor("tvt", "partnership-analyst", "thames-valley-police")


def approve_all(session: Session, register: str, report: str) -> None:
    reg = current_registry().get(register)
    digest = definitions.definition_hash(reg, definitions.find(reg, report))
    for org in definitions.partners(reg):
        service.approve(
            session,
            actor=actors.actor(register, "dpo", org),
            register=register,
            report_id=report,
            definition_hash=digest,
        )
