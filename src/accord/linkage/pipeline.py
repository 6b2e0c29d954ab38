"""Linkage runs without the store: full (train, score, cluster) and incremental (delta only).

These functions take identifier frames and the previous run's state and return what the run
decided; accord.linkage.service reads and writes the store and calls the gate around them.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from splink import Linker

from accord.linkage import training
from accord.linkage.apart import Apart, must_not_link
from accord.linkage.clustering import ClusterResult, cluster
from accord.linkage.config import LinkageConfig
from accord.linkage.defaults import default_model
from accord.linkage.engine import Engine, make_engine
from accord.linkage.prepare import COMPARED_COLUMNS, LINKING_KEYS, for_linking, prepare
from accord.linkage.profiles import IDENTITY_COLUMNS, Profiles, collapse, extend, profile_hash
from accord.linkage.quality import pair_count
from accord.linkage.stable_ids import carry_over

log = logging.getLogger(__name__)
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
    profiles: int = 0  # distinct identifier profiles scored (see accord.linkage.profiles)
    must_not_link: int = 0  # profile pairs kept apart as another forename (accord.linkage.apart)
    apart: Apart | None = None  # and the estimates they were chosen by (full runs)
    # where the model came from (full runs: trained here, or a fallback when too few records)
    training: training.Training | None = None
    # the run's records as prepared (full: all; incremental: the delta), for the working set
    prepared: pd.DataFrame | None = None


@contextmanager
def timed(timings: dict[str, float], name: str, step: Step | None = None) -> Iterator[None]:
    """Time a step into `timings` (seconds), inside the progress hook's context if any."""
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


@dataclass(frozen=True)
class _Graph:
    """Scored edges and review decisions as node numbers, for clustering and the review band."""

    n: int
    left: np.ndarray
    right: np.ndarray
    must: list[tuple[int, int]]
    cannot: list[tuple[int, int]]

    def decided(self) -> np.ndarray:
        """Node pairs a reviewer has decided, as ordered pair codes (see _pair_code)."""
        pairs = np.array(self.must + self.cannot, dtype=np.int64).reshape(-1, 2)
        return _pair_code(pairs[:, 0], pairs[:, 1], self.n)


def _pair_code(a: np.ndarray, b: np.ndarray, n: int) -> np.ndarray:
    codes: np.ndarray = np.minimum(a, b) * np.int64(n) + np.maximum(a, b)
    return codes


def _graph(
    n: int,
    edges: pd.DataFrame,
    decisions: pd.DataFrame,
    node_of: Callable[[pd.Series], np.ndarray],
    apart: np.ndarray | None = None,
) -> _Graph:
    """Map edge ends (profile ids) and decided record pairs to nodes with `node_of` (-1: none)."""
    pairs: dict[str, list[tuple[int, int]]] = {"accept": [], "reject": []}
    if not decisions.empty:
        a, b = node_of(decisions["record_id_l"]), node_of(decisions["record_id_r"])
        ok = (a >= 0) & (b >= 0)
        for kind in pairs:
            chosen = ok & (decisions["decision"] == kind).to_numpy()
            pairs[kind] = list(zip(a[chosen].tolist(), b[chosen].tolist(), strict=True))
    if apart is not None and len(apart):
        pairs["reject"] += list(zip(apart[:, 0].tolist(), apart[:, 1].tolist(), strict=True))
    return _Graph(n, node_of(edges["record_id_l"]), node_of(edges["record_id_r"]), *pairs.values())


def _review_band(edges: pd.DataFrame, graph: _Graph, config: LinkageConfig) -> pd.DataFrame:
    """Pairs in the uncertain band between nodes that nobody has decided yet."""
    probability = edges["match_probability"].to_numpy(dtype=float)
    band = (probability >= config.review_lower) & (probability < config.threshold)
    band &= ~np.isin(_pair_code(graph.left, graph.right, graph.n), graph.decided())
    return edges[band].reset_index(drop=True)


def _cluster_graph(
    graph: _Graph, edges: pd.DataFrame, config: LinkageConfig, exclusive: list[int] | None = None
) -> ClusterResult:
    return cluster(
        graph.n,
        graph.left,
        graph.right,
        edges["match_weight"].to_numpy(dtype=float),
        threshold=config.threshold_weight,
        must_link=graph.must,
        cannot_link=graph.cannot,
        max_size=config.max_cluster_size,
        step=config.guard_step,
        exclusive=exclusive or [],
        min_density=config.guard_density,
    )


