"""Analytics engine fixture: each test body on DuckDB, and on local Spark under `-m spark`."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from accord.analytics.duckdb_engine import DuckDBEngine
from accord.analytics.engine import AnalyticsEngine


@pytest.fixture(scope="module")
def spark_session() -> Iterator[Any]:
    from accord.analytics.spark_engine import local_session

    spark = local_session("accord-analytics-tests", memory="768m")
    yield spark
    spark.stop()


@pytest.fixture(
    params=[
        "duckdb",
        pytest.param(
            "spark",
            marks=[
                pytest.mark.spark,
                pytest.mark.slow,
                pytest.mark.filterwarnings("ignore::FutureWarning"),
                pytest.mark.filterwarnings("ignore::UserWarning"),
            ],
        ),
    ]
)
def analytics(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[AnalyticsEngine]:
    engine: AnalyticsEngine
    if request.param == "duckdb":
        engine = DuckDBEngine(tmp_path / "analytics.duckdb")
    else:
        from accord.analytics.spark_engine import SparkEngine

        engine = SparkEngine(request.getfixturevalue("spark_session"), str(tmp_path / "wh"))
    yield engine
    engine.close()
