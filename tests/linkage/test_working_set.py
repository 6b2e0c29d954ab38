"""Incremental runs from the store: sealed working sets instead of re-reading every record."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from accord.feeds.crypto import destroy_dataset_key
from accord.feeds.identifiers import delete_rows, write_frame
from accord.gate.types import Actor
from accord.linkage import service
from accord.linkage.config import LinkageConfig
from accord.linkage.models import PersonId, WorkingSet
from accord.linkage.samples import Labelled
from accord.register.load import load_file
from accord.register.registry import Registry, use_registry

from .conftest import person_number

KEY = "test-index-key"
ROOT = Path(__file__).resolve().parents[2]
# FEBRL's two files stand in for two TVT partners' datasets
A = ("thames-valley-police", "crime-events")
B = ("oxfordshire-cc", "social-care")


@pytest.fixture
def tvt() -> Iterator[Registry]:
    register = load_file(ROOT / "registers" / "tvt.yaml")
    with use_registry(Registry({register.id: register})) as registry:
        yield registry


@pytest.fixture
def matcher(tvt: Registry) -> Actor:
    role = tvt.role("tvt", "partnership-analyst")
    return Actor(
        id=uuid.uuid4(),
        kind="system",
        organisation=A[0],
        roles=frozenset({role.id}),
        permissions=frozenset(role.permissions),
        name="tests",
    )


def _people(session: Session) -> pd.Series:
    rows = session.execute(select(PersonId.record_id, PersonId.person_id)).all()
    return pd.Series(dict(rows))


def _link(session: Session, actor: Actor, **kw: object) -> object:
    return service.run(session, actor=actor, config=LinkageConfig(), index_key=KEY, **kw)  # type: ignore[arg-type]


def _split(febrl: Labelled) -> tuple[pd.DataFrame, pd.Series]:
    ids = febrl.identifiers.copy()
    in_b = ids["partner"] == "febrl-b"
    late = in_b & (person_number(ids["record_id"]) >= 1150)
    ids["partner"] = [B[0] if b else A[0] for b in in_b]
    ids["dataset"] = [B[1] if b else A[1] for b in in_b]
    # the store holds dates; FEBRL's are YYYYMMDD text, some invalid
    dates = pd.to_datetime(ids["dob"], format="%Y%m%d", errors="coerce")
    ids["dob"] = [d.date() if pd.notna(d) else None for d in dates]
    return ids, late


def test_full_run_from_the_store_leaves_one_sealed_set_per_dataset(
    session: Session, matcher: Actor, febrl: Labelled
) -> None:
    ids, _ = _split(febrl)
    write_frame(session, ids, register="tvt")
    _link(session, matcher)
    sets = session.scalars(select(WorkingSet)).all()
    assert {(s.partner, s.dataset) for s in sets} == {A, B}
    assert sum(s.records for s in sets) == len(ids)
    surname = str(ids["surname"].dropna().iloc[0]).lower()
    assert all(surname.encode() not in s.sealed for s in sets)  # sealed, not plain Parquet


def test_incremental_run_reads_only_what_the_partners_changed(
    session: Session, matcher: Actor, febrl: Labelled
) -> None:
    ids, late = _split(febrl)
    early = ids[~late]
    write_frame(session, early, register="tvt")
    _link(session, matcher)
    before = _people(session)
    # the partners' systems change: late records arrive, one person moves, one record goes
    write_frame(session, ids[late], register="tvt")
    moved = early.iloc[[0]].assign(address="1 new street")
    write_frame(session, moved, register="tvt")
    gone = str(early["record_id"].iloc[1])
    delete_rows(session, [gone])
    run = _link(session, matcher, incremental=True)
    assert run.report["run"]["from_working_sets"]  # type: ignore[attr-defined]
    assert run.delta_records == int(late.sum()) + 1  # type: ignore[attr-defined]
    after = _people(session)
    assert gone not in after.index  # the partner's deletion reaches the person ids
    untouched = before.drop([gone, str(moved["record_id"].iloc[0])])
    assert after.reindex(untouched.index).equals(untouched)
    arrived = after[ids.loc[late, "record_id"]]
    counterpart = arrived.index.str.replace("febrl-b:", "febrl-a:").str.replace("-dup-0", "-org")
    assert (arrived.to_numpy() == before.reindex(counterpart).to_numpy()).mean() >= 0.95
    # the run rewrote the sets: nothing is new to the next one
    again = _link(session, matcher, incremental=True)
    assert again.delta_records == 0  # type: ignore[attr-defined]
    assert _people(session).equals(after)


def test_without_a_usable_set_the_run_reads_the_store_and_drops_the_sets(
    session: Session, matcher: Actor, febrl: Labelled
) -> None:
    ids, late = _split(febrl)
    write_frame(session, ids[~late], register="tvt")
    _link(session, matcher)
    # febrl-b's key is destroyed (crypto-shredding): its rows and its set are unreadable
    destroy_dataset_key(session, register="tvt", partner=B[0], dataset=B[1])
    run = _link(session, matcher, incremental=True)
    assert not run.report["run"]["from_working_sets"]  # type: ignore[attr-defined]
    assert run.records == int((ids[~late]["partner"] == A[0]).sum())  # type: ignore[attr-defined]
    assert session.scalar(select(func.count()).select_from(WorkingSet)) == 0


def test_a_run_on_given_identifiers_drops_sets_that_no_longer_match(
    session: Session, matcher: Actor, febrl: Labelled
) -> None:
    ids, late = _split(febrl)
    write_frame(session, ids, register="tvt")
    _link(session, matcher)
    _link(session, matcher, identifiers=ids[~late])
    assert session.scalar(select(func.count()).select_from(WorkingSet)) == 0
