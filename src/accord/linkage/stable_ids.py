"""Carry person ids over from one run to the next.

The rule (documented in docs/architecture.md, tested in tests/linkage/test_stable_ids.py):
1. For every pair (new cluster, old person id) count the records they share.
2. Walk those pairs from the largest overlap down (ties: the larger cluster first, then the
   smaller old id, then the cluster key, so the result never depends on row order) and give
   the cluster the old id when neither the cluster nor the id has been taken yet.
So a cluster takes the id most of its records had; when two old people merge, the id with
the larger overlap survives and the other retires; when a person splits, the larger part
keeps the id; clusters left without an id (new people) get a fresh one.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable

import numpy as np
import pandas as pd


def new_person_id() -> str:
    return f"P-{uuid.uuid4().hex[:16]}"


def carry_over(
    clusters: pd.Series,
    previous: pd.Series,
    *,
    new_id: Callable[[], str] = new_person_id,
) -> pd.Series:
    """Person id for each record.

    clusters: cluster key per record (index: record_id).
    previous: person id per record from the last run (index: record_id); may be empty.
    Returns a Series indexed like `clusters` holding the person id of each record.
    """
    frame = pd.DataFrame({"cluster": clusters})
    frame["old"] = previous.reindex(frame.index)
    size = frame.groupby("cluster").size().rename("size")
    overlap = (
        frame.dropna(subset=["old"])
        .groupby(["cluster", "old"])
        .size()
        .rename("overlap")
        .reset_index()
        .join(size, on="cluster")
    )
    overlap["cluster_key"] = overlap["cluster"].astype(str)
    overlap = overlap.sort_values(
        ["overlap", "size", "old", "cluster_key"], ascending=[False, False, True, True]
    )
    assigned: dict[object, str] = {}
    used: set[str] = set()
    for cluster, old in zip(overlap["cluster"].tolist(), overlap["old"].tolist(), strict=True):
        if cluster in assigned or old in used:
            continue
        assigned[cluster] = str(old)
        used.add(str(old))
    for cluster in size.index.tolist():
        if cluster not in assigned:
            assigned[cluster] = new_id()
    return frame["cluster"].map(assigned).astype("string")


def stability(before: pd.Series, after: pd.Series) -> float:
    """Share of records present in both runs whose person id did not change."""
    where = pd.Index(before.index).get_indexer(after.index)
    common = where >= 0
    if not common.any():
        return 1.0
    kept = before.to_numpy()[where[common]] == after.to_numpy()[common]
    return float(np.mean(kept))
