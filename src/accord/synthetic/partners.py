"""`generate(n)`: synthetic records for TVT-like partner datasets, with the truth kept aside.

Records are drawn from a true population (`population.py`): each record picks a person (some
people appear in many records, most in one or two), a partner dataset, and a record date in
the last six and a half years (so some fall outside the six-year lookback). The identifiers it
carries are the person's as at that date (address after a move, surname after marriage), then
spoiled by the errors real systems have (`errors.py`): typos, nicknames, swapped day and
month, stale addresses, missing fields. Work runs in vectorised chunks of a million records.

`SyntheticData.records["partner/dataset"]` holds rows in that feed contract's fields;
`.truth` (record_id, person_id) says which person each record is about, for measuring linkage;
`.people` says how the people are related (twin, same household, or neither), so accuracy
can be measured separately on the pairs that are hardest to keep apart.

Two named profiles (`PROFILES`) set the error rates and family make-up. "tuning" is the one
accord's model and tests are shaped on; "held-out", with its own seed (HELD_OUT_SEED), other
error rates and more twins, close siblings, Jr/Sr and shared landlines, is for measuring only:
nothing is tuned on it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa  # type: ignore[import-untyped]
import pyarrow.csv as pacsv  # type: ignore[import-untyped]
import pyarrow.parquet as pq  # type: ignore[import-untyped]

from accord.feeds.keys import record_secret
from accord.feeds.vector import record_id_array
from accord.register.schema import FeedContract, FieldRole
from accord.synthetic import errors, pools, population
from accord.synthetic.errors import ErrorRates
from accord.synthetic.population import Families
from accord.synthetic.tvt import CENSUS, PERSON_FEEDS, feed_key

Arr = np.ndarray[Any, Any]
CHUNK = 1_000_000
IDENTIFIER_COLUMNS = ("first_name", "surname", "dob", "postcode", "address", "phone", "email")


@dataclass(frozen=True)
class PartnerSpec:
    contract: FeedContract
    share: float  # of all records
    key_prefix: str


DEFAULT_PARTNERS: tuple[PartnerSpec, ...] = (
    PartnerSpec(PERSON_FEEDS[0], 0.45, "TVP-CR-"),
    PartnerSpec(PERSON_FEEDS[1], 0.2, "OCC-"),
    PartnerSpec(PERSON_FEEDS[2], 0.15, "RBC"),
    PartnerSpec(PERSON_FEEDS[3], 0.2, "OFRS/"),
)


@dataclass(frozen=True)
class Profile:
    """Error rates and family make-up of a generated partnership."""

    name: str
    rates: ErrorRates
    families: Families
    people_per_record: float = 0.45


PROFILES: dict[str, Profile] = {
    "tuning": Profile("tuning", ErrorRates(), Families()),
    "held-out": Profile(
        "held-out",
        ErrorRates(
            typo_first_name=0.04,
            typo_surname=0.04,
            nickname=0.12,
            swapped_day_month=0.03,
            stale_address=0.2,
            missing=(
                ("first_name", 0.005),
                ("surname", 0.005),
                ("dob", 0.03),
                ("address", 0.08),
                ("postcode", 0.06),
                ("phone", 0.45),
                ("email", 0.5),
            ),
        ),
        Families(
            twins=0.06,
            close_siblings=0.4,
            junior_senior=0.08,
            shared_landline=0.5,
            landline_use=0.7,
        ),
        people_per_record=0.5,
    ),
}
# the held-out set's seed: measuring only, never a seed the model or tests are tuned on
HELD_OUT_SEED = 424_242


@dataclass
class SyntheticData:
    records: dict[str, pd.DataFrame]  # "partner/dataset" -> rows in the contract's fields
    truth: pd.DataFrame  # record_id, person_id
    contracts: dict[str, FeedContract]
    record_ids: dict[str, pd.Series]  # aligned with records[key]
    areas: pd.DataFrame = field(default_factory=pd.DataFrame)  # census areas (no people)
    # person_id, household, twin_of, namesake_of (-1: none) and kind: "twin" (has a twin),
    # "household" (lives with someone) or "ordinary"
    people: pd.DataFrame = field(default_factory=pd.DataFrame)

    def identifiers(self) -> pd.DataFrame:
        """The records in the identifiers table's shape (accord.feeds.identifiers.SCHEMA),
        straight from the generator, without going through ingest."""
        from accord.feeds.identifiers import SCHEMA

        parts = []
        for key, frame in self.records.items():
            contract = self.contracts[key]
            n = len(frame)
            by_match = {f.match_as: f.name for f in contract.fields if f.match_as}
            columns: dict[str, pa.Array] = {
                "record_id": pa.array(self.record_ids[key].astype(str).tolist(), pa.string()),
                "partner": pa.array([contract.partner] * n, pa.string()),
                "dataset": pa.array([contract.dataset] * n, pa.string()),
            }
            for column in IDENTIFIER_COLUMNS:
                kind = SCHEMA.field(column).type
                source = by_match.get(column)
                columns[column] = (
                    pa.array(frame[source], from_pandas=True).cast(kind)
                    if source
                    else pa.nulls(n, kind)
                )
            parts.append(pa.table(columns).select(SCHEMA.names).cast(SCHEMA))
        out: pd.DataFrame = pa.concat_tables(parts).to_pandas()
        return out

    def write(self, directory: Path, fmt: str = "csv") -> dict[str, Path]:
        """Write each dataset (and the census areas) as a delivery file; returns key -> path."""
        directory.mkdir(parents=True, exist_ok=True)
        frames = dict(self.records)
        if not self.areas.empty:
            frames[feed_key(CENSUS)] = self.areas
        paths = {}
        for key, frame in frames.items():
            path = directory / f"{key.replace('/', '__')}.{fmt}"
            table = pa.Table.from_pandas(frame, preserve_index=False)
            if fmt == "csv":
                pacsv.write_csv(table, path)
            elif fmt == "parquet":
                pq.write_table(table, path)
            elif fmt == "jsonl":
                frame.to_json(path, orient="records", lines=True, date_format="iso")
            else:
                raise ValueError(f"unknown format {fmt!r} (csv, parquet or jsonl)")
            paths[key] = path
        return paths


def generate(
    n_records: int,
    *,
    seed: int = 0,
    partners: Sequence[PartnerSpec] = DEFAULT_PARTNERS,
    as_of: date | None = None,
    rates: ErrorRates | None = None,
    people_per_record: float | None = None,
    secret: bytes | None = None,
    profile: str = "tuning",
) -> SyntheticData:
    """`n_records` records spread over `partners` by share; the same seed gives the same data.

    `profile` names the error rates and family make-up (PROFILES); `rates` and
    `people_per_record` override the profile's."""
    if n_records < 1:
        raise ValueError("n_records must be at least 1")
    if profile not in PROFILES:
        raise ValueError(f"unknown profile {profile!r}: use one of {', '.join(PROFILES)}")
    chosen = PROFILES[profile]
    as_of = as_of or date.today()
    rates = rates or chosen.rates
    if people_per_record is None:
        people_per_record = chosen.people_per_record
    secret = secret if secret is not None else record_secret()
    rng = np.random.default_rng(seed)
    n_people = max(2, int(n_records * people_per_record))
    pool = pools.build(int(np.clip(n_people // 40, 300, 50_000)), seed)
    people = population.build(n_people, pool, rng, as_of, chosen.families)
    activity = rng.pareto(1.8, n_people) + 1.0
    activity /= activity.sum()
    shares = np.array([p.share for p in partners], dtype=np.float64)
    shares /= shares.sum()

    parts: dict[str, list[pa.Table]] = {feed_key(p.contract): [] for p in partners}
    truth_parts: list[pd.DataFrame] = []
    counters = dict.fromkeys(parts, 0)
    for start in range(0, n_records, CHUNK):
        size = min(CHUNK, n_records - start)
        person = rng.choice(n_people, size=size, p=activity)
        which = rng.choice(len(partners), size=size, p=shares)
        for index, spec in enumerate(partners):
            rows = person[which == index]
            if len(rows) == 0:
                continue
            key = feed_key(spec.contract)
            first_key = counters[key]
            counters[key] += len(rows)
            table = _records(spec, rows, people, pool, rng, as_of, rates, first_key)
            parts[key].append(table)
            truth_parts.append(pd.DataFrame({"key": key, "person_id": rows}))

    records: dict[str, pd.DataFrame] = {}
    ids: dict[str, pd.Series] = {}
    contracts = {feed_key(p.contract): p.contract for p in partners}
    for key, tables in parts.items():
        if not tables:
            continue
        frame = pa.concat_tables(tables).to_pandas(types_mapper=pd.ArrowDtype)
        contract = contracts[key]
        records[key] = frame
        keys = pa.concat_tables(tables).column(contract.key).combine_chunks()
        rids = record_id_array(contract.partner, contract.dataset, keys, secret=secret)
        ids[key] = pd.Series(rids.to_numpy(zero_copy_only=False), dtype=object)
    truth = _truth(truth_parts, ids)
    return SyntheticData(
        records, truth, contracts, ids, areas=census_areas(pool, rng), people=_people(people)
    )


def _people(people: population.Population) -> pd.DataFrame:
    sizes = np.bincount(people.household)[people.household]
    kind = np.where(people.twin_of >= 0, "twin", np.where(sizes > 1, "household", "ordinary"))
    return pd.DataFrame(
        {
            "person_id": np.arange(len(people), dtype=np.int64),
            "household": people.household.astype(np.int64),
            "twin_of": people.twin_of.astype(np.int64),
            "namesake_of": people.namesake_of.astype(np.int64),
            "kind": kind,
        }
    )


def _truth(parts: list[pd.DataFrame], ids: dict[str, pd.Series]) -> pd.DataFrame:
    by_key: dict[str, list[Arr]] = {}
    for part in parts:
        by_key.setdefault(str(part["key"].iat[0]), []).append(part["person_id"].to_numpy())
    frames = [
        pd.DataFrame({"record_id": ids[key].to_numpy(), "person_id": np.concatenate(chunks)})
        for key, chunks in by_key.items()
    ]
    truth = pd.concat(frames, ignore_index=True)
    truth["person_id"] = truth["person_id"].astype(np.int64)
    return truth


def _records(
    spec: PartnerSpec,
    person: Arr,
    people: population.Population,
    pool: pools.Pools,
    rng: np.random.Generator,
    as_of: date,
    rates: ErrorRates,
    first_key: int,
) -> pa.Table:
    n = len(person)
    today = np.datetime64(as_of, "D")
    record_date = today - rng.integers(0, int(6.5 * 365), n) * population.DAY

    moved = ~np.isnat(people.move_date[person]) & (record_date >= people.move_date[person])
    moved &= rng.random(n) >= rates.stale_address
    married = ~np.isnat(people.marriage_date[person]) & (
        record_date >= people.marriage_date[person]
    )
    ident: dict[str, Arr] = {
        "first_name": people.first_name[person],
        "surname": np.where(married, people.married_surname[person], people.surname[person]),
        "dob": people.dob[person],
        "address": np.where(moved, people.new_address[person], people.address[person]),
        "postcode": np.where(moved, people.new_postcode[person], people.postcode[person]),
        "phone": people.phone[person],
        "email": people.email[person],
    }
    lsoa = np.where(moved, people.new_lsoa[person], people.lsoa[person])

    ident["first_name"] = errors.nicknames(ident["first_name"], rng.random(n) < rates.nickname, rng)
    ident["first_name"] = errors.typos(
        ident["first_name"], rng.random(n) < rates.typo_first_name, rng
    )
    ident["surname"] = errors.typos(ident["surname"], rng.random(n) < rates.typo_surname, rng)
    ident["dob"] = errors.swap_day_month(ident["dob"], rng.random(n) < rates.swapped_day_month)
    required = {f.match_as for f in spec.contract.fields if f.required and f.match_as}
    for column, rate in rates.missing:
        if column not in required:
            ident[column] = errors.blank(ident[column], rng.random(n) < rate)

    c = spec.contract
    columns: dict[str, pa.Array] = {}
    for f in c.fields:
        if f.role is FieldRole.KEY:
            numbers = np.arange(first_key, first_key + n).astype(str)
            columns[f.name] = pa.array(np.char.add(spec.key_prefix, np.char.zfill(numbers, 9)))
        elif f.match_as:
            values = ident[f.match_as]
            columns[f.name] = pa.array(
                values, type=pa.date32() if f.type == "date" else pa.string()
            )
        else:
            columns[f.name] = _attribute(f.name, f.type, f.codes, c, record_date, lsoa, pool, rng)
    return pa.table(columns)


def _attribute(
    name: str,
    type_: str,
    codes: list[str],
    contract: FeedContract,
    record_date: Arr,
    lsoa: Arr,
    pool: pools.Pools,
    rng: np.random.Generator,
) -> pa.Array:
    n = len(record_date)
    if name == contract.date_field:
        return pa.array(record_date, type=pa.date32())
    if name == contract.delete_field:
        return pa.array(np.zeros(n, dtype=bool))
    if type_ == "code":
        weights = 1.0 / (np.arange(len(codes)) + 1.5)
        return pa.array(
            rng.choice(np.array(codes, dtype=object), size=n, p=weights / weights.sum())
        )
    if type_ == "boolean":
        return pa.array(rng.random(n) < 0.12)
    if type_ == "date":  # e.g. a closing date: after the record date, often still open
        later = record_date + rng.integers(10, 400, n) * population.DAY
        later = np.where(rng.random(n) < 0.5, later, np.datetime64("NaT"))
        return pa.array(np.minimum(later, record_date.max()), type=pa.date32())
    if name == "lsoa":
        return pa.array(pool.lsoas[lsoa])
    if type_ in ("integer", "number"):
        return pa.array(rng.integers(0, 100, n))
    return pa.array(np.full(n, None, dtype=object), type=pa.string())


def census_areas(pool: pools.Pools, rng: np.random.Generator) -> pd.DataFrame:
    """Rows for the census-area feed: one per LSOA in the pools (areas, not people)."""
    n = len(pool.lsoas)
    return pd.DataFrame(
        {
            "lsoa": pool.lsoas,
            "lsoa_name": pool.lsoa_names,
            "population": rng.integers(1000, 3200, n),
            "imd_decile": rng.integers(1, 11, n),
            "pct_social_rented": np.round(rng.beta(2, 6, n) * 100, 1),
        }
    )
