# SQL is built from register-defined column names (quoted by the dialect) and date objects,
# never from delivered values, which reach the engine only as registered Arrow inputs.
# ruff: noqa: S608
"""One pipeline over every analytical engine, after Splink's shape: the shared steps are
`@final` methods written once in portable SQL; each engine supplies a few small hooks (run a
statement, fetch a result, register an input, materialise a table) and a dialect.

Every change is expressed as "the new table is this SELECT over the old table and the
delivery", then materialised by the engine's `_replace` hook. That one shape covers snapshot
replacement (rows absent from the snapshot go), delta application (inserts, updates and
deletions by key) and the lookback sweep, and runs unchanged on DuckDB and on Spark, where
plain Parquet tables have no UPDATE or DELETE. Unchanged rows keep their original lineage.

A delivery applied under a batch id first keeps an undo table (`<table>__undo__<batch>`) of
every stored row the delivery removes or replaces. Rows the delivery writes carry that batch
id, so `rollback` restores the table exactly (drop the batch's rows and the undone ids, put
the undo rows back), whether the delivery's change was made or not; it is safe to repeat.
The caller drops the undo table with `discard_undo` once the batch is committed elsewhere.
"""

from __future__ import annotations

import uuid
from abc import ABC, abstractmethod
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import final

import pyarrow as pa  # type: ignore[import-untyped]

from accord.analytics.dialect import Dialect
from accord.analytics.tables import TableSpec
from accord.store.faults import checkpoint

INCOMING = "accord_incoming"
DELETES = "accord_deletes"


def undo_table(table: str, batch_id: str) -> str:
    """The undo table of one batch's change to `table` (the id is checked: it reaches SQL)."""
    return f"{table}__undo__{uuid.UUID(batch_id).hex}"


@dataclass(frozen=True)
class ApplyCounts:
    inserted: int
    updated: int
    unchanged: int
    deleted: int  # records removed from the table (absent from a snapshot, deleted, expired)