def _collapse(
    identifiers: pd.DataFrame,
    decisions: pd.DataFrame,
    columns: Sequence[str] = IDENTITY_COLUMNS,
) -> tuple[pd.DataFrame, Profiles]:
    """Profiles of `identifiers`, keeping apart the records of a rejected pair whose
    identifiers are equal (the reviewer knows they are two people)."""
    distinct, profiles = collapse(identifiers, columns=columns)
    if decisions.empty:
        return distinct, profiles
    rejected = decisions[decisions["decision"] == "reject"]
    a, b = profiles.of(rejected["record_id_l"]), profiles.of(rejected["record_id_r"])
    same = (a >= 0) & (a == b)
    if not same.any():
        return distinct, profiles
    apart = pd.concat([rejected["record_id_l"][same], rejected["record_id_r"][same]])
    return collapse(identifiers, apart=apart.astype("string").tolist(), columns=columns)


def _rejected_records(decisions: pd.DataFrame) -> list[str]:
    if decisions.empty:
        return []
    rejected = decisions[decisions["decision"] == "reject"]
    records: list[str] = pd.concat([rejected["record_id_l"], rejected["record_id_r"]]).tolist()
    return records


def prepare_records(identifiers: pd.DataFrame, decisions: pd.DataFrame) -> pd.DataFrame:
    """Every record prepared (PREPARED_COLUMNS but dob_rare and the linking keys), working
    once per profile."""
    distinct, profiles = _collapse(identifiers, decisions)
    return _per_record(prepare(distinct), profiles, identifiers)


def _per_record(
    prepared: pd.DataFrame, profiles: Profiles, identifiers: pd.DataFrame
) -> pd.DataFrame:
    dropped = ["dob_rare", *LINKING_KEYS]
    out = prepared.drop(columns=dropped, errors="ignore").iloc[profiles.profile]
    out = out.reset_index(drop=True)
    out["record_id"] = profiles.records.astype("string").to_numpy()
    out["profile"] = profiles.ids[profiles.profile].astype("string").to_numpy()
    out["profile_hash"] = profile_hash(prepared, COMPARED_COLUMNS)[profiles.profile]
    frame = identifiers.reset_index(drop=True)
    out["source"] = (frame["partner"].astype("string") + "/" + frame["dataset"]).astype("string")
    return out


def run_full(
    identifiers: pd.DataFrame,
    *,
    previous: pd.Series,
    decisions: pd.DataFrame,
    config: LinkageConfig,
    engine: Engine | None = None,
    step: Step | None = None,
    truth: pd.DataFrame | None = None,
    fallback: dict[str, Any] | None = None,
) -> RunOutput:
    """Train on `identifiers`, score, cluster. With too few records to train on, score with
    `fallback` (the last trained model) or else the shipped default model."""
    timings: dict[str, float] = {}
    with timed(timings, "prepare", step):
        distinct, profiles = _collapse(identifiers, decisions)
        prepared = for_linking(prepare(distinct))
        sources = identifiers["partner"].astype(str) + "/" + identifiers["dataset"].astype(str)
        apart = must_not_link(prepared, profiles.profile, sources.to_numpy())
    own = engine is None
    engine = engine or make_engine(config.engine)
    try:
        with timed(timings, "train", step):
            linker, used_model = _train_or_fall_back(engine, prepared, config, fallback)
            trained = used_model.model
        with timed(timings, "score", step):
            predictions = linker.inference.predict(warning_mode="never")
            edges, count, histogram = _scored(engine, predictions, keep_from=config.review_lower)
            recall = None
            if truth is not None:
                recall = blocking_recall(engine, predictions, _profile_truth(truth, profiles))
            predictions.drop_table_from_database_and_remove_from_cache()
        with timed(timings, "cluster", step):
            graph = _graph(len(profiles), edges, decisions, profiles.of, apart.pairs)
            result = _cluster_graph(graph, edges, config)
            labels = pd.Series(profiles.spread(result.labels), index=profiles.records)
            person_ids = carry_over(labels, previous)
            review = _review_band(edges, graph, config)
            used = int((edges["match_weight"] >= config.threshold_weight).sum())
    finally:
        if own:
            engine.close()
    output = RunOutput(person_ids, review, trained, count, histogram, result, used, timings)
    output.blocking_recall = recall
    output.training = used_model
    output.must_not_link = apart.patterns[0].kept_apart if apart.patterns else 0
    output.apart = apart
    output.profiles = len(profiles)
    output.prepared = _per_record(prepared, profiles, identifiers)
    return output


