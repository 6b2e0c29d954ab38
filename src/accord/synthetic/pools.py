"""Pools of names, streets, towns, postcodes and areas, made once with Faker and then sampled.

Faker is slow per call (tens of microseconds), so it fills pools of a few thousand values and
numpy samples from them; that keeps 10 million records to vectorised work. Name pools mix the
en_GB lists with other locales' so that surnames are as varied as in a UK population, and
weights fall with rank (a few names are common, most are rare), which matters for linkage.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from functools import cache
from typing import Any

import numpy as np
from faker import Faker

# locale -> share of people whose names come from it
NAME_LOCALES = {
    "en_GB": 0.66,
    "en_IE": 0.12,
    "en_IN": 0.07,
    "it_IT": 0.04,
    "tw_GH": 0.03,
    "yo_NG": 0.03,
    "pt_PT": 0.03,
    "fr_FR": 0.02,
}
TOWNS = [
    "Oxford", "Reading", "Slough", "Milton Keynes", "High Wycombe", "Aylesbury", "Banbury",
    "Bicester", "Abingdon", "Didcot", "Witney", "Wokingham", "Bracknell", "Maidenhead",
    "Newbury", "Thatcham", "Henley-on-Thames", "Wallingford", "Thame", "Chesham", "Amersham",
    "Marlow", "Windsor", "Buckingham", "Kidlington", "Carterton", "Wantage", "Faringdon",
]  # fmt: skip
EMAIL_DOMAINS = [
    "gmail.com",
    "hotmail.co.uk",
    "outlook.com",
    "yahoo.co.uk",
    "icloud.com",
    "btinternet.com",
]


@dataclass(frozen=True)
class Pools:
    male: np.ndarray[Any, np.dtype[np.object_]]
    male_p: np.ndarray[Any, np.dtype[np.float64]]
    female: np.ndarray[Any, np.dtype[np.object_]]
    female_p: np.ndarray[Any, np.dtype[np.float64]]
    surnames: np.ndarray[Any, np.dtype[np.object_]]
    surname_p: np.ndarray[Any, np.dtype[np.float64]]
    streets: np.ndarray[Any, np.dtype[np.object_]]  # "Acacia Road, Reading"
    street_postcodes: np.ndarray[Any, np.dtype[np.object_]]  # (n_streets, 2)
    street_lsoa: np.ndarray[Any, np.dtype[np.int64]]  # index into lsoas
    lsoas: np.ndarray[Any, np.dtype[np.object_]]
    lsoa_names: np.ndarray[Any, np.dtype[np.object_]]


def _rank_weights(n: int) -> np.ndarray[Any, np.dtype[np.float64]]:
    w = 1.0 / (np.arange(n, dtype=np.float64) + 8.0) ** 1.1
    return np.asarray(w / w.sum(), dtype=np.float64)


def _names(attr: str) -> tuple[np.ndarray[Any, Any], np.ndarray[Any, Any]]:
    """A combined pool over NAME_LOCALES with rank weights within each locale."""
    values: list[str] = []
    weights: list[float] = []
    for locale, share in NAME_LOCALES.items():
        provider = importlib.import_module(f"faker.providers.person.{locale}").Provider
        names = list(dict.fromkeys(str(n) for n in getattr(provider, attr)))
        values.extend(names)
        weights.extend(share * _rank_weights(len(names)))
    pool = np.array(values, dtype=object)
    p = np.array(weights)
    # the same name in two locales: keep its weights summed under one entry
    uniq, inverse = np.unique(pool, return_inverse=True)
    summed = np.bincount(inverse, weights=p)
    return uniq.astype(object), summed / summed.sum()


@cache
def build(n_streets: int, seed: int) -> Pools:
    """Pools sized for the population (about 20 households a street)."""
    fake = Faker("en_GB")
    fake.seed_instance(seed)
    rng = np.random.default_rng(seed)
    male, male_p = _names("first_names_male")
    female, female_p = _names("first_names_female")
    surnames, surname_p = _names("last_names")
    n_lsoa = max(50, n_streets // 12)
    lsoas = np.array([f"E01{28000 + i:06d}" for i in range(n_lsoa)], dtype=object)
    towns = np.array(TOWNS, dtype=object)
    lsoa_town = towns[rng.integers(0, len(towns), n_lsoa)]
    lsoa_names = np.array(
        [f"{t} {i % 900 + 1:03d}{chr(65 + i % 5)}" for i, t in enumerate(lsoa_town)], dtype=object
    )
    street_lsoa = rng.integers(0, n_lsoa, n_streets)
    streets = np.array(
        [f"{fake.street_name()}, {lsoa_town[street_lsoa[i]]}" for i in range(n_streets)],
        dtype=object,
    )
    postcodes = np.array([fake.postcode() for _ in range(n_streets * 2)], dtype=object)
    return Pools(
        male=male,
        male_p=male_p,
        female=female,
        female_p=female_p,
        surnames=surnames,
        surname_p=surname_p,
        streets=streets,
        street_postcodes=postcodes.reshape(n_streets, 2),
        street_lsoa=street_lsoa.astype(np.int64),
        lsoas=lsoas,
        lsoa_names=lsoa_names,
    )