class AnalyticsEngine(ABC):
    dialect: Dialect

    # --- hooks -----------------------------------------------------------------------------

    @abstractmethod
    def _execute(self, sql: str) -> None: ...

    @abstractmethod
    def _fetch(self, sql: str) -> pa.Table: ...

    @abstractmethod
    def _put_input(self, name: str, table: pa.Table) -> None:
        """Make an Arrow table queryable under `name` for the next statements."""

    @abstractmethod
    def _drop_input(self, name: str) -> None: ...

    @abstractmethod
    def _exists(self, table: str) -> bool: ...

    @abstractmethod
    def _ref(self, table: str) -> str:
        """SQL that names the stored table in a FROM clause."""

    @abstractmethod
    def _replace(self, table: str, select_sql: str) -> None:
        """Materialise `select_sql` as `table`, safely even when it reads `table` itself."""

    @abstractmethod
    def _drop(self, table: str) -> None: ...

    @abstractmethod
    def close(self) -> None: ...

    # --- the shared pipeline ---------------------------------------------------------------

    @final
    def ensure(self, spec: TableSpec) -> None:
        """Create the dataset's table, empty, if it is not there yet."""
        if not self._exists(spec.name):
            self._put_input(INCOMING, spec.arrow_schema().empty_table())
            try:
                self._replace(spec.name, f"SELECT {self._cols(spec)} FROM {INCOMING}")
            finally:
                self._drop_input(INCOMING)

    @final
    def apply(
        self,
        spec: TableSpec,
        incoming: pa.Table,
        *,
        snapshot: bool,
        deletes: Sequence[str] = (),
        cutoff: date | None = None,
        batch_id: str | None = None,
    ) -> ApplyCounts:
        """Apply one delivery: `incoming` rows (spec's columns) are upserted by record_id
        (unchanged digests are left alone); with `snapshot`, stored rows absent from it are
        deleted; `deletes` are record ids to delete; rows dated before `cutoff` go too.

        With `batch_id` (the `_batch_id` of every incoming row) the rows it removes or
        replaces are first kept in the batch's undo table, so `rollback` can undo it."""
        self.ensure(spec)
        q = self.dialect.quote
        self._put_input(INCOMING, incoming.select(spec.column_names).cast(spec.arrow_schema()))
        self._put_input(DELETES, pa.table({"record_id": pa.array(list(deletes), pa.string())}))
        try:
            t = self._ref(spec.name)
            changes = self._fetch(
                f"SELECT"
                f" SUM(CASE WHEN t.record_id IS NULL THEN 1 ELSE 0 END) AS inserted,"
                f" SUM(CASE WHEN t.record_id IS NOT NULL AND t.{q('_row_digest')} <> i.{q('_row_digest')}"
                f" THEN 1 ELSE 0 END) AS updated,"
                f" SUM(CASE WHEN t.{q('_row_digest')} = i.{q('_row_digest')} THEN 1 ELSE 0 END) AS unchanged"
                f" FROM {INCOMING} i LEFT JOIN {t} t ON t.record_id = i.record_id"
            ).to_pylist()[0]
            removed = self._removal(spec, snapshot=snapshot, cutoff=cutoff)
            deleted = self._scalar(f"SELECT COUNT(*) FROM {t} t WHERE {removed}")
            keep = (
                f"NOT ({removed}) AND NOT EXISTS (SELECT 1 FROM {INCOMING} i"
                f" WHERE i.record_id = t.record_id AND i.{q('_row_digest')} <> t.{q('_row_digest')})"
            )
            add = (
                f"SELECT {self._cols(spec, 'i')} FROM {INCOMING} i WHERE NOT EXISTS"
                f" (SELECT 1 FROM {t} t WHERE t.record_id = i.record_id"
                f" AND t.{q('_row_digest')} = i.{q('_row_digest')})"
            )
            if batch_id is not None:
                self._replace(
                    undo_table(spec.name, batch_id),
                    f"SELECT {self._cols(spec, 't')} FROM {t} t WHERE NOT ({keep})",
                )
                checkpoint("analytics.apply.after-undo")
            self._merge(spec, keep, add)
        finally:
            self._drop_input(INCOMING)
            self._drop_input(DELETES)
        return ApplyCounts(
            inserted=int(changes["inserted"] or 0),
            updated=int(changes["updated"] or 0),
            unchanged=int(changes["unchanged"] or 0),
            deleted=deleted,
        )

    @final
    def rollback(self, table: str, batch_id: str) -> bool:
        """Undo batch `batch_id`'s change to `table` from its undo table, then drop that;
        False when there is nothing to undo (no undo table: the change never started)."""
        undo = undo_table(table, batch_id)
        if not self._exists(undo):
            return False
        if self._exists(table):
            q = self.dialect.quote
            t, u = self._ref(table), self._ref(undo)
            batch, literal = q("_batch_id"), str(uuid.UUID(batch_id))
            self._replace(
                table,
                f"SELECT t.* FROM {t} t WHERE (t.{batch} IS NULL OR t.{batch} <> '{literal}')"
                f" AND NOT EXISTS (SELECT 1 FROM {u} u WHERE u.record_id = t.record_id)"
                f" UNION ALL SELECT u.* FROM {u} u",
            )
        self._drop(undo)
        return True

    @final
    def discard_undo(self, table: str, batch_id: str) -> None:
        """Forget batch `batch_id`'s undo table: its change is kept for good."""
        undo = undo_table(table, batch_id)
        if self._exists(undo):
            self._drop(undo)

    @final
    def sweep(self, spec: TableSpec, cutoff: date) -> int:
        """Remove rows dated before `cutoff` (the lookback window); returns how many."""
        if spec.date_column is None or not self._exists(spec.name):
            return 0
        t = self._ref(spec.name)
        expired = self._expired(spec, cutoff)
        removed = self._scalar(f"SELECT COUNT(*) FROM {t} t WHERE {expired}")
        if removed:
            self._replace(
                spec.name, f"SELECT {self._cols(spec, 't')} FROM {t} t WHERE NOT ({expired})"
            )
        return removed

    @final
    def count(self, spec: TableSpec) -> int:
        if not self._exists(spec.name):
            return 0
        return self._scalar(f"SELECT COUNT(*) FROM {self._ref(spec.name)} t")

    @final
    def read(self, spec: TableSpec, columns: Sequence[str] | None = None) -> pa.Table:
        """The stored rows ordered by record_id (empty table with the schema if none)."""
        if not self._exists(spec.name):
            return spec.arrow_schema().empty_table()
        names = list(columns) if columns else spec.column_names
        cols = ", ".join(f"t.{self.dialect.quote(c)}" for c in names)
        return self._fetch(f"SELECT {cols} FROM {self._ref(spec.name)} t ORDER BY t.record_id")

    @final
    def aggregate(self, spec: TableSpec, by: Sequence[str]) -> pa.Table:
        """Row counts grouped by attribute columns (for aggregate reports)."""
        if not by:
            raise ValueError("aggregate needs at least one column to group by")
        unknown = [c for c in by if c not in spec.column_names]
        if unknown:
            raise ValueError(f"{spec.name} has no column(s) {', '.join(unknown)}")
        cols = ", ".join(f"t.{self.dialect.quote(c)}" for c in by)
        return self._fetch(
            f"SELECT {cols}, COUNT(*) AS n FROM {self._ref(spec.name)} t"
            f" GROUP BY {cols} ORDER BY {cols}"
        )

    @final
    def drop(self, spec: TableSpec) -> None:
        if self._exists(spec.name):
            self._drop(spec.name)

    def _merge(self, spec: TableSpec, keep: str, add: str) -> None:
        """Keep the stored rows `t` matching `keep`, then add the rows `add` selects.

        The portable form rewrites the table (all Spark's Parquet tables allow); an engine
        with in-place DELETE and INSERT may override it, with the same result."""
        t = self._ref(spec.name)
        self._replace(
            spec.name, f"SELECT {self._cols(spec, 't')} FROM {t} t WHERE {keep} UNION ALL {add}"
        )

    # --- helpers ---------------------------------------------------------------------------

    def _cols(self, spec: TableSpec, alias: str | None = None) -> str:
        prefix = f"{alias}." if alias else ""
        return ", ".join(prefix + self.dialect.quote(c) for c in spec.column_names)

    def _scalar(self, sql: str) -> int:
        value = self._fetch(sql).column(0)[0].as_py()
        return int(value or 0)

    def _expired(self, spec: TableSpec, cutoff: date | None) -> str:
        if spec.date_column is None or cutoff is None:
            return "1 = 0"
        column = f"t.{self.dialect.quote(spec.date_column)}"
        return f"({column} IS NOT NULL AND {column} < {self.dialect.date_literal(cutoff)})"

    def _removal(self, spec: TableSpec, *, snapshot: bool, cutoff: date | None) -> str:
        """The condition on a stored row `t` that removes it in this delivery."""
        parts = [self._expired(spec, cutoff)]
        parts.append(f"EXISTS (SELECT 1 FROM {DELETES} d WHERE d.record_id = t.record_id)")
        if snapshot:
            parts.append(f"NOT EXISTS (SELECT 1 FROM {INCOMING} i WHERE i.record_id = t.record_id)")
        return " OR ".join(parts)
