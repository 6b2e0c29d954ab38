"""The shared pipeline's steps, engine by engine (DuckDB always; Spark under -m spark)."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pyarrow as pa
import pytest

from accord.analytics.engine import AnalyticsEngine
from accord.analytics.tables import TableSpec, table_name
from accord.synthetic.tvt import CENSUS, POLICE

SPEC = TableSpec.from_contract(POLICE)


def rows(ids: list[str], digest: str, when: date, offence: str = "robbery") -> pa.Table:
    n = len(ids)
    return pa.table(
        {
            "record_id": ids,
            "_row_digest": [f"{digest}-{i}" for i in ids],
            "_batch_id": ["b"] * n,
            "_file_hash": ["h"] * n,
            "_ingested_at": pa.array([datetime.now(UTC)] * n, pa.timestamp("us", tz="UTC")),
            "event_date": pa.array([when] * n, pa.date32()),
            "offence_group": [offence] * n,
            "involvement": ["victim"] * n,
            "knife_involved": [False] * n,
            "lsoa": ["E01028500"] * n,
        }
    )


def test_table_layout_follows_the_contract() -> None:
    assert SPEC.name == "feed__thames_valley_police_crime_events"
    assert "deleted" not in SPEC.column_names  # an instruction, not data
    assert "forename" not in SPEC.column_names  # identifiers never reach analytics
    assert "lsoa" in TableSpec.from_contract(CENSUS).column_names  # non-personal key kept
    assert table_name("a b", "c-d") == "feed__a_b_c_d"


def test_empty_table_reads_with_its_schema(analytics: AnalyticsEngine) -> None:
    assert analytics.count(SPEC) == 0
    analytics.ensure(SPEC)
    assert analytics.read(SPEC).column_names == SPEC.column_names


def test_upsert_keeps_unchanged_rows_and_replaces_changed(analytics: AnalyticsEngine) -> None:
    analytics.apply(SPEC, rows(["a", "b"], "v1", date(2025, 1, 1)), snapshot=False)
    counts = analytics.apply(
        SPEC,
        pa.concat_tables(
            [
                rows(["a"], "v1", date(2025, 1, 1)),
                rows(["b"], "v2", date(2025, 1, 1), "drug-offences"),
            ]
        ),
        snapshot=False,
    )
    assert (counts.inserted, counts.updated, counts.unchanged, counts.deleted) == (0, 1, 1, 0)
    stored = {r["record_id"]: r["offence_group"] for r in analytics.read(SPEC).to_pylist()}
    assert stored == {"a": "robbery", "b": "drug-offences"}


def test_apply_with_cutoff_drops_expired_stored_rows(analytics: AnalyticsEngine) -> None:
    analytics.apply(SPEC, rows(["old", "new"], "v", date(2020, 1, 1)), snapshot=False)
    counts = analytics.apply(
        SPEC, rows(["x"], "v", date(2025, 1, 1)), snapshot=False, cutoff=date(2021, 1, 1)
    )
    assert counts.deleted == 2
    assert [r["record_id"] for r in analytics.read(SPEC).to_pylist()] == ["x"]


def test_sweep_and_aggregate(analytics: AnalyticsEngine) -> None:
    analytics.apply(
        SPEC,
        pa.concat_tables(
            [
                rows(["a", "b"], "v", date(2019, 5, 1)),
                rows(["c", "d", "e"], "v", date(2025, 5, 1), "drug-offences"),
            ]
        ),
        snapshot=True,
    )
    assert analytics.sweep(SPEC, date(2020, 1, 1)) == 2
    assert analytics.sweep(SPEC, date(2020, 1, 1)) == 0
    counts = analytics.aggregate(SPEC, ["offence_group"]).to_pylist()
    assert counts == [{"offence_group": "drug-offences", "n": 3}]
    with pytest.raises(ValueError, match="no column"):
        analytics.aggregate(SPEC, ["surname"])
