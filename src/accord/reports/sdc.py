# SQL is built from register-defined field names (quoted by the dialect), numbers from the
# register's settings and date objects; run parameters reach the engine only as Arrow inputs.
# ruff: noqa: S608
"""Statistical disclosure control in the analytical engine.

The rules are those the secure research environments publish (ACRO/SACRO's defaults: a
minimum of 10 contributors per cell, the (n, k) dominance rule with n = 2, k = 0.9, the p%
ratio with p = 0.1, zeros disclosive where the data makes them telling), and the ONS practice
of rounding released counts and suppressing complementary cells so a suppressed cell cannot be
worked back from its row or column. Each step is a `@final` method of `Protector` written once
in portable SQL over the analytical engine's hooks (statements, inputs, materialised tables),
so the same definitions run on DuckDB and on Spark.

1. `_cells`: one row per cell: its contributors (distinct units: a person or a record), the
   rows it counts, each sum measure's total, its largest contributor, its `n` largest and its
   two largest (window functions per cell), and the smallest contribution (negatives fail).
2. `_primary`: a cell is suppressed when it has fewer contributors than the threshold (the
   stricter special-category threshold for a table broken down by a special category), when it
   is empty and zeros are disclosive, or when a sum is dominated ((n, k) or p%).
3. `_secondary`: while any line of the table (all cells sharing every breakdown but one) has
   exactly one suppressed cell, the smallest other cell of that line is suppressed as well.
4. `_released`: counts and sums rounded to the base (half up); totals are recomputed from the
   protected cells by the caller, never taken from the raw data.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import final

import pyarrow as pa  # type: ignore[import-untyped]

from accord.analytics.engine import AnalyticsEngine

SUPPRESSED = "suppressed"


@dataclass(frozen=True)
class Dimension:
    name: str  # the output column (the breakdown's field)
    sql: str  # an expression over the source row `s`, any type (cast to a label here)
    special: bool = False  # a special category (ethnicity, religion, sexual orientation ...)


@dataclass(frozen=True)
class SumMeasure:
    name: str
    sql: str  # a numeric expression over the source row `s`


@dataclass(frozen=True)
class Rules:
    min_cell: int = 10
    special_min_cell: int = 20
    rounding_base: int = 5
    zeros_disclosive: bool = False
    nk_n: int = 2
    nk_k: float = 0.9
    p: float = 0.1


@dataclass
class Cell:
    key: tuple[str, ...]
    contributors: int  # true, never released
    count: int | None  # released (rounded) or None when suppressed
    sums: dict[str, float | None]
    reason: str | None  # why it was suppressed: threshold, zero, dominance, secondary
    true_count: int = 0
    true_sums: dict[str, float] = field(default_factory=dict)


@dataclass
class Protected:
    dimensions: list[str]
    measures: list[str]  # sum measures, after the count
    cells: list[Cell]
    notes: list[str]
    outcome: str  # pass | review | fail
    threshold: int


@dataclass(frozen=True)
class Source:
    """The rows to protect: `table` names an engine table or input; `where` filters them."""

    table: str
    contributor: str  # expression naming a contributor (a person or a record) of row `s`
    where: str = "1 = 1"
    # Each row is its own contributor (e.g. a partner record): no grouping by contributor.
    one_row_each: bool = False
    # Counts count contributors (people), not rows (records).
    count_contributors: bool = False


class Protector:
    """Runs the disclosure-control steps on an analytical engine.

    The cells are computed where the rows are (`source_engine`); the later steps work on the
    cells alone, a table the size of the output, so they may run on a `work` engine of their
    own (an in-memory DuckDB beside a store on disk, say) with the same SQL."""

    def __init__(self, source_engine: AnalyticsEngine, work: AnalyticsEngine | None = None) -> None:
        self.source = source_engine
        self.engine = work or source_engine
        self.q = self.engine.dialect.quote
        self.string = source_engine.dialect.sql_type("string")

    @final
    def protect(
        self,
        source: Source,
        dimensions: Sequence[Dimension],
        sums: Sequence[SumMeasure],
        rules: Rules,
    ) -> Protected:
        if not dimensions:
            raise ValueError("a protected table needs at least one breakdown")
        work = f"report__work__{uuid.uuid4().hex}"
        special = [d.name for d in dimensions if d.special]
        threshold = max(rules.min_cell, rules.special_min_cell) if special else rules.min_cell
        try:
            cells_sql = self._cells(source, dimensions, sums, rules)
            if self.engine is self.source:
                self.engine._replace(work, cells_sql)
            else:
                staged = f"accord_cells_{uuid.uuid4().hex}"
                self.engine._put_input(staged, self.source._fetch(cells_sql))
                try:
                    self.engine._replace(work, f"SELECT * FROM {staged}")
                finally:
                    self.engine._drop_input(staged)
            self.engine._replace(work, self._coded(work, dimensions))
            negatives = self._negatives(work, sums)
            self.engine._replace(work, self._primary(work, dimensions, sums, rules, threshold))
            rounds = self._secondary(work, dimensions)
            table = self.engine._fetch(
                self._released(work, dimensions, sums, rules, source.count_contributors)
            )
        finally:
            self.engine._drop(work)
        cells = _cells_from(table, dimensions, sums)
        notes = _notes(cells, rules, threshold, special, sums, rounds)
        if negatives:
            notes.append(
                "Fail: negative values in " + ", ".join(negatives) + "; dominance rules "
                "cannot protect a total with negative contributions."
            )
        outcome = _outcome(cells, negatives)
        return Protected(
            dimensions=[d.name for d in dimensions],
            measures=[m.name for m in sums],
            cells=cells,
            notes=notes,
            outcome=outcome,
            threshold=threshold,
        )

    # --- the steps --------------------------------------------------------------------------

    @final
    def _cells(
        self,
        source: Source,
        dimensions: Sequence[Dimension],
        sums: Sequence[SumMeasure],
        rules: Rules,
    ) -> str:
        q = self.q
        dims = [q(f"d{i}") for i in range(len(dimensions))]
        label = "(not recorded)"
        base_cols = [
            f"COALESCE(CAST({d.sql} AS {self.string}), '{label}') AS {dims[i]}"
            for i, d in enumerate(dimensions)
        ]
        base_cols.append(f"CAST({source.contributor} AS {self.string}) AS {q('unit')}")
        base_cols += [
            f"CAST(COALESCE({m.sql}, 0) AS DOUBLE) AS {q(f'm{j}')}" for j, m in enumerate(sums)
        ]
        by = ", ".join(dims)
        if source.one_row_each:
            per_unit = [f"1 AS {q('rows')}"] + [q(f"m{j}") for j in range(len(sums))]
            per = f"per AS (SELECT {by}, {q('unit')}, {', '.join(per_unit)} FROM base),"
        else:
            per_unit = [f"COUNT(*) AS {q('rows')}"] + [
                f"SUM({q(f'm{j}')}) AS {q(f'm{j}')}" for j in range(len(sums))
            ]
            per = (
                f"per AS (SELECT {by}, {q('unit')}, {', '.join(per_unit)} FROM base"
                f" GROUP BY {by}, {q('unit')}),"
            )
        ranks = [
            f"ROW_NUMBER() OVER (PARTITION BY {by} ORDER BY {q(f'm{j}')} DESC,"
            f" {q('unit')}) AS {q(f'r{j}')}"
            for j in range(len(sums))
        ]
        n = int(rules.nk_n)
        cell_cols = [
            f"COUNT(*) AS {q('contributors')}",
            f"SUM({q('rows')}) AS {q('n')}",
        ]
        for j in range(len(sums)):
            m, r = q(f"m{j}"), q(f"r{j}")
            cell_cols += [
                f"SUM({m}) AS {m}",
                f"SUM(CASE WHEN {r} = 1 THEN {m} ELSE 0 END) AS {q(f'm{j}_top1')}",
                f"SUM(CASE WHEN {r} <= 2 THEN {m} ELSE 0 END) AS {q(f'm{j}_top2')}",
                f"SUM(CASE WHEN {r} <= {n} THEN {m} ELSE 0 END) AS {q(f'm{j}_topn')}",
                f"MIN({m}) AS {q(f'm{j}_min')}",
            ]
        ctes = (
            f"base AS (SELECT {', '.join(base_cols)} FROM {source.table} s"
            f" WHERE {source.where}),"
            f" {per}"
            f" ranked AS (SELECT per.*{''.join(', ' + r for r in ranks)} FROM per)"
        )
        cells = f"SELECT {by}, {', '.join(cell_cols)} FROM ranked GROUP BY {by}"
        if not rules.zeros_disclosive:
            return f"WITH {ctes} {cells}"
        # Every combination of the values seen, so an empty cell is a cell (and protected).
        grid = " CROSS JOIN ".join(
            f"(SELECT DISTINCT {d} FROM base) g{i}" for i, d in enumerate(dims)
        )
        zero_cols = [
            f"COALESCE(c.{q('contributors')}, 0) AS {q('contributors')}",
            f"COALESCE(c.{q('n')}, 0) AS {q('n')}",
        ]
        for j in range(len(sums)):
            zero_cols += [
                f"COALESCE(c.{q(f'm{j}{suffix}')}, 0) AS {q(f'm{j}{suffix}')}"
                for suffix in ("", "_top1", "_top2", "_topn", "_min")
            ]
        joined = " AND ".join(f"c.{d} = g.{d}" for d in dims)
        return (
            f"WITH {ctes}, c AS ({cells}), g AS (SELECT * FROM {grid})"
            f" SELECT {', '.join(f'g.{d}' for d in dims)}, {', '.join(zero_cols)}"
            f" FROM g LEFT JOIN c ON {joined}"
        )

    @final
    def _coded(self, work: str, dimensions: Sequence[Dimension]) -> str:
        """Number each cell, non-empty and smallest first: the order complementary cells are
        chosen in."""
        q = self.q
        dims = [q(f"d{i}") for i in range(len(dimensions))]
        cell = (
            f"ROW_NUMBER() OVER (ORDER BY CASE WHEN {q('contributors')} = 0 THEN 1 ELSE 0 END,"
            f" {q('contributors')}, {', '.join(dims)}) AS {q('cell')}"
        )
        return f"SELECT w.*, {cell} FROM {self.engine._ref(work)} w"

    @final
    def _negatives(self, work: str, sums: Sequence[SumMeasure]) -> list[str]:
        if not sums:
            return []
        q = self.q
        mins = ", ".join(f"MIN({q(f'm{j}_min')}) AS {q(f'm{j}')}" for j in range(len(sums)))
        row = self.engine._fetch(f"SELECT {mins} FROM {self.engine._ref(work)}").to_pylist()
        if not row:
            return []
        return [m.name for j, m in enumerate(sums) if (row[0][f"m{j}"] or 0) < 0]

    @final
    def _primary(
        self,
        work: str,
        dimensions: Sequence[Dimension],
        sums: Sequence[SumMeasure],
        rules: Rules,
        threshold: int,
    ) -> str:
        q = self.q
        contributors = q("contributors")
        cases = []
        if rules.zeros_disclosive:
            cases.append(f"WHEN {contributors} = 0 THEN 'zero'")
        cases.append(
            f"WHEN {contributors} > 0 AND {contributors} < {int(threshold)} THEN 'threshold'"
        )
        for j in range(len(sums)):
            m, top1, top2, topn = (q(f"m{j}{s}") for s in ("", "_top1", "_top2", "_topn"))
            if rules.zeros_disclosive:
                cases.append(f"WHEN {contributors} > 0 AND {m} <= 0 THEN 'zero'")
            # (n, k): the n largest make up more than k of the total
            cases.append(f"WHEN {m} > 0 AND {topn} > {float(rules.nk_k)} * {m} THEN 'dominance'")
            # p%: the rest, after the two largest, is less than p of the largest
            cases.append(
                f"WHEN {m} > 0 AND {top1} > 0 AND ({m} - {top2}) < {float(rules.p)} * {top1}"
                " THEN 'dominance'"
            )
        return (
            f"SELECT w.*, CASE {' '.join(cases)} ELSE NULL END AS {q('reason')}"
            f" FROM {self.engine._ref(work)} w"
        )

    @final
    def _secondary(self, work: str, dimensions: Sequence[Dimension]) -> int:
        """Complementary suppression until no line has a single suppressed cell; returns how
        many rounds it took. A round looks along each breakdown in turn: in each line (the
        cells sharing every other breakdown) holding exactly one suppressed cell, the first
        unsuppressed cell in order (non-empty, smallest) is suppressed too. Lines are grouped
        (hash aggregates, not sorted windows), and the picked cells marked by their number."""
        q = self.q
        codes = [q(f"d{i}") for i in range(len(dimensions))]
        reason, cell = q("reason"), q("cell")
        hidden = f"CASE WHEN {reason} IS NULL THEN 0 ELSE 1 END"
        keep = [q(c) for c in self._columns(work) if c != "reason"]
        steps = [f"l0 AS (SELECT {', '.join(keep)}, {reason} FROM {self.engine._ref(work)})"]
        for i in range(len(codes)):
            others = [c for k, c in enumerate(codes) if k != i]
            group = f" GROUP BY {', '.join(others)}" if others else ""
            steps.append(
                f"p{i} AS (SELECT MIN(CASE WHEN {reason} IS NULL THEN {cell} END) AS pick"
                f" FROM l{i}{group} HAVING SUM({hidden}) = 1),"
                f" l{i + 1} AS (SELECT {', '.join(keep)}, CASE WHEN {reason} IS NULL AND {cell} IN"
                f" (SELECT pick FROM p{i} WHERE pick IS NOT NULL) THEN 'secondary'"
                f" ELSE {reason} END AS {reason} FROM l{i})"
            )
        statement = f"WITH {', '.join(steps)} SELECT * FROM l{len(codes)}"
        rounds = 0
        before = self._suppressed(work)
        while True:
            self.engine._replace(work, statement)
            rounds += 1
            after = self._suppressed(work)
            if after == before:
                return rounds
            before = after

    @final
    def _released(
        self,
        work: str,
        dimensions: Sequence[Dimension],
        sums: Sequence[SumMeasure],
        rules: Rules,
        count_contributors: bool = False,
    ) -> str:
        q = self.q
        base = int(rules.rounding_base)
        counted = q("contributors") if count_contributors else q("n")
        dims = [q(f"d{i}") for i in range(len(dimensions))]

        def rounded(expr: str) -> str:
            return (
                f"CASE WHEN {q('reason')} IS NULL THEN"
                f" CAST(FLOOR(({expr}) / {base}.0 + 0.5) * {base} AS BIGINT) ELSE NULL END"
            )

        cols = [
            *dims,
            q("contributors"),
            q("reason"),
            f"{counted} AS {q('true_n')}",
            f"{rounded(counted)} AS {q('released_n')}",
        ]
        for j in range(len(sums)):
            m = q(f"m{j}")
            cols += [f"{m} AS {q(f'true_m{j}')}", f"{rounded(m)} AS {q(f'released_m{j}')}"]
        return f"SELECT {', '.join(cols)} FROM {self.engine._ref(work)} ORDER BY {', '.join(dims)}"

    # --- helpers ----------------------------------------------------------------------------

    def _suppressed(self, work: str) -> int:
        return self.engine._scalar(
            f"SELECT COUNT(*) FROM {self.engine._ref(work)} w WHERE w.{self.q('reason')} IS NOT NULL"
        )

    def _columns(self, work: str) -> list[str]:
        names: list[str] = self.engine._fetch(
            f"SELECT * FROM {self.engine._ref(work)} w LIMIT 0"
        ).column_names
        return names


def _cells_from(
    table: pa.Table, dimensions: Sequence[Dimension], sums: Sequence[SumMeasure]
) -> list[Cell]:
    """Cells from the released table, read column by column (a row at a time is slow)."""
    col = {name: table.column(name).to_pylist() for name in table.column_names}
    keys = zip(*(col[f"d{i}"] for i in range(len(dimensions))), strict=True)
    released = [col[f"released_m{j}"] for j in range(len(sums))]
    true = [col[f"true_m{j}"] for j in range(len(sums))]
    names = [m.name for m in sums]
    cells = []
    for r, key in enumerate(keys):
        count = col["released_n"][r]
        cells.append(
            Cell(
                key=tuple(str(k) for k in key),
                contributors=int(col["contributors"][r]),
                count=None if count is None else int(count),
                sums={
                    n: None if released[j][r] is None else float(released[j][r])
                    for j, n in enumerate(names)
                },
                reason=col["reason"][r],
                true_count=int(col["true_n"][r]),
                true_sums={n: float(true[j][r] or 0) for j, n in enumerate(names)},
            )
        )
    return cells


_WHY = {
    "threshold": "fewer than {threshold} people or records",
    "zero": "empty, and an empty cell is disclosive here",
    "dominance": "one or two contributors make up most of a total",
    "secondary": "suppressed as well, so the others cannot be worked out from the totals",
}


def _notes(
    cells: list[Cell],
    rules: Rules,
    threshold: int,
    special: list[str],
    sums: Sequence[SumMeasure],
    rounds: int,
) -> list[str]:
    notes = []
    if special:
        notes.append(
            f"Broken down by {', '.join(special)} (special category data): the stricter "
            f"minimum of {threshold} applies to every cell."
        )
    for reason, why in _WHY.items():
        hit = sum(1 for c in cells if c.reason == reason)
        if hit:
            notes.append(
                f"{hit} cell{'s' if hit != 1 else ''} suppressed: "
                + why.format(threshold=threshold)
                + "."
            )
    if sums:
        notes.append(
            f"Sums checked for dominance: the {rules.nk_n} largest contributors may not exceed "
            f"{rules.nk_k:.0%} of a cell's total, and what remains after the two largest must be "
            f"at least {rules.p:.0%} of the largest."
        )
    if rules.rounding_base > 1:
        notes.append(
            f"Published numbers are rounded to the nearest {rules.rounding_base}; totals are the "
            "sums of the published cells, so they may differ from the sum of the true figures."
        )
    del rounds
    return notes


def _outcome(cells: list[Cell], negatives: list[str]) -> str:
    """pass: released as it is; review: cells were suppressed, so an output checker looks
    before release (as SACRO's checkers do); fail: nothing safe to release."""
    if negatives or not cells or all(c.reason is not None for c in cells):
        return "fail"
    if any(c.reason is not None for c in cells):
        return "review"
    return "pass"
