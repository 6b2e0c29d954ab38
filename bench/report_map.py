"""A hotspot map over 1,000,000 partner records, disclosure control included.

`.venv/bin/python -m bench.report_map [--records N] [--runs R] [--areas A]`

Builds, in a temporary folder, a SQLite case database migrated to heads and a DuckDB
analytical store holding N TVT crime-event records over A areas (the same generator as
`bench.report_aggregate`), then runs TVT's `violence-hotspots` map as the register holds it
(H3 resolution 5, at least 3 distinct places per hexagon, zeros disclosive) after all five
partners approved it. Each timed run is the whole `reports.service.run_report`: permission and
approval checks, the gate's aggregate decision, the places put on the map and the hexagons
with too few places merged, the cells with their contributors, primary and complementary
suppression, rounding, the run and its ledger written, and the differencing check against the
earlier runs; then the map drawn (SVG for the page and a PNG). One warm-up, then R timed runs;
the medians are printed.
"""

from __future__ import annotations

import argparse
import tempfile
import time
import uuid
from pathlib import Path

from accord.analytics.duckdb_engine import DuckDBEngine
from accord.analytics.tables import TableSpec
from accord.gate.types import Actor
from accord.register.registry import current_registry
from accord.reports import definitions, maps, service
from accord.reports.models import ReportRun
from accord.store import migrate
from accord.store.engine import make_engine, make_session_factory
from bench.common import machine, repeat
from bench.report_aggregate import records

REPORT = "violence-hotspots"


def _actor(org: str, role_id: str) -> Actor:
    role = current_registry().get("tvt").role(role_id)
    return Actor(
        id=uuid.uuid4(),
        kind="user",
        organisation=org,
        roles=frozenset({role.id}),
        permissions=frozenset(role.permissions),
        grants=frozenset({("tvt", role.id)}),
        name=f"bench {role_id}",
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--records", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--areas", type=int, default=1_500)
    args = parser.parse_args()

    tvt = current_registry().get("tvt")
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{Path(tmp) / 'accord.db'}"
        migrate.upgrade(url)
        engine = DuckDBEngine(Path(tmp) / "analytics.duckdb")
        contract = next(c for c in tvt.feeds if c.dataset == "crime-events")
        print(f"loading {args.records:,} records into the analytical store ...", flush=True)
        engine.apply(
            TableSpec.from_contract(contract),
            records(args.records, args.areas, seed=14),
            snapshot=True,
        )
        db = make_engine(url)
        factory = make_session_factory(db)
        report = definitions.find(tvt, REPORT)
        digest = definitions.definition_hash(tvt, report)
        with factory() as session:
            for org in definitions.partners(tvt):
                service.approve(
                    session,
                    actor=_actor(org, "dpo"),
                    register="tvt",
                    report_id=REPORT,
                    definition_hash=digest,
                )
            session.commit()
        analyst = _actor("thames-valley-police", "partnership-analyst")
        results: list[ReportRun] = []

        def run() -> None:
            with factory() as session:
                results.append(
                    service.run_report(
                        session, actor=analyst, register="tvt", report_id=REPORT, engine=engine
                    )
                )
                session.commit()

        timing = repeat(run, runs=args.runs, warmup=1)
        last = results[-1]
        drawn = []
        for _ in range(args.runs):
            start = time.perf_counter()
            view = maps.view(last, report.name)
            maps.svg(view)
            maps.image(view, "png")
            drawn.append(time.perf_counter() - start)
        drawn.sort()
        rows = last.output["rows"]
        withheld = sum(1 for row in rows if row[1] is None)
        print(f"machine: {machine()}")
        print(
            f"records: {args.records:,}; areas: {args.areas:,}; hexagons released or withheld: "
            f"{len(rows) - 1:,} + elsewhere ({withheld:,} withheld); outcome {last.outcome}, "
            f"status {last.status}"
        )
        print("runs (s): " + ", ".join(f"{t:.2f}" for t in timing.runs))
        print(
            f"median run {timing.median:.2f} s; drawing (SVG + PNG) {drawn[len(drawn) // 2]:.2f} s"
        )
        engine.close()
        db.dispose()


if __name__ == "__main__":
    main()
