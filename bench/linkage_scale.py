"""Linkage at scale: 1,000,000 synthetic records from four partners, end to end on DuckDB.

Measures generation, a full run (prepare, train, score, cluster, person ids), an incremental
delta of 10,000 records against the linked million, peak memory (RSS of this process and its
children, DuckDB included, sampled; and ru_maxrss), F1 on final person ids and the largest
clusters. `python -m bench.linkage_scale [n_records]`.

Ingest: the frames go to linkage directly (data.identifiers()), not through accord.feeds
ingest and the sealed identifier store; see RESULTS.md.
"""

from __future__ import annotations

import contextlib
import resource
import sys
import threading
import time

import pandas as pd
import psutil

from accord.linkage import pipeline
from accord.linkage.config import LinkageConfig
from accord.linkage.quality import pairwise_accuracy
from accord.synthetic.partners import generate
from bench.common import machine

DELTA = 10_000


class PeakRss:
    """Samples the RSS of this process and its children every 50 ms."""

    def __init__(self) -> None:
        self.peak = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        me = psutil.Process()
        while not self._stop.is_set():
            total = me.memory_info().rss
            for child in me.children(recursive=True):
                with contextlib.suppress(psutil.Error):
                    total += child.memory_info().rss
            self.peak = max(self.peak, total)
            time.sleep(0.05)

    def __enter__(self) -> PeakRss:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


def main(n_records: int = 1_000_000) -> None:
    print(f"machine: {machine()}")
    config = LinkageConfig()
    with PeakRss() as rss:
        start = time.perf_counter()
        data = generate(n_records + DELTA, seed=7)
        frame = data.identifiers()
        truth = data.truth[["record_id", "person_id"]]
        generated = time.perf_counter() - start
        print(f"generated {len(frame):,} records in {generated:.1f} s", flush=True)
        base, delta = frame.iloc[:n_records], frame.iloc[n_records:]
        start = time.perf_counter()
        full = pipeline.run_full(
            base,
            previous=pd.Series(dtype="string"),
            decisions=pd.DataFrame(columns=["record_id_l", "record_id_r", "decision"]),
            config=config,
            truth=truth,
        )
        linked = time.perf_counter() - start
        print(f"full linkage {linked:.1f} s; steps {full.timings}", flush=True)
        start = time.perf_counter()
        inc = pipeline.run_incremental(
            base,
            delta,
            previous=full.person_ids,
            decisions=pd.DataFrame(columns=["record_id_l", "record_id_r", "decision"]),
            trained=full.model,
            config=config,
        )
        incremental = time.perf_counter() - start
    accuracy = pairwise_accuracy(full.person_ids, truth)
    combined = pairwise_accuracy(pd.concat([full.person_ids, inc.person_ids]), truth)
    sizes = full.person_ids.value_counts()
    true_sizes = truth[truth["record_id"].isin(base["record_id"])]["person_id"].value_counts()
    maxrss_gib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024**2
    print(f"records {n_records:,}; generation {generated:.1f} s")
    print(f"comparisons {full.comparisons:,}; blocking recall {full.blocking_recall:.4f}")
    print(
        f"F1 {accuracy['f1']:.4f} precision {accuracy['precision']:.4f} recall {accuracy['recall']:.4f}"
    )
    print(f"largest clusters {sizes.head(5).tolist()}; true largest {true_sizes.head(5).tolist()}")
    print(f"guard broke {len(full.cluster.broken)} clusters: {full.cluster.broken[:10]}")
    print(f"incremental delta {DELTA:,}: {incremental:.1f} s; steps {inc.timings}")
    print(f"F1 after the delta {combined['f1']:.4f}")
    print(
        f"peak RSS (sampled, process tree) {rss.peak / 1024**3:.2f} GiB; ru_maxrss {maxrss_gib:.2f} GiB"
    )


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000)
