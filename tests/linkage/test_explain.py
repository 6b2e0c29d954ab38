"""Every review pair explained: the match weight each comparison gave it, as data and as an
SVG waterfall, for the matching team only."""

from __future__ import annotations

import math
import uuid
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from accord.accounts.deps import current_actor
from accord.errors import NotFound
from accord.feeds.identifiers import write_frame
from accord.gate.types import AccessDenied, Actor
from accord.linkage import review, service
from accord.linkage.api import linkage_config
from accord.linkage.config import LinkageConfig
from accord.linkage.defaults import default_model
from accord.linkage.explain import explain, waterfall_svg
from accord.linkage.model import SAME_FAMILY
from accord.linkage.models import LinkageRun, ReviewPair
from accord.linkage.prepare import for_linking, prepare
from accord.linkage.samples import Labelled
from accord.register.load import load_file
from accord.register.registry import Registry, use_registry

pytestmark = pytest.mark.store

ROOT = Path(__file__).resolve().parents[2]
A = ("thames-valley-police", "crime-events")
B = ("oxfordshire-cc", "social-care")


def _two(febrl: Labelled, left: str, right: str) -> pd.DataFrame:
    ids = febrl.identifiers
    return ids.set_index("record_id").loc[[left, right]].reset_index()


def test_the_steps_add_up_to_the_queued_score(febrl: Labelled) -> None:
    pair = for_linking(prepare(_two(febrl, "febrl-a:rec-10-org", "febrl-b:rec-10-dup-0")))
    plain = explain(pair, default_model())
    total = sum(step["match_weight"] for step in plain["steps"])
    assert total == pytest.approx(plain["match_weight"], abs=1e-3)
    assert [s["comparison"] for s in plain["steps"]] == [
        "prior", "first_name", "surname", "dob", "location", "phone", "email",
    ]  # fmt: skip
    queued = explain(pair, default_model(), scored_weight=plain["match_weight"] + 1.5)
    assert queued["steps"][-1]["comparison"] == "term frequencies"
    assert queued["steps"][-1]["match_weight"] == pytest.approx(1.5, abs=1e-3)
    assert sum(s["match_weight"] for s in queued["steps"]) == pytest.approx(
        queued["match_weight"], abs=1e-3
    )


def _family(febrl: Labelled, forename: str, dob: str | None = None) -> pd.DataFrame:
    """Two records alike in everything but the forename (and the date of birth if given)."""
    pair = _two(febrl, "febrl-a:rec-10-org", "febrl-b:rec-10-dup-0")
    same = ["first_name", "surname", "dob", "address", "postcode"]
    pair.loc[1, same] = pair.loc[0, same].to_numpy()
    pair.loc[1, "first_name"] = forename
    if dob is not None:
        pair.loc[1, "dob"] = dob
    return pair


def test_a_household_member_shows_the_other_forename_as_strong_evidence_against(
    febrl: Labelled,
) -> None:
    explained = explain(
        for_linking(prepare(_family(febrl, "zebedee", "19011231"))), default_model()
    )
    forename = explained["steps"][1]
    assert forename["level"] == "Another forename, same surname"
    assert forename["match_weight"] < -20
    assert explained["match_probability"] < 0.5
    svg = waterfall_svg(explained)
    assert svg.startswith("<?xml")
    assert "Another forename, same surname" in svg
    assert "zebedee" not in svg.lower()


def test_twins_show_the_other_forename_with_the_weight_the_model_learned(
    febrl: Labelled,
) -> None:
    """Another forename with surname and date of birth equal is a level of its own, its
    weight estimated (twins are kept apart by accord.linkage.apart, not by the score)."""
    model = default_model()
    explained = explain(for_linking(prepare(_family(febrl, "zebedee"))), model)
    forename = explained["steps"][1]
    assert forename["level"] == SAME_FAMILY
    (level,) = (
        lv
        for c in model["comparisons"]
        for lv in c["comparison_levels"]
        if lv.get("label_for_charts") == SAME_FAMILY
    )
    assert not level.get("fix_m_probability")
    assert not level.get("fix_u_probability")
    assert forename["match_weight"] == pytest.approx(
        math.log2(level["m_probability"] / level["u_probability"]), abs=1e-3
    )
    assert SAME_FAMILY in waterfall_svg(explained)


