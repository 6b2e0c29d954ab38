"""Linkage runs through the gate: read identifiers, link, assign person ids, record the run."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa  # type: ignore[import-untyped]
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from accord.gate.catalogue import Permission
from accord.gate.types import Action, Actor
from accord.linkage import access, persist, quality, working_set
from accord.linkage.config import LinkageConfig
from accord.linkage.engine import Engine
from accord.linkage.models import LinkageRun, PersonId, ReviewPair
from accord.linkage.pipeline import RunOutput, Step, run_full, run_incremental, timed
from accord.linkage.stable_ids import stability
from accord.store.base import utcnow
from accord.store.faults import checkpoint

Dataset = working_set.Dataset


class LinkageError(RuntimeError):
    """A run cannot go ahead (e.g. an incremental run before any full run)."""


def last_full_run(session: Session) -> LinkageRun | None:
    return session.scalars(
        select(LinkageRun)
        .where(LinkageRun.kind == "full", LinkageRun.status == "finished")
        .order_by(LinkageRun.started_at.desc())
        .limit(1)
    ).first()


@dataclass
class _Input:
    """What a run links: raw identifiers, or for an incremental run a working set and the
    records changed since it was written."""

    frame: pd.DataFrame | None = None  # identifiers (with row_digest when read from the store)
    allowed: dict[Dataset, frozenset[str]] | None = None  # gate decisions, when read here
    sets: pd.DataFrame | None = None  # working sets (accord.linkage.working_set)
    changed: pd.DataFrame | None = None  # identifiers of records new or changed since
    removed: list[str] = field(default_factory=list)  # records the partners deleted since
    # person ids the sets held for records changed or deleted since (for carrying ids over)
    prior: pd.Series = field(default_factory=lambda: pd.Series(dtype="string"))
    touched: set[Dataset] = field(default_factory=set)  # datasets whose set must be rewritten
    timings: dict[str, float] = field(default_factory=dict)  # reading, in seconds

    @property
    def records(self) -> int:
        if self.frame is not None:
            return len(self.frame)
        assert self.sets is not None
        assert self.changed is not None
        return len(self.sets) + len(self.changed)


def _read(session: Session, actor: Actor, config: LinkageConfig, *, incremental: bool) -> _Input:
    """Identifiers through the gate (one audited decision per dataset); an incremental run
    takes the working sets and reads only the rows whose digest moved since."""
    from accord.feeds.identifiers import authorize_datasets, digests, identifiers_table

    allowed = authorize_datasets(
        session, actor=actor, purpose=config.purpose, register=config.register
    )
    timings: dict[str, float] = {}
    sets = None
    if incremental:
        with timed(timings, "read_working_sets"):
            sets = working_set.load(session, register=config.register, columns=allowed)
    if sets is None:
        with timed(timings, "read_identifiers"):
            table = identifiers_table(
                session, register=config.register, datasets=list(allowed), columns=allowed,
                with_digest=True,
            )  # fmt: skip
        return _Input(frame=table.to_pandas(), allowed=allowed, timings=timings)
    # every dataset held passed the gate above (a refusal raises), so every row is linked
    with timed(timings, "read_digests"):
        held = digests(session, register=config.register)
    with timed(timings, "compare_digests"):
        same, fresh, removed = _unchanged(held, sets)
        kept = sets[same].reset_index(drop=True)
    with timed(timings, "read_changed"):
        changed = identifiers_table(
            session, register=config.register, datasets=list(allowed), columns=allowed,
            only=fresh, with_digest=True,
        ).to_pandas()  # fmt: skip
    touched = {_dataset(source) for source in sets["source"][~same].unique().tolist()}
    touched |= set(zip(changed["partner"].tolist(), changed["dataset"].tolist(), strict=True))
    moved = sets[~same]
    prior = pd.Series(
        moved["person_id"].to_numpy(), index=pd.Index(moved["record_id"]), dtype="string"
    )
    return _Input(
        allowed=allowed, sets=kept, changed=changed, removed=removed, touched=touched,
        timings=timings, prior=prior,
    )  # fmt: skip


def _unchanged(held: pa.Table, sets: pd.DataFrame) -> tuple[np.ndarray, list[str], list[str]]:
    """Which set rows are still stored with the same digest; the stored record ids not among
    those (new or changed since), sorted; and the set's records no longer stored at all
    (partner deletions). Hash joins in DuckDB: a million text keys in a fraction of a second."""
    import duckdb

    with duckdb.connect() as con:
        con.register("held", held)
        con.register(
            "kept",
            pa.table(
                {
                    "i": pa.array(np.arange(len(sets))),
                    # the set's columns are Arrow-backed already: no round trip via objects
                    "record_id": pa.array(sets["record_id"], pa.string()),
                    "row_digest": pa.array(sets["row_digest"], pa.string()),
                }
            ),
        )
        con.execute(
            "CREATE TEMP TABLE same AS SELECT k.i, k.record_id FROM kept k"
            " JOIN held h ON h.record_id = k.record_id AND h.row_digest = k.row_digest"
        )
        rows = con.execute("SELECT i FROM same").fetchnumpy()["i"]
        fresh = con.execute(
            "SELECT h.record_id FROM held h ANTI JOIN same s ON s.record_id = h.record_id"
            " ORDER BY h.record_id"
        ).fetchnumpy()["record_id"]
        removed = con.execute(
            "SELECT k.record_id FROM kept k ANTI JOIN held h ON h.record_id = k.record_id"
        ).fetchnumpy()["record_id"]
    same = np.zeros(len(sets), dtype=bool)
    same[rows] = True
    return same, [str(r) for r in fresh.tolist()], [str(r) for r in removed.tolist()]


def _dataset(source: str) -> Dataset:
    partner, _, dataset = source.partition("/")
    return partner, dataset


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
    people: pd.DataFrame | None = None,
) -> LinkageRun:
    """Run linkage and record it. Person ids and review pairs are written only on success.

    A failed run is kept with status 'failed' and the error, then the error is raised.
    `identifiers` (tests, prepared extracts) replaces reading the store; such a run keeps
    no working sets.
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
    given = identifiers is not None
    source = (
        _Input(frame=identifiers)
        if given
        else _read(session, actor, config, incremental=incremental)
    )
    if source.records == 0:
        raise LinkageError("there are no partner records to link: ingest a feed first")
    record = LinkageRun(
        kind="incremental" if incremental else "full",
        status="running",
        engine=config.engine,
        started_by=access.actor_label(actor),
        records=source.records,
        config=config.as_dict(),
    )
    session.add(record)
    session.flush()
    try:
        _execute(
            session,
            record,
            source,
            config=config,
            index_key=index_key,
            model_run=model_run,
            truth=truth,
            reports_dir=reports_dir,
            engine=engine,
            step=step,
            people=people,
        )
    except Exception as exc:
        record.status = "failed"
        record.error = f"{type(exc).__name__}: {exc}"[:2000]
        record.finished_at = utcnow()
        session.flush()
        raise
    return record


