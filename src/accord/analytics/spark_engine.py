"""Spark: the same pipeline for partnerships that outgrow one machine.

Each dataset's table is a Parquet directory under `warehouse` (a local path, HDFS or an
object store URI). Plain Parquet has no UPDATE or DELETE, which is why the shared pipeline is
written as "new table = SELECT over old table and delivery": `_replace` writes the result
beside the table and swaps it in with a Hadoop FileSystem rename, so readers never see half a
table. Tables are exposed to SQL as temporary views over the current directory.
"""

from __future__ import annotations

import uuid
from typing import Any

import pyarrow as pa  # type: ignore[import-untyped]

from accord.analytics.dialect import SPARK
from accord.analytics.engine import AnalyticsEngine


def local_session(app_name: str = "accord", *, memory: str = "1g", cores: int = 1) -> Any:
    """A small local Spark session (no UI, no network); for tests, demos and benchmarks."""
    from pyspark.sql import SparkSession

    return (
        SparkSession.builder.master(f"local[{cores}]")
        .appName(app_name)
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.driver.memory", memory)
        .config("spark.sql.shuffle.partitions", str(max(2, cores * 2)))
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.driver.bindAddress", "127.0.0.1")
        .config("spark.driver.host", "127.0.0.1")
        .config("spark.sql.execution.arrow.pyspark.enabled", "true")
        .getOrCreate()
    )


class SparkEngine(AnalyticsEngine):
    dialect = SPARK

    def __init__(self, spark: Any, warehouse: str) -> None:
        self.spark = spark
        self.warehouse = warehouse.rstrip("/")
        jvm = spark.sparkContext._jvm
        self._Path = jvm.org.apache.hadoop.fs.Path
        self._conf = spark.sparkContext._jsc.hadoopConfiguration()
        self._inputs: set[str] = set()

    # paths and the Hadoop filesystem they live on
    def _path(self, table: str) -> str:
        return f"{self.warehouse}/{table}"

    def _fs(self, path: str) -> Any:
        return self._Path(path).getFileSystem(self._conf)

    def _execute(self, sql: str) -> None:
        self.spark.sql(sql).collect()

    def _fetch(self, sql: str) -> pa.Table:
        return self.spark.sql(sql).toArrow()

    def _put_input(self, name: str, table: pa.Table) -> None:
        frame = self.spark.createDataFrame(table) if table.num_rows else self._empty(table.schema)
        frame.createOrReplaceTempView(name)
        self._inputs.add(name)

    def _empty(self, schema: pa.Schema) -> Any:
        from pyspark.sql.pandas.types import from_arrow_schema

        return self.spark.createDataFrame([], from_arrow_schema(schema))

    def _drop_input(self, name: str) -> None:
        self.spark.catalog.dropTempView(name)
        self._inputs.discard(name)

    def _exists(self, table: str) -> bool:
        path = self._path(table)
        return bool(self._fs(path).exists(self._Path(path)))

    def _ref(self, table: str) -> str:
        view = f"{table}__current"
        path = self._path(table)
        self.spark.catalog.refreshByPath(path)
        self.spark.read.parquet(path).createOrReplaceTempView(view)
        return self.dialect.quote(view)

    def _replace(self, table: str, select_sql: str) -> None:
        path = self._path(table)
        staged = f"{path}__next_{uuid.uuid4().hex[:8]}"
        self.spark.sql(select_sql).write.mode("error").parquet(staged)
        fs = self._fs(path)
        old = self._Path(f"{path}__old_{uuid.uuid4().hex[:8]}")
        existed = fs.exists(self._Path(path))
        if existed and not fs.rename(self._Path(path), old):
            raise OSError(f"could not move {path} aside")
        if not fs.rename(self._Path(staged), self._Path(path)):
            if existed:
                fs.rename(old, self._Path(path))
            raise OSError(f"could not swap in the new {path}")
        if existed:
            fs.delete(old, True)
        self.spark.catalog.refreshByPath(path)

    def _drop(self, table: str) -> None:
        path = self._path(table)
        self._fs(path).delete(self._Path(path), True)

    def close(self) -> None:
        for name in list(self._inputs):
            self._drop_input(name)
