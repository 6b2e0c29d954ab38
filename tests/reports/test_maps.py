"""Hotspot maps: counts by hexagon under the report's own disclosure control, drawn without
identifying data."""

from __future__ import annotations

import re

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from accord.accounts.deps import current_actor
from accord.analytics.duckdb_engine import DuckDBEngine
from accord.register.registry import current_registry
from accord.register.report_schema import LocationKind, MapOptions
from accord.reports import definitions, maps, service
from accord.settings import Settings
from factories import actors

from .conftest import analyst, approve_all, events, load_events

pytestmark = pytest.mark.store

REPORT = "violence-hotspots"
# Four groups of areas, each group's centres close together (one hexagon at resolution 5).
GROUPS = {
    "A": (51.75, -1.25, 6),  # Oxford: 6 areas
    "B": (51.45, -0.97, 6),  # Reading: 6 areas
    "C": (51.51, -0.59, 2),  # Slough: 2 areas, too few places for a hexagon of their own
    "D": (52.04, -0.76, 5),  # Milton Keynes: 5 areas
}


@pytest.fixture
def centres(monkeypatch: pytest.MonkeyPatch) -> dict[str, tuple[float, float]]:
    known = {
        f"E0{group}{i}": (lat + i * 0.001, lng + i * 0.001)
        for group, (lat, lng, n) in GROUPS.items()
        for i in range(n)
    }
    monkeypatch.setitem(maps.CENTRES, LocationKind.AREA, known)
    return known


def _load(engine: DuckDBEngine, per_area: dict[str, int]) -> None:
    rows = []
    for group, n in per_area.items():
        for i in range(GROUPS[group][2]):
            rows += events(n, lsoa=f"E0{group}{i}")
    load_events(engine, rows)


def _run(session: Session, engine: DuckDBEngine) -> service.ReportRun:
    approve_all(session, "tvt", REPORT)
    return service.run_report(
        session, actor=analyst(), register="tvt", report_id=REPORT, engine=engine
    )


def test_places_are_put_on_the_map_deterministically() -> None:
    options = MapOptions(location="lsoa", bounds=(51.33, -1.72, 52.2, -0.48))
    first = maps.point("E01028001", options)
    assert first is not None
    assert first == maps.point(" e01028001 ", options)
    assert first[2] is True  # illustrative: no known centre
    assert 51.33 <= first[0] <= 52.2
    assert -1.72 <= first[1] <= -0.48
    assert maps.point("E01028001", MapOptions(location="lsoa")) is None  # no bounds: not placed
    assert maps.place_key("rg1 4ab", LocationKind.POSTCODE) == "RG1"
    assert maps.place_key("OX144AB", LocationKind.POSTCODE) == "OX14"


def test_cells_pass_disclosure_control_and_thin_hexagons_are_merged(
    session: Session, analytics: DuckDBEngine, centres: dict[str, tuple[float, float]]
) -> None:
    # A: 30 records; B: 12; C: 20 in only two places (merged); D: 5 (below the threshold)
    _load(analytics, {"A": 5, "B": 2, "C": 10, "D": 1})
    run = _run(session, analytics)
    rows = {r[0]: r[1] for r in run.output["rows"]}
    assert run.scope["dimensions"] == [{"field": "lsoa", "encoding": "h3:5"}]
    # every hexagon's id is an H3 cell at the map's resolution, or the merged cell
    import h3  # type: ignore[import-untyped]

    hexes = [c for c in rows if c != maps.ELSEWHERE]
    assert len(hexes) == 3
    assert all(h3.get_resolution(c) == 5 for c in hexes)
    assert rows[maps.ELSEWHERE] == 20  # Slough's two places, merged
    published = [v for v in rows.values() if v is not None]
    assert published
    assert all(v >= 10 and v % 5 == 0 for v in published)
    # Milton Keynes's 5 are below the threshold; the next smallest (Reading) is suppressed
    # with it, so neither is recovered from the total
    assert sorted(v for v in rows.values() if v is not None) == [20, 30]
    assert sum(1 for v in rows.values() if v is None) == 2
    assert run.outcome == "review"
    assert run.status == "held"
    assert any("fewer than 3 distinct places" in n for n in run.notes)
    assert run.output["totals"]["events"] == 50