def _train_or_fall_back(
    engine: Engine, prepared: pd.DataFrame, config: LinkageConfig, fallback: dict[str, Any] | None
) -> tuple[Linker, training.Training]:
    try:
        linker = training.train(engine, prepared, name="accord_records", seed=config.seed)
        return linker, training.Training(training.trained_model(linker), "trained")
    except training.TooLittleToTrainError as exc:
        reason = str(exc)
    if fallback is not None:
        model = {k: v for k, v in fallback.items() if k != "sql_dialect"}
        used = training.Training(model, "last-run", reason)
    else:
        used = training.Training(default_model(), "defaults", reason)
    log.warning("linkage: %s", used.summary())
    table = engine.register(prepared, "accord_records")
    return Linker(table, dict(used.model), log_level=logging.WARNING), used


def _profile_truth(truth: pd.DataFrame, profiles: Profiles) -> pd.DataFrame:
    """Truth for the profile ids (a profile's person is its first record's)."""
    labels = truth.set_index(truth["record_id"].astype("string"))["person_id"]
    return pd.DataFrame(
        {"record_id": profiles.ids, "person_id": labels.reindex(profiles.ids).to_numpy()}
    ).dropna()


def _linker_for_model(engine: Engine, prepared: pd.DataFrame, trained: dict[str, Any]) -> Linker:
    linker = Linker(engine.register(prepared, "accord_all"), dict(trained), log_level=30)
    # term frequencies over every profile, registered so scoring a delta needs no full pass
    for column in ("first_name", "surname", "postcode", "email"):
        tf = prepared[column].value_counts(normalize=True, dropna=True)
        if tf.empty:
            # a column no partner fills: Splink still wants a lookup and Spark cannot infer
            # an empty table's schema, so one row that no record can match (prepared
            # values are never empty strings)
            tf = pd.Series([1.0], index=pd.Index([""], dtype="string"))
        lookup = pd.DataFrame({column: tf.index.astype("string"), f"tf_{column}": tf.to_numpy()})
        linker.table_management.register_term_frequency_lookup(
            engine.register(lookup, f"accord_tf_{column}"), column
        )
    return linker


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
    prepared_existing: bool = False,
) -> RunOutput:
    """Link `delta` (new or changed records) against `existing` people with a saved model.

    `existing` holds raw identifiers, or with `prepared_existing` records as prepared by an
    earlier run (a working set, accord.linkage.working_set), which saves preparing them.

    A delta record whose identifiers equal an existing profile's takes that profile's person
    at once; only new profiles are scored, against existing profiles and among themselves.
    """
    timings: dict[str, float] = {}
    with timed(timings, "prepare", step):
        old = existing if prepared_existing else prepare_records(existing, decisions)
        fresh = prepare_records(delta, decisions)
        # both a working set and prepare_records give each record its profile
        distinct, profiles = extend(
            old, fresh, columns=COMPARED_COLUMNS, apart=_rejected_records(decisions)
        )
        n_old = len(old)
        if "person_id" in old.columns:  # a working set holds each record's person id
            known = old["person_id"].to_numpy(dtype=object)
        else:
            known = previous.reindex(profiles.records[:n_old]).to_numpy(dtype=object)
        person = np.full(len(profiles), None, dtype=object)
        has_person = pd.notna(known)
        person[profiles.profile[:n_old][has_person]] = known[has_person]
        is_old = pd.notna(person)
        prepared = for_linking(distinct)
    own = engine is None
    engine = engine or make_engine(config.engine)
    try:
        with timed(timings, "score", step):
            linker = _linker_for_model(engine, prepared, trained)
            old, new = prepared[is_old], prepared[~is_old]
            edges, count, histogram = _score_delta(engine, linker, old, new, config)
        with timed(timings, "cluster", step):
            person_ids, result, review, used = _finish_incremental(
                profiles, person, edges, n_old=n_old, decisions=decisions, previous=previous,
                config=config,
            )  # fmt: skip
    finally:
        if own:
            engine.close()
    output = RunOutput(person_ids, review, dict(trained), count, histogram, result, used, timings)
    output.profiles = int((~is_old).sum())
    # fresh records keep their hash (equal values, equal hash) and take the profile key
    output.prepared = fresh.assign(profile=profiles.keys[profiles.profile[n_old:]].to_numpy())
    return output


