"""Linkage runs without the store: full (train, score, cluster) and incremental (delta only).

These functions take identifier frames and the previous run's state and return what the run
decided; accord.linkage.service reads and writes the store and calls the gate around them.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import pandas as pd
from splink import Linker

from accord.linkage import model, training
from accord.linkage.clustering import ClusterResult, cluster
from accord.linkage.config import LinkageConfig
from accord.linkage.engine import Engine, make_engine
from accord.linkage.prepare import prepare
from accord.linkage.quality import pair_count
from accord.linkage.stable_ids import carry_over

Step = Callable[[str], Any]  # progress hook: called with a step name, returns a context


@dataclass
class RunOutput:
    person_ids: pd.Series  # record_id -> person id (every record of the run)
    review: pd.DataFrame  # record_id_l, record_id_r, match_weight, match_probability
    model: dict[str, Any]
    comparisons: int  # pairs scored (blocking output)
    weight_histogram: list[dict[str, float]]
    cluster: ClusterResult
    edges_used: int
    timings: dict[str, float] = field(default_factory=dict)
    blocking_recall: float | None = None


@contextmanager
def _timed(timings: dict[str, float], name: str, step: Step | None) -> Iterator[None]:
    start = time.perf_counter()
    if step is None:
        yield
    else:
        with step(name):
            yield
    timings[name] = round(time.perf_counter() - start, 3)


def blocking_recall(engine: Engine, predictions: Any, truth: pd.DataFrame) -> float:
    """Share of true pairs (same labelled person) that the blocking rules put up for scoring."""
    labels = truth[["record_id", "person_id"]].astype("string")
    table = engine.register(labels, f"accord_truth_{id(predictions)}").physical_name
    true_pairs = pair_count(labels.groupby("person_id").size())
    found = engine.db_api.query_sql(
        f"select count(*) as n from {predictions.physical_name} p "  # noqa: S608 (table names we made)
        f"join {table} a on p.record_id_l = a.record_id "
        f"join {table} b on p.record_id_r = b.record_id where a.person_id = b.person_id",
        output_type="pandas",
    )
    return int(found["n"].iloc[0]) / true_pairs if true_pairs else 1.0


def _query(engine: Engine, sql: str, table: str) -> pd.DataFrame:
    # `table` is a name Splink generated for its own output, never user input
    frame: pd.DataFrame = engine.db_api.query_sql(sql.format(t=table), output_type="pandas")
    return frame


def _scored(
    engine: Engine, predictions: Any, *, keep_from: float
) -> tuple[pd.DataFrame, int, list[dict[str, float]]]:
    """Edges worth keeping, the comparison count and a match-weight histogram (in-engine)."""
    table = predictions.physical_name
    count = int(_query(engine, "select count(*) as n from {t}", table)["n"].iloc[0])
    histogram = _query(
        engine,
        "select floor(match_weight) as bin, count(*) as n from {t} group by 1 order by 1",
        table,
    )
    keep = "select record_id_l, record_id_r, match_weight, match_probability from {t} where "
    edges = _query(engine, keep + f"match_probability >= {float(keep_from)}", table)
    histogram = histogram.dropna(subset=["bin"])
    bins = [
        {"from": start, "to": start + 1, "count": float(n)}
        for start, n in zip(
            histogram["bin"].to_numpy(dtype=float).tolist(),
            histogram["n"].to_numpy(dtype="int64").tolist(),
            strict=True,
        )
    ]
    return edges, count, bins


def _decision_pairs(
    nodes: pd.Index, decisions: pd.DataFrame, decision: str
) -> list[tuple[int, int]]:
    if decisions.empty:
        return []
    chosen = decisions[decisions["decision"] == decision]
    left = nodes.get_indexer(pd.Index(chosen["record_id_l"]))
    right = nodes.get_indexer(pd.Index(chosen["record_id_r"]))
    ok = (left >= 0) & (right >= 0)
    return list(zip(left[ok].tolist(), right[ok].tolist(), strict=True))


def _review_band(
    edges: pd.DataFrame, decisions: pd.DataFrame, config: LinkageConfig
) -> pd.DataFrame:
    """Pairs in the uncertain band that nobody has decided yet."""
    band = edges[
        (edges["match_probability"] >= config.review_lower)
        & (edges["match_probability"] < config.threshold)
    ]
    if not decisions.empty:
        decided = pd.MultiIndex.from_frame(decisions[["record_id_l", "record_id_r"]])
        keys = pd.MultiIndex.from_frame(band[["record_id_l", "record_id_r"]])
        band = band[~keys.isin(decided)]
    return band.reset_index(drop=True)


def _cluster_nodes(
    nodes: pd.Index,
    edges: pd.DataFrame,
    decisions: pd.DataFrame,
    config: LinkageConfig,
    exclusive: list[int] | None = None,
) -> ClusterResult:
    weight = edges["match_weight"].to_numpy(dtype=float)
    return cluster(
        len(nodes),
        nodes.get_indexer(pd.Index(edges["record_id_l"])),
        nodes.get_indexer(pd.Index(edges["record_id_r"])),
        weight,
        threshold=config.threshold_weight,
        must_link=_decision_pairs(nodes, decisions, "accept"),
        cannot_link=_decision_pairs(nodes, decisions, "reject"),
        max_size=config.max_cluster_size,
        step=config.guard_step,
        exclusive=exclusive or [],
        min_density=config.guard_density,
    )


def run_full(
    identifiers: pd.DataFrame,
    *,
    previous: pd.Series,
    decisions: pd.DataFrame,
    config: LinkageConfig,
    engine: Engine | None = None,
    step: Step | None = None,
    truth: pd.DataFrame | None = None,
) -> RunOutput:
    timings: dict[str, float] = {}
    with _timed(timings, "prepare", step):
        prepared = prepare(identifiers)
    own = engine is None
    engine = engine or make_engine(config.engine)
    try:
        with _timed(timings, "train", step):
            linker = training.make_linker(
                engine, prepared, name="accord_records", settings=model.settings()
            )
            training.train(linker, n_records=len(prepared), seed=config.seed)
            trained = training.trained_model(linker)
        with _timed(timings, "score", step):
            predictions = linker.inference.predict(warning_mode="never")
            edges, count, histogram = _scored(engine, predictions, keep_from=config.review_lower)
            recall = None if truth is None else blocking_recall(engine, predictions, truth)
            predictions.drop_table_from_database_and_remove_from_cache()
        with _timed(timings, "cluster", step):
            nodes = pd.Index(prepared["record_id"])
            result = _cluster_nodes(nodes, edges, decisions, config)
            person_ids = carry_over(pd.Series(result.labels, index=nodes), previous)
            review = _review_band(edges, decisions, config)
            used = int((edges["match_weight"] >= config.threshold_weight).sum())
    finally:
        if own:
            engine.close()
    output = RunOutput(person_ids, review, trained, count, histogram, result, used, timings)
    output.blocking_recall = recall
    return output


def _linker_for_model(
    engine: Engine, prepared: pd.DataFrame, trained: dict[str, Any]
) -> tuple[Linker, Any]:
    table = engine.register(prepared, "accord_all")
    linker = Linker(table, dict(trained), log_level=30)
    # term frequencies over all records, registered so scoring a delta needs no full pass
    for column in ("first_name", "surname", "postcode"):
        tf = prepared[column].value_counts(normalize=True, dropna=True)
        lookup = pd.DataFrame({column: tf.index.astype("string"), f"tf_{column}": tf.to_numpy()})
        linker.table_management.register_term_frequency_lookup(
            engine.register(lookup, f"accord_tf_{column}"), column
        )
    email = prepared["email"].value_counts(normalize=True, dropna=True)
    lookup = pd.DataFrame({"email": email.index.astype("string"), "tf_email": email.to_numpy()})
    linker.table_management.register_term_frequency_lookup(
        engine.register(lookup, "accord_tf_email"), "email"
    )
    return linker, table


def run_incremental(
    existing: pd.DataFrame,
    delta: pd.DataFrame,
    *,
    previous: pd.Series,
    decisions: pd.DataFrame,
    trained: dict[str, Any],
    config: LinkageConfig,
    engine: Engine | None = None,
    step: Step | None = None,
) -> RunOutput:
    """Link `delta` (new or changed records) against `existing` people with a saved model."""
    timings: dict[str, float] = {}
    with _timed(timings, "prepare", step):
        old = prepare(existing)
        new = prepare(delta)
    own = engine is None
    engine = engine or make_engine(config.engine)
    try:
        with _timed(timings, "score", step):
            linker, _ = _linker_for_model(engine, pd.concat([old, new], ignore_index=True), trained)
            left = engine.register(old, "accord_existing")
            right = engine.register(new, "accord_delta")
            between = linker.inference.predict_between(left, right, warning_mode="never")
            within = linker.inference.predict_within(right, warning_mode="never")
            frames, count, histogram = [], 0, []
            for predictions in (between, within):
                edges, n, bins = _scored(engine, predictions, keep_from=config.review_lower)
                frames.append(edges)
                count += n
                histogram.extend(bins)
                predictions.drop_table_from_database_and_remove_from_cache()
            edges = pd.concat(frames, ignore_index=True)
        with _timed(timings, "cluster", step):
            person_ids, result, review, used = _finish_incremental(
                old, new, edges, previous=previous, decisions=decisions, config=config
            )
    finally:
        if own:
            engine.close()
    return RunOutput(
        person_ids, review, dict(trained), count, _merge_bins(histogram), result, used, timings
    )


def _merge_bins(bins: list[dict[str, float]]) -> list[dict[str, float]]:
    merged: dict[float, float] = {}
    for b in bins:
        merged[b["from"]] = merged.get(b["from"], 0) + b["count"]
    return [{"from": k, "to": k + 1, "count": int(v)} for k, v in sorted(merged.items())]


def _finish_incremental(
    old: pd.DataFrame,
    new: pd.DataFrame,
    edges: pd.DataFrame,
    *,
    previous: pd.Series,
    decisions: pd.DataFrame,
    config: LinkageConfig,
) -> tuple[pd.Series, ClusterResult, pd.DataFrame, int]:
    """Cluster the delta with each existing person as one fixed node.

    Edges to an existing record become edges to its person. A delta cluster joins at most one
    existing person (its strongest links win); merging two existing people is left to the
    next full run, which re-links everything.
    """
    person_of = previous.reindex(old["record_id"]).set_axis(old["record_id"]).dropna()
    mapped = edges.copy()
    decided = decisions.copy()
    for frame in (mapped, decided):
        for side in ("record_id_l", "record_id_r"):
            if frame.empty:
                continue
            hit = frame[side].isin(person_of.index)
            frame.loc[hit, side] = "person:" + person_of.reindex(frame.loc[hit, side]).to_numpy()
    touched = pd.unique(
        pd.concat([mapped["record_id_l"], mapped["record_id_r"]]).loc[
            lambda s: s.str.startswith("person:")
        ]
    )
    nodes = pd.Index(list(new["record_id"]) + list(touched))
    person_nodes = list(range(len(new), len(nodes)))
    result = _cluster_nodes(nodes, mapped, decided, config, exclusive=person_nodes)
    labels = pd.Series(result.labels, index=nodes)
    joined = {int(labels.iloc[p]): str(nodes[p])[len("person:") :] for p in person_nodes}
    delta = labels.iloc[: len(new)]
    person_ids = delta.map(joined).astype("string")
    # delta clusters that joined nobody: carry over ids no existing person still holds
    alone = delta[person_ids.isna()]
    free = previous[~previous.isin(set(person_of.to_numpy()))]
    person_ids.loc[alone.index] = carry_over(alone, free)
    used = int((edges["match_weight"] >= config.threshold_weight).sum())
    return person_ids, result, _review_band(edges, decisions, config), used
