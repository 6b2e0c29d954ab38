"""Clustering: threshold, accepted and rejected pairs, exclusive nodes, giant-cluster guard."""

from __future__ import annotations

import numpy as np

from accord.linkage.clustering import cluster


def _edges(pairs: list[tuple[int, int, float]]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    left, right, weight = zip(*pairs, strict=True)
    return np.array(left), np.array(right), np.array(weight, dtype=float)


def _groups(labels: np.ndarray) -> set[frozenset[int]]:
    out: dict[int, set[int]] = {}
    for node, label in enumerate(labels.tolist()):
        out.setdefault(label, set()).add(node)
    return {frozenset(g) for g in out.values()}


def test_edges_below_threshold_do_not_join() -> None:
    left, right, weight = _edges([(0, 1, 10.0), (1, 2, 2.0)])
    result = cluster(3, left, right, weight, threshold=5.0)
    assert _groups(result.labels) == {frozenset({0, 1}), frozenset({2})}


def test_rejected_pair_is_never_joined_even_through_a_chain() -> None:
    # 0-1 and 1-2 are strong, but 0 and 2 were rejected: the weaker link loses
    left, right, weight = _edges([(0, 1, 12.0), (1, 2, 9.0)])
    result = cluster(3, left, right, weight, threshold=5.0, cannot_link=[(0, 2)])
    assert _groups(result.labels) == {frozenset({0, 1}), frozenset({2})}
    assert result.refused == 1


def test_accepted_pair_is_forced_together() -> None:
    left, right, weight = _edges([(0, 1, 1.0)])
    result = cluster(3, left, right, weight, threshold=5.0, must_link=[(0, 2)])
    assert _groups(result.labels) == {frozenset({0, 2}), frozenset({1})}


def test_accepted_pair_contradicting_a_rejection_is_not_merged() -> None:
    left, right, weight = _edges([(0, 1, 10.0)])
    result = cluster(
        3, left, right, weight, threshold=5.0, must_link=[(1, 2)], cannot_link=[(0, 2)]
    )
    assert result.conflicts == 0  # 1-2 merged first, then 0-1 refused
    assert _groups(result.labels) == {frozenset({1, 2}), frozenset({0})}
    assert result.refused == 1


def test_exclusive_nodes_never_share_a_cluster() -> None:
    left, right, weight = _edges([(0, 2, 10.0), (1, 2, 8.0)])
    result = cluster(3, left, right, weight, threshold=5.0, exclusive=[0, 1])
    assert _groups(result.labels) == {frozenset({0, 2}), frozenset({1})}


def test_giant_cluster_guard_breaks_weak_chains() -> None:
    # ten tight groups of 5 (weight 20) chained by weak links (weight 6)
    pairs = []
    for g in range(10):
        base = g * 5
        pairs += [(base + i, base + j, 20.0) for i in range(5) for j in range(i + 1, 5)]
        if g:
            pairs.append((base - 1, base, 6.0))
    left, right, weight = _edges(pairs)
    result = cluster(50, left, right, weight, threshold=5.0, max_size=10, step=2.0)
    sizes = sorted(len(g) for g in _groups(result.labels))
    assert sizes == [5] * 10
    assert result.broken == [50]


def test_guard_leaves_clusters_within_the_bound_alone() -> None:
    left, right, weight = _edges([(0, 1, 6.0), (1, 2, 6.0)])
    result = cluster(3, left, right, weight, threshold=5.0, max_size=3)
    assert _groups(result.labels) == {frozenset({0, 1, 2})}
    assert result.broken == []


def test_guard_keeps_a_densely_linked_large_person_whole() -> None:
    # one person with 30 records, every pair linked: over the bound, but not a chain
    pairs = [(i, j, 15.0) for i in range(30) for j in range(i + 1, 30)]
    left, right, weight = _edges(pairs)
    result = cluster(30, left, right, weight, threshold=5.0, max_size=10)
    assert _groups(result.labels) == {frozenset(range(30))}
    assert result.kept_dense == [30]
    assert result.broken == []
