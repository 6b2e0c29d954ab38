"""Twins and household members stay apart: another forename with the surname the same is
evidence of two people in the model; with the date of birth equal too (twins), and the same
names born years apart in one home (Jr/Sr), a must-not-link rule where the data say such
pairs are two people, and not where they are one person with a replaced value (FEBRL)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from accord.linkage import pipeline, quality
from accord.linkage.apart import different_forenames, must_not_link
from accord.linkage.config import LinkageConfig
from accord.linkage.prepare import prepare
from accord.linkage.profiles import collapse
from accord.linkage.samples import Labelled, synthetic
from accord.linkage.service import write_report

NONE = pd.Series(dtype="string")
NO_DECISIONS = pd.DataFrame(columns=["record_id_l", "record_id_r", "decision"])


def _frame(first_names: list[str | None], surname: str = "Okafor") -> pd.DataFrame:
    n = len(first_names)
    return pd.DataFrame(
        {
            "record_id": [f"r{i}" for i in range(n)],
            "partner": "police",
            "dataset": "people",
            "first_name": first_names,
            "surname": surname,
            "dob": "2001-04-17",
            "postcode": "OX4 1AB",
            "address": "12 Cowley Road, Oxford",
            "phone": "01865 123456",
            "email": None,
        }
    )


def _apart(first_names: list[str | None]) -> set[tuple[str, str]]:
    prepared = prepare(_frame(first_names))
    pairs = different_forenames(prepared)
    names = prepared["first_name"].to_numpy()
    return {(names[a], names[b]) for a, b in pairs.tolist()}


def test_another_forename_with_surname_and_date_of_birth_equal_is_kept_apart() -> None:
    assert _apart(["Amelia", "Grace"]) == {("amelia", "grace")}


@pytest.mark.parametrize(
    "other",
    [
        "Robert",  # nickname of Bob
        "Bobb",  # typo
        "B",  # initial
        None,  # missing
    ],
)
def test_nicknames_typos_initials_and_gaps_are_not_kept_apart(other: str | None) -> None:
    assert _apart(["Bob", other]) == set()


def test_a_different_surname_or_date_is_not_a_must_not_link_pair() -> None:
    frame = _frame(["Amelia", "Grace"])
    frame.loc[1, "surname"] = "Nowak"
    assert len(different_forenames(prepare(frame))) == 0
    frame = _frame(["Amelia", "Grace"])
    frame.loc[1, "dob"] = "2003-01-02"
    assert len(different_forenames(prepare(frame))) == 0


def _surname(n: int) -> str:
    """A surname of person `n` (names are cleaned of digits: Faabc for 12)."""
    return "Fa" + "".join(chr(97 + int(d)) for d in f"{n:03d}")


def _person(
    n: int, first: str, systems: tuple[str, ...], *, surname: str | None = None, dob: str = ""
) -> list[dict[str, str]]:
    """One person's records, one per system (partner), alike but for the system."""
    return [
        {
            "record_id": f"{system}-{n}-{first}",
            "partner": system,
            "dataset": "people",
            "first_name": first,
            "surname": surname or _surname(n),
            "dob": dob or f"19{50 + n % 40:02d}-0{1 + n % 9}-1{n % 10}",
            "postcode": "OX4 1AB",
            "address": f"{n} Cowley Road, Oxford",
            "phone": f"01865 1{n:05d}",
            "email": "",
        }
        for system in systems
    ]


def _kept(rows: list[dict[str, str]]) -> set[frozenset[str]]:
    """The forename pairs must_not_link keeps apart among `rows`."""
    frame = pd.DataFrame(rows)
    distinct, profiles = collapse(frame)
    prepared = prepare(distinct)
    sources = (frame["partner"] + "/" + frame["dataset"]).to_numpy()
    apart = must_not_link(prepared, profiles.profile, sources)
    names = prepared["first_name"].to_numpy()
    return {frozenset((names[a], names[b])) for a, b in apart.pairs.tolist()}


BOTH = ("police", "council")
# 30 people each named alike by both systems: most forenames are confirmed
ORDINARY = [r for n in range(30) for r in _person(n, "Alexander", BOTH)]


def _replaced(n: int) -> list[dict[str, str]]:
    """A person whose council record carries another forename (FEBRL's corruption)."""
    police, council = _person(100 + n, "Benjamin", BOTH)
    return [police, {**council, "first_name": "Joshua"}]


def _twins(n: int) -> list[dict[str, str]]:
    """Twins, each named alike by both systems."""
    return _person(200 + n, "Amelia", BOTH, dob="2001-04-17") + _person(
        200 + n, "Grace", BOTH, dob="2001-04-17"
    )


def test_twins_each_named_by_two_systems_are_kept_apart() -> None:
    assert _kept(ORDINARY + _twins(0)) == {frozenset({"amelia", "grace"})}


def test_where_no_pair_is_twins_a_replaced_forename_is_not_kept_apart() -> None:
    """Neither forename of a replaced pair is confirmed by two systems; with no confirmed
    pair at all, the data say such pairs are one person."""
    assert _kept(ORDINARY + [r for n in range(5) for r in _replaced(n)]) == set()


def test_where_such_pairs_are_mostly_twins_an_unconfirmed_one_is_kept_apart() -> None:
    """The same replaced pairs, now among as many confirmed twins: the data say a pair of
    this kind is more likely two people, and the same unconfirmed pairs stay apart."""
    rows = ORDINARY + [r for n in range(5) for r in _replaced(n) + _twins(n)]
    assert frozenset({"benjamin", "joshua"}) in _kept(rows)
    assert frozenset({"amelia", "grace"}) in _kept(rows)


