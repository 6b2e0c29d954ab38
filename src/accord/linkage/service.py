"""Linkage runs through the gate: read identifiers, link, assign person ids, record the run."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pandas as pd
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from accord.gate.catalogue import Permission
from accord.gate.types import Action, Actor
from accord.linkage import access, persist, quality
from accord.linkage.config import LinkageConfig
from accord.linkage.engine import Engine
from accord.linkage.models import LinkageRun, PersonId, ReviewPair
from accord.linkage.pipeline import RunOutput, Step, run_full, run_incremental
from accord.linkage.stable_ids import stability
from accord.store.base import utcnow


class LinkageError(RuntimeError):
    """A run cannot go ahead (e.g. an incremental run before any full run)."""


def _identifiers(session: Session, actor: Actor, config: LinkageConfig) -> pd.DataFrame:
    # The feeds package owns the identifiers table; this path audits one gate decision per
    # partner dataset (matching role only) and leaves columns the purpose may not hold empty.
    from accord.feeds.identifiers import read_identifiers

    table = read_identifiers(session, actor=actor, purpose=config.purpose, register=config.register)
    frame: pd.DataFrame = table.to_pandas()
    return frame


def last_full_run(session: Session) -> LinkageRun | None:
    return session.scalars(
        select(LinkageRun)
        .where(LinkageRun.kind == "full", LinkageRun.status == "finished")
        .order_by(LinkageRun.started_at.desc())
        .limit(1)
    ).first()


def run(
    session: Session,
    *,
    actor: Actor,
    config: LinkageConfig,
    index_key: str,
    incremental: bool = False,
    identifiers: pd.DataFrame | None = None,
    truth: pd.DataFrame | None = None,
    reports_dir: Path | None = None,
    engine: Engine | None = None,
    step: Step | None = None,
) -> LinkageRun:
    """Run linkage and record it. Person ids and review pairs are written only on success.

    A failed run is kept with status 'failed' and the error, then the error is raised.
    """
    access.authorize(
        session,
        actor=actor,
        config=config,
        action=Action.EXPORT,
        permission=Permission.LINKAGE_RUN_EXECUTE,
    )
    model_run = last_full_run(session) if incremental else None
    if incremental and (model_run is None or model_run.model is None):
        raise LinkageError(
            "no finished full run to take a trained model from: run a full linkage first"
        )
    frame = identifiers if identifiers is not None else _identifiers(session, actor, config)
    if frame.empty:
        raise LinkageError("there are no partner records to link: ingest a feed first")
    record = LinkageRun(
        kind="incremental" if incremental else "full",
        status="running",
        engine=config.engine,
        started_by=access.actor_label(actor),
        records=len(frame),
        config=config.as_dict(),
    )
    session.add(record)
    session.flush()
    try:
        _execute(
            session,
            record,
            frame,
            config=config,
            index_key=index_key,
            model_run=model_run,
            truth=truth,
            reports_dir=reports_dir,
            engine=engine,
            step=step,
        )
    except Exception as exc:
        record.status = "failed"
        record.error = f"{type(exc).__name__}: {exc}"[:2000]
        record.finished_at = utcnow()
        session.flush()
        raise
    return record


def _execute(
    session: Session,
    record: LinkageRun,
    frame: pd.DataFrame,
    *,
    config: LinkageConfig,
    index_key: str,
    model_run: LinkageRun | None,
    truth: pd.DataFrame | None,
    reports_dir: Path | None,
    engine: Engine | None,
    step: Step | None,
) -> None:
    before = persist.load_people(session)
    decisions = persist.load_decisions(session)
    prints = persist.fingerprints(frame, index_key)
    previous = before["person_id"]
    if model_run is None:
        output = run_full(
            frame,
            previous=previous,
            decisions=decisions,
            config=config,
            engine=engine,
            step=step,
            truth=truth,
        )
        record.model = output.model
        assigned = output.person_ids
    else:
        ids = frame["record_id"].astype("string")
        old_prints = before["fingerprint"].reindex(pd.Index(ids)).fillna("")
        unchanged = (prints.to_numpy() == old_prints.to_numpy()).astype(bool)
        existing, delta = frame[unchanged], frame[~unchanged]
        record.delta_records = len(delta)
        if len(delta):
            assert model_run.model is not None
            output = run_incremental(
                existing,
                delta,
                previous=previous,
                decisions=decisions,
                trained=model_run.model,
                config=config,
                engine=engine,
                step=step,
            )
        else:
            output = _empty_output(model_run.model or {})
        # unchanged records keep their id; the delta's ids come from the run
        kept = previous.reindex(pd.Index(existing["record_id"].astype("string")))
        assigned = pd.concat([kept, output.person_ids.astype("string")])
    writes = persist.save_people(
        session,
        person_ids=assigned,
        prints=prints,
        before=before,
        run_id=record.id,
        remove_missing=model_run is None,
    )
    added = persist.queue_review(
        session, pairs=output.review, run_id=record.id, replace_open=model_run is None
    )
    record.comparisons = output.comparisons
    record.people = int(assigned.nunique())
    record.report = quality.build(
        run=_run_summary(record, config),
        person_ids=assigned,
        comparisons=output.comparisons,
        profiles=output.profiles,
        weight_histogram=output.weight_histogram,
        edges_used=output.edges_used,
        broken=output.cluster.broken,
        refused=output.cluster.refused,
        kept_dense=output.cluster.kept_dense,
        conflicts=output.cluster.conflicts,
        review_added=added,
        stability=stability(previous, assigned) if len(previous) else None,
        timings={**output.timings, **{f"store_{k}": v for k, v in writes.items()}},
        truth=truth,
        blocking_recall=output.blocking_recall,
    )
    record.status = "finished"
    record.finished_at = utcnow()
    session.flush()
    if reports_dir is not None:
        write_report(record.report, reports_dir)


def _empty_output(model: dict[str, Any]) -> RunOutput:
    import numpy as np

    from accord.linkage.clustering import ClusterResult

    return RunOutput(
        pd.Series(dtype="string"),
        pd.DataFrame(columns=["record_id_l", "record_id_r", "match_weight", "match_probability"]),
        model,
        0,
        [],
        ClusterResult(labels=np.arange(0)),
        0,
    )


def _run_summary(record: LinkageRun, config: LinkageConfig) -> dict[str, Any]:
    return {
        "id": str(record.id),
        "kind": record.kind,
        "engine": record.engine,
        "started_at": record.started_at.isoformat() if record.started_at else None,
        "threshold": config.threshold,
        "review_band": [config.review_lower, config.threshold],
        "max_cluster_size": config.max_cluster_size,
        "delta_records": record.delta_records,
    }


def write_report(report: dict[str, Any], directory: Path) -> tuple[Path, Path]:
    """The report as JSON and as readable Markdown, named after the run."""
    directory.mkdir(parents=True, exist_ok=True)
    stem = directory / f"linkage-{report['run']['id']}"
    json_path, md_path = stem.with_suffix(".json"), stem.with_suffix(".md")
    json_path.write_text(json.dumps(report, indent=2, default=str))
    md_path.write_text(quality.markdown(report))
    return json_path, md_path


def status(
    session: Session, *, actor: Actor, config: LinkageConfig, limit: int = 5
) -> dict[str, Any]:
    access.authorize(session, actor=actor, config=config, action=Action.LIST)
    runs = session.scalars(
        select(LinkageRun).order_by(LinkageRun.started_at.desc()).limit(limit)
    ).all()
    review = dict(
        session.execute(select(ReviewPair.status, func.count()).group_by(ReviewPair.status)).all()
    )
    return {
        "records": session.scalar(select(func.count()).select_from(PersonId)) or 0,
        "people": session.scalar(select(func.count(func.distinct(PersonId.person_id)))) or 0,
        "review_open": int(review.get("open", 0)),
        "review_decided": int(review.get("decided", 0)),
        "runs": [
            {
                "id": str(r.id),
                "kind": r.kind,
                "status": r.status,
                "engine": r.engine,
                "started_at": r.started_at,
                "finished_at": r.finished_at,
                "records": r.records,
                "delta_records": r.delta_records,
                "comparisons": r.comparisons,
                "people": r.people,
                "error": r.error,
            }
            for r in runs
        ],
    }
