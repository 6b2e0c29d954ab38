"""Linkage quality: accord's linkage beside a plain, competently configured Splink script.

Both run in this process on the same data: FEBRL4 without the social security id, and the
synthetic partner data. The plain script is what an analyst writes in an afternoon: standard
comparisons from the comparison library, five blocking rules, u by random sampling, EM on two
rules, connected components at 0.9 match probability. F1 is pairwise on the final clusters.
`python -m bench.linkage_quality [synthetic_records]`.
"""

from __future__ import annotations

import logging
import sys
import time

import pandas as pd
import splink.comparison_library as cl
from splink import DuckDBAPI, Linker, SettingsCreator, block_on

from accord.linkage import pipeline
from accord.linkage.config import LinkageConfig
from accord.linkage.quality import pairwise_accuracy
from accord.linkage.samples import Labelled, febrl4, synthetic
from bench.common import machine


def plain_splink(identifiers: pd.DataFrame) -> pd.Series:
    """The afternoon script: library comparisons, sensible blocking, EM, threshold 0.9."""
    df = identifiers.copy()
    df["dob"] = pd.to_datetime(
        df["dob"].astype("string").str.replace("-", ""), format="%Y%m%d", errors="coerce"
    ).dt.strftime("%Y-%m-%d")
    for column in ("first_name", "surname", "address", "email"):
        df[column] = df[column].astype("string").str.lower().str.strip()
    df["postcode"] = df["postcode"].astype("string").str.upper().str.strip()
    df = df.rename(columns={"record_id": "unique_id"})
    settings = SettingsCreator(
        link_type="dedupe_only",
        comparisons=[
            cl.NameComparison("first_name"),
            cl.NameComparison("surname"),
            cl.DateOfBirthComparison("dob", input_is_string=True),
            cl.PostcodeComparison("postcode"),
            cl.JaroWinklerAtThresholds("address"),
            cl.ExactMatch("phone"),
            cl.EmailComparison("email"),
        ],
        blocking_rules_to_generate_predictions=[
            block_on("first_name", "surname"),
            block_on("dob"),
            block_on("surname", "postcode"),
            block_on("phone"),
            block_on("email"),
        ],
        retain_matching_columns=False,
    )
    api = DuckDBAPI()
    linker = Linker(api.register(df), settings, log_level=logging.WARNING)
    linker.training.estimate_probability_two_random_records_match(
        [block_on("first_name", "surname", "dob")], recall=0.7
    )
    linker.training.estimate_u_using_random_sampling(max_pairs=1e6, seed=1)
    linker.training.estimate_parameters_using_expectation_maximisation(
        block_on("first_name", "surname")
    )
    linker.training.estimate_parameters_using_expectation_maximisation(block_on("dob"))
    predictions = linker.inference.predict(threshold_match_probability=0.5)
    clusters = linker.clustering.cluster_pairwise_predictions_at_threshold(
        predictions, threshold_match_probability=0.9
    ).as_pandas_dataframe()
    return pd.Series(clusters["cluster_id"].astype(str).to_numpy(), index=clusters["unique_id"])


def accord_linkage(identifiers: pd.DataFrame) -> pd.Series:
    out = pipeline.run_full(
        identifiers,
        previous=pd.Series(dtype="string"),
        decisions=pd.DataFrame(columns=["record_id_l", "record_id_r", "decision"]),
        config=LinkageConfig(),
    )
    return out.person_ids


def compare(name: str, data: Labelled) -> None:
    for label, fn in (("accord", accord_linkage), ("plain Splink", plain_splink)):
        start = time.perf_counter()
        ids = fn(data.identifiers)
        seconds = time.perf_counter() - start
        acc = pairwise_accuracy(ids, data.truth)
        print(
            f"| {name} | {label} | {len(data.identifiers):,} | {acc['precision']:.4f} | "
            f"{acc['recall']:.4f} | {acc['f1']:.4f} | {seconds:.1f} |",
            flush=True,
        )


def main(n_synthetic: int = 50_000) -> None:
    print(f"machine: {machine()}")
    print("| data | linkage | records | precision | recall | F1 | seconds |")
    print("|---|---|---|---|---|---|---|")
    compare("FEBRL4 (no soc_sec_id)", febrl4())
    compare("synthetic partners, seed 3", synthetic(n_synthetic, seed=3))


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 50_000)
