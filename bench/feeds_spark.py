"""The same feeds pipeline with Spark as the analytical engine (local session, 1 core).

`python -m bench.feeds_spark [--records 200000] [--cores 1] [--memory 2g]`

Ingests the four person-level TVT feeds (identifiers sealed into SQLite as usual; attributes
to Parquet tables through SparkEngine), applies a 10,000-row police delta, sweeps, and runs
an aggregate; then the same steps on DuckDB for the ratio. Figures feed docs/partner-data.md.
"""

from __future__ import annotations

import argparse
import resource
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from accord.analytics.duckdb_engine import DuckDBEngine
from accord.analytics.engine import AnalyticsEngine
from accord.analytics.tables import TableSpec
from accord.feeds.ingest import ingest_file
from accord.register.load import load_file
from accord.register.registry import Registry, use_registry
from accord.settings import Settings
from accord.store import migrate
from accord.store.engine import make_engine, make_session_factory
from accord.synthetic.partners import generate
from accord.synthetic.tvt import POLICE
from bench.common import machine, matching_team
from bench.feeds_ingest import ROOT, delta_file


def steps(
    engine: AnalyticsEngine, files: dict[str, Path], delta: Path, tmp: Path
) -> dict[str, Any]:
    url = f"sqlite:///{tmp}/accord.db"
    migrate.upgrade(url)
    settings = Settings(environment="test", database_url=url, analytics_path=tmp / "unused.duckdb")
    db = make_engine(url)
    actor = matching_team()
    today = datetime.now(UTC).date()
    out: dict[str, Any] = {}
    with make_session_factory(db)() as session:
        start = time.perf_counter()
        rows = 0
        for key, path in files.items():
            partner, dataset = key.split("/")
            result = ingest_file(
                session, actor=actor, partner=partner, dataset=dataset, path=path,
                settings=settings, engine=engine, today=today, register="tvt",
            )  # fmt: skip
            rows += result.rows_in
        out["ingest_s"], out["rows"] = time.perf_counter() - start, rows
        start = time.perf_counter()
        ingest_file(
            session, actor=actor, partner=POLICE.partner, dataset=POLICE.dataset, path=delta,
            settings=settings, engine=engine, today=today, register="tvt",
        )  # fmt: skip
        out["delta_s"] = time.perf_counter() - start
        session.commit()
    spec = TableSpec.from_contract(POLICE)
    start = time.perf_counter()
    engine.sweep(spec, today.replace(year=today.year - 5))
    out["sweep_s"] = time.perf_counter() - start
    start = time.perf_counter()
    engine.aggregate(spec, ["offence_group", "involvement"])
    out["aggregate_s"] = time.perf_counter() - start
    db.dispose()
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--records", type=int, default=200_000)
    parser.add_argument("--cores", type=int, default=1)
    parser.add_argument("--memory", default="2g")
    args = parser.parse_args()
    from accord.analytics.spark_engine import SparkEngine, local_session

    register = load_file(ROOT / "registers" / "tvt.yaml")
    print(f"machine: {machine()}")
    with tempfile.TemporaryDirectory() as tmp_name, use_registry(Registry({register.id: register})):
        tmp = Path(tmp_name)
        data = generate(args.records, seed=3)
        files = data.write(tmp / "files", "parquet")
        files = {k: files[k] for k in data.records}
        delta = delta_file(data, tmp, 10_000, seed=5)
        start = time.perf_counter()
        spark = local_session("accord-bench", memory=args.memory, cores=args.cores)
        startup = time.perf_counter() - start
        (tmp / "s").mkdir()
        spark_run = steps(SparkEngine(spark, str(tmp / "s" / "warehouse")), files, delta, tmp / "s")
        spark.stop()
        (tmp / "d").mkdir()
        duck = DuckDBEngine(tmp / "d" / "a.duckdb")
        duck_run = steps(duck, files, delta, tmp / "d")
        duck.close()
    print(f"spark session start: {startup:.1f} s ({args.cores} core(s), {args.memory})")
    for name in ("ingest_s", "delta_s", "sweep_s", "aggregate_s"):
        s, d = spark_run[name], duck_run[name]
        print(f"{name:12} spark {s:7.2f} s   duckdb {d:7.2f} s   ratio {s / d:5.1f}x")
    print(f"rows ingested: {spark_run['rows']:,}")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak resident memory (Python driver): {peak:,.0f} MiB")


if __name__ == "__main__":
    main()
