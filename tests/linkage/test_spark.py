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
