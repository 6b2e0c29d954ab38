"""Disclosure control in the analytical engine, checked against the rules the secure research
environments publish.

ACRO (AI-SDC/ACRO, `acro/default.yaml` and `acro_tables.py`), used by SACRO's output checkers:
  safe_threshold: 10        a cell needs at least 10 contributors
  safe_nk_n: 2, safe_nk_k: 0.90   the largest 2 may not make up more than 90% of a total
  safe_pratio_p: 0.10       (total - largest - second) / largest may not be below 10%
  zeros_are_disclosive: True
and the ONS practice of rounding published counts (here to base 5) with complementary
suppression so a suppressed cell cannot be recovered from the margins.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import pyarrow as pa  # type: ignore[import-untyped]
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from accord.analytics.duckdb_engine import DuckDBEngine
from accord.analytics.engine import AnalyticsEngine
from accord.reports.sdc import Dimension, Protected, Protector, Rules, Source, SumMeasure

ACRO = Rules(min_cell=10, special_min_cell=10, rounding_base=1, nk_n=2, nk_k=0.9, p=0.1)


@pytest.fixture(scope="module")
def spark_session() -> Iterator[Any]:
    from accord.analytics.spark_engine import local_session

    spark = local_session("accord-reports-tests", memory="768m")
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
def engine(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[AnalyticsEngine]:
    """The same disclosure-control SQL on DuckDB and, under `-m spark`, on local Spark."""
    e: AnalyticsEngine
    if request.param == "duckdb":
        e = DuckDBEngine(":memory:")
    else:
        from accord.analytics.spark_engine import SparkEngine

        e = SparkEngine(request.getfixturevalue("spark_session"), str(tmp_path / "wh"))
    yield e
    e.close()


@pytest.fixture
def duckdb_engine() -> Iterator[DuckDBEngine]:
    e = DuckDBEngine(":memory:")
    yield e
    e.close()


def _protect(
    engine: AnalyticsEngine,
    rows: Sequence[tuple[str, str, float]],
    rules: Rules,
    *,
    sums: bool = False,
    special: bool = False,
) -> Protected:
    table = pa.table(
        {
            "unit": [f"u{i}" for i in range(len(rows))],
            "a": [r[0] for r in rows],
            "b": [r[1] for r in rows],
            "v": [float(r[2]) for r in rows],
        }
    )
    engine._put_input("t", table)
    try:
        return Protector(engine).protect(
            Source("t", "s.unit"),
            [Dimension("a", "s.a", special=special), Dimension("b", "s.b")],
            [SumMeasure("v", "s.v")] if sums else [],
            rules,
        )
    finally:
        engine._drop_input("t")


def _cell(result: Protected, a: str, b: str) -> tuple[int | None, str | None]:
    cell = next(c for c in result.cells if c.key == (a, b))
    return cell.count, cell.reason


def test_acro_threshold_nine_fails_ten_passes(engine: AnalyticsEngine) -> None:
    rows = [("x", "p", 1)] * 9 + [("x", "q", 1)] * 10
    rows += (
        [("y", "p", 1)] * 30 + [("y", "q", 1)] * 30 + [("z", "p", 1)] * 40 + [("z", "q", 1)] * 40
    )
    result = _protect(engine, rows, ACRO)
    assert _cell(result, "x", "p") == (None, "threshold")
    # its row and column each lose another cell, so neither margin gives it away
    assert _cell(result, "x", "q")[1] == "secondary"
    assert _cell(result, "y", "p")[1] == "secondary"
    assert _cell(result, "z", "p") == (40, None)
    assert result.outcome == "review"


def test_a_two_by_two_table_with_one_small_cell_cannot_be_released(engine: AnalyticsEngine) -> None:
    rows = [("x", "p", 1)] * 9 + [("x", "q", 1)] * 10 + [("y", "p", 1)] * 30 + [("y", "q", 1)] * 30
    result = _protect(engine, rows, ACRO)
    assert all(c.reason is not None for c in result.cells)
    assert result.outcome == "fail"


def test_acro_p_ratio_example(engine: AnalyticsEngine) -> None:
    # ACRO's p-ratio: (110 - 100 - 5) / 100 = 0.05 < 0.10: the largest is estimated too well
    dominated = [("x", "p", 100), ("x", "p", 5), ("x", "p", 4), ("x", "p", 1)] + [("x", "p", 0)] * 8
    even = [("y", "p", 10)] * 12
    result = _protect(engine, dominated + even, ACRO, sums=True)
    assert _cell(result, "x", "p")[1] == "dominance"
    assert _cell(result, "y", "p")[1] is None or _cell(result, "y", "p")[1] == "secondary"


def test_acro_nk_example(engine: AnalyticsEngine) -> None:
    # (2, 0.9): 50 + 45 of 100 is 95% > 90%, although the p-ratio (5 / 50 = 10%) is met
    cell = [("x", "p", 50), ("x", "p", 45), ("x", "p", 3), ("x", "p", 2)] + [("x", "p", 0)] * 8
    spread = [("x", "q", 10)] * 12
    result = _protect(engine, cell + spread, ACRO, sums=True)
    assert _cell(result, "x", "p")[1] == "dominance"


def test_zeros_are_disclosive_only_where_the_register_says(engine: AnalyticsEngine) -> None:
    rows = [("x", "p", 1)] * 20 + [("y", "q", 1)] * 20 + [("x", "q", 1)] * 20
    quiet = _protect(engine, rows, Rules(rounding_base=1))
    assert ("y", "p") not in {c.key for c in quiet.cells}
    strict = _protect(engine, rows, Rules(rounding_base=1, zeros_disclosive=True))
    assert _cell(strict, "y", "p") == (None, "zero")


def test_special_category_breakdowns_use_the_stricter_threshold(engine: AnalyticsEngine) -> None:
    rows = [("x", "p", 1)] * 15 + [("x", "q", 1)] * 25 + [("y", "p", 1)] * 25 + [("y", "q", 1)] * 25
    ordinary = _protect(engine, rows, Rules(rounding_base=1))
    assert _cell(ordinary, "x", "p") == (15, None)
    special = _protect(engine, rows, Rules(rounding_base=1, special_min_cell=20), special=True)
    assert _cell(special, "x", "p") == (None, "threshold")
    assert special.threshold == 20
    assert any("special category" in n for n in special.notes)


def test_rounding_to_base_five_half_up(engine: AnalyticsEngine) -> None:
    rows = [("x", "p", 1)] * 12 + [("x", "q", 1)] * 13 + [("y", "p", 1)] * 17 + [("y", "q", 1)] * 20
    result = _protect(engine, rows, Rules())
    assert [_cell(result, *k)[0] for k in (("x", "p"), ("x", "q"), ("y", "p"), ("y", "q"))] == [
        10,
        15,
        15,
        20,
    ]
    assert result.outcome == "pass"
    assert any("rounded to the nearest 5" in n for n in result.notes)


def test_negative_contributions_fail_the_output(engine: AnalyticsEngine) -> None:
    rows = [("x", "p", 5)] * 20 + [("x", "p", -3)]
    result = _protect(engine, rows, ACRO, sums=True)
    assert result.outcome == "fail"


tables = st.lists(
    st.tuples(st.sampled_from("abcd"), st.sampled_from("pqrs"), st.integers(0, 50)),
    min_size=1,
    max_size=400,
)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(rows=tables, zeros=st.booleans())
def test_no_released_cell_is_small_and_no_line_has_one_suppressed_cell(
    duckdb_engine: DuckDBEngine, rows: list[tuple[str, str, int]], zeros: bool
) -> None:
    result = _protect(duckdb_engine, rows, Rules(zeros_disclosive=zeros), sums=True)
    for cell in result.cells:
        if cell.reason is None:
            assert cell.contributors >= 10
            assert cell.count is not None
            assert cell.count % 5 == 0
            assert abs(cell.count - cell.true_count) <= 2
        else:
            assert cell.count is None
            assert all(v is None for v in cell.sums.values())
    for axis in (0, 1):
        lines: dict[str, list[bool]] = {}
        for cell in result.cells:
            lines.setdefault(cell.key[1 - axis], []).append(cell.reason is not None)
        for flags in lines.values():
            assert not (sum(flags) == 1 and len(flags) > 1)
