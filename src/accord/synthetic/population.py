"""The true population behind the synthetic records: people, households and life events.

Everything is numpy arrays indexed by person number (the person_id). Households make shared
addresses (families share a surname; houses in multiple occupation do not), some families have
twins (same surname, date of birth and address, different forename), some people move house
and some change surname on marriage, each on a date so that records before and after differ.

The hard cases for linkage are people who share nearly everything (`Families` sets how
many): twins (same surname, date of birth, address and landline, different forename),
siblings born a year or two apart, a parent and child with the same forename (Jr/Sr), and
households whose members give the shared landline instead of their own mobile.
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
class Families:
    """How often the cases that look like one person but are two occur."""

    twins: float = 0.03  # of people in a family with a next member: that member is a twin
    close_siblings: float = 0.25  # of families of three or more: children a year or two apart
    junior_senior: float = 0.04  # of families of three or more: a son named after his father
    shared_landline: float = 0.3  # of families: members give the home landline
    landline_use: float = 0.6  # of members in such a family: give it instead of a mobile


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
    namesake_of: Arr  # Jr/Sr: person number of the parent or child named alike, -1 when none

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


def build(
    n_people: int,
    pools: Pools,
    rng: np.random.Generator,
    as_of: date,
    families: Families | None = None,
) -> Population:
    families = families or Families()
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
    starts = np.flatnonzero(np.diff(np.concatenate(([-1], household))) != 0)
    ends = np.append(starts[1:], n_people)
    family = ~hmo[starts] & (ends - starts >= 3)
    siblings = family & (rng.random(len(starts)) < families.close_siblings)
    _close_siblings(dob, starts, ends, siblings, today, rng)

    # Twins: in families of three or more, the next person becomes a twin of this one.
    twin_of = np.full(n_people, -1, dtype=np.int64)
    same_next = np.zeros(n_people, dtype=bool)
    same_next[:-1] = (household[:-1] == household[1:]) & ~hmo[:-1]
    twins = np.flatnonzero(same_next & (rng.random(n_people) < families.twins))
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
    namesake_of = _junior_senior(
        first, sex, surname, dob, twin_of, starts, ends,
        family & (rng.random(len(starts)) < families.junior_senior), pools, rng,
    )  # fmt: skip

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
    # a family's landline, given by some members instead of their own mobile
    landline = "01" + np.char.zfill(rng.integers(0, 10**9, n_households).astype(str), 9).astype(
        object
    )
    on_landline = ~hmo & (rng.random(n_households) < families.shared_landline)[household]
    on_landline &= rng.random(n_people) < families.landline_use
    phone = np.where(on_landline, landline[household], phone)
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
        namesake_of=namesake_of,
    )


def _close_siblings(
    dob: Arr, starts: Arr, ends: Arr, chosen: Arr, today: np.datetime64, rng: np.random.Generator
) -> None:
    """In the chosen families the members after the first are children born 10 to 30 months
    apart, the first (a parent) 20 to 40 years before the eldest."""
    for start, end in zip(starts[chosen].tolist(), ends[chosen].tolist(), strict=True):
        eldest = today - int(rng.integers(3 * 365, 25 * 365)) * DAY
        gaps = np.cumsum(rng.integers(300, 900, end - start - 1))
        children = eldest + np.concatenate(([0], gaps[:-1])) * DAY
        dob[start + 1 : end] = np.minimum(children, today)
        dob[start] = eldest - int(rng.integers(20 * 365, 40 * 365)) * DAY


def _junior_senior(
    first: Arr,
    sex: Arr,
    surname: Arr,
    dob: Arr,
    twin_of: Arr,
    starts: Arr,
    ends: Arr,
    chosen: Arr,
    pools: Pools,
    rng: np.random.Generator,
) -> Arr:
    """In the chosen families the first member is a father and a later one his son, with his
    forename and surname (Jr/Sr), born 18 to 45 years after him."""
    namesake_of = np.full(len(first), -1, dtype=np.int64)
    for start, end in zip(starts[chosen].tolist(), ends[chosen].tolist(), strict=True):
        son = int(rng.integers(start + 1, end))
        if twin_of[son] >= 0 or twin_of[start] >= 0:
            continue  # a twin keeps a forename unlike the other twin's
        if sex[start] != "M":
            first[start] = rng.choice(pools.male, p=pools.male_p)
        sex[start] = sex[son] = "M"
        first[son] = first[start]
        surname[son] = surname[start]
        dob[start] = dob[son] - int(rng.integers(18 * 365, 45 * 365)) * DAY
        namesake_of[son], namesake_of[start] = start, son
    return namesake_of
