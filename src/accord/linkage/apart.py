"""Must-not-link: look-alike profiles the data say are two people; clustering never puts
them in one person, whatever chain of links would join them. Two kinds of pair:

- the same surname and date of birth with clearly another forename (twins, or siblings and
  housemates with a date of birth in common). "Clearly another forename" is what the model's
  level "Another forename, same surname and date of birth" means (accord.linkage.model): not
  equal, not the same by the nickname table, not the same sound, not similar (Jaro-Winkler
  below 0.8), not an initial of the other;
- the same forename and surname born FAR_DOB_YEARS or more apart, no typo apart, at one
  postcode or phone (a parent and child named alike, Jr/Sr). Namesakes who live elsewhere
  are not candidates: the model keeps them apart on its own.

Whether such a pair is two people or one person with a replaced value depends on the data:
in a partnership it is mostly twins and families, in a file whose duplicates have their
forename or date of birth replaced (FEBRL) mostly one person. The records cannot say it of
one pair, but they can of all of them, through confirmation: a forename is *confirmed* for
a surname and date of birth when the records carrying it come from two or more partners'
systems (or datasets), which record people independently and would not both replace one
person's value by the same other one. Let c be the share of all forename groups (surname,
date of birth, forename by the nickname table) that are confirmed. Two people are each
confirmed independently, so both groups of a pair are confirmed with probability c²; a
replaced value is almost never confirmed. The share t of a kind's pairs that are two people
is then estimated as

    t = (share of the kind's pairs with both groups confirmed) / c²,

and for one pair, with one group confirmed or none, the odds of two people against one are
t·2(1-c) / (1-t) and t(1-c) / (1-t) (one person's true value is confirmed with probability
c, the replaced one not). A pair is kept apart when both groups are confirmed, or when those
odds reach TWO_PEOPLE_ODDS; when the data cannot tell (nothing confirmed anywhere, as in a
single partner's delivery), every such pair is kept apart.

The model's levels for these pairs are estimated (accord.linkage.training), but EM cannot
make this call: twins agree on everything else, so it counts them among the matches and
learns a weight for them (positive on FEBRL and on partner data alike). The decision is
made here instead, from the confirmation the model does not see.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from functools import cache
from typing import Any

import jellyfish
import numpy as np
import pandas as pd

from accord.linkage.model import FAR_DOB_YEARS
from accord.linkage.prepare import nicknames

SIMILAR = 0.8  # the model's lowest forename similarity level
TYPO = 0.9  # a form of one name this similar to a form of the other is a misspelling
# keep a pair apart when the odds of two people against one are 1 to 4 or more: merging two
# people discloses one person's case, address or risk to the other, the failure that matters
# most in a victim service, while a missed link leaves a second profile for review to join;
# the first is weighed four times the second. Measured odds fall far either side: about
# 0.03 to 0.07 on FEBRL4 (one person), 0.6 to 1.2 on the generator's families (twins).
TWO_PEOPLE_ODDS = 0.25


@dataclass(frozen=True)
class Pattern:
    """One kind of look-alike pair and what the data said of it."""

    name: str
    candidates: int  # profile pairs of this kind
    kept_apart: int  # of which kept apart
    two_people_share: float | None  # t: estimated share of the candidates that are two people


@dataclass(frozen=True)
class Apart:
    """The must-not-link pairs of a run and the estimates they were chosen by."""

    pairs: np.ndarray  # row positions (i, j), i < j, of profiles kept apart; shape (k, 2)
    confirmed_share: float | None  # c: forename groups confirmed by two or more systems
    patterns: tuple[Pattern, ...] = ()

    def as_report(self) -> dict[str, Any]:
        return {
            "kept_apart": len(self.pairs),
            "confirmed_share": self.confirmed_share,
            "patterns": [asdict(p) for p in self.patterns],
        }


def different_forenames(prepared: pd.DataFrame) -> np.ndarray:
    """Row positions (i, j), i < j, of profiles with the same surname and date of birth and
    clearly another forename; shape (k, 2)."""
    columns = ["first_name", "first_name_canon", "first_name_ph", "surname", "dob"]
    frame = prepared[columns].reset_index(drop=True)
    frame = frame.dropna(subset=["first_name", "surname", "dob"])
    frame = frame[frame.duplicated(["surname", "dob"], keep=False)]
    if frame.empty:
        return np.empty((0, 2), dtype=np.int64)
    frame = frame.assign(pos=frame.index.to_numpy(dtype=np.int64))
    pairs = frame.merge(frame, on=["surname", "dob"], suffixes=("_l", "_r"))
    pairs = pairs[pairs["pos_l"] < pairs["pos_r"]]
    a, b = pairs["first_name_l"].astype(str), pairs["first_name_r"].astype(str)
    differ = (a != b).to_numpy(dtype=bool).copy()
    differ &= (
        (pairs["first_name_canon_l"] != pairs["first_name_canon_r"])
        .fillna(True)
        .to_numpy(dtype=bool)
    )
    differ &= (
        (pairs["first_name_ph_l"] != pairs["first_name_ph_r"]).fillna(True).to_numpy(dtype=bool)
    )
    initial = ((a.str.len() == 1) | (b.str.len() == 1)) & (a.str[0] == b.str[0])
    differ &= ~initial.to_numpy(dtype=bool)
    pairs = pairs[differ]
    if pairs.empty:
        return np.empty((0, 2), dtype=np.int64)
    names = pd.Series(list(zip(pairs["first_name_l"], pairs["first_name_r"], strict=True)))
    other = {key: _clearly_other(*key) for key in dict.fromkeys(names.tolist())}
    apart = names.map(other).to_numpy(dtype=bool)
    out: np.ndarray = pairs[["pos_l", "pos_r"]].to_numpy(dtype=np.int64)[apart]
    return out


@cache
def _known_as(name: str) -> frozenset[str]:
    """The canonical forenames `name` is a form of, or a misspelling of a form of (Beckky:
    a typo of Becky, so rebecca): the nickname table's names within TYPO of it."""
    table = nicknames()
    if name in table:
        return frozenset({table[name]})
    close = {
        canonical
        for variant, canonical in table.items()
        if jellyfish.jaro_winkler_similarity(name, variant) >= TYPO
    }
    close |= {c for c in set(table.values()) if jellyfish.jaro_winkler_similarity(name, c) >= TYPO}
    return frozenset(close or {name})


