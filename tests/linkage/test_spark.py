"""The same full run on Splink's Spark backend (local session, similarity jar from splink)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pandas as pd
import pytest

from accord.linkage import pipeline
from accord.linkage.config import LinkageConfig
from accord.linkage.engine import spark_engine, spark_session
from accord.linkage.quality import pairwise_accuracy
from accord.linkage.samples import Labelled

from .conftest import person_number

pytestmark = [
    pytest.mark.spark,
    pytest.mark.slow,
    # pyspark 4.3 warns that pandas 3 is not fully supported; the frames we pass are plain
    pytest.mark.filterwarnings("ignore:PySpark does not yet fully support pandas:FutureWarning"),
]


@pytest.fixture(scope="module")
def spark(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    session = spark_session(cores=2)
    session.sparkContext.setCheckpointDir(str(tmp_path_factory.mktemp("checkpoints")))
    yield session
    session.stop()


def test_full_run_on_spark_matches_the_accuracy_floor(spark: Any, febrl: Labelled) -> None:
    keep = person_number(febrl.identifiers["record_id"]) < 500
    identifiers = febrl.identifiers[keep].reset_index(drop=True)
    out = pipeline.run_full(
        identifiers,
        previous=pd.Series(dtype="string"),
        decisions=pd.DataFrame(columns=["record_id_l", "record_id_r", "decision"]),
        config=LinkageConfig(engine="spark"),
        engine=spark_engine(spark),
    )
    accuracy = pairwise_accuracy(out.person_ids, febrl.truth)
    assert len(out.person_ids) == len(identifiers)
    assert accuracy["f1"] >= 0.95


def test_incremental_run_on_spark_links_returning_people(spark: Any, febrl: Labelled) -> None:
    ids = febrl.identifiers
    person = person_number(ids["record_id"])
    ids = ids[person < 400].reset_index(drop=True)
    person = person_number(ids["record_id"])
    returning = (ids["partner"] == "febrl-b") & (person >= 300)
    existing, delta = ids[~returning], ids[returning]
    no_decisions = pd.DataFrame(columns=["record_id_l", "record_id_r", "decision"])
    config = LinkageConfig(engine="spark")
    base = pipeline.run_full(
        existing,
        previous=pd.Series(dtype="string"),
        decisions=no_decisions,
        config=config,
        engine=spark_engine(spark),
    )
    inc = pipeline.run_incremental(
        existing,
        delta,
        previous=base.person_ids,
        decisions=no_decisions,
        trained=base.model,
        config=config,
        engine=spark_engine(spark),
    )
    counterpart = inc.person_ids.index.str.replace("febrl-b:", "febrl-a:").str.replace(
        "-dup-0", "-org"
    )
    expected = base.person_ids.reindex(counterpart).to_numpy()
    assert (inc.person_ids.to_numpy() == expected).mean() >= 0.9
