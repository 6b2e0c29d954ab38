"""Linkage on data it was not shaped on: the generator's held-out profile (more twins, close
siblings, Jr/Sr, shared landlines, other error rates, its own seed) and FEBRL4, accord beside
plain Splink scripts, with precision and recall by pair kind (twin, household, ordinary).

`python -m bench.linkage_heldout [records]` (50,000 by default). The held-out profile is only
ever measured here; nothing in accord's model or tests is tuned on it.
"""

from __future__ import annotations

import logging
import sys
import time
from collections.abc import Callable

import pandas as pd
import splink.comparison_library as cl
from splink import DuckDBAPI, Linker, SettingsCreator, block_on

from accord.linkage.quality import accuracy_by_kind, pairwise_accuracy
from accord.linkage.samples import Labelled, febrl4, synthetic
from accord.synthetic.partners import HELD_OUT_SEED
from bench.common import machine
from bench.linkage_quality import accord_linkage, plain_splink


def plain_link_only(identifiers: pd.DataFrame) -> pd.Series:
    """What an analyst writes for two files: link-only, the comparison library's name, date
    and address comparisons, blocking on each field pair, EM on two rules."""
    df = identifiers.copy()
    df["dob"] = pd.to_datetime(
        df["dob"].astype("string").str.replace("-", ""), format="%Y%m%d", errors="coerce"
    ).dt.strftime("%Y-%m-%d")
    for column in ("first_name", "surname", "address"):
        df[column] = df[column].astype("string").str.lower().str.strip()
    df["postcode"] = df["postcode"].astype("string").str.strip()
    df = df.rename(columns={"record_id": "unique_id"})
    frames = [part.drop(columns=["partner"]) for _, part in df.groupby("partner")]
    settings = SettingsCreator(
        link_type="link_only",
        comparisons=[
            cl.NameComparison("first_name").configure(term_frequency_adjustments=True),
            cl.NameComparison("surname").configure(term_frequency_adjustments=True),
            cl.DateOfBirthComparison("dob", input_is_string=True),
            cl.ExactMatch("postcode"),
            cl.JaroWinklerAtThresholds("address", [0.9, 0.7]),
        ],
        blocking_rules_to_generate_predictions=[
            block_on("first_name", "surname"),
            block_on("surname", "dob"),
            block_on("first_name", "dob"),
            block_on("postcode", "first_name"),
            block_on("postcode", "surname"),
            block_on("dob", "postcode"),
        ],
        retain_matching_columns=False,
    )
    api = DuckDBAPI()
    linker = Linker([api.register(f) for f in frames], settings, log_level=logging.WARNING)
    linker.training.estimate_probability_two_random_records_match(
        [block_on("first_name", "surname", "dob")], recall=0.7
    )
    linker.training.estimate_u_using_random_sampling(max_pairs=1e7, seed=1)
    linker.training.estimate_parameters_using_expectation_maximisation(block_on("dob"))
    linker.training.estimate_parameters_using_expectation_maximisation(
        block_on("first_name", "surname")
    )
    predictions = linker.inference.predict(threshold_match_probability=0.5)
    clusters = linker.clustering.cluster_pairwise_predictions_at_threshold(
        predictions, threshold_match_probability=0.9
    ).as_pandas_dataframe()
    return pd.Series(clusters["cluster_id"].astype(str).to_numpy(), index=clusters["unique_id"])


def _kinds(ids: pd.Series, data: Labelled) -> str:
    if data.people.empty:
        return " | "
    by = accuracy_by_kind(ids, data.truth, data.people)
    return " | ".join(
        f"{by[k]['precision']:.4f} / {by[k]['recall']:.4f}" for k in ("twin", "household")
    )


def compare(
    name: str, data: Labelled, linkages: dict[str, Callable[[pd.DataFrame], pd.Series]]
) -> None:
    for label, fn in linkages.items():
        start = time.perf_counter()
        ids = fn(data.identifiers)
        seconds = time.perf_counter() - start
        acc = pairwise_accuracy(ids, data.truth)
        print(
            f"| {name} | {label} | {len(data.identifiers):,} | {acc['precision']:.4f} | "
            f"{acc['recall']:.4f} | **{acc['f1']:.4f}** | {_kinds(ids, data)} | {seconds:.1f} |",
            flush=True,
        )


def main(n_records: int = 50_000) -> None:
    print(f"machine: {machine()}")
    print(
        "| data | linkage | records | precision | recall | F1 | twin pairs P / R "
        "| household pairs P / R | seconds |"
    )
    print("|---|---|---|---|---|---|---|---|---|")
    held_out = synthetic(n_records, seed=HELD_OUT_SEED, profile="held-out")
    compare(
        f"held-out profile, seed {HELD_OUT_SEED}",
        held_out,
        {"accord": accord_linkage, "plain Splink (dedupe)": plain_splink},
    )
    compare(
        "FEBRL4 (no soc_sec_id)",
        febrl4(),
        {
            "accord": accord_linkage,
            "plain Splink (dedupe)": plain_splink,
            "plain Splink (link-only)": plain_link_only,
        },
    )


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 50_000)
