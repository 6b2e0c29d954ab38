"""The people who look alike: twins, close siblings, Jr/Sr, shared landlines, and the
held-out profile that measures linkage without having shaped it."""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd
import pytest

from accord.synthetic.partners import HELD_OUT_SEED, PROFILES, SyntheticData, generate

AS_OF = date(2026, 11, 23)
SECRET = b"k" * 32


@pytest.fixture(scope="module")
def held_out() -> SyntheticData:
    return generate(20_000, seed=HELD_OUT_SEED, as_of=AS_OF, secret=SECRET, profile="held-out")


def _first_record(data: SyntheticData) -> pd.DataFrame:
    """One record per person (its first), indexed by person."""
    joined = data.identifiers().merge(data.truth, on="record_id", validate="one_to_one")
    return joined.drop_duplicates("person_id").set_index("person_id")


def test_people_carry_their_relations_and_kind(held_out: SyntheticData) -> None:
    people = held_out.people
    assert people["person_id"].is_unique
    twins = people[people["twin_of"] >= 0]
    assert len(twins) > 100
    back = people.set_index("person_id").loc[twins["twin_of"], "twin_of"].to_numpy()
    assert (back == twins["person_id"].to_numpy()).all()  # twinship is mutual
    assert (twins["kind"] == "twin").all()
    household_size = people.groupby("household")["person_id"].transform("size")
    assert (people["kind"][household_size == 1] == "ordinary").all()
    assert set(people["kind"]) == {"twin", "household", "ordinary"}


def test_twins_differ_only_by_forename(held_out: SyntheticData) -> None:
    people = held_out.people
    per = _first_record(held_out)
    pairs = people[(people["twin_of"] > people["person_id"])]
    pairs = pairs[pairs["person_id"].isin(per.index) & pairs["twin_of"].isin(per.index)]
    a, b = per.loc[pairs["person_id"]], per.loc[pairs["twin_of"]]
    assert len(pairs) > 30
    assert (a["dob"].to_numpy() == b["dob"].to_numpy()).mean() > 0.8
    assert (a["surname"].to_numpy() == b["surname"].to_numpy()).mean() > 0.8
    assert (a["first_name"].to_numpy() != b["first_name"].to_numpy()).mean() > 0.8


def test_juniors_share_forename_and_surname_with_an_older_parent(held_out: SyntheticData) -> None:
    people = held_out.people
    per = _first_record(held_out)
    sons = people[(people["namesake_of"] >= 0)]
    sons = sons[sons["person_id"].isin(per.index) & sons["namesake_of"].isin(per.index)]
    a, b = per.loc[sons["person_id"]], per.loc[sons["namesake_of"]]
    assert len(sons) > 30
    assert (a["first_name"].to_numpy() == b["first_name"].to_numpy()).mean() > 0.75
    years = np.abs(
        (pd.to_datetime(a["dob"]).to_numpy() - pd.to_datetime(b["dob"]).to_numpy())
        / np.timedelta64(365, "D")
    )
    assert np.nanmin(years) >= 17


def test_siblings_born_close_and_families_sharing_a_landline(held_out: SyntheticData) -> None:
    people = held_out.people.set_index("person_id")
    per = _first_record(held_out).join(people)
    per = per[per["twin_of"] < 0].dropna(subset=["dob"])
    dob = pd.to_datetime(per["dob"])
    gap = dob.groupby(per["household"]).transform(lambda s: s.sort_values().diff().min())
    close = per[(gap > pd.Timedelta(days=200)) & (gap < pd.Timedelta(days=1000))]
    assert close["household"].nunique() > 100
    phones = per.dropna(subset=["phone"])
    shared = phones.groupby("phone")["household"].agg(["nunique", "size"])
    landlines = shared[(shared["size"] > 1) & (shared["nunique"] == 1)]
    assert len(landlines) > 100
    assert all(str(p).startswith("01") for p in landlines.index)


def test_the_held_out_profile_differs_from_the_tuning_one() -> None:
    tuning, held = PROFILES["tuning"], PROFILES["held-out"]
    assert tuning.rates != held.rates
    assert held.families.twins > tuning.families.twins
    a = generate(3_000, seed=HELD_OUT_SEED, as_of=AS_OF, secret=SECRET)
    b = generate(3_000, seed=HELD_OUT_SEED, as_of=AS_OF, secret=SECRET, profile="held-out")
    assert not a.truth.equals(b.truth) or not a.identifiers().equals(b.identifiers())


def test_an_unknown_profile_is_refused_by_name() -> None:
    with pytest.raises(ValueError, match="unknown profile 'holdout'"):
        generate(10, profile="holdout")
