"""Partnership scale, end to end: feeds ingest plus linkage of 1,000,000 records, then a delta.

`python -m bench.linkage_scale [n_records]` (default 1,000,000), DuckDB, one process.

1. The generator makes `n_records` records across the four TVT partner feeds plus 10,000
   more police records per delta; each feed is written as a delivery file (the partners'
   side, timed apart). The recent police records are held back as three delta files.
2. End to end (timed): `ingest_file` for every feed (validate, split, seal identifiers,
   attributes to DuckDB), then `linkage.service.run` as the matching role: identifiers read
   back through the gate and unsealed, profiles, training, scoring, clustering, person ids
   written to the case database, review queue and quality report.
3. Deltas (timed, three in turn, median quoted): each 10,000-row police delta ingested,
   then an incremental linkage run.

Peak memory: RSS of this process and its children (DuckDB runs in-process), sampled every
50 ms. F1 is pairwise on final person ids against the generator's truth.
"""

from __future__ import annotations

import contextlib
import os
import statistics
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd
import psutil

from accord.analytics.duckdb_engine import DuckDBEngine
from accord.feeds.ingest import ingest_file
from accord.linkage import persist, service
from accord.linkage.config import LinkageConfig
from accord.linkage.quality import pairwise_accuracy
from accord.register.load import load_file
from accord.register.registry import Registry, use_registry
from accord.settings import Settings
from accord.store import migrate
from accord.store.engine import make_engine, make_session_factory
from accord.synthetic.partners import generate
from accord.synthetic.tvt import CENSUS, POLICE, feed_key
from bench.common import machine, matching_team

ROOT = Path(__file__).resolve().parent.parent
DELTA = 10_000
DELTAS = 3  # deltas delivered one after another; the median is quoted


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


def _files(n_records: int, directory: Path) -> tuple[dict[str, Path], list[Path], pd.DataFrame]:
    """Delivery files for every feed, the held-back police delta files and the truth.

    Records fall over the last six and a half years and ingest keeps six, so about 8% more
    are generated than `n_records` for that many to be loaded; each delta is 10,000 recent
    police records (inside the lookback) held back from the first delivery."""
    data = generate(round((n_records + DELTA * DELTAS) * 6.5 / 6), seed=7)
    police = data.records[feed_key(POLICE)]
    assert POLICE.date_field is not None
    dates = pd.to_datetime(police[POLICE.date_field].astype("datetime64[ms]"))
    recent = police.index[dates > pd.Timestamp.now() - pd.DateOffset(years=5)]
    held_back = recent[-DELTA * DELTAS :]
    data.records[feed_key(POLICE)] = police[~police.index.isin(held_back)]
    files = data.write(directory / "files")
    deltas = []
    for number in range(DELTAS):
        path = directory / f"police-delta-{number}.csv"
        police.loc[held_back[number * DELTA : (number + 1) * DELTA]].to_csv(path, index=False)
        deltas.append(path)
    order = [*data.records, feed_key(CENSUS)]
    return {k: files[k] for k in order}, deltas, data.truth[["record_id", "person_id"]]


def _timed(label: str, fn: object) -> tuple[float, object]:
    start = time.perf_counter()
    result = fn()  # type: ignore[operator]
    seconds = time.perf_counter() - start
    print(f"  {label}: {seconds:.1f} s", flush=True)
    return seconds, result