@dataclass
class _Outcome:
    output: RunOutput
    assigned: pd.Series  # person id of every record the run covers
    prints: pd.Series  # fingerprints of the records whose person id row is written
    before: pd.DataFrame  # stored person id rows of those records (and of `removed`)
    previous: pd.Series  # person ids before the run, for the stability figure
    stability: float | None = None  # known without comparing every record (working sets)
    removed: list[str] = field(default_factory=list)
    remove_missing: bool = False
    delta: int = 0  # records linked as new or changed (incremental runs)
    records: pd.DataFrame | None = None  # prepared records for the working sets


def _execute(
    session: Session,
    record: LinkageRun,
    source: _Input,
    *,
    config: LinkageConfig,
    index_key: str,
    model_run: LinkageRun | None,
    truth: pd.DataFrame | None,
    reports_dir: Path | None,
    engine: Engine | None,
    step: Step | None,
    people: pd.DataFrame | None = None,
) -> None:
    decisions = persist.load_decisions(session)
    run = dict(config=config, engine=engine, step=step)
    if source.sets is not None:
        assert model_run is not None
        assert model_run.model is not None
        outcome = _from_sets(session, source, decisions, model_run.model, index_key, run)
    elif model_run is None:
        outcome = _full(session, source, decisions, index_key, truth, run)
    else:
        outcome = _incremental(session, source, decisions, model_run.model or {}, index_key, run)
    if model_run is None:
        record.model = outcome.output.model
    record.delta_records = outcome.delta
    output, assigned = outcome.output, outcome.assigned
    timings = dict(source.timings)
    with timed(timings, "write_person_ids"):
        writes = persist.save_people(
            session,
            person_ids=output.person_ids if source.sets is not None else assigned,
            prints=outcome.prints,
            before=outcome.before,
            run_id=record.id,
            remove_missing=outcome.remove_missing,
            removed=outcome.removed,
        )
    # Every write below is in the caller's one transaction: a crash at any of these points
    # leaves the store as the last finished run left it, and the next run starts afresh.
    checkpoint("linkage.after-person-ids")
    with timed(timings, "write_review_queue"):
        added = persist.queue_review(
            session, pairs=output.review, run_id=record.id, replace_open=model_run is None
        )
    checkpoint("linkage.after-review-queue")
    with timed(timings, "write_working_sets"):
        _keep_working_sets(session, record, source, outcome, config)
    checkpoint("linkage.after-working-sets")
    record.comparisons = output.comparisons
    record.report = quality.build(
        run={**_run_summary(record, config), "from_working_sets": source.sets is not None},
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
        stability=_stability(outcome, assigned),
        timings={**timings, **output.timings, **{f"store_{k}": v for k, v in writes.items()}},
        truth=truth,
        blocking_recall=output.blocking_recall,
        training=None if output.training is None else output.training.as_report(),
        people=people,
        must_not_link=output.must_not_link,
        apart=None if output.apart is None else output.apart.as_report(),
    )
    record.people = int(record.report["counts"]["people"])
    record.status = "finished"
    record.finished_at = utcnow()
    session.flush()
    checkpoint("linkage.after-flush")
    if reports_dir is not None:
        write_report(record.report, reports_dir, model=record.model or output.model)
        checkpoint("linkage.after-report")