def _clearly_other(a: str, b: str) -> bool:
    """Not similar (the model's lowest similarity level), nor forms of one name however
    misspelt (Beckky and Rebecla are both Rebecca): one person's records, not siblings."""
    if jellyfish.jaro_winkler_similarity(a, b) >= SIMILAR:
        return False
    return not _known_as(a) & _known_as(b)


def far_dates(prepared: pd.DataFrame, years: int = FAR_DOB_YEARS) -> np.ndarray:
    """Row positions (i, j), i < j, of profiles with the same forename (by the nickname
    table) and surname born `years` or more apart, which no typo explains (the model's level
    "Same names, born years apart"): a parent and child named alike, or a replaced date."""
    columns = ["first_name_canon", "surname", "dob", "dob_year", "postcode", "phone"]
    frame = prepared[columns].reset_index(drop=True)
    frame = frame.dropna(subset=["first_name_canon", "surname", "dob", "dob_year"])
    frame = frame[frame.duplicated(["first_name_canon", "surname"], keep=False)]
    if frame.empty:
        return np.empty((0, 2), dtype=np.int64)
    frame = frame.assign(pos=frame.index.to_numpy(dtype=np.int64))
    pairs = frame.merge(frame, on=["first_name_canon", "surname"], suffixes=("_l", "_r"))
    pairs = pairs[pairs["pos_l"] < pairs["pos_r"]]
    year_l = pd.to_numeric(pairs["dob_year_l"], errors="coerce")
    year_r = pd.to_numeric(pairs["dob_year_r"], errors="coerce")
    far = ((year_l - year_r).abs() >= years).fillna(False).to_numpy(dtype=bool)
    home = (pairs["postcode_l"] == pairs["postcode_r"]).fillna(False).to_numpy(dtype=bool)
    home |= (pairs["phone_l"] == pairs["phone_r"]).fillna(False).to_numpy(dtype=bool)
    pairs = pairs[far & home]
    if pairs.empty:
        return np.empty((0, 2), dtype=np.int64)
    typo = np.array(
        [
            jellyfish.levenshtein_distance(a, b) <= 2
            for a, b in zip(pairs["dob_l"].astype(str), pairs["dob_r"].astype(str), strict=True)
        ],
        dtype=bool,
    )
    out: np.ndarray = pairs[["pos_l", "pos_r"]].to_numpy(dtype=np.int64)[~typo]
    return out


def must_not_link(
    prepared: pd.DataFrame, profile_of_record: np.ndarray, record_source: np.ndarray
) -> Apart:
    """The pairs of different_forenames and far_dates that the data say are two people
    (module doc).

    `prepared` has one row per profile; `profile_of_record` and `record_source` give each
    record's profile row and its system (partner and dataset)."""
    frame = prepared.reset_index(drop=True)
    key = frame["surname"] + "|" + frame["dob"] + "|" + frame["first_name_canon"]
    group, _ = pd.factorize(key)  # -1: a part missing
    records = pd.DataFrame(
        {"group": group[profile_of_record], "source": np.asarray(record_source, dtype=object)}
    )
    records = records[records["group"] >= 0]
    systems = records.groupby("group")["source"].nunique()
    confirmed = np.zeros(int(group.max()) + 1, dtype=bool)
    confirmed[systems.index.to_numpy()] = systems.to_numpy() >= 2
    c = float(confirmed.mean()) if len(confirmed) else 0.0
    kept, patterns = [], []
    found_by = (
        ("another forename, same surname and date of birth", different_forenames),
        ("same names born years apart, same home", far_dates),
    )
    for name, found in found_by:
        candidates = found(prepared)
        apart, t = _two_people(group[candidates], confirmed, c)
        kept.append(candidates[apart])
        patterns.append(Pattern(name, len(candidates), int(apart.sum()), t))
    pairs = np.unique(np.concatenate(kept), axis=0) if kept else np.empty((0, 2), np.int64)
    return Apart(pairs.astype(np.int64).reshape(-1, 2), c, tuple(patterns))


def _two_people(
    groups: np.ndarray, confirmed: np.ndarray, c: float
) -> tuple[np.ndarray, float | None]:
    """Which candidate pairs (as their two forename groups) to keep apart, and t."""
    if not len(groups):
        return np.zeros(0, dtype=bool), None
    if c == 0.0:
        return np.ones(len(groups), dtype=bool), None  # the data cannot tell: apart
    pairs, back = np.unique(np.sort(groups, axis=1), axis=0, return_inverse=True)
    both = confirmed[pairs[:, 0]] & confirmed[pairs[:, 1]]
    one = confirmed[pairs[:, 0]] ^ confirmed[pairs[:, 1]]
    t = min(1.0, float(both.mean()) / c**2)
    if t >= 1.0:
        apart = np.ones(len(pairs), dtype=bool)
    else:
        odds = np.where(one, t * 2 * (1 - c), t * (1 - c)) / (1 - t)
        apart = both | (odds >= TWO_PEOPLE_ODDS)
    chosen: np.ndarray = apart[back.ravel()]
    return chosen, t