def main(n_records: int = 1_000_000) -> None:
    print(f"machine: {machine()}; load average {os.getloadavg()[0]:.1f}")
    register_path = ROOT / "registers" / "tvt.yaml"
    register = load_file(register_path)
    config = LinkageConfig()
    today = datetime.now(UTC).date()
    with (
        tempfile.TemporaryDirectory() as tmp,
        use_registry(Registry({register.id: register})),
        PeakRss() as rss,
    ):
        start = time.perf_counter()
        files, delta_files, truth = _files(n_records, Path(tmp))
        print(f"generate and write {n_records:,} records: {time.perf_counter() - start:.1f} s")
        url = f"sqlite:///{tmp}/accord.db"
        migrate.upgrade(url)
        settings = Settings(
            environment="test",
            database_url=url,
            keystore_url=f"sqlite:///{tmp}/keys.db",
            analytics_path=Path(tmp) / "a.duckdb",
        )
        engine = make_engine(url)
        analytics = DuckDBEngine(settings.analytics_path)
        sessions = make_session_factory(engine)
        actor = matching_team()
        key = settings.index_key.get_secret_value()

        def ingest(paths: dict[str, Path]) -> int:
            rows = 0
            with sessions() as session:
                for feed, path in paths.items():
                    partner, dataset = feed.split("/")
                    result = ingest_file(
                        session, actor=actor, partner=partner, dataset=dataset, path=path,
                        settings=settings, engine=analytics, today=today, register="tvt",
                    )  # fmt: skip
                    assert result.reconciled, f"{feed}: counts do not reconcile"
                    rows += result.loaded
                session.commit()
            return rows

        def link(incremental: bool) -> service.LinkageRun:
            # the full run scores itself against the truth (in its report); the delta runs
            # as production runs it, and is scored afterwards from the stored person ids
            with sessions() as session:
                record = service.run(
                    session, actor=actor, config=config, index_key=key,
                    incremental=incremental, truth=None if incremental else truth,
                    reports_dir=Path(tmp) / "reports",
                )  # fmt: skip
                session.commit()
                session.expunge(record)
            return record

        print("end to end:")
        ingest_s, rows = _timed("ingest", lambda: ingest(files))
        link_s, full = _timed("linkage (full run through the store)", lambda: link(False))
        deltas = []
        for number, path in enumerate(delta_files):
            print(f"delta {number + 1}:")
            delta_ingest_s, _ = _timed("ingest", lambda p=path: ingest({feed_key(POLICE): p}))  # type: ignore[misc]
            delta_link_s, inc = _timed("linkage (incremental)", lambda: link(True))
            deltas.append((delta_ingest_s, delta_link_s, inc))
        with sessions() as session:
            stored = persist.load_people(session)["person_id"]
        after = pairwise_accuracy(stored, truth)
        analytics.close()
        engine.dispose()
    loaded = truth[truth["record_id"].isin(pd.Index(stored.index))]
    _report(rows, ingest_s, link_s, deltas, full, loaded, rss.peak)
    print(f"  F1 after the delta {after['f1']:.4f} over {len(stored):,} records")


def _report(
    rows: object,
    ingest_s: float,
    link_s: float,
    deltas: list[tuple[float, float, object]],
    full: object,
    truth: pd.DataFrame,
    peak: int,
) -> None:
    full_report = full.report or {}  # type: ignore[attr-defined]
    accuracy = full_report.get("accuracy", {})
    counts = full_report.get("counts", {})
    print(f"records loaded {rows:,}; profiles {counts.get('profiles_scored'):,}")
    print(f"end to end (ingest + full linkage): {ingest_s + link_s:.1f} s (target <= 120 s)")
    print(f"  linkage steps: {full_report.get('timings_seconds')}")
    print(
        f"  comparisons {full.comparisons:,}; blocking recall "  # type: ignore[attr-defined]
        f"{accuracy.get('blocking_recall')}"
    )
    print(
        f"  F1 {accuracy.get('f1', 0):.4f} (precision {accuracy.get('precision', 0):.4f}, "
        f"recall {accuracy.get('recall', 0):.4f})"
    )
    print(f"  largest people: {full_report.get('cluster_sizes', {}).get('largest')}")
    print(f"  true largest: {truth['person_id'].value_counts().head(5).tolist()}")
    totals = [ingest + link for ingest, link, _ in deltas]
    runs = ", ".join(f"{t:.1f}" for t in totals)
    print(
        f"delta of {DELTA:,} (ingest + incremental run): median {statistics.median(totals):.1f} s"
        f" (runs: {runs}; target <= 15 s)"
    )
    for _, _, inc in deltas:
        print(f"  incremental steps: {(inc.report or {}).get('timings_seconds')}")  # type: ignore[attr-defined]
    print(f"peak RSS (sampled, process tree) {peak / 1024**3:.2f} GiB (target < 8 GB)")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000)
