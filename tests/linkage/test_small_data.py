"""Runs on deliveries too small to train on: one record, three police rows, thirty people
delivered identically by two partners. Each run completes, scores with the last trained
model or the default one, and says so in its report and on the terminal."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pandas as pd
import pytest
from sqlalchemy.orm import Session

from accord.gate.types import Actor
from accord.linkage import model, pipeline, quality, service
from accord.linkage.config import LinkageConfig
from accord.linkage.defaults import default_model
from accord.linkage.samples import Labelled
from accord.linkage.training import Training

from .conftest import person_number

NONE = pd.Series(dtype="string")
NO_DECISIONS = pd.DataFrame(columns=["record_id_l", "record_id_r", "decision"])
FIRST = ["Amelia", "Oliver", "Isla", "George", "Ava", "Noah", "Mia", "Arthur", "Ivy", "Leo"]
SURNAMES = ["Patel", "Okafor", "Nowak"]


def _row(record_id: str, partner: str, i: int) -> dict[str, object]:
    return {
        "record_id": record_id,
        "partner": partner,
        "dataset": "people",
        "first_name": FIRST[i % 10],
        "surname": SURNAMES[i // 10],
        "dob": f"19{60 + i}-0{1 + i % 9}-1{i % 10}",
        "postcode": f"OX{1 + i % 9} {i % 10}AB",
        "address": f"{i + 1} Station Road, Oxford",
        "phone": None,
        "email": None,
    }


def three_police_rows() -> pd.DataFrame:
    return pd.DataFrame([_row(f"police:{i}", "police", i) for i in range(3)])


def thirty_twice() -> pd.DataFrame:
    """Thirty people, each delivered with identical identifiers by two partners."""
    rows = [_row(f"{p}:{i}", p, i) for p in ("police", "council") for i in range(30)]
    return pd.DataFrame(rows)


def _full(frame: pd.DataFrame, fallback: dict[str, object] | None = None) -> pipeline.RunOutput:
    return pipeline.run_full(
        frame, previous=NONE, decisions=NO_DECISIONS, config=LinkageConfig(), fallback=fallback
    )


def _used(output: pipeline.RunOutput) -> Training:
    assert output.training is not None
    return output.training


def test_one_record_is_one_person_scored_with_the_default_model() -> None:
    out = _full(three_police_rows().head(1))
    assert out.person_ids.index.tolist() == ["police:0"]
    assert _used(out).source == "defaults"
    assert "1 distinct identifier profile(s), fewer than the 100" in (_used(out).reason or "")


def test_three_police_rows_about_three_people_are_three_people() -> None:
    out = _full(three_police_rows())
    assert out.person_ids.nunique() == 3
    assert _used(out).source == "defaults"
    assert out.model["comparisons"] == default_model()["comparisons"]


def test_thirty_people_delivered_twice_are_thirty_people_each_with_both_records() -> None:
    frame = thirty_twice()
    out = _full(frame)
    assert _used(out).source == "defaults"
    assert out.person_ids.nunique() == 30
    for i in range(30):
        assert out.person_ids[f"police:{i}"] == out.person_ids[f"council:{i}"]


def test_many_people_with_nothing_in_common_are_not_trained_on() -> None:
    """Enough profiles, but no two agree on a date of birth: EM has no pairs to learn from."""
    start = pd.Timestamp("1950-01-01")
    rows = [
        {
            **_row(f"police:{i}", "police", i % 30),
            "first_name": f"{FIRST[i % 10]}{'abcdefghijklm'[i // 10]}",
            "dob": (start + pd.Timedelta(days=97 * i)).strftime("%Y-%m-%d"),
        }
        for i in range(130)
    ]
    out = _full(pd.DataFrame(rows))
    assert _used(out).source == "defaults"
    assert "no pairs of records agree" in (_used(out).reason or "")
    assert out.person_ids.nunique() == 130


def test_the_last_trained_model_is_preferred_to_the_default(febrl: Labelled) -> None:
    trained = _full(febrl.identifiers[person_number(febrl.identifiers["record_id"]) < 300])
    assert _used(trained).source == "trained"
    out = _full(thirty_twice(), fallback=trained.model)
    assert _used(out).source == "last-run"
    assert out.model["probability_two_random_records_match"] == pytest.approx(
        trained.model["probability_two_random_records_match"]
    )
    assert out.person_ids.nunique() == 30


def test_the_default_model_compares_what_the_model_compares() -> None:
    """The shipped default is rebuilt when comparisons change (python -m accord.linkage.defaults)."""
    shipped = default_model()
    current = model.settings().get_settings("duckdb").as_dict()

    def shape(settings: dict[str, object]) -> list[tuple[str, list[str]]]:
        return [
            (c["output_column_name"], [level["sql_condition"] for level in c["comparison_levels"]])
            for c in settings["comparisons"]  # type: ignore[attr-defined]
        ]

    assert shape(shipped) == shape(current)
    levels = [lv for c in shipped["comparisons"] for lv in c["comparison_levels"]]
    scored = [lv for lv in levels if not lv.get("is_null_level")]
    trained = [lv for lv in scored if "m_probability" in lv and "u_probability" in lv]
    # levels the training data never showed keep Splink's defaults, as in any trained model;
    # every comparison's agreement level has its u estimated from the training data
    assert len(trained) >= 0.6 * len(scored)
    for comparison in shipped["comparisons"]:
        levels = comparison["comparison_levels"]
        first = next(lv for lv in levels if not lv.get("is_null_level"))
        assert "u_probability" in first, comparison["output_column_name"]


@pytest.mark.store
def test_a_tiny_run_through_the_store_reports_the_model_it_used(
    session: Session, analyst: Actor, config: LinkageConfig, tmp_path: Path
) -> None:
    run = service.run(
        session,
        actor=analyst,
        config=config,
        index_key="test-index-key",
        identifiers=three_police_rows(),
        reports_dir=tmp_path,
    )
    assert run.status == "finished"
    assert run.people == 3
    assert run.report is not None
    assert run.report["model"]["source"] == "defaults"
    md = (tmp_path / f"linkage-{run.id}.md").read_text()
    assert "too little to train" in md
    assert "default model" in md
    assert "## Charts" in md  # the SVGs written beside it
    assert md.startswith(quality.markdown(run.report).split("## Timings")[0])


def _accord(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """`accord ARGS` in a fresh process (forking this one after DuckDB has run is unsafe)."""
    return subprocess.run(
        [str(Path(sys.executable).with_name("accord")), *args],
        env={**os.environ, **env, "COLUMNS": "250"},
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


@pytest.fixture
def police_store(tmp_path: Path) -> Iterator[dict[str, str]]:
    from accord.synthetic.partners import generate
    from accord.synthetic.tvt import POLICE, feed_key
    from feeds.crashes import fresh_store

    data = generate(40, seed=5, as_of=date.today())
    rows = data.records[feed_key(POLICE)].head(3)
    path = tmp_path / "police.csv"
    rows.to_csv(path, index=False)
    with fresh_store(tmp_path / "store") as env:
        ingest = _accord(["feeds", "ingest", POLICE.partner, POLICE.dataset, str(path)], env)
        assert ingest.returncode == 0, ingest.stderr
        yield env


@pytest.mark.store
def test_link_run_on_three_police_rows_completes_and_says_it_did_not_train(
    police_store: dict[str, str], tmp_path: Path
) -> None:
    reports = tmp_path / "reports"
    out = _accord(["link", "run", "--reports", str(reports)], police_store)
    assert out.returncode == 0, out.stderr
    assert "3 records" in out.stdout
    assert "too little to train" in out.stdout
    assert "the default model" in out.stdout
    assert "EMTrainingException" not in out.stdout + out.stderr
    assert "Deterministic matching rules" not in out.stdout + out.stderr  # Splink's notes: the log
    logs = list(reports.glob("linkage-*.log"))
    assert len(logs) == 1
    assert "too little to train" in logs[0].read_text()
