"""Engine hooks: the Splink database API for DuckDB (default) or Spark, built on demand.

The rest of the linkage code only registers pandas frames, runs Splink and reads results back
as pandas, so an engine is just these few hooks. Spark needs Splink's similarity-UDF jar
(jaro_winkler etc.), which ships inside the splink package; we put it on the session's
classpath.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import Any, Literal

import pandas as pd

EngineName = Literal["duckdb", "spark"]


@dataclass
class Engine:
    name: EngineName
    db_api: Any  # splink DatabaseAPI (DuckDBAPI or SparkAPI)
    _owned: list[Any] = field(default_factory=list)

    def register(self, frame: pd.DataFrame, name: str) -> Any:
        """Register a pandas frame under a name unique to this call; returns a
        SplinkDataFrame. A Spark session outlives runs (and may be a cluster's, shared), so
        a fixed name would collide with the last run's table."""
        return self.db_api.register(frame, table_name=f"{name}_{uuid.uuid4().hex[:12]}")

    def close(self) -> None:
        for resource in self._owned:
            resource.close() if hasattr(resource, "close") else resource.stop()
        self._owned.clear()


def duckdb_engine(*, memory_limit: str | None = None, threads: int | None = None) -> Engine:
    import duckdb
    from splink import DuckDBAPI

    connection = duckdb.connect(":memory:")
    if memory_limit:
        connection.execute(f"SET memory_limit = '{memory_limit}'")
    if threads:
        connection.execute(f"SET threads = {int(threads)}")
    connection.execute("SET preserve_insertion_order = false")
    return Engine("duckdb", DuckDBAPI(connection), [connection])


def spark_session(*, app_name: str = "accord-linkage", cores: int = 2, memory: str = "4g") -> Any:
    """A local Spark session with Splink's similarity jar on the classpath."""
    from pyspark.sql import SparkSession
    from splink.backends.spark import similarity_jar_location

    return (
        SparkSession.builder.master(f"local[{cores}]")
        .appName(app_name)
        .config("spark.jars", similarity_jar_location())
        # Spark's 1 GB default driver runs out of heap writing Splink's pair tables locally
        .config("spark.driver.memory", memory)
        # small partition counts: on one machine, scheduling many tiny tasks costs more than it saves
        .config("spark.sql.shuffle.partitions", str(cores))
        .config("spark.default.parallelism", str(cores))
        .config("spark.ui.enabled", "false")
        .config("spark.sql.ansi.enabled", "false")
        .getOrCreate()
    )


def spark_engine(session: Any | None = None, *, checkpoint_dir: str | None = None) -> Engine:
    from splink import SparkAPI

    owned: list[Any] = []
    if session is None:
        session = spark_session()
        owned.append(session)
    if checkpoint_dir:
        session.sparkContext.setCheckpointDir(checkpoint_dir)
    api = SparkAPI(spark_session=session, num_partitions_on_repartition=4)  # type: ignore[no-untyped-call]
    return Engine("spark", api, owned)


def make_engine(name: EngineName, **options: Any) -> Engine:
    if name == "duckdb":
        return duckdb_engine(**options)
    if name == "spark":
        return spark_engine(**options)
    raise ValueError(f"unknown linkage engine {name!r}: use 'duckdb' or 'spark'")