def _score_delta(
    engine: Engine, linker: Linker, old: pd.DataFrame, new: pd.DataFrame, config: LinkageConfig
) -> tuple[pd.DataFrame, int, list[dict[str, float]]]:
    """Scored edges of new profiles against existing ones and among themselves."""
    if new.empty:
        return _no_edges(), 0, []
    right = engine.register(new, "accord_delta")
    runs = [linker.inference.predict_within(right, warning_mode="never")]
    if not old.empty:
        left = engine.register(old, "accord_existing")
        runs.append(linker.inference.predict_between(left, right, warning_mode="never"))
    frames, count, histogram = [], 0, []
    for predictions in runs:
        edges, n, bins = _scored(engine, predictions, keep_from=config.review_lower)
        frames.append(edges)
        count += n
        histogram.extend(bins)
        predictions.drop_table_from_database_and_remove_from_cache()
    return pd.concat(frames, ignore_index=True), count, _merge_bins(histogram)


def _no_edges() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "record_id_l": pd.Series(dtype="string"),
            "record_id_r": pd.Series(dtype="string"),
            "match_weight": pd.Series(dtype=float),
            "match_probability": pd.Series(dtype=float),
        }
    )


def _merge_bins(bins: list[dict[str, float]]) -> list[dict[str, float]]:
    merged: dict[float, float] = {}
    for b in bins:
        merged[b["from"]] = merged.get(b["from"], 0) + b["count"]
    return [{"from": k, "to": k + 1, "count": int(v)} for k, v in sorted(merged.items())]


def _finish_incremental(
    profiles: Profiles,
    person: np.ndarray,
    edges: pd.DataFrame,
    *,
    n_old: int,
    decisions: pd.DataFrame,
    previous: pd.Series,
    config: LinkageConfig,
) -> tuple[pd.Series, ClusterResult, pd.DataFrame, int]:
    """Cluster the new profiles with each existing person as one fixed node.

    Nodes: the new profiles first, then each existing person that an edge or decision
    touches. An edge to an existing profile is an edge to its person. A new cluster joins
    at most one existing person (its strongest links win); merging two existing people is
    left to the next full run, which re-links everything.
    """
    is_new = pd.isna(person)
    new_number = np.full(len(profiles), -1, dtype=np.int64)
    new_number[is_new] = np.arange(int(is_new.sum()))
    person_code, people = pd.factorize(person[~is_new])
    node = new_number.copy()
    node[~is_new] = int(is_new.sum()) + person_code
    n_new = int(is_new.sum())

    def node_of(record_ids: pd.Series) -> np.ndarray:
        numbers = profiles.of(record_ids)
        return np.where(numbers >= 0, node[np.maximum(numbers, 0)], -1)

    graph = _graph(n_new + len(people), edges, decisions, node_of)
    result = _cluster_graph(graph, edges, config, exclusive=list(range(n_new, graph.n)))
    labels = result.labels
    # which existing person (if any) each new profile's cluster joined
    joined = np.full(graph.n, None, dtype=object)
    joined[labels[n_new:]] = people
    profile_person = person.copy()
    profile_person[is_new] = joined[labels[:n_new]]
    delta_profile = profiles.profile[n_old:]
    delta_people = profile_person[delta_profile]
    # new clusters that joined nobody: carry over ids no existing person still holds
    alone = pd.isna(delta_people)
    if alone.any():
        clusters = pd.Series(
            labels[new_number[delta_profile[alone]]], index=profiles.records[n_old:][alone]
        )
        prior = previous.reindex(clusters.index)  # carry_over reads only these records' ids
        held = set(people.tolist())  # a set: pandas' isin on a large text index is slow
        free = prior[[person not in held for person in prior.tolist()]]
        delta_people[alone] = carry_over(clusters, free).to_numpy()
    person_ids = pd.Series(delta_people, index=profiles.records[n_old:], dtype="string")
    used = int((edges["match_weight"] >= config.threshold_weight).sum())
    return person_ids, result, _review_band(edges, graph, config), used
