"""Standardise the identifiers table into the columns the linkage model compares.

Phonetic codes, nickname forms, swapped dates and postcode parts are computed here, once,
so the comparisons are plain SQL on every engine (DuckDB and Spark alike).
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Sequence
from functools import cache
from importlib import resources

import jellyfish
import numpy as np
import pandas as pd

# The identifiers table contract (accord.feeds.identifiers); email and phone may be empty.
IDENTIFIER_COLUMNS = (
    "record_id",
    "partner",
    "dataset",
    "first_name",
    "surname",
    "dob",
    "postcode",
    "address",
    "phone",
    "email",
)

# What prepare() returns: the columns the model, blocking rules and reports use.
PREPARED_COLUMNS = (
    "record_id",
    "source",
    "first_name",
    "first_name_canon",
    "first_name_ph",
    "surname",
    "surname_ph",
    "dob",
    "dob_swapped",
    "dob_year",
    "dob_rare",
    "postcode",
    "postcode_sector",
    "postcode_district",
    "address",
    "phone",
    "email",
)

# What two records are compared on: records equal on all of these are one profile.
COMPARED_COLUMNS = tuple(
    c for c in PREPARED_COLUMNS if c not in ("record_id", "source", "dob_rare")
)

# A date of birth shared by at most this many profiles blocks on its own (see rare_dates).
RARE_DOB_PROFILES = 8
_UK_POSTCODE = r"^([A-Z]{1,2}[0-9][A-Z0-9]?) ?([0-9])([A-Z]{2})$"


class IdentifiersError(ValueError):
    """The identifiers frame is not in the shape linkage needs; the message says what."""


@cache
def nicknames() -> dict[str, str]:
    """Variant -> canonical forename (Bob -> robert), from the shipped nicknames.csv."""
    text = resources.files("accord.linkage").joinpath("data/nicknames.csv").read_text()
    table: dict[str, str] = {}
    for row in csv.reader(line for line in text.splitlines() if not line.startswith("#")):
        if len(row) == 2:
            canonical, variant = (value.strip().lower() for value in row)
            table.setdefault(variant, canonical)
    return table


def _clean_name(series: pd.Series) -> pd.Series:
    cleaned = (
        series.astype("string")
        .str.lower()
        .str.replace(r"[^a-z' -]", "", regex=True)
        .str.replace(r"[' -]+", " ", regex=True)
        .str.strip()
    )
    return cleaned.where(cleaned.str.len() > 0)


def _map_unique(series: pd.Series, fn: object) -> pd.Series:
    # Names repeat a lot: compute each distinct value once.
    uniques = series.dropna().unique()
    mapping = {value: fn(value) for value in uniques}  # type: ignore[operator]
    return series.map(mapping).astype("string")


def _phonetic(name: str) -> str | None:
    # Metaphone of the first token: compound surnames keep their first part's sound.
    token = name.split(" ")[0]
    return jellyfish.metaphone(token) or None


def _dates(series: pd.Series) -> tuple[pd.Series, pd.Series, pd.Series]:
    """ISO date strings (None when unparseable), the dd/mm-swapped form and the year."""
    if pd.api.types.is_datetime64_any_dtype(series):
        parsed = series
    else:
        text = series.astype("string").str.strip()
        digits = text.str.replace(r"[^0-9]", "", regex=True)
        # YYYYMMDD strings (as FEBRL ships them) or ISO / date objects
        parsed = pd.to_datetime(
            digits.where(digits.str.len() == 8), format="%Y%m%d", errors="coerce"
        )
        iso = pd.to_datetime(text.where(parsed.isna()), errors="coerce", format="mixed")
        parsed = parsed.fillna(iso)
    iso_text = parsed.dt.strftime("%Y-%m-%d").astype("string")
    day, month = parsed.dt.day, parsed.dt.month
    swappable = parsed.notna() & (day <= 12) & (day != month)
    swapped = (
        parsed.dt.year.astype("Int64").astype("string")
        + "-"
        + day.astype("Int64").astype("string").str.zfill(2)
        + "-"
        + month.astype("Int64").astype("string").str.zfill(2)
    ).where(swappable)
    year = parsed.dt.year.astype("Int64").astype("string")
    return iso_text, swapped.astype("string"), year


def _postcodes(series: pd.Series) -> tuple[pd.Series, pd.Series, pd.Series]:
    text = series.astype("string").str.upper().str.replace(r"[^A-Z0-9]", "", regex=True)
    parts = text.str.extract(_UK_POSTCODE)
    uk = parts[0].notna()
    full = (parts[0] + " " + parts[1] + parts[2]).where(uk, text)
    full = full.where(full.str.len() > 0)
    sector = (parts[0] + " " + parts[1]).where(uk)
    # non-UK codes (e.g. Australian in FEBRL): treat the code minus its last digit as a district
    district = parts[0].where(uk, full.str.slice(0, -1))
    return full.astype("string"), sector.astype("string"), district.astype("string")


def _phones(series: pd.Series) -> pd.Series:
    digits = series.astype("string").str.replace(r"[^0-9]", "", regex=True)
    digits = digits.str.replace(r"^44", "0", regex=True)
    return digits.where(digits.str.len() >= 6).astype("string")


def _text(series: pd.Series) -> pd.Series:
    cleaned = series.astype("string").str.lower().str.replace(r"[^a-z0-9@._ -]", " ", regex=True)
    cleaned = cleaned.str.replace(r"\s+", " ", regex=True).str.strip()
    return cleaned.where(cleaned.str.len() > 0).astype("string")


def check_identifiers(frame: pd.DataFrame, columns: Sequence[str] = IDENTIFIER_COLUMNS) -> None:
    """`columns` present, and record ids present and unique; raises IdentifiersError."""
    missing = [column for column in ("record_id", *columns) if column not in frame.columns]
    if missing:
        raise IdentifiersError(f"identifiers frame lacks column(s): {', '.join(missing)}")
    ids = frame["record_id"]
    if ids.isna().any():
        row = int(ids.isna().to_numpy().nonzero()[0][0])
        raise IdentifiersError(f"record_id is empty in row {row}")
    duplicated = ids[ids.duplicated()]
    if len(duplicated):
        raise IdentifiersError(
            f"record_id must be unique: {duplicated.iloc[0]!r} appears more than once"
        )


def _on_distinct(
    series: pd.Series, fn: Callable[[pd.Series], tuple[pd.Series, ...]]
) -> tuple[pd.Series, ...]:
    """Apply a column-wise `fn` to the distinct values only, then spread its results back.

    Postcodes, dates and names repeat across records (one person, many events), so the
    string work is done once per value.
    """
    codes, uniques = pd.factorize(series, use_na_sentinel=True)
    # one extra null row at the end stands for the records whose value was missing
    take = np.where(codes >= 0, codes, len(uniques))
    missing = pd.Series([pd.NA])
    return tuple(
        pd.concat([column.reset_index(drop=True), missing.astype(column.dtype)])
        .iloc[take]
        .reset_index(drop=True)
        for column in fn(pd.Series(uniques, dtype=series.dtype))
    )


def prepare(frame: pd.DataFrame) -> pd.DataFrame:
    """The prepared table (PREPARED_COLUMNS) for an identifiers frame; raises IdentifiersError."""
    check_identifiers(frame)
    frame = frame.reset_index(drop=True)
    out = pd.DataFrame(index=frame.index)
    out["record_id"] = frame["record_id"].astype("string")
    out["source"] = frame["partner"].astype("string") + "/" + frame["dataset"].astype("string")
    (first,) = _on_distinct(frame["first_name"].astype("string"), lambda s: (_clean_name(s),))
    out["first_name"] = first
    table = nicknames()
    out["first_name_canon"] = _map_unique(first, lambda name: table.get(name, name))
    out["first_name_ph"] = _map_unique(first, _phonetic)
    (surname,) = _on_distinct(frame["surname"].astype("string"), lambda s: (_clean_name(s),))
    out["surname"] = surname
    out["surname_ph"] = _map_unique(surname, _phonetic)
    out["dob"], out["dob_swapped"], out["dob_year"] = _on_distinct(frame["dob"], _dates)
    out["postcode"], out["postcode_sector"], out["postcode_district"] = _on_distinct(
        frame["postcode"].astype("string"), _postcodes
    )
    out["address"] = _text(frame["address"])
    out["phone"] = _phones(frame["phone"])
    email = frame["email"].astype("string").str.strip().str.lower()
    out["email"] = email.where(email.str.contains("@", regex=False, na=False)).astype("string")
    return out


def with_rare_dates(prepared: pd.DataFrame, *, limit: int = RARE_DOB_PROFILES) -> pd.DataFrame:
    """Add `dob_rare`: the date of birth where at most `limit` profiles in the set share it.

    Blocking on the date alone finds a record whose names and address are all spoiled, but
    across a large partnership each date is shared by dozens of unrelated people. A rare date
    is informative on its own; a common one only paired with another field.
    """
    codes, _ = pd.factorize(prepared["dob"])  # -1 for a missing date
    shared = np.bincount(codes[codes >= 0], minlength=1)
    rare = (codes >= 0) & (shared[np.maximum(codes, 0)] <= limit)
    out = prepared.assign(dob_rare=prepared["dob"].where(rare).astype("string"))
    return out


# Keys the model's conditioned levels compare (accord.linkage.model): forename and surname,
# surname and date of birth. Splink leaves a comparison out of an EM session that blocks on
# a column it reads, so a forename level conditioned on the date of birth written with `dob`
# would never be estimated (the one session that estimates forenames blocks on `dob`).
LINKING_KEYS = ("name_key", "family_key")


def for_linking(prepared: pd.DataFrame, *, limit: int = RARE_DOB_PROFILES) -> pd.DataFrame:
    """The prepared records as a linker reads them: with `dob_rare` (with_rare_dates) and
    LINKING_KEYS, which depend on nothing but the record and are never stored."""
    out = with_rare_dates(prepared, limit=limit)
    out["name_key"] = (out["first_name"] + "|" + out["surname"]).astype("string")
    out["family_key"] = (out["surname"] + "|" + out["dob"]).astype("string")
    return out
