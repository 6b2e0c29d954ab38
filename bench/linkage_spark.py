"""The same full linkage run on DuckDB and on a local Spark session, side by side.

`python -m bench.linkage_spark [n_records]` (default 100,000 synthetic records). Spark runs
with `local[2]` (this machine's two cores) and Splink's similarity jar; both runs get the
same frame, profiles, model settings and seed. Reports each step's time, comparisons and F1,
the figures docs/partner-data.md sizes a Spark cluster from.
"""

from __future__ import annotations

import sys
import tempfile
import time

import pandas as pd

from accord.linkage import pipeline
from accord.linkage.config import LinkageConfig
from accord.linkage.engine import duckdb_engine, spark_engine, spark_session
from accord.linkage.quality import pairwise_accuracy
from accord.synthetic.partners import generate
from bench.common import machine

NO_DECISIONS = pd.DataFrame(columns=["record_id_l", "record_id_r", "decision"])


def _run(frame: pd.DataFrame, truth: pd.DataFrame, name: str, engine: object) -> None:
    start = time.perf_counter()
    out = pipeline.run_full(
        frame,
        previous=pd.Series(dtype="string"),
        decisions=NO_DECISIONS,
        config=LinkageConfig(engine="spark" if name == "spark" else "duckdb"),
        engine=engine,  # type: ignore[arg-type]
    )
    seconds = time.perf_counter() - start
    accuracy = pairwise_accuracy(out.person_ids, truth)
    print(
        f"| {name} | {len(frame):,} | {out.profiles:,} | {out.comparisons:,} | "
        f"{out.timings['prepare']:.1f} / {out.timings['train']:.1f} / "
        f"{out.timings['score']:.1f} / {out.timings['cluster']:.1f} | {seconds:.1f} | "
        f"{accuracy['f1']:.4f} |",
        flush=True,
    )


def main(n_records: int = 100_000) -> None:
    print(f"machine: {machine()}")
    data = generate(n_records, seed=5)
    frame, truth = data.identifiers(), data.truth[["record_id", "person_id"]]
    print(
        "| engine | records | profiles | comparisons | prepare / train / score / cluster s | total s | F1 |"
    )
    print("|---|---|---|---|---|---|---|")
    duck = duckdb_engine()
    try:
        _run(frame, truth, "duckdb", duck)
    finally:
        duck.close()
    start = time.perf_counter()
    session = spark_session(cores=2)
    print(f"(Spark session start: {time.perf_counter() - start:.1f} s)", flush=True)
    with tempfile.TemporaryDirectory() as checkpoints:
        try:
            _run(frame, truth, "spark", spark_engine(session, checkpoint_dir=checkpoints))
        finally:
            session.stop()


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 100_000)
