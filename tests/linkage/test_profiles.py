"""Profiles: records with equal identifiers are compared once and always share a person."""

from __future__ import annotations

import pandas as pd

from accord.linkage import pipeline
from accord.linkage.config import LinkageConfig
from accord.linkage.prepare import prepare, with_rare_dates
from accord.linkage.profiles import collapse, extend
from accord.linkage.samples import Labelled

NONE = pd.Series(dtype="string")
NO_DECISIONS = pd.DataFrame(columns=["record_id_l", "record_id_r", "decision"])


def _records(rows: list[tuple[str, str | None, str | None]]) -> pd.DataFrame:
    """(record_id, first_name, dob) rows; every other identifier equal or missing."""
    return pd.DataFrame(
        {
            "record_id": [r[0] for r in rows],
            "partner": "police",
            "dataset": "events",
            "first_name": [r[1] for r in rows],
            "surname": "Okafor",
            "dob": [r[2] for r in rows],
            "postcode": "OX4 1AB",
            "address": None,
            "phone": None,
            "email": None,
        }
    )


def test_equal_identifiers_are_one_profile_named_by_its_smallest_record() -> None:
    rows = [("r3", "Ada", "1990-01-02"), ("r1", "Ada", "1990-01-02"), ("r2", "Ade", None)]
    frame = _records([*rows, ("r0", "Ade", None)])
    distinct, profiles = collapse(frame)
    assert len(profiles) == 2
    assert sorted(distinct["record_id"]) == ["r0", "r1"]  # missing values count as equal
    numbers = profiles.of(["r3", "r1", "r2", "r0"]).tolist()
    assert numbers[0] == numbers[1] != numbers[2] == numbers[3]
    assert profiles.of(["unknown"]).tolist() == [-1]
    assert profiles.ids[profiles.of(["r3"])[0]] == "r1"


def test_a_reviewers_rejection_keeps_equal_records_apart(febrl: Labelled) -> None:
    ids = febrl.identifiers
    first = ids["record_id"].iloc[0]
    twin = ids.iloc[:1].assign(record_id=first + ":twin")  # equal identifiers, new record
    frame = pd.concat([ids, twin], ignore_index=True)
    together = pipeline.run_full(
        frame, previous=NONE, decisions=NO_DECISIONS, config=LinkageConfig()
    )
    assert together.person_ids[first] == together.person_ids[first + ":twin"]
    rejected = pd.DataFrame(
        {"record_id_l": [first], "record_id_r": [first + ":twin"], "decision": ["reject"]}
    )
    out = pipeline.run_full(frame, previous=NONE, decisions=rejected, config=LinkageConfig())
    assert out.person_ids[first] != out.person_ids[first + ":twin"]


def test_full_run_scores_profiles_and_gives_every_record_its_persons_id(
    febrl: Labelled,
) -> None:
    doubled = febrl.identifiers.copy()
    copies = doubled.assign(record_id=doubled["record_id"] + ":again")
    out = pipeline.run_full(
        pd.concat([doubled, copies], ignore_index=True),
        previous=NONE,
        decisions=NO_DECISIONS,
        config=LinkageConfig(),
    )
    assert out.profiles == len(collapse(doubled)[1])  # each copy is its original's profile
    assert len(out.person_ids) == 2 * len(doubled)
    original = out.person_ids.reindex(copies["record_id"].str.removesuffix(":again"))
    assert (out.person_ids.reindex(copies["record_id"]).to_numpy() == original.to_numpy()).all()


def test_a_delta_record_equal_to_a_linked_one_takes_its_person(febrl: Labelled) -> None:
    ids = febrl.identifiers
    base = pipeline.run_full(ids, previous=NONE, decisions=NO_DECISIONS, config=LinkageConfig())
    repeat = ids.iloc[:50].assign(record_id=ids["record_id"].iloc[:50] + ":new-event")
    inc = pipeline.run_incremental(
        ids,
        repeat,
        previous=base.person_ids,
        decisions=NO_DECISIONS,
        trained=base.model,
        config=LinkageConfig(),
    )
    assert inc.profiles == 0  # nothing new to score
    assert inc.comparisons == 0
    expected = base.person_ids.reindex(ids["record_id"].iloc[:50]).to_numpy()
    assert (inc.person_ids.reindex(repeat["record_id"]).to_numpy() == expected).all()


def test_a_date_of_birth_blocks_alone_only_while_rare() -> None:
    dates = ["1990-01-02"] * 3 + ["1971-07-30"]
    frame = _records([(f"r{i}", f"name{i}", day) for i, day in enumerate(dates)])
    prepared = with_rare_dates(prepare(frame), limit=2)
    assert prepared["dob_rare"].isna().tolist() == [True, True, True, False]
    assert with_rare_dates(prepare(frame), limit=3)["dob_rare"].notna().all()


def test_a_working_sets_profiles_take_equal_fresh_records_and_keep_their_keys() -> None:
    existing = prepare(_records([("b", "Ada", "1990-01-02"), ("c", "Ada", "1990-01-02")]))
    existing["profile"] = "a"  # named by a record the partner has since deleted
    fresh = prepare(
        _records([("d", "Ada", "1990-01-02"), ("e", "Bea", None), ("f", "Ada", "1990-01-02")])
    )
    columns = [c for c in existing.columns if c not in ("record_id", "source", "profile")]
    distinct, profiles = extend(existing, fresh, columns=columns, apart=["f"])
    numbers = profiles.of(["b", "c", "d", "e", "f"]).tolist()
    assert numbers[0] == numbers[1] == numbers[2]  # d is equal to the set's profile
    assert len({numbers[0], numbers[3], numbers[4]}) == 3  # e is new; f is kept apart
    assert profiles.keys[numbers[2]] == "a"  # the stored key survives
    assert profiles.ids[numbers[0]] in {"b", "c"}  # scored under a record that exists
    assert len(distinct) == len(profiles) == 3
