"""Turn scored pairs into clusters of records (one cluster = one person).

Edges at or above the threshold are merged strongest first (union-find), so:
- accepted review decisions (must-link) are merged before any scored edge;
- rejected ones (cannot-link) are never crossed: a merge that would put two records of a
  rejected pair in one cluster is refused, whatever path would have joined them;
- the giant-cluster guard re-clusters any cluster over `max_size` records using only its own
  edges at a stricter threshold (+`step` match weight each time) until every part fits, so
  chains of weak links cannot grow one "person" without bound as data grows.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np


@dataclass
class ClusterResult:
    labels: np.ndarray  # cluster label (a representative record index) per record
    broken: list[int] = field(default_factory=list)  # sizes of clusters the guard broke up
    kept_dense: list[int] = field(default_factory=list)  # over the bound but densely linked
    conflicts: int = 0  # accepted pairs that contradicted a rejected pair (left unmerged)
    refused: int = 0  # scored merges refused because of a rejected pair


class _UnionFind:
    def __init__(self, n: int, exclusive: Iterable[int] = ()) -> None:
        self.parent = list(range(n))
        self.size = [1] * n
        self.forbidden: dict[int, set[int]] = {}  # root -> records it may never join
        # roots holding an exclusive node (an existing person in an incremental run)
        self.exclusive = {x: True for x in exclusive}

    def find(self, x: int) -> int:
        parent = self.parent
        root = x
        while parent[root] != root:
            root = parent[root]
        while parent[x] != root:
            parent[x], x = root, parent[x]
        return root

    def forbid(self, a: int, b: int) -> None:
        self.forbidden.setdefault(self.find(a), set()).add(b)
        self.forbidden.setdefault(self.find(b), set()).add(a)

    def allowed(self, ra: int, rb: int) -> bool:
        if ra in self.exclusive and rb in self.exclusive:
            return False
        for root, other in ((ra, rb), (rb, ra)):
            if any(self.find(x) == other for x in self.forbidden.get(root, ())):
                return False
        return True

    def union(self, ra: int, rb: int) -> None:
        if self.size[ra] < self.size[rb]:
            ra, rb = rb, ra
        self.parent[rb] = ra
        self.size[ra] += self.size[rb]
        if self.exclusive.pop(rb, False):
            self.exclusive[ra] = True
        moved = self.forbidden.pop(rb, None)
        if moved:
            self.forbidden.setdefault(ra, set()).update(moved)


def _greedy(
    n: int,
    left: np.ndarray,
    right: np.ndarray,
    must: Iterable[tuple[int, int]],
    cannot: Iterable[tuple[int, int]],
    result: ClusterResult,
    exclusive: Iterable[int] = (),
) -> _UnionFind:
    uf = _UnionFind(n, exclusive)
    for a, b in cannot:
        uf.forbid(a, b)
    for a, b in must:
        ra, rb = uf.find(a), uf.find(b)
        if ra == rb:
            continue
        if uf.allowed(ra, rb):
            uf.union(ra, rb)
        else:
            result.conflicts += 1
    checking = bool(uf.forbidden) or bool(uf.exclusive)
    for a, b in zip(left.tolist(), right.tolist(), strict=True):
        ra, rb = uf.find(a), uf.find(b)
        if ra == rb:
            continue
        if checking and not uf.allowed(ra, rb):
            result.refused += 1
            continue
        uf.union(ra, rb)
    return uf


def cluster(
    n: int,
    left: np.ndarray,
    right: np.ndarray,
    weight: np.ndarray,
    *,
    threshold: float,
    must_link: Sequence[tuple[int, int]] = (),
    cannot_link: Sequence[tuple[int, int]] = (),
    max_size: int = 50,
    step: float = 2.0,
    exclusive: Sequence[int] = (),
    min_density: float = 0.3,
) -> ClusterResult:
    """Cluster `n` records (0..n-1) from edges (left[i], right[i], weight[i]) in match weight.

    No cluster may hold two of the `exclusive` nodes (incremental runs: existing people).
    """
    keep = weight >= threshold
    order = np.argsort(-weight[keep], kind="stable")
    left, right, weight = left[keep][order], right[keep][order], weight[keep][order]
    result = ClusterResult(labels=np.arange(n))
    must = np.array(list(must_link), dtype=np.int64).reshape(-1, 2)
    labels = components(n, np.concatenate([left, must[:, 0]]), np.concatenate([right, must[:, 1]]))
    # Only components that hold a rejected pair or two exclusive nodes need the careful,
    # strongest-first merge; everything else is plain connected components (vectorised).
    cannot = np.array(list(cannot_link), dtype=np.int64).reshape(-1, 2)
    troubled = set(labels[cannot[:, 0]][labels[cannot[:, 0]] == labels[cannot[:, 1]]].tolist())
    if len(exclusive):
        owners, counts = np.unique(labels[np.asarray(exclusive)], return_counts=True)
        troubled |= set(owners[counts > 1].tolist())
    if troubled:
        members = np.flatnonzero(np.isin(labels, list(troubled)))
        local = np.full(n, -1, dtype=np.int64)
        local[members] = np.arange(len(members))
        inside = local[left] >= 0
        sub_must = [(int(local[a]), int(local[b])) for a, b in must.tolist() if local[a] >= 0]
        sub_cannot = [
            (int(local[a]), int(local[b]))
            for a, b in cannot.tolist()
            if local[a] >= 0 and local[b] >= 0
        ]
        sub_exclusive = [int(local[x]) for x in exclusive if local[x] >= 0]
        uf = _greedy(
            len(members),
            local[left[inside]],
            local[right[inside]],
            sub_must,
            sub_cannot,
            result,
            sub_exclusive,
        )
        roots = np.fromiter((uf.find(i) for i in range(len(members))), np.int64, len(members))
        labels[members] = members[roots]
    result.labels = labels
    sizes = np.bincount(labels, minlength=n)
    internal = labels[left] == labels[right]
    edge_counts = np.bincount(labels[left][internal], minlength=n)
    for root in np.flatnonzero(sizes > max_size).tolist():
        if _density(int(edge_counts[root]), int(sizes[root])) >= min_density:
            # one prolific person's records link to each other; a chain of people does not
            result.kept_dense.append(int(sizes[root]))
            continue
        _break_up(
            result,
            root,
            (left, right, weight),
            (must_link, cannot_link, exclusive),
            threshold,
            max_size,
            step,
            min_density,
        )
    return result


def _density(edges: int, size: int) -> float:
    return edges / (size * (size - 1) / 2) if size > 1 else 1.0


def components(n: int, left: np.ndarray, right: np.ndarray) -> np.ndarray:
    """Connected components of n nodes: each node's label is the smallest node in its component.

    Vectorised hooking and pointer jumping: a few passes over the edge arrays, so millions of
    edges take seconds, not a Python loop per edge.
    """
    labels = np.arange(n, dtype=np.int64)
    if len(left) == 0:
        return labels
    while True:
        ll, lr = labels[left], labels[right]
        low = np.minimum(ll, lr)
        before = labels.copy()
        np.minimum.at(labels, ll, low)
        np.minimum.at(labels, lr, low)
        while True:
            jumped = labels[labels]
            if np.array_equal(jumped, labels):
                break
            labels = jumped
        if np.array_equal(labels, before):
            return labels


def _break_up(
    result: ClusterResult,
    root: int,
    edges: tuple[np.ndarray, np.ndarray, np.ndarray],
    constraints: tuple[Sequence[tuple[int, int]], Sequence[tuple[int, int]], Sequence[int]],
    threshold: float,
    max_size: int,
    step: float,
    min_density: float,
) -> None:
    left, right, weight = edges
    must_link, cannot_link, exclusive = constraints
    members = np.flatnonzero(result.labels == root)
    result.broken.append(len(members))
    local = {int(m): i for i, m in enumerate(members.tolist())}
    inside = np.isin(left, members) & np.isin(right, members)
    sub_left = np.array([local[int(x)] for x in left[inside].tolist()], dtype=np.int64)
    sub_right = np.array([local[int(x)] for x in right[inside].tolist()], dtype=np.int64)
    sub_weight = weight[inside]
    must = [(local[a], local[b]) for a, b in must_link if a in local and b in local]
    cannot = [(local[a], local[b]) for a, b in cannot_link if a in local and b in local]
    sub_exclusive = [local[x] for x in exclusive if x in local]
    pending = [np.arange(len(members))]
    current = threshold
    top = float(sub_weight.max()) if len(sub_weight) else threshold
    while pending:
        current += step
        strict = sub_weight >= current
        scratch = ClusterResult(labels=np.arange(len(members)))
        uf = _greedy(
            len(members), sub_left[strict], sub_right[strict], must, cannot, scratch, sub_exclusive
        )
        labels = np.fromiter((uf.find(i) for i in range(len(members))), np.int64, len(members))
        still: list[np.ndarray] = []
        strict_left, strict_right = sub_left[strict], sub_right[strict]
        for part in pending:
            for label in np.unique(labels[part]).tolist():
                group = part[labels[part] == label]
                if len(group) > max_size:
                    inside_group = np.zeros(len(members), dtype=bool)
                    inside_group[group] = True
                    links = int((inside_group[strict_left] & inside_group[strict_right]).sum())
                    if _density(links, len(group)) >= min_density:
                        result.kept_dense.append(len(group))
                        result.labels[members[group]] = int(members[group].min())
                        continue
                if len(group) > max_size and current <= top:
                    still.append(group)
                else:
                    # a part that cannot be split by weight any more becomes single records
                    groups = [group] if len(group) <= max_size else [np.array([g]) for g in group]
                    for chunk in groups:
                        result.labels[members[chunk]] = int(members[chunk].min())
        pending = still
