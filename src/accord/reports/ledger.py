"""The release ledger's differencing check.

Every released cell counts the records of one set: the report's source and record types, the
run's period and filters, and the cell's own breakdown values. When one released cell's set
holds another's (nested areas, a longer period, one more category), subtracting the two
counts gives the people in the difference; if that is between 1 and the threshold, the pair
identifies a small group as surely as an unsuppressed small cell would. A new release is
checked against every release before it from the same source, in both directions (a larger
cell less all the other release's cells it holds), on the true counts behind the published
ones; the first release it would expose is named.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

Constraint = tuple[str, Any]  # ("in", frozenset of raw values) | ("eq", (encoding, value))


@dataclass(frozen=True)
class CellSet:
    source: str
    record_types: frozenset[str]
    period: tuple[str | None, str | None]  # inclusive ISO dates on `date_field`
    date_field: str | None
    constraints: Mapping[str, tuple[Constraint, ...]]
    count: int
    label: str  # how a person would name the cell, e.g. "lsoa = E01, quarter 2025-Q1"


def cell_sets(scope: Mapping[str, Any], entries: Iterable[Mapping[str, Any]]) -> list[CellSet]:
    """The sets of a run's released cells, from its scope and its ledger entries."""
    out = []
    dims = scope["dimensions"]
    for entry in entries:
        constraints: dict[str, list[Constraint]] = {}
        for field, values in scope.get("filters", {}).items():
            constraints.setdefault(field, []).append(("in", frozenset(values)))
        parts = []
        for dim, value in zip(dims, entry["key"], strict=True):
            constraints.setdefault(dim["field"], []).append(("eq", (dim["encoding"], value)))
            parts.append(f"{dim['field']} = {value}")
        out.append(
            CellSet(
                source=scope["source"],
                record_types=frozenset(scope["record_types"]),
                period=(scope.get("period_from"), scope.get("period_to")),
                date_field=scope.get("date_field"),
                constraints={k: tuple(v) for k, v in constraints.items()},
                count=int(entry["count"]),
                label=", ".join(parts),
            )
        )
    return out


def contains(x: CellSet, y: CellSet) -> bool | None:
    """Whether every record of `y` is in `x` (True), not necessarily (False), or the two
    cannot be compared (None: a field grouped differently in each)."""
    if x.source != y.source or not y.record_types <= x.record_types:
        return False
    dated = x.date_field is not None or y.date_field is not None
    if dated and not _within(y.period, x.period):
        return False
    for field, xs in x.constraints.items():
        ys = y.constraints.get(field, ())
        for kind, value in xs:
            if kind == "in":
                allowed: frozenset[Any] = value
                if not any(
                    (k == "in" and v <= allowed)
                    or (k == "eq" and v[0] == "plain" and v[1] in allowed)
                    for k, v in ys
                ):
                    return False
            else:
                encoding, wanted = value
                same = [v for k, v in ys if k == "eq" and v[0] == encoding]
                if same:
                    if wanted not in {v[1] for v in same}:
                        return False
                elif any(k == "eq" for k, _ in ys):
                    return None
                elif encoding == "plain" and any(k == "in" and v == {wanted} for k, v in ys):
                    continue
                else:
                    return False
    return True


def _within(inner: tuple[str | None, str | None], outer: tuple[str | None, str | None]) -> bool:
    lo_in, hi_in = inner
    lo_out, hi_out = outer
    if lo_out is not None and (lo_in is None or lo_in < lo_out):
        return False
    return not (hi_out is not None and (hi_in is None or hi_in > hi_out))


@dataclass(frozen=True)
class Exposure:
    new: CellSet
    earlier: CellSet


def exposure(new: list[CellSet], earlier: list[CellSet], threshold: int) -> Exposure | None:
    """The first cell of one release (new or earlier) that, less the cells of the other
    release it holds, leaves a group of 1 to `threshold - 1` records; None when there is none.

    The cells of one release are disjoint, so an attacker can subtract all those a larger cell
    holds at once: the smallest remainder is the one to check (any fewer cells leave at least
    one released cell more, which is never below the threshold)."""
    for bigs, smalls, big_is_new in ((new, earlier, True), (earlier, new, False)):
        for big in bigs:
            inside = [small for small in smalls if contains(big, small)]
            if not inside:
                continue
            gap = big.count - sum(small.count for small in inside)
            if 0 < gap < threshold:
                if big_is_new:
                    return Exposure(new=big, earlier=inside[0])
                return Exposure(new=inside[0], earlier=big)
    return None
