"""Partner feed ingest at scale: generator -> files -> ingest (validate, split, seal, analytics).

`python -m bench.feeds_ingest [--records 1000000] [--runs 3] [--format csv]`

Each run starts from an empty SQLite case database and an empty DuckDB file, ingests the
four person-level TVT feeds and the census areas, then applies a 10,000-row police delta
(updates, inserts, deletions). Generation and file writing are timed apart: they are the
partners' side. Peak memory is the process's maximum resident set size.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import tempfile
import time
from datetime import UTC, date, datetime
from pathlib import Path

import numpy as np
import pandas as pd

from accord.analytics.duckdb_engine import DuckDBEngine
from accord.feeds.ingest import ingest_file
from accord.register.load import load_file
from accord.register.registry import Registry, use_registry
from accord.settings import Settings
from accord.store import migrate
from accord.store.engine import make_engine, make_session_factory
from accord.synthetic.partners import SyntheticData, generate
from accord.synthetic.tvt import CENSUS, POLICE, feed_key
from bench.common import machine, matching_team

ROOT = Path(__file__).resolve().parent.parent


def _cpu() -> float:
    """CPU seconds used by this process, all threads (a load-independent measure)."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def delta_file(data: SyntheticData, directory: Path, rows: int, seed: int) -> Path:
    """A police delta: half updates, 40% inserts, 10% deletions of existing records."""
    rng = np.random.default_rng(seed)
    police = data.records[feed_key(POLICE)]
    recent = police[pd.to_datetime(police["event_date"].astype("datetime64[ms]")) > "2022-01-01"]
    n_update, n_delete = rows // 2, rows // 10
    picked = recent.sample(n_update + n_delete, random_state=seed).copy()
    updates = picked.iloc[:n_update].copy()
    updates["involvement"] = rng.choice(["victim", "suspect", "witness"], n_update)
    deletes = picked.iloc[n_update:].copy()
    deletes["deleted"] = True
    inserts = recent.sample(rows - n_update - n_delete, random_state=seed + 1).copy()
    inserts["crime_ref"] = [f"TVP-NEW-{i:07d}" for i in range(len(inserts))]
    frame = pd.concat([updates, deletes, inserts], ignore_index=True)
    path = directory / "police-delta.csv"
    frame.to_csv(path, index=False)
    return path


def one_run(
    data: SyntheticData, files: dict[str, Path], delta: Path, today: date
) -> dict[str, float]:
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{tmp}/accord.db"
        migrate.upgrade(url)
        settings = Settings(
            environment="test", database_url=url, analytics_path=Path(tmp) / "a.duckdb"
        )
        engine = make_engine(url)
        analytics = DuckDBEngine(settings.analytics_path)
        actor = matching_team()
        rows = 0
        start, cpu = time.perf_counter(), _cpu()
        with make_session_factory(engine)() as session:
            for key, path in files.items():
                partner, dataset = key.split("/")
                result = ingest_file(
                    session, actor=actor, partner=partner, dataset=dataset, path=path,
                    settings=settings, engine=analytics, today=today, register="tvt",
                )  # fmt: skip
                assert result.reconciled
                rows += result.rows_in
            session.commit()
        full, full_cpu = time.perf_counter() - start, _cpu() - cpu
        start, cpu = time.perf_counter(), _cpu()
        with make_session_factory(engine)() as session:
            result = ingest_file(
                session, actor=actor, partner=POLICE.partner, dataset=POLICE.dataset,
                path=delta, settings=settings, engine=analytics, today=today, register="tvt",
            )  # fmt: skip
            session.commit()
        delta_s, delta_cpu = time.perf_counter() - start, _cpu() - cpu
        analytics.close()
        engine.dispose()
    return {
        "rows": rows,
        "full": full,
        "full_cpu": full_cpu,
        "delta": delta_s,
        "delta_cpu": delta_cpu,
        "delta_rows": result.rows_in,
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--records", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--format", default="csv", choices=["csv", "parquet"])
    args = parser.parse_args()
    today = datetime.now(UTC).date()
    register = load_file(ROOT / "registers" / "tvt.yaml")
    print(f"machine: {machine()}")
    with tempfile.TemporaryDirectory() as tmp, use_registry(Registry({register.id: register})):
        start = time.perf_counter()
        data = generate(args.records, seed=11, as_of=today)
        generated = time.perf_counter() - start
        start = time.perf_counter()
        files = data.write(Path(tmp) / "files", args.format)
        files = {k: files[k] for k in [*data.records, feed_key(CENSUS)]}
        written = time.perf_counter() - start
        delta = delta_file(data, Path(tmp), 10_000, seed=5)
        print(
            f"generate {args.records:,} records: {generated:.1f} s; write {args.format}: {written:.1f} s"
        )
        runs = [one_run(data, files, delta, today) for _ in range(args.runs)]
    full = statistics.median(r["full"] for r in runs)
    delta_s = statistics.median(r["delta"] for r in runs)
    rows = runs[0]["rows"]
    full_runs = ", ".join(f"{r['full']:.1f}" for r in runs)
    delta_runs = ", ".join(f"{r['delta']:.2f}" for r in runs)
    print(
        f"ingest {rows:,} rows ({len(files)} files): median {full:.1f} s = "
        f"{rows / full:,.0f} rows/s (runs: {full_runs})"
    )
    print(
        f"delta {runs[0]['delta_rows']:,} rows onto the loaded store: median {delta_s:.2f} s "
        f"(runs: {delta_runs})"
    )
    full_cpu = statistics.median(r["full_cpu"] for r in runs)
    delta_cpu = statistics.median(r["delta_cpu"] for r in runs)
    print(f"CPU time (all threads): ingest median {full_cpu:.1f} s, delta median {delta_cpu:.2f} s")
    print(f"load average at the end: {', '.join(f'{x:.1f}' for x in os.getloadavg())}")
    print(f"peak resident memory: {_peak_mib():,.0f} MiB")


if __name__ == "__main__":
    main()
