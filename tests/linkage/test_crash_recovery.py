"""`accord link run` killed at every step: the store keeps the last finished run's results,
and the next run completes with the same people as a run never interrupted.

Linkage writes person ids, the review queue, working sets and its run record in one
transaction, committed at the end; the checkpoints sit between those writes.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from accord.feeds.models import FeedIdentity
from accord.linkage.models import LinkageRun, PersonId, ReviewPair, WorkingSet
from accord.store.engine import make_engine
from accord.store.faults import CRASH_STATUS
from accord.synthetic.partners import generate
from feeds.crashes import fresh_store, run_accord

# Run again on PostgreSQL by `make test-pg`: the stores these tests make follow the suite's database.
pytestmark = pytest.mark.store

LINK_STEPS = [
    "linkage.after-person-ids",
    "linkage.after-review-queue",
    "linkage.after-working-sets",
    "linkage.after-flush",
    "linkage.after-report",
]


@dataclass(frozen=True)
class Linked:
    runs: list[tuple[str, str]]  # (kind, status), oldest first
    people: dict[str, str]  # record id -> person id
    records: set[str]  # partner records held
    working_sets: int
    review_pairs: int

    @property
    def partition(self) -> set[frozenset[str]]:
        groups: dict[str, set[str]] = {}
        for record, person in self.people.items():
            groups.setdefault(person, set()).add(record)
        return {frozenset(g) for g in groups.values()}


def _read(env: dict[str, str]) -> Linked:
    engine = make_engine(env["ACCORD_DATABASE_URL"])
    try:
        with Session(engine) as session:
            return Linked(
                runs=[
                    (r.kind, r.status)
                    for r in session.execute(
                        select(LinkageRun.kind, LinkageRun.status).order_by(LinkageRun.started_at)
                    )
                ],
                people={
                    r.record_id: r.person_id
                    for r in session.execute(select(PersonId.record_id, PersonId.person_id))
                },
                records=set(session.scalars(select(FeedIdentity.record_id))),
                working_sets=int(session.scalar(select(func.count()).select_from(WorkingSet)) or 0),
                review_pairs=int(session.scalar(select(func.count()).select_from(ReviewPair)) or 0),
            )
    finally:
        engine.dispose()


@pytest.fixture
def fed_store(tmp_path: Path) -> Iterator[dict[str, str]]:
    """A store holding a small synthetic partnership's records, ingested by the CLI."""
    data = generate(240, seed=11, as_of=date.today())
    with fresh_store(tmp_path / "store") as env:
        for key, path in data.write(tmp_path / "deliveries").items():
            partner, dataset = key.split("/")
            if key in data.records:
                assert run_accord(["feeds", "ingest", partner, dataset, str(path)], env) == 0
        yield env


def test_link_run_killed_at_each_step_then_completes_consistently(
    fed_store: dict[str, str], tmp_path: Path
) -> None:
    run = ["link", "run", "--reports", str(tmp_path / "reports")]
    assert run_accord(run, fed_store) == 0
    first = _read(fed_store)
    assert first.runs == [("full", "finished")]
    assert set(first.people) == first.records
    assert first.working_sets > 0

    finished = 1
    for step in LINK_STEPS:
        before = _read(fed_store)
        assert run_accord(run, fed_store, crash_at=step) == CRASH_STATUS, step
        # nothing of the killed run was kept: the last finished run's results stand
        assert _read(fed_store) == before, step

        assert run_accord(run, fed_store) == 0, step
        finished += 1
        again = _read(fed_store)
        assert again.runs == [("full", "finished")] * finished, step
        assert set(again.people) == again.records, step
        assert again.partition == first.partition, step
        assert again.working_sets == first.working_sets, step
        assert again.review_pairs == first.review_pairs, step


def test_incremental_run_killed_at_each_step_then_links_the_delta(
    fed_store: dict[str, str], tmp_path: Path
) -> None:
    from accord.synthetic.tvt import POLICE, feed_key

    assert run_accord(["link", "run", "--reports", str(tmp_path / "reports")], fed_store) == 0
    police = generate(240, seed=11, as_of=date.today()).records[feed_key(POLICE)]
    incremental = ["link", "run", "--incremental", "--reports", str(tmp_path / "reports")]
    for n, step in enumerate(LINK_STEPS):
        # a delta of five new records (copies of known people under new keys)
        delta = police.head(5).copy()
        delta[POLICE.key] = [f"{key}-D{n}" for key in delta[POLICE.key]]
        path = tmp_path / f"delta-{n}.csv"
        delta.to_csv(path, index=False)
        ingest = ["feeds", "ingest", POLICE.partner, POLICE.dataset, str(path)]
        assert run_accord(ingest, fed_store) == 0
        before = _read(fed_store)
        assert len(before.records - set(before.people)) == 5

        assert run_accord(incremental, fed_store, crash_at=step) == CRASH_STATUS, step
        assert _read(fed_store) == before, step

        assert run_accord(incremental, fed_store) == 0, step
        after = _read(fed_store)
        assert after.runs == [*before.runs, ("incremental", "finished")], step
        assert set(after.people) == after.records, step
        # the earlier records keep their person ids
        assert {r: after.people[r] for r in before.people} == before.people, step
