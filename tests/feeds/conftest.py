"""Feeds fixtures: the shipped TVT register, actors, delivery files, analytics engines.

`analytics` runs each test body on DuckDB (default suite) and, marked `spark` and `slow`, on a
local Spark session, so the same assertions hold on both engines.
"""

from __future__ import annotations

import csv
import io
import uuid
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from accord.analytics.duckdb_engine import DuckDBEngine
from accord.analytics.engine import AnalyticsEngine
from accord.gate.types import Actor
from accord.register.load import load_file
from accord.register.registry import Registry, use_registry
from accord.register.schema import FeedContract
from accord.synthetic.tvt import FIRE, OXFORDSHIRE_CARE, POLICE

ROOT = Path(__file__).resolve().parents[2]
TODAY = date(2026, 11, 23)

__all__ = ["FIRE", "OXFORDSHIRE_CARE", "POLICE", "TODAY", "write_rows"]


@pytest.fixture(autouse=True)
def tvt_registry() -> Iterator[Registry]:
    register = load_file(ROOT / "registers" / "tvt.yaml")
    with use_registry(Registry({register.id: register})) as registry:
        yield registry


def actor_with(role_id: str, organisation: str = "thames-valley-police") -> Actor:
    register = load_file(ROOT / "registers" / "tvt.yaml")
    role = register.role(role_id)
    return Actor(
        id=uuid.uuid4(),
        kind="user",
        organisation=organisation,
        roles=frozenset({role.id}),
        permissions=frozenset(role.permissions),
        name=role_id,
    )


@pytest.fixture
def analyst() -> Actor:
    return actor_with("partnership-analyst")


@pytest.fixture
def dpo() -> Actor:
    return actor_with("dpo")


@pytest.fixture
def recipient() -> Actor:
    return actor_with("report-recipient", "oxfordshire-cc")


@pytest.fixture(scope="module")
def spark_session() -> Iterator[Any]:
    from accord.analytics.spark_engine import local_session

    spark = local_session("accord-tests", memory="768m")
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

        spark = request.getfixturevalue("spark_session")
        engine = SparkEngine(spark, str(tmp_path / "warehouse"))
    yield engine
    engine.close()


def police_row(key: str, **overrides: Any) -> dict[str, str]:
    row = {
        "crime_ref": key,
        "forename": "Alex",
        "surname": "Taylor",
        "date_of_birth": "1999-04-02",
        "address": "12 Cowley Road, Oxford",
        "postcode": "OX4 1HP",
        "phone": "07700900001",
        "email": "",
        "event_date": "2025-06-01",
        "offence_group": "robbery",
        "involvement": "victim",
        "knife_involved": "false",
        "lsoa": "E01028500",
        "deleted": "false",
    }
    row.update(overrides)
    return row


def care_row(key: str, **overrides: Any) -> dict[str, str]:
    row = {
        "case_id": key,
        "first_name": "Sam",
        "last_name": "Reid",
        "dob": "2008-09-10",
        "address": "4 Iffley Road, Oxford",
        "postcode": "OX4 1EA",
        "phone": "",
        "email": "",
        "referral_date": "2024-02-01",
        "service": "child-in-need",
        "risk_factor": "school-exclusion",
        "closed_date": "",
        "lsoa": "E01028501",
    }
    row.update(overrides)
    return row


def write_rows(
    path: Path,
    contract: FeedContract,
    rows: list[dict[str, str]],
    *,
    encoding: str = "utf-8",
    columns: list[str] | None = None,
) -> Path:
    names = columns or [f.name for f in contract.fields]
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=names, extrasaction="ignore", lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    path.write_bytes(buffer.getvalue().encode(encoding))
    return path
