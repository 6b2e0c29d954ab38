"""The true population behind the synthetic records: people, households and life events.

Everything is numpy arrays indexed by person number (the person_id). Households make shared
addresses (families share a surname; houses in multiple occupation do not), some families have
twins (same surname, date of birth and address, different forename), some people move house
and some change surname on marriage, each on a date so that records before and after differ.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

import numpy as np

from accord.synthetic.pools import EMAIL_DOMAINS, Pools

Arr = np.ndarray[Any, Any]
DAY = np.timedelta64(1, "D")


@dataclass(frozen=True)
class Population:
    sex: Arr  # "M" / "F"
    first_name: Arr
    surname: Arr
    married_surname: Arr  # None when unchanged
    marriage_date: Arr  # datetime64[D]; NaT when unchanged
    dob: Arr  # datetime64[D]
    address: Arr
    postcode: Arr
    lsoa: Arr  # index into pools.lsoas
    new_address: Arr  # after moving; None when never moved
    new_postcode: Arr
    new_lsoa: Arr
    move_date: Arr  # NaT when never moved
    phone: Arr  # None when none
    email: Arr
    household: Arr
    twin_of: Arr  # person number of the twin, -1 when none

    def __len__(self) -> int:
        return len(self.sex)


def _or_none(mask: Arr, values: Arr) -> Arr:
    """values where mask, else None (an object array)."""
    out = np.full(len(mask), None, dtype=object)
    out[mask] = values[mask]
    return out


def _addresses(rng: np.random.Generator, pools: Pools, n: int) -> tuple[Arr, Arr, Arr]:
    street = rng.integers(0, len(pools.streets), n)
    number = rng.integers(1, 240, n).astype(str).astype(object)
    flat = rng.random(n) < 0.15
    prefix = np.where(flat, "Flat " + rng.integers(1, 12, n).astype(str).astype(object) + ", ", "")
    address = prefix + number + " " + pools.streets[street]
    postcode = pools.street_postcodes[street, rng.integers(0, 2, n)]
    return address, postcode, pools.street_lsoa[street]


def build(n_people: int, pools: Pools, rng: np.random.Generator, as_of: date) -> Population:
    # Households: mostly small, a few large houses in multiple occupation (HMOs).
    sizes = rng.choice(
        [1, 2, 3, 4, 5, 8], size=n_people // 2 + 10, p=[0.33, 0.3, 0.16, 0.12, 0.06, 0.03]
    )
    household = np.repeat(np.arange(len(sizes)), sizes)[:n_people]
    n_households = int(household[-1]) + 1
    hmo = (sizes[:n_households] == 8)[household]
    h_address, h_postcode, h_lsoa = _addresses(rng, pools, n_households)

    sex = np.where(rng.random(n_people) < 0.5, "M", "F").astype(object)
    male = sex == "M"
    first = np.empty(n_people, dtype=object)
    first[male] = rng.choice(pools.male, size=int(male.sum()), p=pools.male_p)
    first[~male] = rng.choice(pools.female, size=int((~male).sum()), p=pools.female_p)
    family_surname = rng.choice(pools.surnames, size=n_households, p=pools.surname_p)
    own_surname = rng.choice(pools.surnames, size=n_people, p=pools.surname_p)
    # Families share a surname (mostly); people in an HMO are unrelated.
    shares = ~hmo & (rng.random(n_people) < 0.85)
    surname = np.where(shares, family_surname[household], own_surname).astype(object)

    today = np.datetime64(as_of, "D")
    age_days = (rng.gamma(4.0, 7.5, n_people).clip(0, 95) * 365.25).astype(np.int64)
    dob = today - age_days * DAY

    # Twins: in families of three or more, the next person becomes a twin of this one.
    twin_of = np.full(n_people, -1, dtype=np.int64)
    same_next = np.zeros(n_people, dtype=bool)
    same_next[:-1] = (household[:-1] == household[1:]) & ~hmo[:-1]
    twins = np.flatnonzero(same_next & (rng.random(n_people) < 0.03))
    twins = twins[np.diff(np.concatenate(([-2], twins))) > 1]  # no chains of twins
    second = twins + 1
    twin_of[second], twin_of[twins] = twins, second
    dob[second] = dob[twins]
    surname[second] = surname[twins]
    # a different forename of the twin's own sex, never the same as the first twin's
    for i in second:
        pool, p = (pools.male, pools.male_p) if sex[i] == "M" else (pools.female, pools.female_p)
        name = first[i - 1]
        while name == first[i - 1]:
            name = rng.choice(pool, p=p)
        first[i] = name

    window = 6 * 365 + 200
    moves = rng.random(n_people) < 0.12
    move_date = np.full(n_people, np.datetime64("NaT"), dtype="datetime64[D]")
    move_date[moves] = today - rng.integers(30, window, int(moves.sum())) * DAY
    m_address, m_postcode, m_lsoa = _addresses(rng, pools, n_people)
    new_address = _or_none(moves, m_address)

    adult_f = (~male) & (age_days > 20 * 365)
    marries = adult_f & (rng.random(n_people) < 0.05)
    marriage_date = np.full(n_people, np.datetime64("NaT"), dtype="datetime64[D]")
    marriage_date[marries] = today - rng.integers(30, window, int(marries.sum())) * DAY
    married = rng.choice(pools.surnames, size=n_people, p=pools.surname_p)
    married_surname = _or_none(marries, married)

    has_phone = rng.random(n_people) < 0.75
    digits = rng.integers(0, 10**9, n_people).astype(str).astype(object)
    phone = _or_none(has_phone, "07" + np.char.zfill(digits.astype(str), 9).astype(object))
    has_email = (rng.random(n_people) < 0.55) & (age_days > 13 * 365)
    domain = np.array(EMAIL_DOMAINS, dtype=object)[rng.integers(0, len(EMAIL_DOMAINS), n_people)]
    local = (
        np.char.lower(first.astype(str)).astype(object)
        + "."
        + np.char.lower(np.char.replace(surname.astype(str), " ", "")).astype(object)
        + rng.integers(1, 99, n_people).astype(str).astype(object)
    )
    email = _or_none(has_email, local + "@" + domain)

    return Population(
        sex=sex,
        first_name=first,
        surname=surname,
        married_surname=married_surname,
        marriage_date=marriage_date,
        dob=dob,
        address=h_address[household],
        postcode=h_postcode[household],
        lsoa=h_lsoa[household],
        new_address=new_address,
        new_postcode=_or_none(moves, m_postcode),
        new_lsoa=np.where(moves, m_lsoa, -1),
        move_date=move_date,
        phone=phone,
        email=email,
        household=household,
        twin_of=twin_of,
    )
