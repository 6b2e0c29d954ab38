"""An aggregate report over 1,000,000 partner records with five breakdowns, disclosure
control included.

`.venv/bin/python -m bench.report_aggregate [--records N] [--runs R] [--areas A]`

Builds, in a temporary folder: a SQLite case database migrated to heads, and a DuckDB
analytical store holding N TVT crime-event records (the partner attributes linkage runs over:
offence group, involvement, LSOA, event date over six years, knife involved). TVT's
serious-violence profile is run with five breakdowns (offence group, involvement, area,
quarter, knife involved), as the register holds it otherwise (zeros disclosive, so every
combination is a cell), after all five partners approved it. Each timed run is the whole
`reports.service.run_report`: permission and approval checks, the gate's aggregate decision,
the cells with their contributors, primary and complementary suppression to a fixed point,
rounding, the run and its ledger written, and the release ledger's differencing check
against the earlier runs. One warm-up, then R timed runs; the median is printed with a
markdown row for bench/RESULTS.md.
"""

from __future__ import annotations

import argparse
import random
import tempfile
import uuid
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pyarrow as pa  # type: ignore[import-untyped]

from accord.analytics.duckdb_engine import DuckDBEngine
from accord.analytics.tables import TableSpec
from accord.gate.types import Actor
from accord.register.load import parse, read_yaml
from accord.register.registry import Registry, use_registry
from accord.register.validate import validate
from accord.reports import definitions, service
from accord.reports.models import ReportRun
from accord.store import migrate
from accord.store.engine import make_engine, make_session_factory
from bench.common import ROOT, machine, repeat

REPORT = "serious-violence-profile"
BREAKDOWNS = [
    {"field": "offence_group", "label": "Offence group"},
    {"field": "involvement", "label": "Involvement"},
    {"field": "lsoa", "label": "Area (LSOA)"},
    {"field": "event_date", "label": "Quarter", "period": "quarter"},
    {"field": "knife_involved", "label": "Knife involved"},
]


def tvt_with_five_breakdowns() -> Registry:
    document = read_yaml(ROOT / "registers" / "tvt.yaml")
    assert isinstance(document, dict)
    for report in document["reports"]:
        if report["id"] == REPORT:
            report["breakdowns"] = BREAKDOWNS
            report["measures"] = [{"id": "events", "name": "Crimes and incidents"}]
    path = ROOT / "registers" / "tvt.yaml"
    register = parse(document, path)
    problems = validate(register, path)
    assert not problems, problems
    return Registry({"tvt": register})


def records(n: int, areas: int, seed: int) -> pa.Table:
    rng = random.Random(seed)
    registry = tvt_with_five_breakdowns()
    contract = next(c for c in registry.get("tvt").feeds if c.dataset == "crime-events")
    spec = TableSpec.from_contract(contract)
    offences = next(f.codes for f in contract.fields if f.name == "offence_group")
    roles = ["victim", "suspect", "witness"]
    lsoas = [f"E0100{i:04d}" for i in range(areas)]
    start = date(2020, 1, 1)
    columns: dict[str, list[Any]] = {
        "record_id": [f"rec-{i:08d}" for i in range(n)],
        "_row_digest": [uuid.UUID(int=rng.getrandbits(128)).hex for _ in range(n)],
        "_batch_id": [None] * n,
        "_file_hash": [None] * n,
        "_ingested_at": [None] * n,
        "event_date": [start + timedelta(days=rng.randrange(6 * 365)) for _ in range(n)],
        "offence_group": [rng.choice(offences) for _ in range(n)],
        "involvement": [rng.choice(roles) for _ in range(n)],
        "knife_involved": [rng.random() < 0.15 for _ in range(n)],
        # areas of very different sizes, as real ones are
        "lsoa": [lsoas[min(int(rng.expovariate(3 / areas)), areas - 1)] for _ in range(n)],
    }
    return pa.table(
        {name: columns.get(name) for name in spec.column_names}, schema=spec.arrow_schema()
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--records", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--areas", type=int, default=60)
    args = parser.parse_args()

    registry = tvt_with_five_breakdowns()
    with tempfile.TemporaryDirectory() as tmp, use_registry(registry):
        url = f"sqlite:///{Path(tmp) / 'accord.db'}"
        migrate.upgrade(url)
        engine = DuckDBEngine(Path(tmp) / "analytics.duckdb")
        contract = next(c for c in registry.get("tvt").feeds if c.dataset == "crime-events")
        print(f"loading {args.records:,} records into the analytical store ...", flush=True)
        engine.apply(
            TableSpec.from_contract(contract),
            records(args.records, args.areas, seed=14),
            snapshot=True,
        )
        db = make_engine(url)
        factory = make_session_factory(db)
        tvt = registry.get("tvt")
        report = definitions.find(tvt, REPORT)
        digest = definitions.definition_hash(tvt, report)
        with factory() as session:
            for org in definitions.partners(tvt):
                dpo = tvt.role("dpo")
                service.approve(
                    session,
                    actor=Actor(
                        id=uuid.uuid4(),
                        kind="user",
                        organisation=org,
                        roles=frozenset({"dpo"}),
                        permissions=frozenset(dpo.permissions),
                        grants=frozenset({("tvt", "dpo")}),
                    ),
                    register="tvt",
                    report_id=REPORT,
                    definition_hash=digest,
                )
            session.commit()
        role = tvt.role("partnership-analyst")
        analyst = Actor(
            id=uuid.uuid4(),
            kind="user",
            organisation="thames-valley-police",
            roles=frozenset({role.id}),
            permissions=frozenset(role.permissions),
            grants=frozenset({("tvt", role.id)}),
            name="bench analyst",
        )
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
        suppressed = sum(1 for row in last.output["rows"] if row[5] is None)
        print(f"machine: {machine()}")
        print(
            f"records: {args.records:,}; areas: {args.areas}; cells: {last.cells:,} "
            f"({suppressed:,} suppressed); outcome {last.outcome}, status {last.status}"
        )
        print("runs (s): " + ", ".join(f"{t:.2f}" for t in timing.runs))
        print(
            f"| {args.records:,} | 5 | {last.cells:,} | {suppressed:,} | "
            f"{timing.median:.2f} s | {'yes' if timing.median <= 10 else 'no'} |"
        )
        engine.close()
        db.dispose()


if __name__ == "__main__":
    main()
