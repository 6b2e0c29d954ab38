"""Records with identical identifiers are one profile; linkage compares profiles, not records.

A person known to a partner for many events carries the same name, date of birth, address
and contact details on most of those records. Scoring each such pair again costs time that
grows with the square of the person's records and says nothing new, so records whose seven
identifier columns are equal (missing values equal too) collapse into one profile before
blocking. A profile's id is its smallest record id, so scored pairs and review pairs always
name real records. Records that a reviewer has said belong to different people are kept
apart even when their identifiers are equal (`apart`).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from accord.linkage.prepare import IdentifiersError, check_identifiers

IDENTITY_COLUMNS = ("first_name", "surname", "dob", "postcode", "address", "phone", "email")


@dataclass(frozen=True)
class Profiles:
    records: pd.Index  # record ids in input order
    profile: np.ndarray  # profile number (0..n_profiles-1) of each record
    ids: pd.Index  # profile id (its smallest record id) of each profile number
    # the key a working set stores for each profile; the id unless the set named it before
    stored: pd.Index | None = None

    @property
    def keys(self) -> pd.Index:
        return self.ids if self.stored is None else self.stored

    def __len__(self) -> int:
        return len(self.ids)

    def of(self, record_ids: Iterable[str] | pd.Series) -> np.ndarray:
        """Profile number of each record id; -1 for a record id not in this set."""
        # plain object arrays on both sides: mixing Arrow-backed text with an object index
        # sends pandas down a slow path
        wanted = pd.Series(record_ids).to_numpy(dtype=object)
        where = self.records.get_indexer(pd.Index(wanted, dtype=object))
        numbers: np.ndarray = np.where(where >= 0, self.profile[where], -1)
        return numbers

    def spread(self, per_profile: np.ndarray) -> np.ndarray:
        """A value per record from a value per profile."""
        values: np.ndarray = per_profile[self.profile]
        return values


def collapse(
    identifiers: pd.DataFrame,
    *,
    apart: Iterable[str] = (),
    columns: Sequence[str] = IDENTITY_COLUMNS,
) -> tuple[pd.DataFrame, Profiles]:
    """One row per profile (record_id = profile id) and the record -> profile map.

    `columns`: the raw identifiers by default; prepared records collapse on the prepared
    columns they are compared on (accord.linkage.prepare.COMPARED_COLUMNS)."""
    check_identifiers(identifiers, columns)
    frame = identifiers.reset_index(drop=True)
    groups = frame.groupby(list(columns), dropna=False, sort=False).ngroup()
    number = groups.to_numpy(dtype=np.int64).copy()
    ids = frame["record_id"].astype("string")
    alone = ids.isin(pd.Index(list(apart), dtype="string")).to_numpy()
    if alone.any():
        number[alone] = number.max() + 1 + np.arange(int(alone.sum()))
    # renumber densely, each profile represented by its smallest record id
    rank, _ = pd.factorize(ids, sort=True)
    order = np.lexsort((rank, number))
    first = np.ones(len(order), dtype=bool)
    first[1:] = number[order][1:] != number[order][:-1]
    leaders = order[first]
    dense = np.empty(number.max() + 1 if len(number) else 0, dtype=np.int64)
    dense[number[leaders]] = np.arange(len(leaders))
    profile = dense[number]
    distinct = frame.iloc[leaders].reset_index(drop=True)
    return distinct, Profiles(
        pd.Index(ids.to_numpy(dtype=object)),
        profile,
        pd.Index(distinct["record_id"].to_numpy(dtype=object)),
    )


def extend(
    existing: pd.DataFrame,
    fresh: pd.DataFrame,
    *,
    columns: Sequence[str],
    apart: Iterable[str] = (),
) -> tuple[pd.DataFrame, Profiles]:
    """Profiles of `existing` records (grouped by their stored `profile` id, as a working set
    holds them) followed by `fresh` ones: a fresh record equal on `columns` to an existing
    profile joins it, others form new profiles among themselves. Records in `apart` never
    join an existing profile. Saves regrouping a million existing records for a small delta.
    """
    missing = [c for c in ("record_id", "profile", *columns) if c not in existing.columns]
    if missing:  # a set is written by a run: only its shape is checked, not every id again
        raise IdentifiersError(f"working set lacks column(s): {', '.join(missing)}")
    old = existing.reset_index(drop=True)
    codes, keys = pd.factorize(old["profile"])
    first = np.unique(codes, return_index=True)[1]  # a representative row per profile
    leaders = old.iloc[first].reset_index(drop=True)
    distinct, new = collapse(fresh, apart=apart, columns=columns)
    # an equal existing profile, found by hash and confirmed value by value
    if "profile_hash" in leaders.columns:  # stored with the set when it was written
        old_hash = leaders["profile_hash"].to_numpy(dtype=np.uint64)
    else:
        old_hash = profile_hash(leaders, columns)
    new_hash = profile_hash(distinct, columns)
    by_hash = pd.Series(np.arange(len(leaders)), index=old_hash)
    by_hash = by_hash[~by_hash.index.duplicated()]
    match = by_hash.reindex(new_hash).to_numpy()
    candidate = ~np.isnan(match)
    match = np.where(candidate, match, 0).astype(np.int64)
    equal = candidate.copy()
    for column in columns:
        a = leaders[column].iloc[match].reset_index(drop=True)
        b = distinct[column].reset_index(drop=True)
        same = (a == b).fillna(False).to_numpy(dtype=bool) | (a.isna() & b.isna()).to_numpy()
        equal &= same
    kept_apart = distinct["record_id"].isin(pd.Index(list(apart), dtype="string")).to_numpy()
    equal &= ~kept_apart
    numbers = np.where(equal, match, len(leaders) + np.cumsum(~equal) - 1)
    added = distinct[~equal].reset_index(drop=True)
    ids = pd.Index(_objects(leaders["record_id"], added["record_id"]))
    records = pd.Index(_objects(old["record_id"], fresh["record_id"]))
    profile = np.concatenate([codes, numbers[new.profile]])
    rows = pd.concat(
        [leaders.drop(columns=["profile", "profile_hash"], errors="ignore"), added],
        ignore_index=True,
    )
    rows["record_id"] = ids.to_numpy()
    stored = pd.Index(_objects(pd.Series(keys), added["record_id"]))
    return rows, Profiles(records, profile, ids, stored)


def _objects(*columns: pd.Series) -> np.ndarray:
    """Text columns end to end as one object array (cheap to index, unlike a Python list)."""
    return np.concatenate([column.to_numpy(dtype=object) for column in columns])


def profile_hash(frame: pd.DataFrame, columns: Sequence[str]) -> np.ndarray:
    """A 64-bit hash of each row's `columns`, to find equal profiles fast. Only a candidate:
    callers confirm equality value by value, so a collision can never merge two people."""
    values = frame[list(columns)].astype("string")
    hashes: np.ndarray = pd.util.hash_pandas_object(values, index=False).to_numpy()
    return hashes