@pytest.fixture
def tvt() -> Iterator[Registry]:
    register = load_file(ROOT / "registers" / "tvt.yaml")
    with use_registry(Registry({register.id: register})) as registry:
        yield registry


def _actor(registry: Registry, role: str) -> Actor:
    held = registry.role("tvt", role)
    return Actor(
        id=uuid.uuid4(),
        kind="user",
        organisation=A[0],
        roles=frozenset({held.id}),
        permissions=frozenset(held.permissions),
    )


@pytest.fixture
def queued(session: Session, tvt: Registry, febrl: Labelled) -> ReviewPair:
    ids = febrl.identifiers[febrl.identifiers["record_id"].str.contains(r"rec-1\d\d-")].copy()
    in_b = ids["partner"] == "febrl-b"
    ids["partner"] = [B[0] if b else A[0] for b in in_b]
    ids["dataset"] = [B[1] if b else A[1] for b in in_b]
    dates = pd.to_datetime(ids["dob"], format="%Y%m%d", errors="coerce")
    ids["dob"] = [d.date() if pd.notna(d) else None for d in dates]
    write_frame(session, ids, register="tvt")
    service.run(
        session,
        actor=_actor(tvt, "partnership-analyst"),
        config=LinkageConfig(review_lower=0.01),
        index_key="test-index-key",
    )
    pair = session.scalars(select(ReviewPair).order_by(ReviewPair.match_weight.desc())).first()
    assert pair is not None
    return pair


def test_a_queued_pair_is_explained_from_the_store(
    session: Session, tvt: Registry, queued: ReviewPair
) -> None:
    explained = review.explanation(
        session,
        actor=_actor(tvt, "partnership-analyst"),
        config=LinkageConfig(),
        pair_id=queued.id,
    )
    assert explained["record_id_l"] == queued.record_id_l
    assert explained["match_weight"] == pytest.approx(queued.match_weight, abs=1e-3)
    assert sum(s["match_weight"] for s in explained["steps"]) == pytest.approx(
        queued.match_weight, abs=1e-2
    )


def test_only_the_matching_team_sees_explanations(
    session: Session, tvt: Registry, queued: ReviewPair
) -> None:
    others = [r.id for r in tvt.get("tvt").roles if r.id != "partnership-analyst"]
    assert others
    with pytest.raises(AccessDenied):
        review.explanation(
            session, actor=_actor(tvt, others[0]), config=LinkageConfig(), pair_id=queued.id
        )
    with pytest.raises(NotFound):
        review.explanation(
            session,
            actor=_actor(tvt, "partnership-analyst"),
            config=LinkageConfig(),
            pair_id=uuid.uuid4(),
        )


def test_the_api_gives_json_and_svg_and_refuses_others(
    app: FastAPI, client: TestClient, analyst: Actor, outsider: Actor, session: Session
) -> None:
    app.dependency_overrides[linkage_config] = lambda: LinkageConfig(
        register="lt", owner_organisation="police"
    )
    run = LinkageRun(
        kind="full", status="finished", engine="duckdb", started_by="t", config={},
        model=default_model(),
    )  # fmt: skip
    session.add(run)
    session.flush()
    pair = ReviewPair(
        record_id_l="gone-a", record_id_r="gone-b", match_weight=2.0, match_probability=0.8,
        run_id=run.id,
    )  # fmt: skip
    session.add(pair)
    session.flush()
    app.dependency_overrides[current_actor] = lambda: outsider
    assert client.get(f"/api/linkage/review/{pair.id}/explanation").status_code == 403
    assert client.get(f"/api/linkage/review/{pair.id}/explanation.svg").status_code == 403
    app.dependency_overrides[current_actor] = lambda: analyst
    assert client.get(f"/api/linkage/review/{uuid.uuid4()}/explanation").status_code == 404
    # the partner has since deleted the records: nothing left to explain
    assert client.get(f"/api/linkage/review/{pair.id}/explanation").status_code == 410
