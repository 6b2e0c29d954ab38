"""Must-not-link: profiles that share a surname and date of birth but give clearly another
forename are two people (twins, or siblings and housemates with a date of birth in common),
and clustering never puts them in one person, whatever chain of links would join them.

"Clearly another forename" is what the model's level "Another forename, same surname and
date of birth" means (accord.linkage.model): not equal, not the same by the nickname table,
not the same sound, not similar (Jaro-Winkler below 0.8), not an initial of the other.
"""

from __future__ import annotations

import jellyfish
import numpy as np
import pandas as pd

SIMILAR = 0.8  # the model's lowest forename similarity level


def different_forenames(prepared: pd.DataFrame) -> np.ndarray:
    """Row positions (i, j), i < j, of profiles that must not be linked; shape (k, 2)."""
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
    similarity = {
        key: jellyfish.jaro_winkler_similarity(*key) for key in dict.fromkeys(names.tolist())
    }
    apart = names.map(similarity).to_numpy(dtype=float) < SIMILAR
    out: np.ndarray = pairs[["pos_l", "pos_r"]].to_numpy(dtype=np.int64)[apart]
    return out