def test_one_system_alone_cannot_tell_so_every_such_pair_is_kept_apart() -> None:
    rows = [{**r, "partner": "police"} for r in _replaced(0)]
    rows[1]["record_id"] = "police-2"
    assert _kept(rows) == {frozenset({"benjamin", "joshua"})}


def test_a_parent_and_child_named_alike_in_one_home_are_kept_apart() -> None:
    father = _person(300, "Tom", BOTH, dob="1961-03-02")
    son = [{**r, "record_id": r["record_id"] + "-jr", "dob": "1989-11-23"} for r in father]
    assert _kept(ORDINARY + father + son) == {frozenset({"tom"})}
    # born years apart in another home: not a candidate at all
    elsewhere = [{**r, "postcode": "RG1 1AA", "phone": "0118 000000"} for r in son]
    assert _kept(ORDINARY + father + elsewhere) == set()


def test_twins_are_two_people_even_when_a_record_without_forename_links_both() -> None:
    """A record with no forename matches each twin; the twins still are not one person."""
    frame = _frame(["Amelia", "Grace", None, "Amelia", "Grace"])
    frame.loc[3:, "partner"] = "council"
    frame.loc[3:, "record_id"] = ["c0", "c1"]
    out = pipeline.run_full(frame, previous=NONE, decisions=NO_DECISIONS, config=LinkageConfig())
    ids = out.person_ids
    assert ids["r0"] == ids["c0"]
    assert ids["r1"] == ids["c1"]
    assert ids["r0"] != ids["r1"]
    assert out.must_not_link >= 1


def test_accuracy_by_pair_kind_counts_twin_and_household_merges() -> None:
    truth = pd.DataFrame({"record_id": list("abcdefgh"), "person_id": [1, 1, 2, 2, 3, 4, 5, 5]})
    people = pd.DataFrame(
        {
            "person_id": [1, 2, 3, 4, 5],
            "household": [10, 10, 11, 11, 12],
            "twin_of": [2, 1, -1, -1, -1],
            "kind": ["twin", "twin", "household", "household", "ordinary"],
        }
    )
    # twins 1 and 2 merged (4 records: 2 right pairs, 4 wrong); housemates 3 and 4 merged
    found = pd.Series(["p", "p", "p", "p", "q", "q", "r", "r"], index=list("abcdefgh"))
    by_kind = quality.accuracy_by_kind(found, truth, people)
    assert by_kind["twin"]["true_positive_pairs"] == 2
    assert by_kind["twin"]["wrongly_joined_pairs"] == 4
    assert by_kind["twin"]["precision"] == pytest.approx(2 / 6)
    assert by_kind["household"]["wrongly_joined_pairs"] == 1
    assert by_kind["household"]["precision"] == 0.0  # its only joined pair is wrong
    assert by_kind["ordinary"] == {
        "true_pairs": 1, "predicted_pairs": 1, "true_positive_pairs": 1,
        "wrongly_joined_pairs": 0, "precision": 1.0, "recall": 1.0,
    }  # fmt: skip


@pytest.fixture(scope="module")
def families() -> Labelled:
    return synthetic(12_000, seed=5)  # the tuning profile: tests never use the held-out one


def test_twins_and_households_stay_apart_on_generated_families(families: Labelled) -> None:
    out = pipeline.run_full(
        families.identifiers, previous=NONE, decisions=NO_DECISIONS, config=LinkageConfig()
    )
    by_kind = quality.accuracy_by_kind(out.person_ids, families.truth, families.people)
    assert by_kind["twin"]["true_pairs"] > 0
    assert by_kind["twin"]["precision"] >= 0.99
    assert by_kind["household"]["precision"] >= 0.98
    assert quality.pairwise_accuracy(out.person_ids, families.truth)["f1"] >= 0.98


def test_the_report_carries_charts_without_identifiers(tmp_path: Path) -> None:
    frame = _frame(["Amelia", "Grace", "Amelia"])
    out = pipeline.run_full(frame, previous=NONE, decisions=NO_DECISIONS, config=LinkageConfig())
    report = quality.build(
        run={"id": "r1", "kind": "full", "engine": "duckdb", "threshold": 0.9,
             "started_at": "2026-12-01T00:00:00"},
        person_ids=out.person_ids, comparisons=out.comparisons,
        weight_histogram=out.weight_histogram, edges_used=out.edges_used, broken=[], refused=0,
        conflicts=0, review_added=0, stability=None, timings={},
    )  # fmt: skip
    _, md = write_report(report, tmp_path, model=out.model)
    svgs = sorted(p.name for p in tmp_path.glob("*.svg"))
    assert svgs == [
        "linkage-r1-clusters.svg",
        "linkage-r1-parameters.svg",
        "linkage-r1-weights.svg",
    ]
    text = md.read_text()
    for name in svgs:
        assert f"]({name})" in text
        drawing = (tmp_path / name).read_text()
        assert drawing.startswith("<?xml")
        assert "amelia" not in drawing.lower()
        assert "Cowley" not in drawing
    assert "Another forename, same surname" in (tmp_path / svgs[1]).read_text()
    assert np.isfinite(out.model["probability_two_random_records_match"])
