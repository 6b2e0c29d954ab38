"""Demo step: link the partner records the feeds step ingested into people, with a report."""

from __future__ import annotations

import uuid
from pathlib import Path

import pandas as pd

from accord.demo import DemoContext
from accord.gate.types import Actor
from accord.linkage import service
from accord.linkage.config import LinkageConfig
from accord.register.registry import current_registry

MATCHING_ROLE = "partnership-analyst"


def run(ctx: DemoContext) -> list[str]:
    config = LinkageConfig()
    role = current_registry().role(config.register, MATCHING_ROLE)
    actor = Actor(
        id=uuid.uuid4(),
        kind="system",
        organisation=config.owner_organisation,
        roles=frozenset({role.id}),
        permissions=frozenset(role.permissions),
        name="demo linkage",
    )
    truth_file = ctx.out / "feeds" / "truth.csv"
    truth = pd.read_csv(truth_file, dtype="string") if truth_file.exists() else None
    reports = Path(ctx.out) / "linkage"
    with ctx.session_factory() as session:
        record = service.run(
            session,
            actor=actor,
            config=config,
            index_key=ctx.settings.index_key.get_secret_value(),
            truth=truth,
            reports_dir=reports,
        )
        session.commit()
    report = record.report or {}
    counts = report.get("counts", {})
    lines = [
        f"{counts.get('records', 0):,} partner records linked into {record.people:,} people; "
        f"{counts.get('review_pairs_added', 0):,} uncertain pairs queued for clerical review",
    ]
    accuracy = report.get("accuracy")
    if isinstance(accuracy, dict) and "f1" in accuracy:
        lines.append(
            f"against the generator's truth: precision {accuracy.get('precision', 0):.3f}, "
            f"recall {accuracy.get('recall', 0):.3f}, F1 {accuracy['f1']:.3f}"
        )
    lines.append(f"quality report: {reports}/linkage-{record.id}.md; try `accord link status`")
    return lines
