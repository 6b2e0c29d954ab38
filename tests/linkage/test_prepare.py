"""Preparation: nicknames, phonetic codes, swapped dates, postcode parts, clear input errors."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from accord.linkage.prepare import IdentifiersError, nicknames, prepare


def _frame(**overrides: list[object]) -> pd.DataFrame:
    base: dict[str, list[object]] = {
        "record_id": ["a", "b"],
        "partner": ["thames-valley-police", "oxfordshire-cc"],
        "dataset": ["crime-events", "social-care"],
        "first_name": ["Bob", " Robert "],
        "surname": ["Smyth", "SMITH"],
        "dob": [date(1985, 3, 12), "1985-12-03"],
        "postcode": ["ox4 1ab", "OX41AB"],
        "address": ["1 High St", None],
        "phone": ["+44 7700 900123", "07700-900123"],
        "email": ["Bob@Example.org", "not an email"],
    }
    base.update(overrides)
    return pd.DataFrame(base)


def test_nickname_table_is_shipped_and_maps_variants() -> None:
    table = nicknames()
    assert table["bob"] == "robert"
    assert table["liz"] == "elizabeth"
    assert table["bill"] == "william"
    assert table["peggy"] == "margaret"


def test_prepared_columns_standardise_uk_identifiers() -> None:
    out = prepare(_frame()).set_index("record_id")
    assert out.loc["a", "first_name_canon"] == out.loc["b", "first_name_canon"] == "robert"
    assert out.loc["a", "surname_ph"] == out.loc["b", "surname_ph"]
    assert out.loc["a", "dob"] == "1985-03-12"
    # 12 March swapped is 3 December: the swapped form of one equals the other
    assert out.loc["a", "dob_swapped"] == out.loc["b", "dob"]
    assert out.loc["a", "postcode"] == out.loc["b", "postcode"] == "OX4 1AB"
    assert out.loc["a", "postcode_sector"] == "OX4 1"
    assert out.loc["a", "postcode_district"] == "OX4"
    assert out.loc["a", "phone"] == out.loc["b", "phone"] == "07700900123"
    assert out.loc["a", "email"] == "bob@example.org"
    assert pd.isna(out.loc["b", "email"])
    assert out.loc["a", "source"] == "thames-valley-police/crime-events"


def test_malformed_dates_become_missing_not_errors() -> None:
    out = prepare(_frame(dob=["19851399", "not a date"]))
    assert out["dob"].isna().all()
    assert out["dob_year"].isna().all()


def test_missing_columns_are_named() -> None:
    with pytest.raises(IdentifiersError, match="postcode, address"):
        prepare(_frame().drop(columns=["postcode", "address"]))


def test_duplicate_record_ids_are_refused() -> None:
    with pytest.raises(IdentifiersError, match="'a' appears more than once"):
        prepare(_frame(record_id=["a", "a"]))
