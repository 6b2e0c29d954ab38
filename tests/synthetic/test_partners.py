"""The generator: contract-shaped records, truth aside, and the errors it promises."""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd
import pytest

from accord.synthetic.nicknames import nicknames_of, same_name
from accord.synthetic.partners import generate
from accord.synthetic.tvt import PERSON_FEEDS, feed_key

AS_OF = date(2026, 11, 23)
SECRET = b"k" * 32


@pytest.fixture(scope="module")
def data():  # type: ignore[no-untyped-def]
    return generate(20_000, seed=7, as_of=AS_OF, secret=SECRET)


def test_records_follow_each_contract_and_add_up(data) -> None:  # type: ignore[no-untyped-def]
    assert set(data.records) == {feed_key(c) for c in PERSON_FEEDS}
    for contract in PERSON_FEEDS:
        frame = data.records[feed_key(contract)]
        assert list(frame.columns) == [f.name for f in contract.fields]
        assert frame[contract.key].is_unique
    assert sum(len(f) for f in data.records.values()) == 20_000
    assert list(data.truth.columns) == ["record_id", "person_id"]
    assert len(data.truth) == 20_000
    assert data.truth["record_id"].is_unique


def test_same_seed_same_data_other_seed_other_data() -> None:
    a = generate(2_000, seed=3, as_of=AS_OF, secret=SECRET)
    b = generate(2_000, seed=3, as_of=AS_OF, secret=SECRET)
    c = generate(2_000, seed=4, as_of=AS_OF, secret=SECRET)
    key = feed_key(PERSON_FEEDS[0])
    pd.testing.assert_frame_equal(a.records[key], b.records[key])
    pd.testing.assert_frame_equal(a.truth, b.truth)
    assert not a.records[key]["forename"].equals(c.records[key]["forename"])


def _joined(data):  # type: ignore[no-untyped-def]
    ident = data.identifiers()
    return ident.merge(data.truth, on="record_id", validate="one_to_one")


def test_people_recur_across_partners_with_realistic_errors(data) -> None:  # type: ignore[no-untyped-def]
    joined = _joined(data)
    per_person = joined.groupby("person_id")["dataset"].size()
    assert (per_person > 1).mean() > 0.3  # plenty of people to link
    partners = joined.groupby("person_id")["partner"].nunique()
    assert (partners > 1).sum() > 500
    # within one person, forenames differ by nickname or typo in some records
    forms = joined.dropna(subset=["first_name"]).groupby("person_id")["first_name"].nunique()
    assert (forms > 1).sum() > 100
    nick = set().union(*nicknames_of().values())
    assert joined["first_name"].isin(nick).sum() > 50


def test_missing_fields_and_swapped_dates(data) -> None:  # type: ignore[no-untyped-def]
    joined = _joined(data)
    assert joined["dob"].isna().mean() == pytest.approx(0.03, abs=0.02)
    assert joined["email"].isna().mean() > 0.5
    dobs = joined.dropna(subset=["dob"]).groupby("person_id")["dob"].nunique()
    assert (dobs > 1).sum() > 20  # day and month swapped in some records


def test_households_twins_moves_and_marriages(data) -> None:  # type: ignore[no-untyped-def]
    joined = _joined(data)
    people_at = joined.dropna(subset=["address"]).groupby("address")["person_id"].nunique()
    assert (people_at > 1).sum() > 200  # shared addresses: families, HMOs
    assert (people_at >= 5).sum() > 5  # houses in multiple occupation
    addresses = joined.dropna(subset=["address"]).groupby("person_id")["address"].nunique()
    assert (addresses > 1).sum() > 100  # moved house
    # twins: two people, same surname, dob and address, different forenames
    by = joined.dropna(subset=["dob", "address", "surname"]).drop_duplicates("person_id")
    groups = by.groupby(["surname", "dob", "address"])["person_id"].nunique()
    assert (groups > 1).sum() >= 3


def test_lookback_tail_and_areas(data) -> None:  # type: ignore[no-untyped-def]
    police = data.records[feed_key(PERSON_FEEDS[0])]
    dates = pd.to_datetime(police["event_date"].astype("datetime64[ms]"))
    old = (dates < pd.Timestamp(AS_OF) - pd.DateOffset(years=6)).mean()
    assert 0.03 < old < 0.12
    assert set(police["lsoa"].dropna()) <= set(data.areas["lsoa"])


def test_nickname_table() -> None:
    assert "Bob" in nicknames_of()["Robert"]
    assert same_name("liz", "Elizabeth")
    assert not same_name("Liz", "Robert")


def test_rejects_no_records() -> None:
    with pytest.raises(ValueError, match="n_records"):
        generate(0)


def test_write_files(tmp_path, data) -> None:  # type: ignore[no-untyped-def]
    paths = data.write(tmp_path, "parquet")
    assert len(paths) == 5
    back = pd.read_parquet(paths[feed_key(PERSON_FEEDS[1])])
    assert len(back) == len(data.records[feed_key(PERSON_FEEDS[1])])
    assert np.all(back.columns == data.records[feed_key(PERSON_FEEDS[1])].columns)
