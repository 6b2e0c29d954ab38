"""Quality report of a run: counts, weight histogram, cluster sizes, and accuracy where labelled.

Holds no identifiers: only counts, sizes and weights, so it can be shared with the partnership.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd


def pair_count(sizes: pd.Series) -> int:
    sizes = sizes.astype("int64")
    return int((sizes * (sizes - 1) // 2).sum())


def pairwise_accuracy(person_ids: pd.Series, truth: pd.DataFrame) -> dict[str, float | int]:
    """Precision, recall and F1 over record pairs: same person id vs same true person."""
    labels = truth.drop_duplicates("record_id").set_index("record_id")["person_id"]
    where = pd.Index(labels.index).get_indexer(person_ids.index)
    found = where >= 0
    # integer codes first: grouping a million text labels directly is many times slower
    predicted_code = pd.factorize(person_ids.to_numpy()[found])[0]
    true_code = pd.factorize(labels.to_numpy()[where[found]])[0]
    frame = pd.DataFrame({"p": predicted_code, "t": true_code})
    true_positive = pair_count(frame.groupby(["p", "t"]).size())
    predicted = pair_count(pd.Series(np.bincount(predicted_code)))
    actual = pair_count(pd.Series(np.bincount(true_code)))
    precision = true_positive / predicted if predicted else 1.0
    recall = true_positive / actual if actual else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {
        "labelled_records": len(frame),
        "true_positive_pairs": true_positive,
        "predicted_pairs": predicted,
        "true_pairs": actual,
        "precision": round(precision, 6),
        "recall": round(recall, 6),
        "f1": round(f1, 6),
    }


KINDS = ("twin", "household", "ordinary")


def accuracy_by_kind(
    person_ids: pd.Series, truth: pd.DataFrame, people: pd.DataFrame
) -> dict[str, dict[str, float | int]]:
    """Precision and recall on the pairs of each kind, where `people` says how the true
    people are related (person_id, household, twin_of, kind; accord.synthetic).

    A pair of records of one person counts under that person's kind (twin: has a twin;
    household: lives with someone; ordinary). A wrongly joined pair counts as "twin" when
    the two are twins, "household" when they share a household, "ordinary" otherwise. So
    twin precision falls when twins are merged, household precision when housemates are.
    """
    labels = truth.drop_duplicates("record_id").set_index("record_id")["person_id"]
    where = pd.Index(labels.index).get_indexer(person_ids.index)
    found = where >= 0
    # person ids as text on both sides (a CSV gives text, the generator numbers); -1: no twin
    info = people.assign(
        person_id=people["person_id"].astype(str),
        twin_of=people["twin_of"].astype(str).where(people["twin_of"].astype(str) != "-1"),
    ).set_index("person_id")
    person = labels.astype(str).to_numpy()[where[found]]
    frame = pd.DataFrame(
        {
            "p": pd.factorize(person_ids.to_numpy()[found])[0],
            "t": person,
            "kind": info["kind"].reindex(person).to_numpy(),
            "household": info["household"].reindex(person).to_numpy(),
            "twin": info["twin_of"].reindex(person).to_numpy(),
        }
    )
    cells = frame.groupby(["p", "t"], sort=False).agg(
        n=("kind", "size"), kind=("kind", "first"), household=("household", "first"),
        twin=("twin", "first"),
    ).reset_index()  # fmt: skip
    n = cells["n"].astype("int64")
    cells["pairs"] = n * (n - 1) // 2
    true_positive = cells.groupby("kind")["pairs"].sum()
    people_sizes = frame.groupby("t").agg(n=("kind", "size"), kind=("kind", "first"))
    sizes = people_sizes["n"].astype("int64")
    actual = (sizes * (sizes - 1) // 2).groupby(people_sizes["kind"]).sum()
    # wrongly joined pairs between twins (each twin pair seen from both sides)
    twins = cells[cells["twin"].notna()]
    joined = twins.merge(cells, left_on=["p", "twin"], right_on=["p", "t"], suffixes=("", "_o"))
    wrong_twin = int((joined["n"] * joined["n_o"]).sum()) // 2
    # between different people of one household, twins included
    house = cells.groupby(["p", "household"])["n"].agg(
        total="sum", squares=lambda x: int((x.astype("int64") ** 2).sum())
    )
    wrong_house = int(((house["total"] ** 2 - house["squares"]) // 2).sum()) - wrong_twin
    cluster_sizes = np.bincount(frame["p"].to_numpy())
    wrong_all = pair_count(pd.Series(cluster_sizes)) - int(true_positive.sum())
    wrong = {"twin": wrong_twin, "household": wrong_house}
    wrong["ordinary"] = wrong_all - wrong_twin - wrong_house
    out: dict[str, dict[str, float | int]] = {}
    for kind in KINDS:
        tp, real = int(true_positive.get(kind, 0)), int(actual.get(kind, 0))
        predicted = tp + wrong[kind]
        out[kind] = {
            "true_pairs": real,
            "predicted_pairs": predicted,
            "true_positive_pairs": tp,
            "wrongly_joined_pairs": wrong[kind],
            "precision": round(tp / predicted, 6) if predicted else 1.0,
            "recall": round(tp / real, 6) if real else 1.0,
        }
    return out


def build(
    *,
    run: dict[str, Any],
    person_ids: pd.Series,
    comparisons: int,
    profiles: int = 0,
    weight_histogram: list[dict[str, float]],
    edges_used: int,
    broken: list[int],
    refused: int,
    kept_dense: list[int] | None = None,
    conflicts: int,
    review_added: int,
    stability: float | None,
    timings: dict[str, float],
    truth: pd.DataFrame | None = None,
    blocking_recall: float | None = None,
    training: dict[str, Any] | None = None,
    people: pd.DataFrame | None = None,
    must_not_link: int = 0,
    apart: dict[str, Any] | None = None,
) -> dict[str, Any]:
    sizes = person_ids.value_counts()
    distribution = sizes.value_counts().sort_index()
    report: dict[str, Any] = {
        "run": run,
        "counts": {
            "records": len(person_ids),
            "people": len(sizes),
            "profiles_scored": profiles,
            "comparisons": comparisons,
            "edges_at_threshold": edges_used,
            "review_pairs_added": review_added,
            "merges_refused_by_rejections": refused,
            "pairs_kept_apart_as_different_forenames": must_not_link,
            "accepted_pairs_conflicting_with_rejections": conflicts,
        },
        "match_weight_histogram": weight_histogram,
        "cluster_sizes": {
            "distribution": {str(k): int(v) for k, v in distribution.items()},
            "largest": [int(v) for v in sizes.head(10).tolist()],
            "broken_by_guard": broken,
            "kept_whole_dense": kept_dense or [],
        },
        # full runs: the model trained here, or the fallback used when too few records
        "model": training,
        "id_stability": None if stability is None else round(stability, 6),
        "timings_seconds": timings,
        "accuracy": None,
    }
    if apart is not None:
        # look-alike pairs and the data's estimate that they are two people (linkage.apart)
        report["kept_apart"] = apart
    if truth is not None:
        report["accuracy"] = pairwise_accuracy(person_ids, truth)
        if blocking_recall is not None:
            report["accuracy"]["blocking_recall"] = round(blocking_recall, 6)
        if people is not None and not people.empty:
            report["accuracy_by_pair_kind"] = accuracy_by_kind(person_ids, truth, people)
    return report


def _model_lines(model: dict[str, Any] | None) -> list[str]:
    if not model:
        return []
    if model["source"] == "trained":
        return ["Model: trained on this run's records.", ""]
    taken = "the last trained model" if model["source"] == "last-run" else "the default model"
    return [
        f"**Model: too little to train on.** {model['reason']}. This run scored with {taken}"
        + (
            " (the one shipped with accord, trained on synthetic UK partner data)."
            if model["source"] == "defaults"
            else " (of the last full run that finished)."
        ),
        "",
    ]


def _apart_lines(apart: dict[str, Any] | None) -> list[str]:
    if not apart or not apart["patterns"]:
        return []
    share = apart["confirmed_share"]
    lines = [
        "",
        "## Look-alike pairs kept apart",
        "",
        "A forename is confirmed when two or more systems record it for the same surname and "
        "date of birth"
        + ("" if share is None else f" ({share:.1%} of forenames here)")
        + ". From how often both forenames of a pair are confirmed, the run estimates the "
        "share of such pairs that are two people, and keeps a pair apart when two people "
        "are likely enough.",
        "",
        "| pairs | found | kept apart | estimated two people |",
        "|---|---|---|---|",
    ]
    for p in apart["patterns"]:
        t = p["two_people_share"]
        estimate = "cannot tell: all kept apart" if t is None else f"{t:.1%}"
        lines.append(f"| {p['name']} | {p['candidates']:,} | {p['kept_apart']:,} | {estimate} |")
    return lines


def markdown(report: dict[str, Any]) -> str:
    run, counts, clusters = report["run"], report["counts"], report["cluster_sizes"]
    lines = [
        f"# Linkage quality report: {run['kind']} run {run['id']}",
        "",
        f"Engine {run['engine']}, threshold {run['threshold']} match probability, "
        f"started {run['started_at']}.",
        "",
        *_model_lines(report.get("model")),
        "## Counts",
        "",
        "| measure | value |",
        "|---|---|",
        *(f"| {key.replace('_', ' ')} | {value:,} |" for key, value in counts.items()),
    ]
    if report["id_stability"] is not None:
        lines.append(f"| person ids kept from the last run | {report['id_stability']:.4%} |")
    lines += ["", "## Cluster sizes", "", "| records per person | people |", "|---|---|"]
    lines += [f"| {size} | {count:,} |" for size, count in clusters["distribution"].items()]
    lines += ["", f"Largest clusters: {', '.join(map(str, clusters['largest'])) or 'none'}."]
    if clusters["broken_by_guard"]:
        lines.append(
            "Clusters broken up by the size guard (identifier profiles): "
            + ", ".join(map(str, clusters["broken_by_guard"]))
            + "."
        )
    if clusters.get("kept_whole_dense"):
        lines.append(
            "Clusters over the bound kept whole because densely linked (identifier profiles): "
            + ", ".join(map(str, clusters["kept_whole_dense"]))
            + "."
        )
    lines += _apart_lines(report.get("kept_apart"))
    histogram = report["match_weight_histogram"]
    if histogram:
        peak = max(int(b["count"]) for b in histogram) or 1
        lines += ["", "## Match weight distribution (all scored pairs)", "", "```"]
        for b in histogram:
            bar = "#" * max(1, round(40 * int(b["count"]) / peak)) if b["count"] else ""
            lines.append(f"{b['from']:>6.0f} .. {b['to']:<4.0f} {int(b['count']):>10,} {bar}")
        lines.append("```")
    accuracy = report["accuracy"]
    if accuracy:
        lines += ["", "## Accuracy against labels (pairwise, on final person ids)", ""]
        lines += ["| measure | value |", "|---|---|"]
        lines += [f"| {key.replace('_', ' ')} | {value} |" for key, value in accuracy.items()]
    by_kind = report.get("accuracy_by_pair_kind")
    if by_kind:
        lines += ["", "## Accuracy by pair kind", ""]
        lines += ["| pairs | true | joined | wrongly joined | precision | recall |"]
        lines += ["|---|---|---|---|---|---|"]
        lines += [
            f"| {kind} | {v['true_pairs']:,} | {v['predicted_pairs']:,} | "
            f"{v['wrongly_joined_pairs']:,} | {v['precision']} | {v['recall']} |"
            for kind, v in by_kind.items()
        ]
    charts = report.get("charts")
    if charts:
        lines += ["", "## Charts", ""]
        lines += [f"![{title}]({name})" for title, name in charts.items()]
    lines += ["", "## Timings (seconds)", ""]
    lines += [f"- {name}: {seconds}" for name, seconds in report["timings_seconds"].items()]
    return "\n".join(lines) + "\n"
