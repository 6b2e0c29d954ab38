"""The carry-over rule for person ids between runs."""

from __future__ import annotations

import itertools

import pandas as pd

from accord.linkage.stable_ids import carry_over, stability


def _ids(prefix: str = "N") -> object:
    counter = itertools.count(1)
    return lambda: f"{prefix}{next(counter)}"


def _series(mapping: dict[str, object]) -> pd.Series:
    return pd.Series(mapping, dtype="object")


def test_unchanged_clusters_keep_their_ids() -> None:
    previous = _series({"a": "P1", "b": "P1", "c": "P2"})
    clusters = _series({"a": 7, "b": 7, "c": 9})
    assert carry_over(clusters, previous, new_id=_ids()).to_dict() == previous.to_dict()


def test_new_cluster_gets_a_new_id_and_new_record_joins_existing() -> None:
    previous = _series({"a": "P1", "b": "P1"})
    clusters = _series({"a": 1, "b": 1, "c": 1, "d": 2})
    out = carry_over(clusters, previous, new_id=_ids())
    assert out.to_dict() == {"a": "P1", "b": "P1", "c": "P1", "d": "N1"}


def test_split_keeps_the_id_for_the_larger_part() -> None:
    previous = _series({"a": "P1", "b": "P1", "c": "P1"})
    clusters = _series({"a": 1, "b": 1, "c": 2})
    out = carry_over(clusters, previous, new_id=_ids())
    assert out.to_dict() == {"a": "P1", "b": "P1", "c": "N1"}


def test_merge_keeps_the_id_with_the_largest_overlap() -> None:
    previous = _series({"a": "P1", "b": "P2", "c": "P2"})
    clusters = _series({"a": 1, "b": 1, "c": 1})
    assert set(carry_over(clusters, previous, new_id=_ids())) == {"P2"}


def test_ties_resolve_the_same_way_whatever_the_row_order() -> None:
    previous = _series({"a": "P2", "b": "P1"})
    clusters = _series({"a": 1, "b": 1})
    forward = carry_over(clusters, previous, new_id=_ids())
    backward = carry_over(clusters.iloc[::-1], previous.iloc[::-1], new_id=_ids())
    assert set(forward) == set(backward) == {"P1"}


def test_stability_counts_records_present_in_both_runs() -> None:
    before = _series({"a": "P1", "b": "P1", "c": "P2", "d": "P3"})
    after = _series({"a": "P1", "b": "P1", "c": "P9", "e": "P4"})
    assert stability(before, after) == 2 / 3
