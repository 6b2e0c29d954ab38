"""Runs through the gate and the store: person ids, reports, review decisions, incremental."""

from __future__ import annotations

import json
import uuid
from pathlib import Path

import pandas as pd
import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from accord.gate.types import AccessDenied, Actor
from accord.linkage import persist, review, service
from accord.linkage.config import LinkageConfig
from accord.linkage.models import LinkageRun, PersonId, ReviewPair
from accord.linkage.samples import Labelled

from .conftest import person_number

KEY = "test-index-key"


def _people(session: Session) -> pd.Series:
    rows = session.execute(select(PersonId.record_id, PersonId.person_id)).all()
    return pd.Series(dict(rows))


def _run(
    session: Session, actor: Actor, config: LinkageConfig, frame: pd.DataFrame, **kw: object
) -> LinkageRun:
    return service.run(session, actor=actor, config=config, index_key=KEY, identifiers=frame, **kw)  # type: ignore[arg-type]


def test_full_run_writes_person_ids_report_and_files(
    session: Session, analyst: Actor, config: LinkageConfig, febrl: Labelled, tmp_path: Path
) -> None:
    run = _run(session, analyst, config, febrl.identifiers, truth=febrl.truth, reports_dir=tmp_path)
    assert run.status == "finished"
    assert run.kind == "full"
    assert run.model is not None
    assert session.scalar(select(func.count()).select_from(PersonId)) == len(febrl.identifiers)
    report = run.report
    assert report is not None
    assert report["counts"]["records"] == 2_500
    assert report["counts"]["people"] == run.people
    assert report["accuracy"]["f1"] >= 0.97
    assert report["accuracy"]["blocking_recall"] >= 0.98
    assert report["cluster_sizes"]["largest"][0] <= config.max_cluster_size
    assert sum(b["count"] for b in report["match_weight_histogram"]) == run.comparisons
    queued = session.scalar(select(func.count()).select_from(ReviewPair))
    assert queued == report["counts"]["review_pairs_added"]
    saved = json.loads((tmp_path / f"linkage-{run.id}.json").read_text())
    assert saved["counts"] == report["counts"]
    md = (tmp_path / f"linkage-{run.id}.md").read_text()
    assert "## Cluster sizes" in md
    assert "precision" in md
    assert "Match weight distribution" in md


def test_review_decisions_survive_a_rerun(
    session: Session, analyst: Actor, config: LinkageConfig, febrl: Labelled
) -> None:
    first = _run(session, analyst, config, febrl.identifiers)
    ids = _people(session)
    same = ("febrl-a:rec-10-org", "febrl-b:rec-10-dup-0")
    different = ("febrl-a:rec-11-org", "febrl-a:rec-12-org")
    assert ids[same[0]] == ids[same[1]]
    assert ids[different[0]] != ids[different[1]]
    pairs = pd.DataFrame(
        [(*same, 3.0, 0.8), (*different, 2.0, 0.7)],
        columns=["record_id_l", "record_id_r", "match_weight", "match_probability"],
    )
    persist.queue_review(session, pairs=pairs, run_id=first.id, replace_open=False)
    queue = review.list_pairs(session, actor=analyst, config=config)
    by_records = {(p.record_id_l, p.record_id_r): p for p in queue}
    review.decide(
        session,
        actor=analyst,
        config=config,
        pair_id=by_records[same].id,
        decision="reject",
        note="different DOB on file",
    )
    review.decide(
        session, actor=analyst, config=config, pair_id=by_records[different].id, decision="accept"
    )

    _run(session, analyst, config, febrl.identifiers)
    ids = _people(session)
    assert ids[same[0]] != ids[same[1]]
    assert ids[different[0]] == ids[different[1]]
    decided = session.scalars(select(ReviewPair).where(ReviewPair.status == "decided")).all()
    assert {(p.decision, p.note) for p in decided} == {
        ("reject", "different DOB on file"),
        ("accept", None),
    }
    assert all(p.decided_by == str(analyst.id) for p in decided)


def test_incremental_run_links_only_the_delta(
    session: Session, analyst: Actor, config: LinkageConfig, febrl: Labelled
) -> None:
    ids = febrl.identifiers
    late = (ids["partner"] == "febrl-b") & (person_number(ids["record_id"]) >= 1150)
    _run(session, analyst, config, ids[~late])
    before = _people(session)
    run = _run(session, analyst, config, ids, incremental=True)
    assert run.kind == "incremental"
    assert run.delta_records == int(late.sum())
    after = _people(session)
    assert after.reindex(before.index).equals(before)  # nobody already linked moved
    arrived = after[ids.loc[late, "record_id"]]
    counterpart = arrived.index.str.replace("febrl-b:", "febrl-a:").str.replace("-dup-0", "-org")
    assert (arrived.to_numpy() == before.reindex(counterpart).to_numpy()).mean() >= 0.95
    # a changed record is part of the next delta, nothing else is
    moved = ids.copy()
    moved.loc[moved.index[0], "address"] = "1 new street"
    again = _run(session, analyst, config, moved, incremental=True)
    assert again.delta_records == 1


def test_incremental_needs_a_full_run_first(
    session: Session, analyst: Actor, config: LinkageConfig, febrl: Labelled
) -> None:
    with pytest.raises(service.LinkageError, match="run a full linkage first"):
        _run(session, analyst, config, febrl.identifiers.head(10), incremental=True)


def test_roles_without_linkage_permissions_are_refused(
    session: Session, outsider: Actor, config: LinkageConfig, febrl: Labelled
) -> None:
    with pytest.raises(AccessDenied):
        _run(session, outsider, config, febrl.identifiers.head(10))
    with pytest.raises(AccessDenied):
        service.status(session, actor=outsider, config=config)
    with pytest.raises(AccessDenied):
        review.decide(
            session, actor=outsider, config=config, pair_id=uuid.uuid4(), decision="accept"
        )
    assert session.scalar(select(func.count()).select_from(LinkageRun)) == 0