def test_the_map_and_its_picture_hold_no_identifying_data(
    session: Session, analytics: DuckDBEngine, centres: dict[str, tuple[float, float]]
) -> None:
    _load(analytics, {"A": 5, "B": 5, "D": 5})
    run = _run(session, analytics)
    assert run.status == "released"
    view = maps.view(run, "Serious violence hotspots")
    assert len(view.hexagons) == 3
    drawn = maps.svg(view)
    assert drawn.startswith("<svg")
    assert "<script" not in drawn
    assert len(re.findall("<polygon", drawn)) == 3
    assert "Crimes and incidents around 51.7" in drawn  # a tooltip naming the count
    assert "km</text>" in drawn  # the scale
    for code in centres:
        assert code not in drawn
    png = maps.image(view, "png")
    assert png.startswith(b"\x89PNG")
    picture = maps.image(view, "svg").decode()
    assert "<svg" in picture
    assert not any(code in picture for code in centres)


def test_the_definition_hash_covers_the_map_settings() -> None:
    tvt = current_registry().get("tvt")
    report = definitions.find(tvt, REPORT)
    assert report.map is not None
    finer = report.model_copy(update={"map": report.map.model_copy(update={"resolution": 7})})
    assert definitions.definition_hash(tvt, report) != definitions.definition_hash(tvt, finer)


def test_a_map_has_one_breakdown_its_location() -> None:
    tvt = current_registry().get("tvt")
    report = definitions.find(tvt, REPORT)
    body = report.model_dump()
    body["breakdowns"].append({"field": "offence_group"})
    with pytest.raises(ValueError, match="its one breakdown is the map's location"):
        type(report).model_validate(body)


def test_the_api_draws_a_released_map_for_a_recipient(
    app: FastAPI,
    client: TestClient,
    session: Session,
    settings: Settings,
    centres: dict[str, tuple[float, float]],
) -> None:
    engine = DuckDBEngine(settings.analytics_path)
    try:
        _load(engine, {"A": 5, "B": 5, "D": 5})
    finally:
        engine.close()
    approve_all(session, "tvt", REPORT)
    session.commit()
    app.dependency_overrides[current_actor] = analyst
    ran = client.post(f"/api/reports/tvt/{REPORT}/runs", json={})
    assert ran.status_code == 201, ran.text
    assert ran.json()["status"] == "released"
    run_id = ran.json()["id"]
    app.dependency_overrides[current_actor] = lambda: actors.actor(
        "tvt", "report-recipient", "oxfordshire-cc"
    )
    png = client.get(f"/api/reports/outputs/{run_id}/map")
    assert png.status_code == 200
    assert png.headers["content-type"] == "image/png"
    drawn = client.get(f"/api/reports/outputs/{run_id}/map?format=svg")
    assert drawn.headers["content-type"].startswith("image/svg+xml")
    assert not any(code in drawn.text for code in centres)


def test_a_second_map_differing_by_a_few_records_is_refused(
    session: Session, analytics: DuckDBEngine, centres: dict[str, tuple[float, float]]
) -> None:
    _load(analytics, {"A": 5, "B": 5, "D": 5})
    first = _run(session, analytics)
    assert first.status == "released"
    # three more events in one of Oxford's areas: the same hexagon, 33 against 30
    load_events(
        analytics,
        [
            *(
                e
                for group, n in (("A", 5), ("B", 5), ("D", 5))
                for i in range(GROUPS[group][2])
                for e in events(n, lsoa=f"E0{group}{i}")
            ),
            *events(3, lsoa="E0A0"),
        ],
    )
    second = service.run_report(
        session, actor=analyst(), register="tvt", report_id=REPORT, engine=analytics
    )
    assert second.status == "refused"
    assert second.refusal is not None
    assert second.refusal.startswith("differencing")
    assert str(first.id) in second.refusal
