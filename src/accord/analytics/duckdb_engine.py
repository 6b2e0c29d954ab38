# Statements combine register-defined names (quoted) with SQL built by the shared pipeline.
# ruff: noqa: S608
"""DuckDB: the embedded default, one file at settings.analytics_path."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa  # type: ignore[import-untyped]

from accord.analytics.dialect import DUCKDB
from accord.analytics.engine import AnalyticsEngine
from accord.analytics.lock import AnalyticsBusy
from accord.analytics.tables import TableSpec


def _connect(path: str, wait: float) -> Any:
    """Open the file, waiting up to `wait` seconds while another process holds it (DuckDB
    allows one writing process per file); then give up with AnalyticsBusy."""
    deadline = time.monotonic() + wait
    while True:
        try:
            return duckdb.connect(path)
        except duckdb.IOException as exc:
            if "lock" not in str(exc).lower():
                raise
            if time.monotonic() >= deadline:
                raise AnalyticsBusy(path, wait) from exc
            time.sleep(0.1)


class DuckDBEngine(AnalyticsEngine):
    dialect = DUCKDB

    def __init__(
        self, path: Path | str = ":memory:", *, threads: int | None = None, wait: float = 0.0
    ) -> None:
        if isinstance(path, Path):
            path.parent.mkdir(parents=True, exist_ok=True)
        self.path = str(path)
        self._con: Any = _connect(self.path, wait)
        if threads:
            self._execute(f"SET threads = {int(threads)}")

    def _execute(self, sql: str) -> None:
        # DuckDB 2 refuses register() while a result is unconsumed: always drain.
        self._con.execute(sql).fetchall()

    def _fetch(self, sql: str) -> pa.Table:
        return self._con.sql(sql).to_arrow_table()

    def _put_input(self, name: str, table: pa.Table) -> None:
        self._con.register(name, table)

    def _drop_input(self, name: str) -> None:
        self._con.unregister(name)

    def _exists(self, table: str) -> bool:
        rows = self._con.execute(
            "SELECT COUNT(*) FROM information_schema.tables WHERE table_name = ?", [table]
        ).fetchall()
        return bool(rows[0][0])

    def _ref(self, table: str) -> str:
        return self.dialect.quote(table)

    def _replace(self, table: str, select_sql: str) -> None:
        q = self.dialect.quote
        staged = f"{table}__next"
        self._execute("BEGIN TRANSACTION")
        try:
            self._execute(f"CREATE OR REPLACE TABLE {q(staged)} AS {select_sql}")
            self._execute(f"DROP TABLE IF EXISTS {q(table)}")
            self._execute(f"ALTER TABLE {q(staged)} RENAME TO {q(table)}")
            self._execute("COMMIT")
        except Exception:
            self._execute("ROLLBACK")
            raise

    def _merge(self, spec: TableSpec, keep: str, add: str) -> None:
        # In place: a 10,000-row delta should not rewrite a million-row table.
        q = self.dialect.quote
        table = q(spec.name)
        self._execute("BEGIN TRANSACTION")
        try:
            self._execute(f"CREATE OR REPLACE TEMP TABLE accord_add AS {add}")
            self._execute(f"DELETE FROM {table} t WHERE NOT ({keep})")
            self._execute(f"INSERT INTO {table} SELECT * FROM accord_add")
            self._execute("DROP TABLE accord_add")
            self._execute("COMMIT")
        except Exception:
            self._execute("ROLLBACK")
            raise

    def _drop(self, table: str) -> None:
        self._execute(f"DROP TABLE IF EXISTS {self.dialect.quote(table)}")

    def close(self) -> None:
        self._con.close()
