"""The errors partner systems make, applied to chosen rows of record-level arrays.

Each function takes an array and a boolean mask of the rows to spoil and returns a new array.
Only the spoiled rows go through Python, so a few per cent of 10 million rows stays quick.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from accord.synthetic.nicknames import nicknames_of

Arr = np.ndarray[Any, Any]
_LETTERS = "abcdefghijklmnopqrstuvwxyz"


@dataclass(frozen=True)
class ErrorRates:
    """Share of records with each error (per record, independently)."""

    typo_first_name: float = 0.03
    typo_surname: float = 0.03
    nickname: float = 0.08  # of records whose forename has a listed nickname
    swapped_day_month: float = 0.015  # of records whose day of birth is 12 or less
    stale_address: float = 0.15  # the person has moved but the partner still has the old one
    missing: tuple[tuple[str, float], ...] = (
        ("first_name", 0.01),
        ("surname", 0.005),
        ("dob", 0.04),
        ("address", 0.05),
        ("postcode", 0.05),
        ("phone", 0.35),
        ("email", 0.4),
    )


def _typo(word: str, rng: np.random.Generator) -> str:
    if len(word) < 3:
        return word
    i = int(rng.integers(1, len(word) - 1))
    op = int(rng.integers(0, 4))
    if op == 0:  # substitute
        ch = _LETTERS[int(rng.integers(0, 26))]
        return word[:i] + ch + word[i + 1 :]
    if op == 1:  # drop a letter
        return word[:i] + word[i + 1 :]
    if op == 2:  # transpose neighbours
        return word[: i - 1] + word[i] + word[i - 1] + word[i + 1 :]
    return word[:i] + word[i] + word[i:]  # double a letter


def typos(values: Arr, mask: Arr, rng: np.random.Generator) -> Arr:
    out = values.copy()
    for i in np.flatnonzero(mask):
        if isinstance(out[i], str):
            out[i] = _typo(out[i], rng)
    return out


def nicknames(values: Arr, mask: Arr, rng: np.random.Generator) -> Arr:
    table = nicknames_of()
    out = values.copy()
    for i in np.flatnonzero(mask):
        choices = table.get(out[i]) if isinstance(out[i], str) else None
        if choices:
            out[i] = choices[int(rng.integers(0, len(choices)))]
    return out


def swap_day_month(dates: Arr, mask: Arr) -> Arr:
    """Write 2001-03-07 as 2001-07-03 where the day could be a month (the US/UK mix-up)."""
    out = dates.copy()
    years = dates.astype("datetime64[Y]")
    months = (dates.astype("datetime64[M]") - years).astype(np.int64) + 1
    days = (dates - dates.astype("datetime64[M]")).astype(np.int64) + 1
    ok = mask & ~np.isnat(dates) & (days <= 12) & (days != months)
    swapped = (years[ok].astype("datetime64[M]") + (days[ok] - 1).astype("timedelta64[M]")).astype(
        "datetime64[D]"
    ) + (months[ok] - 1).astype("timedelta64[D]")
    out[ok] = swapped
    return out


def blank(values: Arr, mask: Arr) -> Arr:
    out = values.copy()
    if out.dtype.kind == "M":
        out[mask] = np.datetime64("NaT")
    else:
        out[mask] = None
    return out