def _stability(outcome: _Outcome, assigned: pd.Series) -> float | None:
    if outcome.stability is not None:
        return outcome.stability
    return stability(outcome.previous, assigned) if len(outcome.previous) else None


def _full(
    session: Session,
    source: _Input,
    decisions: pd.DataFrame,
    index_key: str,
    truth: pd.DataFrame | None,
    run: dict[str, Any],
) -> _Outcome:
    frame = source.frame
    assert frame is not None
    before = persist.load_people(session)
    last = last_full_run(session)
    output = run_full(
        frame, previous=before["person_id"], decisions=decisions, truth=truth,
        fallback=last.model if last is not None else None, **run,
    )  # fmt: skip
    records = None
    if output.prepared is not None and "row_digest" in frame.columns:
        records = _set_rows(output, frame["row_digest"])
    return _Outcome(
        output,
        output.person_ids,
        persist.fingerprints(frame, index_key),
        before,
        before["person_id"],
        remove_missing=True,
        records=records,
    )


def _incremental(
    session: Session,
    source: _Input,
    decisions: pd.DataFrame,
    model: dict[str, Any],
    index_key: str,
    run: dict[str, Any],
) -> _Outcome:
    """Without working sets: every stored record is read; the delta is the records whose
    keyed fingerprint changed since the last run."""
    frame = source.frame
    assert frame is not None
    before = persist.load_people(session)
    previous = before["person_id"]
    prints = persist.fingerprints(frame, index_key)
    ids = frame["record_id"].astype("string")
    old_prints = before["fingerprint"].reindex(pd.Index(ids)).fillna("")
    unchanged = (prints.to_numpy() == old_prints.to_numpy()).astype(bool)
    existing, delta = frame[unchanged], frame[~unchanged]
    if len(delta):
        output = run_incremental(
            existing, delta, previous=previous, decisions=decisions, trained=model, **run
        )
    else:
        output = _empty_output(model)
    # unchanged records keep their id; the delta's ids come from the run
    kept = previous.reindex(pd.Index(existing["record_id"].astype("string")))
    assigned = pd.concat([kept, output.person_ids.astype("string")])
    return _Outcome(output, assigned, prints, before, previous, delta=len(delta))


def _from_sets(
    session: Session,
    source: _Input,
    decisions: pd.DataFrame,
    model: dict[str, Any],
    index_key: str,
    run: dict[str, Any],
) -> _Outcome:
    """With working sets: existing records come prepared from the sets; only the records
    new or changed since are read, prepared and scored."""
    sets, changed = source.sets, source.changed
    assert sets is not None
    assert changed is not None
    kept = pd.Series(
        sets["person_id"].to_numpy(), index=pd.Index(sets["record_id"]), dtype="string"
    )
    # a changed record's old id may be carried over to it; a deleted record's may not
    previous = pd.concat([kept, source.prior.drop(source.removed, errors="ignore")])
    if len(changed):
        output = run_incremental(
            sets, changed, previous=previous, decisions=decisions, trained=model,
            prepared_existing=True, **run,
        )  # fmt: skip
    else:
        output = _empty_output(model)
    ids = changed["record_id"].astype("string").tolist()
    before = persist.load_people(session, only=ids + source.removed)
    assigned = pd.concat([kept, output.person_ids.astype("string")])
    # records unchanged since the sets keep their ids by construction; only the changed
    # ones that were linked before can have moved
    before_ids = source.prior.reindex(output.person_ids.index)
    linked_before = before_ids.notna().to_numpy(dtype=bool)
    moved = int(
        (before_ids.to_numpy()[linked_before] != output.person_ids.to_numpy()[linked_before]).sum()
    )
    common = len(kept) + int(linked_before.sum())
    records = sets
    if output.prepared is not None and len(output.prepared):
        fresh = _set_rows(output, changed["row_digest"])
        records = pd.concat([sets, fresh[list(sets.columns)]], ignore_index=True)
    return _Outcome(
        output,
        assigned,
        persist.fingerprints(changed, index_key),
        before,
        previous,
        removed=source.removed,
        records=records,
        delta=len(changed),
        stability=1.0 - moved / common if common else None,
    )


def _set_rows(output: RunOutput, row_digests: pd.Series) -> pd.DataFrame:
    """The run's prepared records with the row digests they were read with (same order) and
    the person ids the run gave them: rows for a working set."""
    assert output.prepared is not None
    return output.prepared.assign(
        row_digest=row_digests.astype("string").to_numpy(),
        person_id=output.person_ids.reindex(output.prepared["record_id"]).to_numpy(),
    )


def _keep_working_sets(
    session: Session, record: LinkageRun, source: _Input, outcome: _Outcome, config: LinkageConfig
) -> None:
    """Full runs from the store write every dataset's set; incremental runs from the sets
    rewrite those of the datasets that changed; any other run leaves sets that may no longer
    match the person ids, so they are dropped (the next full run writes them again)."""
    if source.allowed is None or (source.sets is None and outcome.records is None):
        working_set.clear(session, config.register)
        return
    if source.sets is not None and not source.touched:
        return
    assert outcome.records is not None
    working_set.save(
        session,
        register=config.register,
        run_id=record.id,
        records=outcome.records,
        columns=source.allowed,
        datasets=sorted(source.touched) if source.sets is not None else list(source.allowed),
    )


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


def write_report(
    report: dict[str, Any], directory: Path, *, model: dict[str, Any] | None = None
) -> tuple[Path, Path]:
    """The report as JSON and as readable Markdown, named after the run, with its charts
    (SVG, no identifiers): match weight distribution, cluster sizes, and the model's m and u
    per comparison level when `model` is given."""
    from accord.linkage import charts

    directory.mkdir(parents=True, exist_ok=True)
    stem = directory / f"linkage-{report['run']['id']}"
    drawn = {
        "Match weight distribution": charts.weight_distribution(
            report, stem.with_name(f"{stem.name}-weights.svg")
        ),
        "Cluster sizes": charts.cluster_sizes(report, stem.with_name(f"{stem.name}-clusters.svg")),
    }
    if model:
        drawn["Model parameters (m and u)"] = charts.parameters(
            model, stem.with_name(f"{stem.name}-parameters.svg")
        )
    report = {**report, "charts": {title: path.name for title, path in drawn.items()}}
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
